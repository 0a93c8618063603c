/* Every non-dhat format against its independently computed sidecar; refusals; bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static json_t *load_json(const char *rel)
{
    json_error_t je;
    json_t *j = json_load_file(mg_testdata(rel), 0, &je);
    cr_assert_not_null(j, "%s: %s", rel, je.text);
    return j;
}

/* `memgate show --format json` on a file ("-" plus stdin_rel for a pipe); returns "profile". */
static json_t *show(const char *rel, const char *stdin_rel, json_t **root)
{
    char path[4096];
    json_error_t je;
    snprintf(path, sizeof(path), "%s", rel[0] == '-' ? "-" : mg_testdata(rel));
    const char *argv[] = {"show", "--format", "json", path, NULL};
    char in[4096];
    if (stdin_rel)
        snprintf(in, sizeof(in), "%s", mg_testdata(stdin_rel));
    mg_run r = mg_run_memgate(argv, NULL, stdin_rel ? in : NULL);
    cr_assert_eq(r.status, 0, "show %s exited %d: %s", rel, r.status, r.err);
    *root = json_loads(r.out, 0, &je);
    cr_assert_not_null(*root, "show %s: not JSON: %s", rel, je.text);
    mg_run_release(&r);
    return json_object_get(*root, "profile");
}

static long long metric(json_t *profile, const char *key)
{
    json_t *v = json_object_get(json_object_get(profile, "metrics"), key);
    cr_assert(json_is_integer(v), "metric %s missing", key);
    return json_integer_value(v);
}

static void absent(json_t *profile, const char *key)
{
    cr_expect_null(json_object_get(json_object_get(profile, "metrics"), key),
                   "metric %s should be absent", key);
}

static long long extra(json_t *profile, const char *key)
{
    json_t *v = json_object_get(json_object_get(profile, "extras"), key);
    cr_assert(json_is_integer(v), "extra %s missing", key);
    return json_integer_value(v);
}

static long long num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "sidecar key %s missing", key);
    return json_is_integer(v) ? json_integer_value(v) : (long long)json_real_value(v);
}

/* ---- heaptrack data: .zst (shared), plain, .gz, and through a pipe ---- */

static void check_heaptrack(const char *rel, const char *stdin_rel)
{
    json_t *root, *p = show(rel, stdin_rel, &root);
    json_t *exp = load_json("profiles/heaptrack-sort.heaptrack.expected.json");
    json_t *mine = load_json("extra/heaptrack-sort.heaptrack.expected.json");

    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "heaptrack");
    cr_expect_str_eq(json_string_value(json_object_get(p, "command")),
                     json_string_value(json_object_get(exp, "cmd")));
    cr_expect_eq(metric(p, "peak_memory_bytes"), num(exp, "peak_heap_bytes"), "%s peak", rel);
    cr_expect_eq(metric(p, "total_allocations_bytes"), num(exp, "total_bytes_allocated"));
    cr_expect_eq(metric(p, "allocation_count"), num(exp, "allocation_calls"));
    cr_expect_eq(metric(p, "end_bytes"), num(exp, "leaked_bytes"));
    cr_expect_eq(extra(p, "deallocation_count"), num(exp, "deallocation_calls"));
    cr_expect_eq(metric(p, "peak_blocks"), num(mine, "live_blocks_at_peak"));
    cr_expect_eq(metric(p, "end_blocks"), num(mine, "leaked_blocks"));
    cr_expect_eq(metric(p, "peak_rss_bytes"), num(mine, "peak_rss_bytes"));
    cr_expect_eq(metric(p, "runtime_us"), num(mine, "runtime_us"));
    json_decref(exp);
    json_decref(mine);
    json_decref(root);
}

Test(formats, heaptrack_zst)
{
    check_heaptrack("profiles/heaptrack-sort.heaptrack.zst", NULL);
}
Test(formats, heaptrack_plain)
{
    check_heaptrack("extra/heaptrack-sort.heaptrack", NULL);
}
Test(formats, heaptrack_gz)
{
    check_heaptrack("extra/heaptrack-sort.heaptrack.gz", NULL);
}
Test(formats, heaptrack_zst_from_a_pipe)
{
    check_heaptrack("-", "profiles/heaptrack-sort.heaptrack.zst");
}

/* ---- heaptrack_print: rounded values, exactly as printed ---- */

