/* Pairing checks (another program, producer, mode, build profile) and empty profiles. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

static char *dir;
static char base_path[4200];

static void setup(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
    snprintf(base_path, sizeof(base_path), "%s/base.json", dir);
}

static void teardown(void)
{
    mg_remove_tempdir(dir);
    dir = NULL;
}

TestSuite(pairing, .init = setup, .fini = teardown);

static mg_run memgate(const char *cmd, const char *profile_rel, const char *a, const char *b)
{
    char profile[4200];
    const char *argv[12] = {cmd, profile, "--baseline", base_path, "--no-config"};
    size_t n = 5;
    snprintf(profile, sizeof(profile), "%s", mg_testdata(profile_rel));
    if (!strcmp(cmd, "update-baseline"))
        argv[n++] = "--approve";
    if (a)
        argv[n++] = a;
    if (b)
        argv[n++] = b;
    return mg_run_memgate(argv, NULL, NULL);
}

static void record(const char *rel)
{
    mg_run r = memgate("update-baseline", rel, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

static json_t *notice_lines(json_t *j, const char *kind)
{
    json_t *n;
    size_t i;
    json_array_foreach(json_object_get(j, "notices"), i,
                       n) if (!strcmp(json_string_value(json_object_get(n, "kind")),
                                      kind)) return json_object_get(n, "lines");
    return NULL;
}

Test(pairing, another_program_warns_in_every_report_and_strict_makes_it_an_error)
{
    mg_run r;
    json_t *j, *lines;

    record("profiles/dhatrs-wordfreq-baseline-debug.json");
    r = memgate("check", "profiles/dhatrs-jsondoc-baseline-release.json", "--format", "json");
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.err);
    lines = notice_lines(j, "pairing");
    cr_assert_not_null(lines, "%s", r.out);
    cr_expect_str_eq(json_string_value(json_array_get(lines, 0)),
                     "program: baseline 'wordfreq', this profile 'jsondoc'");
    json_decref(j);
    mg_run_release(&r);

    r = memgate("check", "profiles/dhatrs-jsondoc-baseline-release.json", "--format", "markdown");
    cr_expect(strstr(r.out, "> - program: baseline 'wordfreq', this profile 'jsondoc'") != NULL,
              "%s", r.out);
    mg_run_release(&r);
    r = memgate("check", "profiles/dhatrs-jsondoc-baseline-release.json", NULL, NULL);
    cr_expect(strstr(r.out, "  - program: baseline 'wordfreq', this profile 'jsondoc'") != NULL,
              "%s", r.out);
    mg_run_release(&r);

    r = memgate("check", "profiles/dhatrs-jsondoc-baseline-release.json", "--strict-pairing", NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "does not pair with the baseline (--strict-pairing): program "
                            "'jsondoc' vs the baseline's 'wordfreq'") != NULL,
              "%s", r.err);
    mg_run_release(&r);
}

Test(pairing, same_program_other_arguments_and_another_producer)
{
    mg_run r;
    json_t *j, *lines;
    char all[2048] = "";
    size_t i;

    /* Valgrind DHAT of the C pipeline program vs dhat-rs of the Rust one (same workload name) */
    record("profiles/dhatrs-pipeline-baseline-debug.json");
    r = memgate("check", "profiles/vgdhat-pipeline-baseline-debug.json", "--format", "json");
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.err);
    lines = notice_lines(j, "pairing");
    cr_assert_not_null(lines, "%s", r.out);
    for (i = 0; i < json_array_size(lines); i++) {
        strncat(all, json_string_value(json_array_get(lines, i)), 400);
        strcat(all, "\n");
    }
    cr_expect(strstr(all, "producer: baseline 'dhat-rs', this profile 'valgrind-dhat'") != NULL,
              "%s", all);
    cr_expect(strstr(all, "mode: baseline 'rust-heap', this profile 'heap'") != NULL, "%s", all);
    json_decref(j);
    mg_run_release(&r);
}

Test(pairing, a_matching_profile_has_no_pairing_notice)
{
    mg_run r;
    json_t *j;
    record("profiles/dhatrs-wordfreq-baseline-debug.json");
    r = memgate("check", "profiles/dhatrs-wordfreq-regressed-debug.json", "--format", "json");
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.err);
    cr_expect_null(notice_lines(j, "pairing"), "%s", r.out);
    json_decref(j);
    mg_run_release(&r);
}

Test(pairing, an_empty_profile_is_never_a_baseline_and_never_passes)
{
    mg_run r = memgate("update-baseline", "runs/vgdhat-threads-empty.json", NULL, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "vgdhat-threads-empty.json") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, "an empty profile") != NULL, "%s", r.err);
    cr_expect_neq(access(base_path, F_OK), 0, "nothing written");
    mg_run_release(&r);

    record("runs/vgdhat-threads-baseline-run1.json");
    r = memgate("check", "runs/vgdhat-threads-empty.json", NULL, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "never passes a check") != NULL, "%s", r.err);
    mg_run_release(&r);

    /* not even where no baseline is asked for */
    r = memgate("check", "runs/vgdhat-threads-empty.json", "--missing-baseline", "pass");
    cr_expect_eq(r.status, 3, "%s", r.err);
    mg_run_release(&r);
}

Test(pairing, build_profile_comes_from_the_command_path)
{
    /* recorded with the baseline when the command names target/<profile>/ */
    mg_run r;
    char *text;
    record("runs/vgdhat-threads-baseline-run1.json");
    text = mg_slurp(base_path, NULL);
    cr_assert_not_null(text);
    cr_expect(strstr(text, "\"profile_mode\": \"heap\"") != NULL, "%s", text);
    cr_expect(strstr(text, "\"profiled_command\": \"./threads 4 16\"") != NULL, "%s", text);
    cr_expect(strstr(text, "build_profile") == NULL, "no target/ dir in './threads': %s", text);
    free(text);
    r = memgate("check", "runs/vgdhat-threads-3threads.json", "--format", "json");
    cr_expect(strstr(r.out, "command: baseline './threads 4 16', this profile './threads 3 16'") !=
                  NULL,
              "%s", r.out);
    mg_run_release(&r);
}
