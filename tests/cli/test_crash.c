/*
 * Crash safety of update-baseline: kill -9 at random moments (the baseline is always the old or
 * the new file, whole), a full disk (ENOSPC) and a file size limit (the old file stays), and
 * concurrent updates (the lock: no update is lost).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memgate/history.h"
#include "fixtures.h"
#include "run.h"

extern char **environ;

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"

TestSuite(crash, .init = mg_enter_tempdir, .fini = mg_leave_tempdir, .timeout = 240);

/* Start update-baseline without waiting; output goes to /dev/null. */
static pid_t start_update(const char *profile, const char *workload, const char *slow_us)
{
    char slow[64];
    const char *argv[] = {MEMGATE_BIN, "update-baseline",    profile,       "--approve", "--commit",
                          "c0ffee00",  "--allow-regression", "--no-config", NULL,        NULL,
                          NULL};
    char **env;
    size_t n = 0, i;
    posix_spawn_file_actions_t fa;
    pid_t pid;

    if (workload) {
        argv[8] = "--workload";
        argv[9] = workload;
    }
    for (i = 0; environ[i]; i++)
        n++;
    env = calloc(n + 4, sizeof(*env));
    for (i = 0, n = 0; environ[i]; i++)
        if (strncmp(environ[i], "GITHUB_", 7) && strncmp(environ[i], "GITLAB_", 7) &&
            strncmp(environ[i], "CI", 2) && strncmp(environ[i], "MEMGATE_", 8))
            env[n++] = environ[i];
    env[n++] = "SOURCE_DATE_EPOCH=1767225600";
    snprintf(slow, sizeof(slow), "MEMGATE_TEST_SLOW_WRITE_US=%s", slow_us);
    env[n++] = slow;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    cr_assert_eq(posix_spawn(&pid, MEMGATE_BIN, &fa, NULL, (char **)argv, env), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    return pid;
}

static int finish(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Temporary files not seen before: each is a writer killed between mkstemp and rename. */
static unsigned new_temp_files(const char *dir, char seen[][64], unsigned *n_seen, unsigned cap)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned fresh = 0, i;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL) {
        if (!strstr(de->d_name, ".tmp."))
            continue;
        for (i = 0; i < *n_seen; i++)
            if (!strcmp(seen[i], de->d_name))
                break;
        if (i == *n_seen && *n_seen < cap) {
            snprintf(seen[(*n_seen)++], 64, "%s", de->d_name);
            fresh++;
        }
    }
    closedir(d);
    return fresh;
}

