/* `memgate show --format json` on every real dhat capture, against its independently computed
 * sidecar. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "run.h"

/* The profile a sidecar describes: NAME.expected.json -> the other file whose name is NAME.<ext>.
 */
static int profile_for(const char *dir, const char *sidecar, char *out, size_t size)
{
    size_t stem = strlen(sidecar) - strlen(".expected.json");
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, sidecar, stem) || e->d_name[stem] != '.' ||
            strstr(e->d_name, ".expected.json") || strchr(e->d_name + stem + 1, '.'))
            continue;
        snprintf(out, size, "%s/%s", dir, e->d_name);
        found = 1;
    }
    if (d)
        closedir(d);
    return found;
}

static json_t *show_json(const char *path, mg_run *r)
{
    const char *argv[] = {"show", "--attribution", "alloc-site", "--format", "json", path, NULL};
    json_error_t je;
    *r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r->status, 0, "memgate show %s exited %d: %s", path, r->status, r->err);
    json_t *j = json_loads(r->out, 0, &je);
    cr_assert_not_null(j, "show --format json on %s is not JSON: %s", path, je.text);
    return j;
}

static void expect_metric(json_t *metrics, const char *key, json_t *expected, const char *path)
{
    json_t *got = json_object_get(metrics, key);
    if (!expected) {
        cr_expect_null(got, "%s: %s should be absent", path, key);
        return;
    }
    cr_assert_not_null(got, "%s: %s missing", path, key);
    cr_expect_eq(json_integer_value(got), json_integer_value(expected), "%s: %s = %lld, want %lld",
                 path, key, json_integer_value(got), json_integer_value(expected));
}

static void check_heap(json_t *exp, json_t *metrics, const char *path)
{
    expect_metric(metrics, "total_allocations_bytes", json_object_get(exp, "total_bytes"), path);
    expect_metric(metrics, "allocation_count", json_object_get(exp, "total_blocks"), path);
    expect_metric(metrics, "peak_memory_bytes", json_object_get(exp, "peak_bytes"), path);
    expect_metric(metrics, "peak_blocks", json_object_get(exp, "peak_blocks"), path);
    expect_metric(metrics, "end_bytes", json_object_get(exp, "end_bytes"), path);
    expect_metric(metrics, "end_blocks", json_object_get(exp, "end_blocks"), path);
}

static void check_hotspots(json_t *exp, json_t *profile, const char *path)
{
    json_t *want = json_object_get(exp, "top10_functions_by_tb");
    json_t *got = json_object_get(profile, "hotspots");
    size_t i;
    cr_assert_eq(json_array_size(got), json_array_size(want), "%s: %zu hotspots, want %zu", path,
                 json_array_size(got), json_array_size(want));
    for (i = 0; i < json_array_size(want); i++) {
        json_t *w = json_array_get(want, i), *g = json_array_get(got, i);
        cr_expect_str_eq(json_string_value(json_object_get(g, "function")),
                         json_string_value(json_object_get(w, "function")), "%s: hotspot #%zu",
                         path, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "total_bytes")),
                     json_integer_value(json_object_get(w, "tb")), "%s: hotspot #%zu tb", path,
                     i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "total_blocks")),
                     json_integer_value(json_object_get(w, "tbk")), "%s: #%zu tbk", path, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "peak_bytes")),
                     json_integer_value(json_object_get(w, "gb")), "%s: #%zu gb", path, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "end_bytes")),
                     json_integer_value(json_object_get(w, "eb")), "%s: #%zu eb", path, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "program_points")),
                     json_integer_value(json_object_get(w, "pps")), "%s: #%zu pps", path, i + 1);
    }
}

/* Copy and ad-hoc captures have no heap metrics; their Total line is a raw total. */
static void check_raw(json_t *exp, json_t *profile, const char *path)
{
    json_t *raw = json_object_get(profile, "raw_total");
    json_t *amount = json_object_get(exp, "total_units") ? json_object_get(exp, "total_units")
                                                         : json_object_get(exp, "total_bytes");
    json_t *count = json_object_get(exp, "total_events") ? json_object_get(exp, "total_events")
                                                         : json_object_get(exp, "total_blocks");
    cr_assert_not_null(raw, "%s: raw_total missing", path);
    cr_expect_eq(json_integer_value(json_object_get(raw, "amount")), json_integer_value(amount),
                 "%s: raw amount", path);
    cr_expect_eq(json_integer_value(json_object_get(raw, "count")), json_integer_value(count),
                 "%s: raw count", path);
    cr_expect_null(json_object_get(json_object_get(profile, "metrics"), "peak_memory_bytes"),
                   "%s: a %s profile must not claim a heap peak", path,
                   json_string_value(json_object_get(profile, "mode")));
}

