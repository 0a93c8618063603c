/* baseline: strict parsing with positions, workloads, updates that keep unknown keys, atomic saves.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_error.h"
#include "memgate/baseline.h"
#include "privilege.h"
#include "run.h"

static mg_baseline *parse_ok(const char *text)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_parse(&b, text, strlen(text), "b.json", &err), 0, "%s", err.msg);
    cr_assert_not_null(b);
    return b;
}

/* Parse must fail with code, fragment and position; *out stays NULL. */
#define parse_bad(text, code, fragment, line, col)                                                 \
    do {                                                                                           \
        mg_baseline *b_ = (mg_baseline *)1;                                                        \
        mg_error e_;                                                                               \
        const char *t_ = (text);                                                                   \
        mg_error_init(&e_);                                                                        \
        cr_expect_eq(mg_baseline_parse(&b_, t_, strlen(t_), "b.json", &e_), -(int)(code));         \
        cr_expect_null(b_);                                                                        \
        check_error(&e_, code, fragment, "b.json", line, col);                                     \
    } while (0)

static mg_metrics metrics_of(const mg_baseline *b, const char *workload)
{
    mg_metrics m;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_metrics(b, workload, &m, &err), 0, "%s", err.msg);
    return m;
}

/* ---- parsing ---- */

Test(baseline, spec_example_reads_its_three_metrics)
{
    mg_baseline *b =
        parse_ok("{ \"total_allocations_bytes\": 2680000000, "
                 "\"peak_memory_bytes\": 145000000,\n"
                 "  \"allocation_count\": 4200000, "
                 "\"measured_at\": \"2026-03-09T00:00:00Z\", \"commit\": \"249fdd88\" }");
    mg_metrics m = metrics_of(b, NULL);
    cr_expect(m.present[MG_TOTAL_BYTES] && m.value[MG_TOTAL_BYTES] == 2680000000ULL);
    cr_expect(m.present[MG_PEAK_BYTES] && m.value[MG_PEAK_BYTES] == 145000000);
    cr_expect(m.present[MG_ALLOC_COUNT] && m.value[MG_ALLOC_COUNT] == 4200000);
    cr_expect_not(m.present[MG_PEAK_BLOCKS]);
    cr_expect_not(m.present[MG_RUNTIME_US]);
    cr_expect_not(m.present[MG_PEAK_RSS]);
    cr_expect_str_eq(mg_baseline_string(b, NULL, "measured_at"), "2026-03-09T00:00:00Z");
    cr_expect_str_eq(mg_baseline_string(b, "default", "commit"), "249fdd88");
    cr_expect_null(mg_baseline_string(b, NULL, "tool"));
    cr_expect_null(mg_baseline_string(b, NULL, "peak_memory_bytes"), "not a string");
    mg_baseline_free(b);
}

Test(baseline, every_canonical_metric_and_zero)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 0, \"peak_blocks\": 1, "
                              "\"total_allocations_bytes\": 2, \"allocation_count\": 3, "
                              "\"end_bytes\": 4, \"end_blocks\": 5, \"runtime_us\": 6, "
                              "\"peak_rss_bytes\": 9223372036854775807}");
    mg_metrics m = metrics_of(b, NULL);
    unsigned i;
    for (i = 0; i < MG_METRIC_COUNT; i++)
        cr_expect(m.present[i], "metric %u", i);
    cr_expect_eq(m.value[MG_PEAK_BYTES], 0, "zero is a value, not absent");
    cr_expect_eq(m.value[MG_END_BLOCKS], 5);
    cr_expect_eq(m.value[MG_PEAK_RSS], 9223372036854775807ULL);
    mg_baseline_free(b);
}

Test(baseline, unknown_keys_are_accepted)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 7, \"hotspots\": [{\"function\": \"f\"}], "
                              "\"x-custom\": {\"nested\": [1, -2, 3.5, null]}}");
    mg_metrics m = metrics_of(b, NULL);
    cr_expect_eq(m.value[MG_PEAK_BYTES], 7);
    mg_baseline_free(b);
}

Test(baseline, negative_value_with_position)
{
    parse_bad("{\n  \"total_allocations_bytes\": 100,\n  \"peak_memory_bytes\": -5,\n"
              "  \"allocation_count\": 3\n}",
              MG_E_INPUT, "'peak_memory_bytes' is negative", 3, 24);
}