static void check_heaptrack_print(const char *name)
{
    char rel[256], side[256];
    json_t *root, *p, *exp, *parsed, *printed;
    snprintf(rel, sizeof(rel), "profiles/%s.heaptrack_print.txt", name);
    snprintf(side, sizeof(side), "profiles/%s.heaptrack_print.expected.json", name);
    p = show(rel, NULL, &root);
    exp = load_json(side);
    parsed = json_object_get(exp, "parsed_from_text");
    printed = json_object_get(exp, "printed");
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "heaptrack-print");
    cr_expect_eq(metric(p, "peak_memory_bytes"),
                 num(parsed, "peak_heap_memory_consumption_bytes_approx"), "%s", name);
    cr_expect_eq(metric(p, "end_bytes"), num(parsed, "total_memory_leaked_bytes_approx"));
    cr_expect_eq(metric(p, "peak_rss_bytes"), num(parsed, "peak_rss_bytes_approx"));
    cr_expect_eq(metric(p, "allocation_count"), num(parsed, "calls_to_allocation_functions"));
    cr_expect_eq(
        extra(p, "temporary_allocations"),
        atoll(json_string_value(json_object_get(printed, "temporary_memory_allocations"))));
    /* "1.00s." -> 1,000,000 us */
    cr_expect_eq(
        metric(p, "runtime_us"),
        (long long)(atof(json_string_value(json_object_get(printed, "total_runtime"))) * 1e6 +
                    0.5));
    cr_expect_str_eq(json_string_value(json_object_get(p, "command")),
                     json_string_value(json_object_get(printed, "debuggee")));
    absent(p, "total_allocations_bytes"); /* heaptrack >= 1.2 does not print it */
    cr_expect_not_null(json_object_get(p, "gate_note"));
    json_decref(exp);
    json_decref(root);
}

Test(formats, heaptrack_print_sort)
{
    check_heaptrack_print("heaptrack-sort");
}
Test(formats, heaptrack_print_pipeline)
{
    check_heaptrack_print("heaptrack-pipeline-baseline-debug");
}

/* ---- massif.out and ms_print: every value in the sidecar ---- */

static void check_massif(const char *rel, const char *side, const char *fmt)
{
    json_t *root, *p = show(rel, NULL, &root), *exp = load_json(side);
    json_t *marked = json_object_get(exp, "peak_marked_snapshot");
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), fmt);
    cr_expect_str_eq(json_string_value(json_object_get(p, "command")),
                     json_string_value(json_object_get(json_object_get(exp, "header"), "cmd")));
    /* the gate's peak is the highest useful heap; massif's own peak is an extra */
    cr_expect_eq(metric(p, "peak_memory_bytes"), num(exp, "max_mem_heap_B"), "%s", rel);
    cr_expect_eq(extra(p, "massif_peak_total_bytes"), num(exp, "peak_heap_plus_extra_B"));
    cr_expect_eq(extra(p, "massif_peak_snapshot"), num(exp, "peak_snapshot_index"));
    cr_expect_eq(extra(p, "massif_peak_heap_bytes"), num(exp, "mem_heap_B_at_peak"));
    cr_expect_eq(extra(p, "massif_peak_extra_bytes"), num(exp, "mem_heap_extra_B_at_peak"));
    cr_expect_eq(extra(p, "massif_peak_stacks_bytes"), num(exp, "mem_stacks_B_at_peak"));
    cr_expect_eq(extra(p, "massif_snapshots"), num(exp, "num_snapshots"));
    cr_expect_eq(extra(p, "massif_marked_peak_snapshot"), num(marked, "index"));
    absent(p, "total_allocations_bytes");
    absent(p, "allocation_count");
    json_decref(exp);
    json_decref(root);
}

Test(formats, massif_jq)
{
    check_massif("profiles/massif-jq-filter.massif.out",
                 "profiles/massif-jq-filter.massif.expected.json", "massif");
}
Test(formats, massif_python)
{
    check_massif("profiles/massif-python3-json.massif.out",
                 "profiles/massif-python3-json.massif.expected.json", "massif");
}
Test(formats, ms_print_jq)
{
    check_massif("profiles/massif-jq-filter.ms_print.txt",
                 "profiles/massif-jq-filter.ms_print.expected.json", "ms-print");
}
Test(formats, ms_print_python)
{
    check_massif("profiles/massif-python3-json.ms_print.txt",
                 "profiles/massif-python3-json.ms_print.expected.json", "ms-print");
}

/* ---- /usr/bin/time ---- */

static void check_time(const char *rel, const char *side, bool verbose)
{
    json_t *root, *p = show(rel, NULL, &root), *exp = load_json(side);
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "time");
    cr_expect_eq(metric(p, "peak_rss_bytes"), num(exp, "max_rss_bytes"), "%s", rel);
    cr_expect_eq(num(exp, "max_rss_bytes"), num(exp, "max_rss_kbytes") * 1024);
    if (verbose)
        cr_expect_eq(extra(p, "exit_status"), num(exp, "exit_status"));
    if (json_object_get(exp, "command"))
        cr_expect_str_eq(json_string_value(json_object_get(p, "command")),
                         json_string_value(json_object_get(exp, "command")));
    absent(p, "peak_memory_bytes");
    json_decref(exp);
    json_decref(root);
}