static int run_kind(const char *kind)
{
    char dir[4096], path[4200];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s", mg_testdata("profiles"));
    d = opendir(dir);
    cr_assert_not_null(d);
    while ((e = readdir(d))) {
        char sidecar[4200];
        json_t *exp, *res, *profile;
        mg_run r;
        const char *mode;
        if (!strstr(e->d_name, ".expected.json"))
            continue;
        snprintf(sidecar, sizeof(sidecar), "%s/%s", dir, e->d_name);
        exp = json_load_file(sidecar, 0, NULL);
        cr_assert_not_null(exp, "%s", sidecar);
        if (strcmp(json_string_value(json_object_get(exp, "kind")), kind) ||
            json_is_false(json_object_get(exp, "has_summary")) ||
            !profile_for(dir, e->d_name, path, sizeof(path))) {
            json_decref(exp);
            continue;
        }
        res = show_json(path, &r);
        profile = json_object_get(res, "profile");
        cr_expect_str_eq(json_string_value(json_object_get(profile, "producer")),
                         json_string_value(json_object_get(exp, "producer")), "%s producer", path);
        mode = json_string_value(json_object_get(profile, "mode"));
        if (json_object_get(exp, "peak_bytes"))
            check_heap(exp, json_object_get(profile, "metrics"), path);
        else
            check_raw(exp, profile, path);
        if (!strcmp(kind, "dhat-json")) {
            cr_expect_str_eq(mode, json_string_value(json_object_get(exp, "mode")), "%s", path);
            check_hotspots(exp, profile, path);
        }
        json_decref(res);
        json_decref(exp);
        mg_run_release(&r);
        n++;
    }
    closedir(d);
    return n;
}

Test(profiles, every_dhat_json_capture_matches_its_sidecar)
{
    int n = run_kind("dhat-json");
    cr_expect_geq(n, 20, "only %d dhat JSON captures checked", n);
}

Test(profiles, every_dhat_text_capture_matches_its_sidecar)
{
    int n = run_kind("dhat-text");
    cr_expect_geq(n, 20, "only %d dhat text captures checked", n);
}

Test(profiles, dhat_rs_runtime_comes_from_te_in_microseconds)
{
    mg_run r;
    json_t *res = show_json(mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"), &r);
    json_t *m = json_object_get(json_object_get(res, "profile"), "metrics");
    cr_expect_eq(json_integer_value(json_object_get(m, "runtime_us")), 2766863);
    json_decref(res);
    mg_run_release(&r);
    /* Valgrind's te counts instructions, not time: no runtime */
    res = show_json(mg_testdata("profiles/vgdhat-sort.json"), &r);
    m = json_object_get(json_object_get(res, "profile"), "metrics");
    cr_expect_null(json_object_get(m, "runtime_us"));
    json_decref(res);
    mg_run_release(&r);
}

/* The summaries inside real-looking CI logs (ANSI colours, CRLF, timestamps, set -x). */
Test(profiles, ci_logs_yield_their_summary)
{
    json_t *exp = json_load_file(mg_testdata("logs/logs.expected.json"), 0, NULL);
    const char *name;
    json_t *want;
    int n = 0;
    cr_assert_not_null(exp);
    json_object_foreach(exp, name, want)
    {
        char rel[256];
        mg_run r;
        json_t *res, *m;
        snprintf(rel, sizeof(rel), "logs/%s", name);
        res = show_json(mg_testdata(rel), &r);
        m = json_object_get(json_object_get(res, "profile"), "metrics");
        check_heap(want, m, name);
        json_decref(res);
        mg_run_release(&r);
        n++;
    }
    cr_expect_eq(n, 3);
    json_decref(exp);
}

Test(profiles, standard_input_pipe_works)
{
    const char *argv[] = {"show", "--attribution", "alloc-site", "--format", "json", "-", NULL};
    mg_run r = mg_run_memgate(argv, NULL, mg_testdata("profiles/vgdhat-jq-filter.json"));
    json_t *res = json_loads(r.out, 0, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(res);
    cr_expect_eq(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(res, "profile"), "metrics"), "peak_memory_bytes")),
        44072148);
    json_decref(res);
    mg_run_release(&r);
}