Test(baseline, string_value_with_position)
{
    parse_bad("{\"peak_memory_bytes\": \"5\"}", MG_E_INPUT,
              "'peak_memory_bytes' must be a whole number", 1, 23);
}

Test(baseline, real_value_with_position)
{
    parse_bad("{\"allocation_count\": 1.5}", MG_E_INPUT,
              "'allocation_count' must be a whole number", 1, 22);
    parse_bad("{\"allocation_count\": 1e3}", MG_E_INPUT, "must be a whole number", 1, 22);
}

Test(baseline, null_and_boolean_values)
{
    parse_bad("{\"end_bytes\":null}", MG_E_INPUT, "'end_bytes' must be a whole number", 1, 14);
    parse_bad("{\"end_bytes\":\ttrue}", MG_E_INPUT, "'end_bytes' must be a whole number", 1, 15);
}

/* Positions of JSON syntax errors are jansson's: line, and the column of the last byte read. */
Test(baseline, duplicate_key_with_position)
{
    parse_bad("{\"peak_memory_bytes\": 1, \"peak_memory_bytes\": 2}", MG_E_INPUT,
              "duplicate object key", 1, 44);
}

Test(baseline, truncated_with_position)
{
    parse_bad("{\n  \"total_allocations_bytes\": 100,\n  \"peak_memory_bytes\": ", MG_E_INPUT,
              "end of file", 3, 23);
    parse_bad("{\"peak_memory_bytes\": 5", MG_E_INPUT, "'}' expected", 1, 23);
}

Test(baseline, integer_too_big_is_overflow)
{
    parse_bad("{\"peak_memory_bytes\": 99999999999999999999}", MG_E_OVERFLOW, "too big integer", 1,
              42);
}

Test(baseline, trailing_comma_and_garbage)
{
    parse_bad("{\"a\": 1,}", MG_E_INPUT, "'}' expected", 1, 9);
    parse_bad("{} x", MG_E_INPUT, "end of file expected", 1, 4);
}

Test(baseline, top_level_must_be_an_object)
{
    parse_bad("[1, 2]", MG_E_INPUT, "expected a JSON object at the top level", 1, 1);
    parse_bad("5", MG_E_INPUT, "'[' or '{' expected", 1, 1); /* jansson's own check */
}

Test(baseline, empty_text)
{
    parse_bad("", MG_E_INPUT, "expected near end of file", 1, 0);
}

/* ---- workloads ---- */

static const char *const workloads_text =
    "{\n"
    "  \"peak_memory_bytes\": 5,\n"
    "  \"workloads\": {\n"
    "    \"small\": {\"peak_memory_bytes\": 1, \"commit\": \"aaa\"},\n"
    "    \"big\": {\"peak_memory_bytes\": 1000, \"allocation_count\": 7}\n"
    "  }\n"
    "}\n";

Test(baseline, workloads_map_names_to_metrics)
{
    mg_baseline *b = parse_ok(workloads_text);
    mg_metrics top = metrics_of(b, NULL), dflt = metrics_of(b, "default");
    mg_metrics small = metrics_of(b, "small"), big = metrics_of(b, "big");
    cr_expect_eq(top.value[MG_PEAK_BYTES], 5);
    cr_expect_eq(dflt.value[MG_PEAK_BYTES], 5);
    cr_expect_eq(small.value[MG_PEAK_BYTES], 1);
    cr_expect_not(small.present[MG_ALLOC_COUNT]);
    cr_expect_eq(big.value[MG_PEAK_BYTES], 1000);
    cr_expect(big.present[MG_ALLOC_COUNT] && big.value[MG_ALLOC_COUNT] == 7);
    cr_expect_str_eq(mg_baseline_string(b, "small", "commit"), "aaa");
    cr_expect_null(mg_baseline_string(b, "big", "commit"));
    cr_expect_null(mg_baseline_string(b, "nope", "commit"));
    mg_baseline_free(b);
}

Test(baseline, unknown_workload_is_an_input_error)
{
    mg_baseline *b = parse_ok(workloads_text);
    mg_metrics m;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_metrics(b, "medium", &m, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "no workload 'medium' in the baseline", "b.json", 0, 0);
    mg_baseline_free(b);
}

