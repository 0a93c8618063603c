/* Hotspots: the alternative rankings against the sidecars, options, flags, short display. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

static json_t *show_json(const char *const *argv, const char *const *env)
{
    json_error_t je;
    mg_run r = mg_run_memgate(argv, env, NULL);
    json_t *j;
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    j = json_loads(r.out, 0, &je);
    cr_assert_not_null(j, "not JSON: %s", je.text);
    mg_run_release(&r);
    return j;
}

/* Compare every entry: function, tb, tbk, gb, eb, pps. */
static void same_ranking(json_t *got, json_t *want, const char *what)
{
    size_t i;
    cr_assert_eq(json_array_size(got), json_array_size(want), "%s: %zu rows, want %zu", what,
                 json_array_size(got), json_array_size(want));
    for (i = 0; i < json_array_size(want); i++) {
        json_t *g = json_array_get(got, i), *w = json_array_get(want, i);
        cr_expect_str_eq(json_string_value(json_object_get(g, "function")),
                         json_string_value(json_object_get(w, "function")), "%s #%zu", what, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "total_bytes")),
                     json_integer_value(json_object_get(w, "tb")), "%s #%zu tb", what, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "total_blocks")),
                     json_integer_value(json_object_get(w, "tbk")), "%s #%zu tbk", what, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "peak_bytes")),
                     json_integer_value(json_object_get(w, "gb")), "%s #%zu gb", what, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "end_bytes")),
                     json_integer_value(json_object_get(w, "eb")), "%s #%zu eb", what, i + 1);
        cr_expect_eq(json_integer_value(json_object_get(g, "program_points")),
                     json_integer_value(json_object_get(w, "pps")), "%s #%zu pps", what, i + 1);
    }
}

/* For every dhat JSON capture: one attribution rule against one sidecar ranking. */
static int each_capture(const char *attribution, const char *sidecar_key)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s", mg_testdata("profiles"));
    cr_assert_not_null(d = opendir(dir));
    while ((e = readdir(d))) {
        char side[4400], prof[4400];
        size_t len = strlen(e->d_name);
        json_t *exp, *res;
        if (len < 14 || strcmp(e->d_name + len - 14, ".expected.json"))
            continue;
        snprintf(side, sizeof(side), "%s/%s", dir, e->d_name);
        exp = json_load_file(side, 0, NULL);
        if (!json_object_get(exp, sidecar_key)) {
            json_decref(exp);
            continue;
        }
        snprintf(prof, sizeof(prof), "%s/%s", dir, json_string_value(json_object_get(exp, "file")));
        const char *argv[] = {"show", "--format", "json", "--attribution", attribution, prof, NULL};
        res = show_json(argv, NULL);
        same_ranking(json_object_get(json_object_get(res, "profile"), "hotspots"),
                     json_object_get(exp, sidecar_key), prof);
        json_decref(res);
        json_decref(exp);
        n++;
    }
    closedir(d);
    return n;
}

Test(hotspots, skip_alloc_ranking_of_every_capture)
{
    cr_expect_geq(each_capture("skip-alloc", "top10_functions_by_tb"), 20);
}

Test(hotspots, skip_std_ranking_of_every_capture)
{
    cr_expect_geq(each_capture("skip-std", "top10_skip_std_by_tb"), 10);
}

Test(hotspots, first_frame_ranking_of_every_capture)
{
    cr_expect_geq(each_capture("first-frame", "top10_first_frame_by_tb"), 20);
}

static json_t *profile_of(json_t *res)
{
    return json_object_get(res, "profile");
}

