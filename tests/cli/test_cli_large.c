/*
 * Big dhat files (from 8 MB on) are attributed in a second thread while the
 * parser reads on. These tests generate one in dhat-rs's layout and check that
 * every way of reading it gives the report the single-threaded reader gives:
 * the frame table read ahead, read in place (MEMGATE_NO_PRELOAD), a pipe, and each SIMD
 * scanner level (MEMGATE_SIMD).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

static char *dir;
static char path[4200];
static unsigned long long want_tb, want_tbk;

/* A small deterministic generator: the same file on every run. */
static unsigned long long rng_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static const char *const machinery[] = {
    "<dhat::Alloc as core::alloc::global::GlobalAlloc>::alloc (dhat-rs/src/lib.rs:1176:9)",
    "alloc::alloc::alloc (src/alloc.rs:94:9)",
    "alloc::raw_vec::RawVecInner<A>::try_allocate_in (src/raw_vec.rs:476:41)",
    "<alloc::string::String as core::clone::Clone>::clone (alloc/src/string.rs:2352:32)",
};

/*
 * frames: 4 machinery frames, then functions (some named alike, so several
 * frames share one function); pps program points of 3-8 frames, innermost
 * first, usually starting in the machinery. bad_frame_at: the program point
 * (counted from 0) that refers to a frame past the table, or -1.
 */
static void generate(unsigned frames, unsigned pps, long bad_frame_at)
{
    FILE *f;
    unsigned i, k;
    dir = mg_tempdir();
    cr_assert_not_null(dir);
    snprintf(path, sizeof(path), "%s/dhat-heap.json", dir);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("{\n\"dhatFileVersion\": 2,\n\"mode\": \"rust-heap\",\n\"verb\": \"Allocated\",\n"
          "\"bklt\": true,\n\"bkacc\": false,\n\"tu\": \"\xC2\xB5s\",\n\"Mtu\": \"s\",\n"
          "\"tuth\": 10,\n\"cmd\": \"large\",\n\"pid\": 1,\n\"tg\": 5,\n\"te\": 9,\n\"pps\": [\n",
          f);
    want_tb = want_tbk = 0;
    for (i = 0; i < pps; i++) {
        unsigned tb = 1 + rnd(100000), tbk = 1 + rnd(50), n = 3 + rnd(6);
        want_tb += tb;
        want_tbk += tbk;
        fprintf(f,
                "%s{\n\"tb\": %u,\n\"tbk\": %u,\n\"tl\": %u,\n\"mb\": %u,\n\"mbk\": 1,\n"
                "\"gb\": %u,\n\"gbk\": %u,\n\"eb\": %u,\n\"ebk\": %u,\n\"fs\": [\n",
                i ? ",\n" : "", tb, tbk, rnd(1000), tb, tb / 2, tbk / 2, tb / 8, tbk / 8);
        for (k = 0; k < n; k++) {
            unsigned fr = k < 2 && rnd(3) ? 1 + rnd(4) : 5 + rnd(frames - 5);
            if ((long)i == bad_frame_at && k == n - 1)
                fr = frames + 7;
            fprintf(f, "%u%s\n", fr, k + 1 < n ? "," : "");
        }
        fputs("]\n}", f);
    }
    fputs("\n],\n\"ftbl\": [\n\"[root]\"", f);
    for (i = 1; i < frames; i++) {
        if (i <= 4)
            fprintf(f, ",\n\"0x%x: %s\"", 0x1000 + i, machinery[i - 1]);
        /* frames of every class, so that classifying in the parser's thread (before the first
           program point) and in the worker's must agree: a dependency, a clone, a test, a
           name with a NUL byte (stored as '?'), C code in a source directory */
        else if (i % 11 == 0)
            fprintf(f,
                    ",\n\"0x%x: other_crate::x::f_%u (/home/u/.cargo/registry/src/"
                    "index.crates.io-6f17d22bba15001f/other_crate-1.2.3/src/lib.rs:%u:5)\"",
                    0x1000 + i, i, i);
        else if (i % 13 == 0)
            fprintf(f, ",\n\"0x%x: <large::T%u as core::clone::Clone>::clone (src/t.rs:%u:1)\"",
                    0x1000 + i, i, i);
        else if (i % 17 == 0)
            fprintf(f, ",\n\"0x%x: large::tests::t_%u (tests/it.rs:%u:1)\"", 0x1000 + i, i, i);
        else if (i % 19 == 0)
            fprintf(f, ",\n\"0x%x: large::nul\\u0000_%u (src/n.rs:%u:1)\"", 0x1000 + i, i, i);
        else if (i % 23 == 0)
            fprintf(f, ",\n\"0x%x: parse_%u (lib/c/parse.c:%u)\"", 0x1000 + i, i, i);
        else
            fprintf(f, ",\n\"0x%x: large::module_%u::function_%u (src/module_%u.rs:%u:5)\"",
                    0x1000 + i, i % 97, i % 5000, i % 97, i);
    }
    fputs("\n]\n}\n", f);
    /* past the size from which the reader uses its second thread */
    cr_assert_gt(ftell(f), 8L << 20, "only %ld bytes", ftell(f));
    cr_assert_eq(fclose(f), 0);
}