Test(formats, time_v_sort)
{
    check_time("profiles/timev-sort.txt", "profiles/timev-sort.expected.json", true);
}
Test(formats, time_v_jq)
{
    check_time("profiles/timev-jq-filter.txt", "profiles/timev-jq-filter.expected.json", true);
}
Test(formats, time_v_failed_command)
{
    json_t *root, *p;
    check_time("extra/timev-false.txt", "extra/timev-false.expected.json", true);
    p = show("extra/timev-false.txt", NULL, &root);
    cr_expect(strstr(json_string_value(json_object_get(p, "note")), "non-zero status 1"));
    json_decref(root);
}
Test(formats, time_default_format)
{
    check_time("extra/timedefault-ls.txt", "extra/timedefault-ls.expected.json", false);
}

/* dhat-rs lines and a time -v report in one stderr: both measurements come along. */
Test(formats, dhat_text_with_time_v_report)
{
    json_t *root, *p = show("profiles/timev-wordfreq-dhatrs-release.stderr.txt", NULL, &root);
    json_t *exp = load_json("profiles/timev-wordfreq-dhatrs-release.stderr.expected.json");
    json_t *dt = json_object_get(exp, "dhat_text");
    cr_expect_eq(metric(p, "peak_rss_bytes"), num(exp, "max_rss_bytes"));
    cr_expect_eq(metric(p, "peak_memory_bytes"), num(dt, "peak_bytes"));
    cr_expect_eq(metric(p, "peak_blocks"), num(dt, "peak_blocks"));
    cr_expect_eq(metric(p, "total_allocations_bytes"), num(dt, "total_bytes"));
    cr_expect_eq(metric(p, "allocation_count"), num(dt, "total_blocks"));
    cr_expect_eq(metric(p, "end_bytes"), num(dt, "end_bytes"));
    cr_expect_eq(metric(p, "end_blocks"), num(dt, "end_blocks"));
    json_decref(exp);
    json_decref(root);
}

/* --input-format picks one reading of a log that holds two. */
Test(formats, input_format_override)
{
    const char *argv[] = {"show", "--format",
                          "json", "--input-format",
                          "time", mg_testdata("profiles/timev-wordfreq-dhatrs-release.stderr.txt"),
                          NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *root = json_loads(r.out, 0, NULL), *p = json_object_get(root, "profile");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "time");
    absent(p, "peak_memory_bytes");
    json_decref(root);
    mg_run_release(&r);
}

/* ---- jemalloc stats JSON: only what it holds ---- */

Test(formats, jemalloc_json)
{
    json_t *root, *p = show("extra/jemalloc-jq-sum.stats.json", NULL, &root);
    json_t *exp = load_json("extra/jemalloc-jq-sum.stats.expected.json");
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "jemalloc-json");
    cr_expect_eq(metric(p, "end_bytes"), num(exp, "allocated"));
    cr_expect_eq(metric(p, "allocation_count"), num(exp, "nrequests_small_plus_large"));
    cr_expect_eq(extra(p, "jemalloc_active_bytes"), num(exp, "active"));
    cr_expect_eq(extra(p, "jemalloc_metadata_bytes"), num(exp, "metadata"));
    cr_expect_eq(extra(p, "jemalloc_resident_bytes"), num(exp, "resident"));
    cr_expect_eq(extra(p, "jemalloc_mapped_bytes"), num(exp, "mapped"));
    cr_expect_eq(extra(p, "jemalloc_retained_bytes"), num(exp, "retained"));
    absent(p, "peak_memory_bytes"); /* jemalloc's stats have no peak: none is invented */
    absent(p, "peak_rss_bytes");
    absent(p, "total_allocations_bytes");
    json_decref(exp);
    json_decref(root);
}

/* ---- recognised but not gateable: say what to pass instead ---- */

static void expect_refusal(const char *path, const char *fragment)
{
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: exit %d", path, r.status);
    cr_expect(strstr(r.err, fragment) != NULL, "%s: '%s' not in: %s", path, fragment, r.err);
    mg_run_release(&r);
}