/* Each ranking is sorted by its own measure, with shares of the whole profile. */
Test(hotspots, three_rankings_with_shares)
{
    const char *path = mg_testdata("profiles/dhatrs-pipeline-regressed-debug.json");
    char p[4096];
    snprintf(p, sizeof(p), "%s", path);
    const char *argv[] = {"show", "--format", "json", p, NULL};
    json_t *res = show_json(argv, NULL), *prof = profile_of(res);
    json_t *m = json_object_get(prof, "metrics");
    static const char *const keys[] = {"hotspots", "hotspots_by_peak_bytes",
                                       "hotspots_by_allocation_count"};
    static const char *const fields[] = {"total_bytes", "peak_bytes", "total_blocks"};
    static const char *const wholes[] = {"total_allocations_bytes", "peak_memory_bytes",
                                         "allocation_count"};
    int k;
    size_t i;
    for (k = 0; k < 3; k++) {
        json_t *a = json_object_get(prof, keys[k]);
        double whole = (double)json_integer_value(json_object_get(m, wholes[k]));
        cr_assert_gt(json_array_size(a), 1);
        for (i = 0; i < json_array_size(a); i++) {
            json_t *h = json_array_get(a, i);
            double v = (double)json_integer_value(json_object_get(h, fields[k]));
            cr_expect_float_eq(json_real_value(json_object_get(h, "share")), v / whole, 1e-9,
                               "%s #%zu share", keys[k], i + 1);
            if (i)
                cr_expect_leq(v,
                              (double)json_integer_value(
                                  json_object_get(json_array_get(a, i - 1), fields[k])),
                              "%s is not sorted at #%zu", keys[k], i + 1);
        }
    }
    json_decref(res);
}

/* A user prefix on top of the built-in list moves attribution one frame out. */
Test(hotspots, skip_frame_flag_and_environment)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"));
    const char *plain[] = {"show", "--attribution", "alloc-site", "--format", "json", p, NULL};
    const char *flag[] = {
        "show",         "--attribution", "alloc-site",    "--format", "json", "--skip-frame",
        "alloc::vec::", "--skip-frame",  "<alloc::vec::", p,          NULL};
    const char *env[] = {"MEMGATE_SKIP_FRAMES=alloc::vec::,<alloc::vec::", NULL};
    json_t *a = show_json(plain, NULL), *b = show_json(flag, NULL), *c = show_json(plain, env);
    const char *top_a = json_string_value(
        json_object_get(json_array_get(json_object_get(profile_of(a), "hotspots"), 0), "function"));
    const char *top_b = json_string_value(
        json_object_get(json_array_get(json_object_get(profile_of(b), "hotspots"), 0), "function"));
    cr_expect_str_eq(top_a, "alloc::vec::Vec<T,A>::with_capacity_in");
    cr_expect(strncmp(top_b, "alloc::vec::", 12) && strncmp(top_b, "<alloc::vec::", 13),
              "still attributed to %s", top_b);
    cr_expect(json_equal(json_object_get(profile_of(b), "hotspots"),
                         json_object_get(profile_of(c), "hotspots")),
              "MEMGATE_SKIP_FRAMES and --skip-frame differ");
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

/*
 * .pmat.yaml's memgate.hotspots.skip_frames does for check what --skip-frame
 * does, and update-baseline stores hotspots attributed the same way, so the
 * two compare like with like.
 */