static void cleanup(void)
{
    if (!dir)
        return;
    unlink(path);
    rmdir(dir);
    free(dir);
    dir = NULL;
}

/* The report without its "source" line (a pipe is named <stdin>). */
static char *without_source(const char *json)
{
    char *out = malloc(strlen(json) + 1), *o = out;
    const char *line = json;
    cr_assert_not_null(out);
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        char *copy = strndup(line, n);
        if (!strstr(copy, "\"source\":")) {
            memcpy(o, line, n);
            o += n;
        }
        free(copy);
        line += n;
    }
    *o = '\0';
    return out;
}

static char *report(const char *const *env, bool pipe)
{
    const char *argv[] = {"show", "--format", "json", "--top", "40", pipe ? "-" : path, NULL};
    mg_run r = mg_run_memgate(argv, env, pipe ? path : NULL);
    char *out;
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    out = without_source(r.out);
    mg_run_release(&r);
    return out;
}

Test(large, every_way_of_reading_gives_the_single_threaded_report, .fini = cleanup, .timeout = 300)
{
    const char *one_thread[] = {"MEMGATE_THREADS=1", NULL};
    const char *in_place[] = {"MEMGATE_NO_PRELOAD=1", NULL};
    char *want, *got, tb[64], tbk[64];
    generate(30000, 70000, -1);

    want = report(one_thread, false);
    snprintf(tb, sizeof(tb), "\"total_allocations_bytes\": %llu", want_tb);
    snprintf(tbk, sizeof(tbk), "\"allocation_count\": %llu", want_tbk);
    cr_expect(strstr(want, tb) != NULL, "%s not in the report", tb);
    cr_expect(strstr(want, tbk) != NULL, "%s not in the report", tbk);
    cr_expect(strstr(want, "large::module_") != NULL, "no hotspots in: %.400s", want);

    got = report(NULL, false);
    cr_expect_str_eq(got, want, "threaded, frame table read ahead");
    free(got);
    got = report(in_place, false);
    cr_expect_str_eq(got, want, "threaded, frame table read in place");
    free(got);
    got = report(NULL, true);
    cr_expect_str_eq(got, want, "threaded, from a pipe");
    free(got);
    {
        /* every scanner level (src/util/simd.h) gives the same report; a level this CPU
           lacks falls back to the best it has, which is compared all the same */
        static const char *const levels[][2] = {{"MEMGATE_SIMD=scalar", NULL},
                                                {"MEMGATE_SIMD=sse2", NULL},
                                                {"MEMGATE_SIMD=avx2", NULL}};
        size_t i;
        for (i = 0; i < 3; i++) {
            got = report(levels[i], false);
            cr_expect_str_eq(got, want, "%s", levels[i][0]);
            free(got);
        }
    }
    free(want);
}

Test(large, a_bad_frame_index_is_reported_with_its_line, .fini = cleanup, .timeout = 300)
{
    const char *argv[] = {"show", path, NULL};
    mg_run r;
    generate(30000, 70000, 65000);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
    cr_expect(strstr(r.err, "program point refers to frame 30007, but 'ftbl' has 30000 entries"),
              "%s", r.err);
    cr_expect(strstr(r.err, " line ") != NULL, "no line in: %s", r.err);
    mg_run_release(&r);
}