Test(baseline, bad_value_inside_a_workload_is_located_in_that_workload)
{
    /* the same key appears, valid, at the top and in an earlier workload */
    parse_bad("{\n"
              "  \"peak_memory_bytes\": 5,\n"
              "  \"workloads\": {\n"
              "    \"small\": {\"peak_memory_bytes\": 1},\n"
              "    \"big\": {\"peak_memory_bytes\": -1}\n"
              "  }\n"
              "}\n",
              MG_E_INPUT, "'peak_memory_bytes' is negative", 5, 34);
}

Test(baseline, workloads_must_be_an_object_of_objects)
{
    parse_bad("{\"workloads\": [1]}", MG_E_INPUT, "'workloads' must be an object", 1, 15);
    parse_bad("{\"workloads\": {\"a\": 5}}", MG_E_INPUT, "entries must be objects", 1, 15);
}

/* Editors on some systems write a BOM; it is skipped and positions start after it. */
Test(baseline, utf8_bom_is_skipped)
{
    mg_baseline *b = parse_ok("\xEF\xBB\xBF{\"peak_memory_bytes\": 7}\n");
    cr_expect_eq(metrics_of(b, NULL).value[MG_PEAK_BYTES], 7);
    mg_baseline_free(b);
    parse_bad("\xEF\xBB\xBF{\"peak_memory_bytes\": -7}", MG_E_INPUT, "is negative", 1, 23);
    parse_bad("\xEF\xBB\xBF{\"a\": 1,}", MG_E_INPUT, "'}' expected", 1, 9);
}

/* ---- new, update, dump ---- */

static json_t *dump_json(const mg_baseline *b)
{
    mg_error err;
    char *text;
    json_t *j;
    size_t n;
    mg_error_init(&err);
    text = mg_baseline_dump(b, &err);
    cr_assert_not_null(text, "%s", err.msg);
    n = strlen(text);
    cr_assert_geq(n, 2);
    cr_expect_eq(text[n - 1], '\n', "dump ends with a newline");
    cr_expect_neq(text[n - 2], '\n', "exactly one");
    j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    cr_assert_not_null(j, "dump is not JSON: %s", text);
    free(text);
    return j;
}

static long long int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "'%s' is not an integer", key);
    return json_integer_value(v);
}

static const mg_baseline_meta meta = {"2026-04-01T12:00:00Z", "c0ffee", "dhat-json",
                                      "memgate 0.1.0"};

Test(baseline, new_baseline_is_an_empty_object)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_metrics m;
    json_t *j;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_new(&b, &err), 0);
    m = metrics_of(b, NULL);
    cr_expect_not(m.present[MG_PEAK_BYTES]);
    j = dump_json(b);
    cr_expect(json_is_object(j) && json_object_size(j) == 0);
    json_decref(j);
    mg_baseline_free(b);
    mg_baseline_free(NULL);
}

Test(baseline, update_writes_metrics_and_meta)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_metrics m;
    json_t *j;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_new(&b, &err), 0);
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_TOTAL_BYTES, 6300564);
    mg_metrics_set(&m, MG_PEAK_BYTES, 3434884);
    mg_metrics_set(&m, MG_ALLOC_COUNT, 498233);
    cr_assert_eq(mg_baseline_update(b, NULL, &m, &meta, &err), 0, "%s", err.msg);
    j = dump_json(b);
    cr_expect_eq(int_at(j, "total_allocations_bytes"), 6300564);
    cr_expect_eq(int_at(j, "peak_memory_bytes"), 3434884);
    cr_expect_eq(int_at(j, "allocation_count"), 498233);
    cr_expect_null(json_object_get(j, "end_bytes"));
    cr_expect_str_eq(json_string_value(json_object_get(j, "measured_at")), meta.measured_at);
    cr_expect_str_eq(json_string_value(json_object_get(j, "commit")), "c0ffee");
    cr_expect_str_eq(json_string_value(json_object_get(j, "profile_format")), "dhat-json");
    cr_expect_str_eq(json_string_value(json_object_get(j, "tool")), "memgate 0.1.0");
    json_decref(j);
    /* what was written reads back as the same metrics */
    m = metrics_of(b, NULL);
    cr_expect_eq(m.value[MG_PEAK_BYTES], 3434884);
    mg_baseline_free(b);
}