Test(hotspots, skip_frames_from_the_configuration)
{
    char p[4096], dir[4096], cfg[4200], base[4200], *tmp = mg_tempdir();
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"));
    snprintf(dir, sizeof(dir), "%s", tmp);
    snprintf(cfg, sizeof(cfg), "%s/.pmat.yaml", dir);
    snprintf(base, sizeof(base), "%s/base.json", dir);
    cr_assert_eq(mg_spit(cfg, "memgate:\n  hotspots:\n    skip_frames: ['alloc::vec::', "
                              "'<alloc::vec::']\n"),
                 0);
    const char *ub[] = {"update-baseline", p,    "--config",  cfg,
                        "--baseline",      base, "--approve", NULL};
    const char *check[] = {"check", p,          "--config", cfg, "--baseline",
                           base,    "--format", "json",     NULL};
    mg_run r = mg_run_memgate(ub, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    json_t *res = show_json(check, NULL);
    const char *top = json_string_value(json_object_get(
        json_array_get(json_object_get(profile_of(res), "hotspots"), 0), "function"));
    cr_expect(strncmp(top, "alloc::vec::", 12) && strncmp(top, "<alloc::vec::", 13),
              "still attributed to %s", top);
    json_decref(res);
    /* the stored hotspots skip the same frames */
    size_t n;
    char *stored = mg_slurp(base, &n);
    cr_assert_not_null(stored);
    cr_expect_null(strstr(stored, "\"alloc::vec::Vec<T,A>::with_capacity_in\""), "%s", stored);
    free(stored);
    unlink(base);
    unlink(cfg);
    snprintf(cfg, sizeof(cfg), "%s/memory-history.jsonl", dir);
    unlink(cfg);
    snprintf(cfg, sizeof(cfg), "%s/base.json.lock", dir);
    unlink(cfg);
    rmdir(dir);
    free(tmp);
}

/* Stacks: grouped by the whole stack from the attributed frame outwards, full frames in JSON. */
Test(hotspots, group_by_stack)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/vgdhat-jq-filter.json"));
    const char *fn[] = {"show", "--format", "json", "--top", "1000", p, NULL};
    const char *st[] = {"show",       "--format", "json", "--top", "1000",
                        "--group-by", "stack",    p,      NULL};
    json_t *a = show_json(fn, NULL), *b = show_json(st, NULL);
    json_t *ha = json_object_get(profile_of(a), "hotspots");
    json_t *hb = json_object_get(profile_of(b), "hotspots");
    long long sa = 0, sb = 0;
    size_t i;
    for (i = 0; i < json_array_size(ha); i++)
        sa += json_integer_value(json_object_get(json_array_get(ha, i), "total_bytes"));
    for (i = 0; i < json_array_size(hb); i++) {
        json_t *h = json_array_get(hb, i), *stack = json_object_get(h, "stack");
        sb += json_integer_value(json_object_get(h, "total_bytes"));
        cr_assert(json_array_size(stack) >= 1, "stack row #%zu without frames", i + 1);
        cr_expect(!strncmp(json_string_value(json_array_get(stack, 0)), "0x", 2),
                  "JSON keeps the full frame text");
    }
    cr_expect_eq(sa, 45998443);
    cr_expect_eq(sb, sa, "grouping must not lose bytes");
    cr_expect_gt(json_array_size(hb), json_array_size(ha));
    cr_expect(
        strstr(json_string_value(json_object_get(json_array_get(hb, 0), "function")), " <- "));
    json_decref(a);
    json_decref(b);
}

/* Pattern 1: the regressed jsondoc deep-clones its document; the top hotspot says so. */
Test(hotspots, clone_elimination_flag)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-jsondoc-regressed-release.json"));
    const char *argv[] = {"show", "--format", "json", p, NULL};
    json_t *res = show_json(argv, NULL);
    json_t *top = json_array_get(json_object_get(profile_of(res), "hotspots"), 0);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(top, "flags"), 0)),
                     "clone-elimination-candidate");
    cr_expect_gt(json_integer_value(json_object_get(top, "clone_bytes")), 0);
    json_decref(res);
    /* the optimized variant has no clone on its top stack */
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"));
    res = show_json(argv, NULL);
    top = json_array_get(json_object_get(profile_of(res), "hotspots"), 0);
    cr_expect_eq(json_array_size(json_object_get(top, "flags")), 0);
    json_decref(res);
}

