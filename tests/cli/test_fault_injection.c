/*
 * Durability of a baseline update, seen through an LD_PRELOAD shim (tests/shim/io_shim.c)
 * that logs every fsync and rename and fails chosen fsyncs with EIO (issue 13 #9): the new
 * baseline reaches the disk before it replaces the old one, the directory after, the history
 * line before the rename; and a failed fsync leaves both files as they were.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"
#define BASELINE ".pmat-metrics/memory-baseline.json"
#define HISTORY ".pmat-metrics/memory-history.jsonl"

static void enter_tempdir(void)
{
    mg_enter_tempdir();
    /* a preloaded library comes before the ASan runtime; ASan does not intercept fsync/rename */
    setenv("ASAN_OPTIONS", "detect_leaks=1:verify_asan_link_order=0", 1);
}

TestSuite(fault, .init = enter_tempdir, .fini = mg_leave_tempdir);

static char log_path[4200];

/* update-baseline under the shim; eio: fail fsync of paths containing it (NULL: none). */
static mg_run update(const char *profile, const char *eio)
{
    const char *argv[] = {"update-baseline", mg_testdata(profile), "--approve",
                          "--allow-regression", NULL};
    static char preload[4200], logvar[4300], eiovar[256];
    const char *env[] = {preload, logvar, eio ? eiovar : NULL, NULL};
    snprintf(log_path, sizeof(log_path), "%s/shim.log", mg_workdir());
    unlink(log_path);
    cr_assert_not_null(mg_preload_path(MEMGATE_IO_SHIM));
    snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", mg_preload_path(MEMGATE_IO_SHIM));
    snprintf(logvar, sizeof(logvar), "MG_SHIM_LOG=%s", log_path);
    snprintf(eiovar, sizeof(eiovar), "MG_SHIM_FSYNC_EIO=%s", eio ? eio : "");
    return mg_run_memgate(argv, env, NULL);
}

/* Index of the first log line at or after `from` that starts with `prefix` and ends with
   `suffix` (either may be ""), or -1. */
static int find_line(char **lines, int n, int from, const char *prefix, const char *suffix)
{
    for (int i = from < 0 ? 0 : from; i < n; i++) {
        size_t l = strlen(lines[i]), s = strlen(suffix);
        if (!strncmp(lines[i], prefix, strlen(prefix)) && l >= s &&
            !strcmp(lines[i] + l - s, suffix))
            return i;
    }
    return -1;
}

static int split_lines(char *text, char **lines, int max)
{
    int n = 0;
    for (char *line = strtok(text, "\n"); line && n < max; line = strtok(NULL, "\n"))
        lines[n++] = line;
    return n;
}

/* Nothing but the baseline and the history in .pmat-metrics: no temporary file stays. */
static void expect_no_leftovers(void)
{
    DIR *d = opendir(".pmat-metrics");
    struct dirent *e;
    cr_assert_not_null(d);
    while ((e = readdir(d)))
        cr_expect(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                      !strcmp(e->d_name, "memory-baseline.json") ||
                      !strcmp(e->d_name, "memory-history.jsonl"),
                  "left behind: %s", e->d_name);
    closedir(d);
}

Test(fault, new_baseline_is_synced_before_the_rename_and_the_directory_after)
{
    mg_run r = update(BASE, NULL);
    char *log, *lines[256], tmp_suffix[600], rename_prefix[600];
    int n, tmp, hist, ren, dir;
    const char *slash;
    cr_assert_eq(r.status, 0, "%s", r.err);
    log = mg_slurp(log_path, NULL);
    cr_assert_not_null(log, "the shim was not loaded (no log)");
    n = split_lines(log, lines, 256);
    /* the temporary file beside the baseline: "fsync
     * /abs/.pmat-metrics/memory-baseline.json.tmp.XXXXXX" */
    tmp = -1;
    for (int i = 0; i < n && tmp < 0; i++)
        if (!strncmp(lines[i], "fsync ", 6) && strstr(lines[i], "/" BASELINE ".tmp."))
            tmp = i;
    cr_assert_geq(tmp, 0, "the new baseline was never fsynced:\n%s", mg_slurp(log_path, NULL));
    slash = strrchr(lines[tmp], '/');
    snprintf(tmp_suffix, sizeof(tmp_suffix), "%s", slash);
    snprintf(rename_prefix, sizeof(rename_prefix), "rename %s", lines[tmp] + 6);
    ren = find_line(lines, n, tmp + 1, rename_prefix, "/" BASELINE);
    cr_expect_geq(ren, 0, "no rename of %s over the baseline after its fsync", tmp_suffix);
    hist = find_line(lines, n, 0, "fsync ", "/" HISTORY);
    cr_expect_geq(hist, 0, "the history line was never fsynced");
    cr_expect_lt(hist, ren, "the history line is synced before the baseline is replaced");
    dir = find_line(lines, n, ren + 1, "fsync ", "/.pmat-metrics");
    cr_expect_geq(dir, 0, "the directory was not fsynced after the rename");
    expect_no_leftovers();
    free(log);
    mg_run_release(&r);
}

/* A baseline is recorded, then update-baseline of the regressed run with EIO on the fsync of
   `eio`: exit 4 naming the I/O error (and `named`, if given), the old baseline and history
   byte for byte, no temporary file left. */
static void eio_keeps_the_old_files(const char *eio, const char *named)
{
    mg_run r = update(BASE, NULL);
    char *old_b, *old_h, *now_b, *now_h;
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    old_b = mg_slurp(BASELINE, NULL);
    old_h = mg_slurp(HISTORY, NULL);
    cr_assert(old_b && old_h);
    r = update(REGRESSED, eio);
    cr_expect_eq(r.status, 4, "%s", r.err);
    cr_expect(strstr(r.err, "Input/output error") != NULL, "%s", r.err);
    if (named)
        cr_expect(strstr(r.err, named) != NULL, "%s", r.err);
    now_b = mg_slurp(BASELINE, NULL);
    now_h = mg_slurp(HISTORY, NULL);
    cr_expect_str_eq(now_b, old_b);
    cr_expect_str_eq(now_h, old_h);
    expect_no_leftovers();
    free(old_b);
    free(old_h);
    free(now_b);
    free(now_h);
    mg_run_release(&r);
}

/* EIO on the new baseline's fsync: exit 4, the old baseline and history byte for byte. */
Test(fault, failed_fsync_of_the_new_baseline_keeps_the_old_files)
{
    eio_keeps_the_old_files(BASELINE ".tmp.", "memory-baseline.json");
}

/* EIO on the history's fsync: exit 4, the history cut back and the baseline not replaced. */
Test(fault, failed_fsync_of_the_history_keeps_the_old_files)
{
    eio_keeps_the_old_files(HISTORY, NULL);
}