Test(formats, refuses_jemalloc_table)
{
    expect_refusal(mg_testdata("extra/jemalloc-jq-sum.stats-table.txt"), "stats_print_opts:J");
}
Test(formats, refuses_raw_heaptrack)
{
    expect_refusal(mg_testdata("extra/heaptrack-true.raw.zst"), "heaptrack_interpret");
}
Test(formats, refuses_massif_stderr)
{
    expect_refusal(mg_testdata("extra/massif-true.stderr.txt"), "massif.out.PID");
}

Test(formats, refuses_exp_dhat_and_jeprof)
{
    char *dir = mg_tempdir(), a[4200], b[4200];
    snprintf(a, sizeof(a), "%s/exp-dhat.txt", dir);
    snprintf(b, sizeof(b), "%s/jeprof.heap", dir);
    /* the shapes the profilers document (no such tool here to capture them) */
    mg_spit(a, "==123== ======== SUMMARY STATISTICS ========\n==123== \n"
               "==123== guest_insns:  1,045,339,534\n==123== max_live:     63,669 in 336 blocks\n");
    mg_spit(b, "heap_v2/524288\n  t*: 28106: 56637512 [0: 0]\n");
    expect_refusal(a, "--tool=dhat");
    expect_refusal(b, "heap_v2");
    free(dir);
}

Test(formats, nothing_matched_lists_what_was_tried)
{
    char *dir = mg_tempdir(), a[4200];
    snprintf(a, sizeof(a), "%s/notes.txt", dir);
    mg_spit(a, "just some notes\nnothing to see\n");
    const char *argv[] = {"show", a, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3);
    cr_expect(strstr(r.err, "tried heaptrack, dhat-json, jemalloc-json, pprof, massif, ms-print, "
                            "heaptrack-print, dhat-text, time"),
              "%s", r.err);
    cr_expect(strstr(r.err, "31 bytes of text in 2 lines; it starts with \"just some notes\""),
              "%s", r.err);
    mg_run_release(&r);
    free(dir);
}

/* ---- check on profiles that cannot be gated says so plainly ---- */

static void check_says(const char *rel, const char *fragment)
{
    char base[4200], prof[4096];
    char *dir = mg_tempdir();
    snprintf(base, sizeof(base), "%s/baseline.json", dir);
    snprintf(prof, sizeof(prof), "%s", mg_testdata(rel));
    mg_spit(base, "{\"peak_memory_bytes\": 1000, \"total_allocations_bytes\": 1000, "
                  "\"allocation_count\": 10}\n");
    const char *argv[] = {"check", prof, "--baseline", base, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: exit %d: %s", rel, r.status, r.err);
    cr_expect(strstr(r.err, fragment) != NULL, "%s: '%s' not in: %s", rel, fragment, r.err);
    mg_run_release(&r);
    free(dir);
}

Test(formats, check_copy_mode_says_what_cannot_be_gated)
{
    check_says("profiles/vgdhat-sort-copy.json", "counts bytes copied");
}
Test(formats, check_ad_hoc_says_what_cannot_be_gated)
{
    check_says("profiles/vgdhat-blockscan-adhoc.json", "nothing in it can be gated");
    check_says("profiles/dhatrs-cachesim-adhoc-debug.json", "only runtime_us");
}
Test(formats, check_time_says_only_rss)
{
    check_says("profiles/timev-sort.txt", "only peak_rss_bytes");
}

/* A format with a peak can be gated like any other. */
Test(formats, check_gates_massif_peak)
{
    char base[4200], prof[4096];
    char *dir = mg_tempdir();
    snprintf(base, sizeof(base), "%s/baseline.json", dir);
    snprintf(prof, sizeof(prof), "%s", mg_testdata("profiles/massif-jq-filter.massif.out"));
    mg_spit(base, "{\"peak_memory_bytes\": 30000000}\n");
    const char *argv[] = {"check", prof, "--baseline", base, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 1, "44 MB against a 30 MB baseline must fail: %s", r.out);
    mg_run_release(&r);
    mg_spit(base, "{\"peak_memory_bytes\": 44072152}\n");
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s %s", r.out, r.err);
    mg_run_release(&r);
    free(dir);
}

/* ---- malformed variants: the bad files are in testdata/malformed/MANIFEST.tsv ---- */

Test(malformed, truncated_zstd)
{
    char *dir = mg_tempdir(), path[4200];
    size_t n;
    char *z = mg_slurp(mg_testdata("profiles/heaptrack-sort.heaptrack.zst"), &n);
    FILE *f;
    snprintf(path, sizeof(path), "%s/cut.zst", dir);
    f = fopen(path, "wb");
    fwrite(z, 1, n / 2, f);
    fclose(f);
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "truncated zstd data"), "%s", r.err);
    mg_run_release(&r);
    free(z);
    free(dir);
}
