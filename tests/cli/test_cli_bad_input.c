/* Bad input exits 3 with a message naming the file and the position; nothing is lost. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "run.h"

/* Run `memgate show FILE` and expect exit 3 with every fragment in stderr. */
static void expect_bad(const char *rel, const char *const *fragments)
{
    const char *path = strcmp(rel, "/nonexistent/profile.json") ? mg_testdata(rel) : rel;
    char copy[4096];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *argv[] = {"show", copy, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: exit %d, stderr: %s", rel, r.status, r.err);
    cr_expect(strstr(r.err, copy) != NULL, "%s: message does not name the file: %s", rel, r.err);
    for (; *fragments; fragments++)
        cr_expect(strstr(r.err, *fragments) != NULL, "%s: '%s' not in: %s", rel, *fragments, r.err);
    cr_expect_str_eq(r.out, "", "%s: nothing on stdout", rel);
    mg_run_release(&r);
}

#define BAD(name, file, ...)                                                                       \
    Test(bad_input, name)                                                                          \
    {                                                                                              \
        const char *const frags[] = {__VA_ARGS__, NULL};                                           \
        expect_bad(file, frags);                                                                   \
    }

BAD(missing_file, "/nonexistent/profile.json", "cannot open")
BAD(empty_file, "malformed/empty.txt", "empty")
BAD(directory, "malformed", "directory")
BAD(truncated_json, "malformed/truncated-dhat.json", "line 344 column 45", "unterminated string")
BAD(number_above_2_64, "malformed/overflow-dhat.json", "line 11 column 9",
    "does not fit in 64 bits")
BAD(negative_count, "malformed/negative-dhat.json", "line 11 column 18", "negative")
BAD(unknown_dhat_file_version, "malformed/version3-dhat.json", "line 1 column 20",
    "unknown dhatFileVersion 3")
BAD(fraction_where_count_expected, "malformed/real-count-dhat.json", "line 14 column 9",
    "whole number")
BAD(frame_index_out_of_range, "malformed/badindex-dhat.json", "line 11", "frame 9999")
/* a dhat-rs testing-mode log: no summary, and the message says why there is none */
BAD(text_log_without_summary, "malformed/no-summary.log", "no profile found", "testing-mode run",
    "Profiler::new_heap()")
BAD(text_bad_number, "malformed/badnumber-dhat.txt", "line 1 column 18", "thousands separator")
BAD(text_number_above_2_64, "malformed/overflow-dhat.txt", "line 1 column 18",
    "does not fit in 64 bits")
BAD(text_summary_incomplete, "malformed/incomplete-dhat.txt", "line 1", "incomplete")

/* Baselines are input too: a broken one is exit 3 with its position, never a silent pass. */
static void expect_bad_baseline(const char *rel, const char *fragment)
{
    char base[4096];
    snprintf(base, sizeof(base), "%s", mg_testdata(rel));
    const char *argv[] = {"check", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"),
                          "--baseline", base, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: exit %d: %s", rel, r.status, r.err);
    cr_expect(strstr(r.err, base) != NULL, "%s: file not named: %s", rel, r.err);
    cr_expect(strstr(r.err, fragment) != NULL, "%s: '%s' not in: %s", rel, fragment, r.err);
    mg_run_release(&r);
}

Test(bad_baseline, negative_value_with_position)
{
    expect_bad_baseline("malformed/baseline-negative.json", "line 3 column 24");
}

Test(bad_baseline, string_value_with_position)
{
    expect_bad_baseline("malformed/baseline-string.json", "line 2 column 30");
}

Test(bad_baseline, truncated_with_position)
{
    expect_bad_baseline("malformed/baseline-truncated.json", "line 3");
}

Test(bad_baseline, integer_too_big)
{
    expect_bad_baseline("malformed/baseline-huge.json", "too big");
}

Test(bad_baseline, missing_baseline_says_how_to_create_one)
{
    const char *argv[] = {"check", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"),
                          "--baseline", "/nonexistent/memory-baseline.json", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3);
    cr_expect(strstr(r.err, "update-baseline") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(usage, unknown_option_and_command_exit_2)
{
    const char *a1[] = {"show", "--no-such-flag", "x", NULL};
    const char *a2[] = {"frobnicate", NULL};
    const char *a3[] = {"check", mg_testdata("profiles/vgdhat-sort.json"), "--limit", "peak=+5x",
                        NULL};
    mg_run r = mg_run_memgate(a1, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    r = mg_run_memgate(a2, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    r = mg_run_memgate(a3, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "+5x") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(output, full_disk_on_stdout_is_exit_4)
{
    const char *argv[] = {"show", mg_testdata("profiles/vgdhat-sort.json"), "--output", "/dev/full",
                          NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 4, "exit %d: %s", r.status, r.err);
    mg_run_release(&r);
}