Test(baseline, update_keeps_unknown_keys_and_drops_unmeasured_metrics)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 100, \"runtime_us\": 5, "
                              "\"allocation_count\": 9, \"x-team\": \"mem\", "
                              "\"x-notes\": [{\"function\": \"f\", \"bytes\": 1}], "
                              "\"hotspots\": [{\"function\": \"old\", \"total_bytes\": 1}], "
                              "\"workloads\": {\"other\": {\"peak_memory_bytes\": 3}}}");
    mg_metrics m;
    mg_error err;
    json_t *j, *other;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 200);
    mg_metrics_set(&m, MG_TOTAL_BYTES, 300);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_update(b, "default", &m, &meta, &err), 0, "%s", err.msg);
    j = dump_json(b);
    cr_expect_eq(int_at(j, "peak_memory_bytes"), 200);
    cr_expect_eq(int_at(j, "total_allocations_bytes"), 300);
    /* the new profile does not measure these: the baseline must not keep claiming them */
    cr_expect_null(json_object_get(j, "runtime_us"));
    cr_expect_null(json_object_get(j, "allocation_count"));
    cr_expect_str_eq(json_string_value(json_object_get(j, "x-team")), "mem");
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(j, "x-notes"), 0), "function")),
                     "f");
    /* hotspots describe the run that was replaced: they go with its numbers */
    cr_expect_null(json_object_get(j, "hotspots"));
    other = json_object_get(json_object_get(j, "workloads"), "other");
    cr_expect_eq(int_at(other, "peak_memory_bytes"), 3, "other workloads untouched");
    json_decref(j);
    mg_baseline_free(b);
}

Test(baseline, update_of_a_workload_creates_it)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 100}");
    mg_metrics m;
    mg_error err;
    json_t *j, *w;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 42);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_update(b, "small", &m, &meta, &err), 0, "%s", err.msg);
    j = dump_json(b);
    cr_expect_eq(int_at(j, "peak_memory_bytes"), 100, "top level untouched");
    cr_expect_null(json_object_get(j, "commit"));
    w = json_object_get(json_object_get(j, "workloads"), "small");
    cr_expect_eq(int_at(w, "peak_memory_bytes"), 42);
    cr_expect_str_eq(json_string_value(json_object_get(w, "commit")), "c0ffee");
    json_decref(j);
    cr_expect_eq(metrics_of(b, "small").value[MG_PEAK_BYTES], 42);
    mg_baseline_free(b);
}

/* New numbers must not sit next to the commit of the old ones. */
Test(baseline, update_without_a_commit_drops_the_old_commit)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 1, \"commit\": \"old\", "
                              "\"profile_format\": \"dhat-text\"}");
    mg_baseline_meta no_commit = {"2026-04-01T12:00:00Z", NULL, NULL, "memgate 0.1.0"};
    mg_metrics m;
    mg_error err;
    json_t *j;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 2);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_update(b, NULL, &m, &no_commit, &err), 0, "%s", err.msg);
    j = dump_json(b);
    cr_expect_null(json_object_get(j, "commit"), "stale commit kept");
    cr_expect_null(json_object_get(j, "profile_format"), "stale format kept");
    cr_expect_str_eq(json_string_value(json_object_get(j, "measured_at")), no_commit.measured_at);
    json_decref(j);
    mg_baseline_free(b);
}

Test(baseline, update_refuses_values_json_cannot_hold)
{
    mg_baseline *b = parse_ok("{}");
    mg_metrics m;
    mg_error err;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_TOTAL_BYTES, (uint64_t)INT64_MAX + 1);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_update(b, NULL, &m, &meta, &err), -MG_E_OVERFLOW);
    check_error(&err, MG_E_OVERFLOW, "'total_allocations_bytes' is too large", "", 0, 0);
    mg_baseline_free(b);
}

