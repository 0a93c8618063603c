/*
 * Strings memgate reads from a baseline, its history and a reviewed exception are the pull
 * request's: text and JUnit reports must not let them forge a CI workflow command
 * ("::error ...::" at a line start) or a terminal escape (OSC, CSI, BEL) (issue 13 #3).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"

/* JSON-escaped: a workflow command on its own line, a window-title OSC, BEL, CSI and C1 CSI */
#define HOSTILE_JSON                                                                               \
    "x\\n::error file=a.c,line=1::forged\\r\\n::warning::w\\u001b]0;title\\u0007\\u001b[2J"        \
    "\\u009b31m"

static char *workdir;

static void enter_tempdir(void)
{
    workdir = mg_tempdir();
    cr_assert_eq(chdir(workdir), 0);
}

static void leave_tempdir(void)
{
    free(workdir);
}

TestSuite(hostile, .init = enter_tempdir, .fini = leave_tempdir);

/* No line that starts a workflow command, no ESC, BEL or C1 control in what memgate printed. */
static void assert_clean(const char *what, const char *s)
{
    for (const char *p = s; p; p = strchr(p, '\n')) {
        p += *p == '\n';
        cr_expect(strncmp(p, "::", 2) != 0, "%s: a workflow command line:\n%s", what, s);
    }
    cr_expect_null(strchr(s, '\x1b'), "%s: ESC in\n%s", what, s);
    cr_expect_null(strchr(s, '\x07'), "%s: BEL in\n%s", what, s);
    cr_expect_null(strchr(s, '\r'), "%s: CR in\n%s", what, s);
    cr_expect_null(strstr(s, "\xC2\x9B"), "%s: C1 CSI in\n%s", what, s);
}

static void hostile_baseline_and_history(void)
{
    cr_assert_eq(mkdir(".pmat-metrics", 0755), 0);
    cr_assert_eq(mg_spit(".pmat-metrics/memory-baseline.json",
                         "{\"total_allocations_bytes\": 6300564, \"peak_memory_bytes\": 3434884,"
                         " \"allocation_count\": 498233, \"measured_at\": \"" HOSTILE_JSON "\","
                         " \"commit\": \"" HOSTILE_JSON "\", \"hotspots_other_bytes\": 0,"
                         " \"hotspots\": [{\"function\": \"" HOSTILE_JSON "\","
                         " \"total_bytes\": 999999}]}"),
                 0);
    cr_assert_eq(mg_spit(".pmat-metrics/memory-history.jsonl",
                         "{\"peak_memory_bytes\": 3434884, \"total_allocations_bytes\": 6300564,"
                         " \"commit\": \"" HOSTILE_JSON "\", \"measured_at\": \"" HOSTILE_JSON
                         "\", \"anchor\": true}\n"),
                 0);
}

Test(hostile, baseline_and_history_strings_cannot_forge_log_lines)
{
    const char *formats[] = {"text", "junit", "json", "markdown"};
    hostile_baseline_and_history();
    for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
        const char *argv[] = {"check", mg_testdata(BASE), "--format", formats[i], NULL};
        mg_run r = mg_run_memgate(argv, NULL, NULL);
        cr_expect_eq(r.status, 0, "%s: %s", formats[i], r.err);
        /* the strings are still shown, made harmless */
        cr_expect(strstr(r.out, "forged") || i > 0, "%s:\n%s", formats[i], r.out);
        assert_clean(formats[i], r.out);
        assert_clean(formats[i], r.err);
        mg_run_release(&r);
    }
}

Test(hostile, regressed_check_with_hostile_anchor_and_accept_reason)
{
    const char *formats[] = {"text", "junit"};
    hostile_baseline_and_history();
    for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
        const char *argv[] = {"check", mg_testdata(REGRESSED), "--format", formats[i], NULL};
        const char *env[] = {"MEMGATE_ACCEPT=ok\n::error::accepted\x1b]0;t\x07", NULL};
        mg_run r = mg_run_memgate(argv, env, NULL);
        cr_expect_eq(r.status, 0, "%s: %s", formats[i], r.err);
        cr_expect(strstr(r.out, "accepted"), "%s:\n%s", formats[i], r.out);
        assert_clean(formats[i], r.out);
        assert_clean(formats[i], r.err);
        mg_run_release(&r);
    }
}
