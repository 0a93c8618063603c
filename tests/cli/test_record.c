/*
 * The one recording path (mg_record_baseline): update-baseline, check --missing-baseline
 * bootstrap and init each write a baseline with hotspots, stacks and a history line, under the
 * lock; init's baseline is update-baseline's for the same profile.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

#define PROFILE "profiles/dhatrs-wordfreq-baseline-release.json"
#define BASELINE ".pmat-metrics/memory-baseline.json"
#define HISTORY ".pmat-metrics/memory-history.jsonl"
#define SDE "SOURCE_DATE_EPOCH=1767225600" /* 2026-01-01T00:00:00Z */

static const char *const env[] = {SDE, NULL};

/* A fresh project directory (removed at exit) as the current directory; a Cargo crate for init. */
static void enter_project(void)
{
    mg_enter_tempdir();
    cr_assert_eq(mg_spit("Cargo.toml", "[package]\nname = \"wordfreq\"\nversion = \"0.1.0\"\n"
                                       "edition = \"2021\"\n"),
                 0);
    cr_assert_eq(mkdir("src", 0755), 0);
    cr_assert_eq(mg_spit("src/lib.rs", "pub fn run() {}\n"), 0);
}

/* The three commands that record, each with the same profile. */
static const char *const update_argv[] = {"update-baseline", "--approve", "--commit",
                                          "abc1234",         NULL,        NULL};
static const char *const bootstrap_argv[] = {
    "check", "--missing-baseline", "bootstrap", "--approve", NULL, NULL};
static const char *const init_argv[] = {"init", "--commit", "abc1234", "--profile", NULL, NULL};

/* argv with the profile put in its NULL slot (static: valid until the next call). */
static const char *const *with_profile(const char *const *argv)
{
    static const char *out[8];
    size_t i;
    for (i = 0; argv[i]; i++)
        out[i] = argv[i];
    out[i] = mg_testdata(PROFILE);
    out[i + 1] = NULL;
    return out;
}

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    cr_assert(j, "%s: line %d: %s", path, e.line, e.text);
    return j;
}

/* What every recording path must leave: metrics, hotspots, stacks with the rule, one history line.
 */
static void expect_recorded(const char *how)
{
    json_t *b = load_json(BASELINE), *h, *stacks;
    char *hist = mg_slurp(HISTORY, NULL);
    size_t lines = 0;

    cr_expect_eq(json_integer_value(json_object_get(b, "peak_memory_bytes")), 3434884, "%s", how);
    cr_expect_str_eq(json_string_value(json_object_get(b, "measured_at")), "2026-01-01T00:00:00Z",
                     "%s: SOURCE_DATE_EPOCH is the timestamp", how);
    h = json_object_get(b, "hotspots");
    /* the profile's 7 own functions: fewer than the top 10, so nothing is left outside them */
    cr_expect(json_is_array(h) && json_array_size(h) == 7, "%s: hotspots", how);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(h, 0), "function")),
                     "memwl::gen_text", "%s", how);
    stacks = json_object_get(b, "stacks");
    cr_expect(json_is_array(stacks) && json_array_size(stacks) > 0, "%s: stacks", how);
    cr_expect_str_eq(json_string_value(json_object_get(b, "attribution")), "own", "%s", how);
    cr_expect_str_eq(json_string_value(json_object_get(b, "producer")), "dhat-rs", "%s", how);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(b, "environment"), "os")),
                     "Linux", "%s: the environment fingerprint", how);
    cr_assert(hist, "%s: no history file", how);
    for (const char *p = hist; (p = strchr(p, '\n')); p++)
        lines++;
    cr_expect_eq(lines, 1, "%s: one history line, got:\n%s", how, hist);
    cr_expect(strstr(hist, "\"measured_at\":\"2026-01-01T00:00:00Z\"") &&
                  strstr(hist, "\"peak_memory_bytes\":3434884"),
              "%s: %s", how, hist);
    free(hist);
    json_decref(b);
}

static void run_ok(const char *const *argv)
{
    mg_run r = mg_run_memgate(with_profile(argv), env, NULL);
    cr_assert_eq(r.status, 0, "%s exit %d\nout: %s\nerr: %s", argv[0], r.status, r.out, r.err);
    mg_run_release(&r);
}

Test(record, update_baseline_writes_stacks_and_history)
{
    enter_project();
    run_ok(update_argv);
    expect_recorded("update-baseline");
}

Test(record, check_bootstrap_writes_stacks_and_history)
{
    enter_project();
    run_ok(bootstrap_argv);
    expect_recorded("check --missing-baseline bootstrap");
}