Test(baseline, dump_is_stable_key_order_with_the_spec_keys_first)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_metrics m;
    char *text;
    unsigned i;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_new(&b, &err), 0);
    memset(&m, 0, sizeof(m));
    for (i = 0; i < MG_METRIC_COUNT; i++)
        mg_metrics_set(&m, (enum mg_metric)i, i + 1);
    cr_assert_eq(mg_baseline_update(b, NULL, &m, &meta, &err), 0);
    text = mg_baseline_dump(b, &err);
    cr_assert_not_null(text);
    /* the spec's three keys open the file, in its order */
    cr_expect_lt(strstr(text, "total_allocations_bytes"), strstr(text, "peak_memory_bytes"));
    cr_expect_lt(strstr(text, "peak_memory_bytes"), strstr(text, "allocation_count"));
    cr_expect_lt(strstr(text, "allocation_count"), strstr(text, "peak_blocks"));
    free(text);
    mg_baseline_free(b);
}

/* ---- load and save ---- */

static char *dir;

static void make_dir(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
}

static void remove_dir(void)
{
    char cmd[4200];
    if (!dir)
        return;
    snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    cr_expect_eq(system(cmd), 0);
    free(dir);
    dir = NULL;
}

static char *path_in(const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Names in a directory other than . and .., joined by spaces. */
static char *listing(const char *d)
{
    static char out[4096];
    DIR *dh = opendir(d);
    struct dirent *e;
    out[0] = '\0';
    cr_assert_not_null(dh, "cannot list %s", d);
    while ((e = readdir(dh)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", out[0] ? " " : "",
                     e->d_name);
    closedir(dh);
    return out;
}

static mg_baseline *sample(void)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 3434884, \"x-keep\": true}");
    return b;
}

TestSuite(baseline_file, .init = make_dir, .fini = remove_dir);

Test(baseline_file, save_writes_the_dump_and_loads_back)
{
    mg_baseline *b = sample(), *again = NULL;
    mg_error err;
    char *path = path_in("memory-baseline.json"), *want, *got;
    struct stat st;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_save(b, path, &err), 0, "%s", err.msg);
    want = mg_baseline_dump(b, &err);
    got = mg_slurp(path, NULL);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want);
    cr_expect_eq(got[strlen(got) - 1], '\n');
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0644);
    cr_expect_str_eq(listing(dir), "memory-baseline.json", "temporary file left behind");
    cr_assert_eq(mg_baseline_load(&again, path, &err), 0, "%s", err.msg);
    cr_expect_eq(metrics_of(again, NULL).value[MG_PEAK_BYTES], 3434884);
    mg_baseline_free(again);
    mg_baseline_free(b);
    free(want);
    free(got);
    free(path);
}

Test(baseline_file, save_replaces_an_existing_file)
{
    mg_baseline *b = sample();
    mg_error err;
    char *path = path_in("b.json"), *got;
    cr_assert_eq(mg_spit(path, "{\"peak_memory_bytes\": 1}\n"), 0);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_save(b, path, &err), 0, "%s", err.msg);
    got = mg_slurp(path, NULL);
    cr_expect(strstr(got, "3434884") != NULL, "%s", got);
    cr_expect_str_eq(listing(dir), "b.json");
    free(got);
    free(path);
    mg_baseline_free(b);
}

Test(baseline_file, save_creates_the_missing_directory)
{
    mg_baseline *b = sample();
    mg_error err;
    char *path = path_in(".pmat-metrics/memory-baseline.json"), *sub = path_in(".pmat-metrics");
    struct stat st;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_save(b, path, &err), 0, "%s", err.msg);
    cr_assert_eq(stat(sub, &st), 0);
    cr_expect(S_ISDIR(st.st_mode));
    cr_expect_str_eq(listing(sub), "memory-baseline.json");
    free(path);
    free(sub);
    mg_baseline_free(b);
}

/* --baseline perf/memory/base.json on a first run: the missing directories are made (mkdir -p) */
Test(baseline_file, save_below_missing_parents_creates_them)
{
    mg_baseline *b = sample();
    mg_error err;
    struct stat st;
    char *path = path_in("a/b/base.json"), *parent = path_in("a/b");
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_save(b, path, &err), 0, "%s", err.msg);
    cr_expect_eq(stat(parent, &st), 0);
    cr_expect(S_ISDIR(st.st_mode));
    cr_expect_eq(stat(path, &st), 0);
    free(path);
    free(parent);
    mg_baseline_free(b);
}