static unsigned count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned n = 0;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL)
        n += strstr(de->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* What a completed update with this profile writes (everything in it is deterministic). */
static char *expected_text(const char *profile)
{
    char *saved = getcwd(NULL, 0), *dir = mg_tempdir(), *text;
    cr_assert_eq(chdir(dir), 0);
    cr_assert_eq(finish(start_update(profile, NULL, "0")), 0);
    text = mg_slurp(".pmat-metrics/memory-baseline.json", NULL);
    cr_assert_eq(chdir(saved), 0);
    free(saved);
    free(dir);
    cr_assert_not_null(text);
    return text;
}

/*
 * Microseconds between the 64-byte pieces of the temporary file: about 1.4 KB in 22 pieces
 * makes the write some 30 ms of a run, so a good part of the random kills land inside it.
 */
#define SLOW "1500"

Test(crash, kill_9_at_random_moments_leaves_old_or_new_never_a_mix)
{
    const char *profiles[2] = {mg_testdata(BASE), mg_testdata(REGRESSED)};
    char *texts[2] = {expected_text(profiles[0]), expected_text(profiles[1])};
    const char *path = ".pmat-metrics/memory-baseline.json";
    unsigned state, i, killed = 0, completed = 0, became_new = 0, torn = 0, n_seen = 0;
    static char seen[128][64];
    double t0, runtime;
    mg_history h;
    mg_error err;

    cr_assert_str_neq(texts[0], texts[1]);
    /* the first baseline, then how long one slowed-down update takes */
    cr_assert_eq(finish(start_update(profiles[0], NULL, "0")), 0);
    t0 = now_s();
    cr_assert_eq(finish(start_update(profiles[1], NULL, SLOW)), 0);
    runtime = now_s() - t0;
    state = 1;
    srand(20261125);
    for (i = 0; i < 100; i++) {
        unsigned target = state ^ 1;
        /* anywhere from the start to a little past the usual end of a run */
        long delay = (long)(runtime * 1.2e6 * (double)rand() / RAND_MAX);
        pid_t pid = start_update(profiles[target], NULL, SLOW);
        char *now;
        int status;
        sleep_us(delay);
        kill(pid, SIGKILL);
        status = finish(pid);
        killed += status == 128 + SIGKILL;
        completed += status == 0;
        now = mg_slurp(path, NULL);
        cr_assert_not_null(now, "iteration %u: the baseline is gone", i);
        cr_assert(!strcmp(now, texts[state]) || !strcmp(now, texts[target]),
                  "iteration %u (kill after %ld us): the baseline is neither the old nor the new "
                  "file:\n%s",
                  i, delay, now);
        cr_assert_not_null(json_loads(now, 0, NULL), "iteration %u: not JSON", i);
        if (!strcmp(now, texts[target])) {
            state = target;
            became_new++;
        }
        free(now);
        torn += new_temp_files(".pmat-metrics", seen, &n_seen, 128);
    }
    /* the history stays readable (a torn last line is skipped) */
    mg_error_init(&err);
    cr_expect_eq(mg_history_load(&h, ".pmat-metrics/memory-history.jsonl", &err), 0, "%s", err.msg);
    mg_history_release(&h);
    /* writers killed inside the write left temporary files: proof the kills landed there */
    cr_expect(torn >= 10, "only %u kills landed while the new baseline was being written", torn);
    /* the next update cleans up what the dead writers left */
    cr_expect_eq(finish(start_update(profiles[0], NULL, "0")), 0);
    cr_expect_eq(count_temp_files(".pmat-metrics"), 0);
    cr_expect(killed > 30, "only %u of 100 runs were killed mid-way (runtime %.3f s)", killed,
              runtime);
    cr_expect(became_new > 5 && became_new < 95, "the kill moments did not spread: %u new",
              became_new);
    cr_log_info("kill -9: %u killed (%u inside the write), %u completed, %u left the new file "
                "(run %.1f ms)",
                killed, torn, completed, became_new, runtime * 1000);
    free(texts[0]);
    free(texts[1]);
}

Test(crash, concurrent_updates_never_lose_one)
{
    static const char *const names[] = {"w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"};
    pid_t pids[8];
    json_t *b, *wls;
    mg_history h;
    mg_error err;
    size_t i;

    cr_assert_eq(finish(start_update(mg_testdata(BASE), NULL, "0")), 0);
    /* eight read-modify-write cycles of one file, each slowed down so they would overlap */
    for (i = 0; i < 8; i++)
        pids[i] = start_update(mg_testdata(i % 2 ? REGRESSED : BASE), names[i], "200");
    for (i = 0; i < 8; i++)
        cr_expect_eq(finish(pids[i]), 0, "update %zu failed", i);
    b = json_load_file(".pmat-metrics/memory-baseline.json", 0, NULL);
    cr_assert_not_null(b);
    wls = json_object_get(b, "workloads");
    cr_expect_eq(json_object_size(wls), 8, "an update was lost: %zu workloads",
                 json_object_size(wls));
    for (i = 0; i < 8; i++)
        cr_expect_not_null(json_object_get(wls, names[i]), "%s lost", names[i]);
    json_decref(b);
    mg_error_init(&err);
    cr_assert_eq(mg_history_load(&h, ".pmat-metrics/memory-history.jsonl", &err), 0);
    cr_expect_eq(h.n, 9, "one history line per update");
    mg_history_release(&h);
}

static void expect_intact_after_write_failure(const char *dir, const char *old,
                                              const char *old_hist, const char *errno_text)
{
    const char *argv[] = {"update-baseline",    mg_testdata(REGRESSED), "--approve",
                          "--allow-regression", "--no-config",          NULL};
    char path[4300], hist[4300], *now;
    mg_run r;
    snprintf(path, sizeof(path), "%s/.pmat-metrics/memory-baseline.json", dir);
    snprintf(hist, sizeof(hist), "%s/.pmat-metrics/memory-history.jsonl", dir);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 4, "exit %d: %s", r.status, r.err);
    cr_expect(strstr(r.err, errno_text) != NULL, "%s", r.err);
    now = mg_slurp(path, NULL);
    cr_expect_str_eq(now, old, "the old baseline changed");
    free(now);
    now = mg_slurp(hist, NULL);
    cr_expect_str_eq(now, old_hist, "the history changed");
    free(now);
    mg_run_release(&r);
}