/* Pattern 5: frames in test files are flagged, and --exclude-tests leaves them out. */
Test(hotspots, test_files_flagged_and_excluded)
{
    char *dir = mg_tempdir(), path[4200];
    snprintf(path, sizeof(path), "%s/t.json", dir);
    mg_spit(
        path,
        "{\"dhatFileVersion\":2,\"mode\":\"rust-heap\",\"verb\":\"Allocated\",\"bklt\":true,"
        "\"bkacc\":false,\"tu\":\"\xC2\xB5s\",\"Mtu\":\"s\",\"tuth\":10,\"cmd\":\"t\",\"pid\":1,"
        "\"tg\":1,\"te\":2,\"pps\":["
        "{\"tb\":100,\"tbk\":1,\"tl\":1,\"mb\":100,\"mbk\":1,\"gb\":100,\"gbk\":1,\"eb\":0,"
        "\"ebk\":0,\"fs\":[1,2,3]},"
        "{\"tb\":50,\"tbk\":1,\"tl\":1,\"mb\":50,\"mbk\":1,\"gb\":0,\"gbk\":0,\"eb\":0,"
        "\"ebk\":0,\"fs\":[1,2,4]}],"
        "\"ftbl\":[\"[root]\",\"0x1: alloc::alloc::alloc (src/alloc.rs:94:9)\","
        "\"0x2: mycrate::build (src/build.rs:10:5)\","
        "\"0x3: integration::it_builds (mycrate/tests/build.rs:7:5)\","
        "\"0x4: mycrate::main (src/main.rs:3:5)\"]}\n");
    const char *plain[] = {"show", "--format", "json", path, NULL};
    const char *excl[] = {"show", "--format", "json", "--exclude-tests", path, NULL};
    json_t *a = show_json(plain, NULL), *b = show_json(excl, NULL);
    json_t *top = json_array_get(json_object_get(profile_of(a), "hotspots"), 0);
    cr_expect_eq(json_integer_value(json_object_get(top, "total_bytes")), 150);
    cr_expect_eq(json_integer_value(json_object_get(top, "test_bytes")), 100);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(top, "flags"), 0)),
                     "test-code");
    top = json_array_get(json_object_get(profile_of(b), "hotspots"), 0);
    cr_expect_eq(json_integer_value(json_object_get(top, "total_bytes")), 50);
    cr_expect_eq(json_integer_value(json_object_get(profile_of(b), "excluded_test_program_points")),
                 1);
    /* metrics still cover the whole profile */
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(profile_of(b), "metrics"),
                                                    "total_allocations_bytes")),
                 150);
    json_decref(a);
    json_decref(b);
    free(dir);
}

/* Terminals get short frames (no address, short paths); JSON keeps the full text. */
Test(hotspots, short_frames_in_text_full_in_json)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/vgdhat-cmake-version.json"));
    const char *text[] = {"show", "--attribution", "alloc-site", p, NULL};
    const char *json[] = {"show", "--attribution", "alloc-site", "--format", "json", p, NULL};
    mg_run r = mg_run_memgate(text, NULL, NULL);
    json_t *res = show_json(json, NULL);
    const char *rows = strstr(r.out, "top 10 allocation hotspots");
    const char *frame = json_string_value(
        json_object_get(json_array_get(json_object_get(profile_of(res), "hotspots"), 0), "frame"));
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(rows);
    cr_expect_null(strstr(rows, ": 0x"), "an address in the text rows");
    cr_expect_null(strstr(rows, " 0x"), "an address in the text rows:\n%s", rows);
    cr_expect_null(strstr(rows, "/usr/lib/x86_64-linux-gnu/"), "a long path in:\n%s", rows);
    cr_expect(!strncmp(frame, "0x", 2) && strstr(frame, "(in /"), "JSON frame: %s", frame);
    mg_run_release(&r);
    json_decref(res);
}

Test(hotspots, bad_options_are_usage_errors)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/vgdhat-sort.json"));
    const char *a[] = {"show", "--group-by", "file", p, NULL};
    const char *b[] = {"show", "--attribution", "magic", p, NULL};
    mg_run r = mg_run_memgate(a, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    r = mg_run_memgate(b, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
}