Test(baseline_file, save_under_a_regular_file_fails_with_io)
{
    mg_baseline *b = sample();
    mg_error err;
    char *file = path_in("plain"), *path = path_in("plain/base.json");
    cr_assert_eq(mg_spit(file, "x"), 0);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_save(b, path, &err), -MG_E_IO);
    /* the cause is named: the file in the way, not the temporary file that could not be made */
    check_error(&err, MG_E_IO, "is not a directory", file, 0, 0);
    free(file);
    free(path);
    mg_baseline_free(b);
}

static void expect_untouched(const char *path, const char *old)
{
    char *got = mg_slurp(path, NULL);
    cr_assert_not_null(got, "the old baseline is gone");
    cr_expect_str_eq(got, old, "the old baseline was changed");
    free(got);
}

/* A write that fails half way (here: the file-size limit) leaves the old file byte for byte. */
Test(baseline_file, failed_write_leaves_the_old_file_and_no_temporary)
{
    static const char old[] = "{\"peak_memory_bytes\": 1, \"commit\": \"keep-me\"}\n";
    mg_baseline *b = sample();
    mg_error err;
    char *path = path_in("b.json");
    struct rlimit saved, small;
    int rc;
    cr_assert_eq(mg_spit(path, old), 0);
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 8; /* the dump is longer: write() fails with EFBIG */
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    mg_error_init(&err);
    rc = mg_baseline_save(b, path, &err);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, SIG_DFL);
    cr_expect_eq(rc, -MG_E_IO);
    check_error(&err, MG_E_IO, "cannot write the new baseline", path, 0, 0);
    expect_untouched(path, old);
    cr_expect_str_eq(listing(dir), "b.json", "temporary file left behind");
    free(path);
    mg_baseline_free(b);
}

Test(baseline_file, read_only_directory_leaves_the_old_file)
{
    static const char old[] = "{\"peak_memory_bytes\": 1}\n";
    mg_baseline *b = sample();
    mg_error err;
    char *sub = path_in("ro"), *path = path_in("ro/b.json");
    mg_unprivileged_here(); /* root ignores directory permissions */
    cr_assert_eq(mkdir(sub, 0755), 0);
    cr_assert_eq(mg_spit(path, old), 0);
    cr_assert_eq(chmod(sub, 0555), 0);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_save(b, path, &err), -MG_E_IO);
    /* the cause is named: the directory, not the temporary file that could not be made in it */
    check_error(&err, MG_E_IO, "directory is not writable", sub, 0, 0);
    expect_untouched(path, old);
    cr_expect_str_eq(listing(sub), "b.json");
    chmod(sub, 0755);
    free(sub);
    free(path);
    mg_baseline_free(b);
}

Test(baseline_file, target_that_is_a_directory_is_not_replaced)
{
    mg_baseline *b = sample();
    mg_error err;
    char *path = path_in("taken"), *inner = path_in("taken/keep");
    struct stat st;
    cr_assert_eq(mkdir(path, 0755), 0);
    cr_assert_eq(mg_spit(inner, "x"), 0);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_save(b, path, &err), -MG_E_IO);
    check_error(&err, MG_E_IO, "cannot replace the baseline", path, 0, 0);
    cr_assert_eq(stat(inner, &st), 0, "the directory's content is gone");
    cr_expect_str_eq(listing(dir), "taken", "temporary file left behind");
    free(path);
    free(inner);
    mg_baseline_free(b);
}

Test(baseline_file, load_missing_file)
{
    mg_baseline *b = (mg_baseline *)1;
    mg_error err;
    char *path = path_in("none.json");
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_load(&b, path, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "cannot open", path, 0, 0);
    free(path);
}

Test(baseline_file, load_empty_file)
{
    mg_baseline *b = NULL;
    mg_error err;
    char *path = path_in("empty.json");
    cr_assert_eq(mg_spit(path, ""), 0);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_load(&b, path, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "baseline file is empty", path, 0, 0);
    cr_expect_null(b);
    free(path);
}

Test(baseline_file, load_reports_positions_with_the_path)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_load(&b, mg_testdata("malformed/baseline-string.json"), &err),
                 -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "'total_allocations_bytes' must be a whole number",
                mg_testdata("malformed/baseline-string.json"), 2, 30);
    cr_expect_null(b);
}