Test(record, init_writes_stacks_and_history)
{
    json_t *b;

    enter_project();
    run_ok(init_argv);
    expect_recorded("init --profile");
    b = load_json(BASELINE);
    cr_expect_str_eq(json_string_value(json_object_get(b, "commit")), "abc1234");
    json_decref(b);
}

/* The baseline file and history line a command records, with its command line left out. */
static json_t *recorded_by(const char *const *argv, char **history)
{
    json_t *b;
    enter_project();
    run_ok(argv);
    b = load_json(BASELINE);
    cr_assert(json_object_get(b, "command_line"), "the command line is recorded");
    json_object_del(b, "command_line");
    *history = mg_slurp(HISTORY, NULL);
    return b;
}

Test(record, init_records_what_update_baseline_records)
{
    char *hist_u, *hist_i;
    json_t *u = recorded_by(update_argv, &hist_u), *i = recorded_by(init_argv, &hist_i);
    char *du = json_dumps(u, JSON_SORT_KEYS | JSON_INDENT(1)),
         *di = json_dumps(i, JSON_SORT_KEYS | JSON_INDENT(1));

    cr_expect_str_eq(di, du, "init's baseline differs from update-baseline's");
    cr_expect_str_eq(hist_i, hist_u, "and so does its history line");
    free(du);
    free(di);
    free(hist_u);
    free(hist_i);
    json_decref(u);
    json_decref(i);
}

/* Take the update lock as another writer would: flock on the baseline's directory. */
static int hold_lock(void)
{
    int fd;
    mkdir(".pmat-metrics", 0755);
    fd =
        open(".pmat-metrics", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* memgate must not inherit it */
    cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0);
    return fd;
}

/* Whether process pid has the directory dir open (it reached the lock: open, then flock). */
static bool has_open(pid_t pid, const char *dir)
{
    char want[PATH_MAX], link[64], got[PATH_MAX];
    ssize_t n;
    cr_assert(realpath(dir, want));
    for (int fd = 0; fd < 64; fd++) {
        snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
        if ((n = readlink(link, got, sizeof(got) - 1)) > 0) {
            got[n] = '\0';
            if (!strcmp(got, want))
                return true;
        }
    }
    return false;
}

/*
 * With the lock held elsewhere the command waits at the lock, writing nothing, and records
 * once it is released: the write happens under the lock, never beside another writer.
 */
static void waits_for_lock(const char *const *argv)
{
    struct timespec tick = {0, 10 * 1000 * 1000}, settle = {0, 300 * 1000 * 1000};
    int lock, status, i;
    mg_run_child c;
    mg_run r;

    enter_project();
    lock = hold_lock();
    c = mg_run_start(with_profile(argv), env, NULL);
    for (i = 0; i < 3000 && !has_open(c.pid, ".pmat-metrics"); i++)
        nanosleep(&tick, NULL);
    cr_assert_lt(i, 3000, "%s never reached the lock", argv[0]);
    nanosleep(&settle, NULL);
    cr_expect_eq(waitpid(c.pid, &status, WNOHANG), 0, "%s did not wait for the lock", argv[0]);
    cr_expect_neq(access(BASELINE, F_OK), 0, "%s wrote the baseline without the lock", argv[0]);
    cr_expect_neq(access(HISTORY, F_OK), 0, "%s wrote history without the lock", argv[0]);
    close(lock);
    r = mg_run_finish(&c);
    cr_assert_eq(r.status, 0, "%s exit %d: %s", argv[0], r.status, r.err);
    mg_run_release(&r);
    expect_recorded(argv[0]);
}

Test(record, update_baseline_waits_for_the_lock)
{
    waits_for_lock(update_argv);
}

Test(record, check_bootstrap_waits_for_the_lock)
{
    waits_for_lock(bootstrap_argv);
}

Test(record, init_waits_for_the_lock)
{
    waits_for_lock(init_argv);
}

/* update-baseline's --lock-timeout: given up, with nothing written. */
Test(record, update_baseline_gives_up_on_a_held_lock)
{
    const char *argv[] = {"update-baseline",    "--approve", "--lock-timeout", "0",
                          mg_testdata(PROFILE), NULL};
    int lock;
    mg_run r;

    enter_project();
    lock = hold_lock();
    r = mg_run_memgate(argv, env, NULL);
    cr_expect_eq(r.status, 4, "exit %d: %s", r.status, r.err);
    cr_expect(strstr(r.err, "another update holds the lock") != NULL, "%s", r.err);
    cr_expect_neq(access(BASELINE, F_OK), 0);
    cr_expect_neq(access(HISTORY, F_OK), 0);
    mg_run_release(&r);
    close(lock);
}