/* A first baseline recorded the normal way; its file and history as they are (caller frees). */
static void record_first(char **old, char **old_hist)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE), "--approve", "--no-config", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    *old = mg_slurp(".pmat-metrics/memory-baseline.json", NULL);
    *old_hist = mg_slurp(".pmat-metrics/memory-history.jsonl", NULL);
}

/* The full disk without a mount: every write memgate makes under .pmat-metrics fails with
   ENOSPC (LD_PRELOAD of the I/O shim, inherited through the environment). */
static void full_disk_through_the_shim(void)
{
    char *old, *old_hist;
    record_first(&old, &old_hist);
    cr_assert_not_null(mg_preload_path(MEMGATE_IO_SHIM));
    cr_assert_eq(setenv("LD_PRELOAD", mg_preload_path(MEMGATE_IO_SHIM), 1), 0);
    cr_assert_eq(setenv("MG_SHIM_WRITE_ENOSPC", "/.pmat-metrics/", 1), 0);
    cr_assert_eq(setenv("ASAN_OPTIONS", "detect_leaks=1:verify_asan_link_order=0", 1), 0);
    expect_intact_after_write_failure(mg_workdir(), old, old_hist, "No space left on device");
    cr_expect_eq(count_temp_files(".pmat-metrics"), 0, "a temporary file was left behind");
    unsetenv("LD_PRELOAD");
    free(old);
    free(old_hist);
}

Test(crash, full_disk_enospc_keeps_the_old_file)
{
    char *old, *old_hist, filler[4200];
    FILE *f;
    char block[4096];

    memset(block, 'x', sizeof(block));
    if (mount("memgate-test", mg_workdir(), "tmpfs", 0, "size=32k") != 0) {
        /* not root, or a container without CAP_SYS_ADMIN: the disk is full for memgate's
           writes under .pmat-metrics through the I/O shim instead (tests/shim/io_shim.c) */
        full_disk_through_the_shim();
        return;
    }
    cr_assert_eq(chdir("/"), 0);
    cr_assert_eq(chdir(mg_workdir()), 0); /* into the fresh mount */
    record_first(&old, &old_hist);
    /* fill the rest of the file system */
    snprintf(filler, sizeof(filler), "%s/filler", mg_workdir());
    f = fopen(filler, "w");
    while (f && fwrite(block, 1, sizeof(block), f) == sizeof(block) && fflush(f) == 0)
        ;
    if (f)
        fclose(f);
    expect_intact_after_write_failure(mg_workdir(), old, old_hist, "No space left on device");
    cr_expect_eq(count_temp_files(".pmat-metrics"), 0, "a temporary file was left behind");
    free(old);
    free(old_hist);
    cr_assert_eq(chdir("/"), 0);
    umount(mg_workdir());
}

Test(crash, file_size_limit_keeps_the_old_file)
{
    struct rlimit small = {600, 600};
    char *old, *old_hist;
    record_first(&old, &old_hist);
    /* inherited by the child: writes past 600 bytes fail with EFBIG instead of killing it */
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    expect_intact_after_write_failure(mg_workdir(), old, old_hist, "File too large");
    cr_expect_eq(count_temp_files(".pmat-metrics"), 0, "a temporary file was left behind");
    free(old);
    free(old_hist);
}
