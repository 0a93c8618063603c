/*
 * The streaming dhat JSON reader against a whole-DOM load (jansson) of every
 * real capture, through each of its paths: the frame table read ahead from a
 * seekable file, the pending path (pipe, or read ahead switched off), and the
 * in-memory tokenizer. Also: spilling to a temporary file, key order, errors.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "memgate/profile.h"
#include "run.h"
#include "utf8.h"

struct group {
    char *name;
    uint64_t v[MG_RANK_COUNT]; /* tb, gb, tbk as in enum mg_rank */
    uint64_t eb, pps;
};

struct ref {
    uint64_t tb, tbk, gb, gbk, eb, ebk, n_pps;
    struct group *g;
    size_t n;
};

static size_t group_of(struct ref *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (!strcmp(r->g[i].name, name))
            return i;
    r->g = realloc(r->g, (r->n + 1) * sizeof(*r->g));
    memset(&r->g[r->n], 0, sizeof(*r->g));
    r->g[r->n].name = strdup(name);
    return r->n++;
}

static uint64_t u(json_t *o, const char *k)
{
    return (uint64_t)json_integer_value(json_object_get(o, k));
}

/* The reference implements the allocation-site rule. */
static const mg_load_options alloc_site = {.attribution = MG_ATTR_ALLOC_SITE};

/* The reference: jansson DOM, sums, and the skip-alloc attribution done pp by pp. */
static void dom_reference(const char *path, struct ref *r)
{
    size_t len, i, k;
    char *raw = mg_slurp(path, &len), *clean;
    json_error_t je;
    json_t *root, *pps, *ftbl;

    cr_assert_not_null(raw, "%s", path);
    clean = mg_utf8_sanitize(raw, len); /* Valgrind may write raw Latin-1 bytes */
    root = json_loads(clean, 0, &je);
    cr_assert_not_null(root, "%s: %s", path, je.text);
    pps = json_object_get(root, "pps");
    ftbl = json_object_get(root, "ftbl");
    memset(r, 0, sizeof(*r));
    for (i = 0; i < json_array_size(pps); i++) {
        json_t *pp = json_array_get(pps, i), *fs = json_object_get(pp, "fs");
        const char *name = NULL;
        char buf[4096];
        size_t g;
        r->tb += u(pp, "tb"), r->tbk += u(pp, "tbk"), r->gb += u(pp, "gb");
        r->gbk += u(pp, "gbk"), r->eb += u(pp, "eb"), r->ebk += u(pp, "ebk");
        r->n_pps++;
        for (k = 0; k < json_array_size(fs) && !name; k++) {
            const char *t = json_string_value(
                json_array_get(ftbl, (size_t)json_integer_value(json_array_get(fs, k))));
            const char *n, *loc;
            size_t nl, ll;
            mg_frame_split(t, strlen(t), &n, &nl, &loc, &ll);
            if (!mg_frame_is_machinery(n, nl, loc, ll)) {
                snprintf(buf, sizeof(buf), "%.*s", (int)nl, n);
                name = buf;
            }
        }
        if (!name)
            name = json_array_size(fs) ? "[all-frames-allocator]" : "[root]";
        g = group_of(r, name);
        r->g[g].v[MG_RANK_TOTAL_BYTES] += u(pp, "tb");
        r->g[g].v[MG_RANK_PEAK_BYTES] += u(pp, "gb");
        r->g[g].v[MG_RANK_ALLOC_COUNT] += u(pp, "tbk");
        r->g[g].eb += u(pp, "eb");
        r->g[g].pps++;
    }
    json_decref(root);
    free(clean);
    free(raw);
}

static int sort_rank;
static int by_rank(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->v[sort_rank] != y->v[sort_rank])
        return x->v[sort_rank] > y->v[sort_rank] ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void compare(const struct ref *r, const mg_profile *p, const char *what)
{
    const mg_metrics *m = mg_profile_metrics(p);
    int rk;
    bool heap = mg_profile_mode(p) == MG_MODE_HEAP;
    uint64_t amount = 0, count = 0;

    if (heap) {
        cr_expect_eq(m->value[MG_TOTAL_BYTES], r->tb, "%s: total", what);
        cr_expect_eq(m->value[MG_ALLOC_COUNT], r->tbk, "%s: count", what);
        cr_expect_eq(m->value[MG_PEAK_BYTES], r->gb, "%s: peak", what);
        cr_expect_eq(m->value[MG_PEAK_BLOCKS], r->gbk, "%s: peak blocks", what);
        cr_expect_eq(m->value[MG_END_BYTES], r->eb, "%s: end", what);
        cr_expect_eq(m->value[MG_END_BLOCKS], r->ebk, "%s: end blocks", what);
    } else {
        cr_assert(mg_profile_raw_total(p, &amount, &count));
        cr_expect_eq(amount, r->tb, "%s: raw total", what);
        cr_expect_eq(count, r->tbk, "%s: raw count", what);
    }
    for (rk = 0; rk < MG_RANK_COUNT; rk++) {
        size_t n, i, want;
        const mg_hotspot *h = mg_profile_ranking(p, (enum mg_rank)rk, &n);
        uint64_t whole;
        sort_rank = rk;
        qsort(r->g, r->n, sizeof(*r->g), by_rank);
        want = r->n < 10 ? r->n : 10;
        cr_assert_eq(n, want, "%s: ranking %d has %zu rows, want %zu", what, rk, n, want);
        cr_assert(mg_profile_hotspot_whole(p, (enum mg_rank)rk, &whole));
        cr_expect_eq(whole, rk == MG_RANK_TOTAL_BYTES  ? r->tb
                            : rk == MG_RANK_PEAK_BYTES ? r->gb
                                                       : r->tbk);
        for (i = 0; i < n; i++) {
            cr_expect_str_eq(h[i].function, r->g[i].name, "%s: ranking %d #%zu", what, rk, i + 1);
            cr_expect_eq(h[i].total_bytes, r->g[i].v[MG_RANK_TOTAL_BYTES], "%s #%zu", what, i);
            cr_expect_eq(h[i].peak_bytes, r->g[i].v[MG_RANK_PEAK_BYTES], "%s #%zu", what, i);
            cr_expect_eq(h[i].total_blocks, r->g[i].v[MG_RANK_ALLOC_COUNT], "%s #%zu", what, i);
            cr_expect_eq(h[i].end_bytes, r->g[i].eb, "%s #%zu", what, i);
            cr_expect_eq(h[i].program_points, r->g[i].pps, "%s #%zu", what, i);
        }
    }
}

static void ref_free(struct ref *r)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        free(r->g[i].name);
    free(r->g);
}

/* A FILE reading the file through a pipe (not seekable), fed by a child process. */
static FILE *through_pipe(const char *path, pid_t *child)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    *child = fork();
    cr_assert_geq(*child, 0);
    if (*child == 0) {
        size_t n;
        char *data = mg_slurp(path, &n), *p = data;
        close(fd[0]);
        while (n) {
            ssize_t w = write(fd[1], p, n);
            if (w <= 0)
                _exit(1);
            p += w;
            n -= (size_t)w;
        }
        _exit(0);
    }
    close(fd[1]);
    return fdopen(fd[0], "rb");
}

static mg_profile *load_pipe(const char *path)
{
    pid_t child;
    int status;
    FILE *f = through_pipe(path, &child);
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_load_file(&p, f, "<pipe>", &alloc_site, &err), 0, "%s via a pipe: %s",
                 path, err.msg);
    fclose(f);
    waitpid(child, &status, 0);
    return p;
}

static void each_path(const char *path)
{
    struct ref r;
    mg_profile *p = NULL;
    mg_error err;
    size_t len;
    char *data;

    dom_reference(path, &r);
    mg_error_init(&err);
    /* 1. seekable file: frame table read ahead */
    cr_assert_eq(mg_profile_load(&p, path, &alloc_site, &err), 0, "%s: %s", path, err.msg);
    compare(&r, p, "file");
    mg_profile_free(p);
    /* 2. a pipe: program points kept until the frame table */
    p = load_pipe(path);
    compare(&r, p, "pipe");
    mg_profile_free(p);
    /* 3. seekable, read-ahead switched off */
    setenv("MEMGATE_NO_PRELOAD", "1", 1);
    cr_assert_eq(mg_profile_load(&p, path, &alloc_site, &err), 0, "%s: %s", path, err.msg);
    unsetenv("MEMGATE_NO_PRELOAD");
    compare(&r, p, "no read-ahead");
    mg_profile_free(p);
    /* 4. in memory: the general tokenizer only */
    data = mg_slurp(path, &len);
    cr_assert_eq(mg_profile_parse(&p, data, len, path, &alloc_site, &err), 0, "%s: %s", path,
                 err.msg);
    compare(&r, p, "memory");
    mg_profile_free(p);
    free(data);
    ref_free(&r);
}

Test(dhat_stream, every_capture_matches_a_dom_load)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    int n = 0;
    snprintf(dir, sizeof(dir), "%s", mg_testdata("profiles"));
    cr_assert_not_null(d = opendir(dir));
    while ((e = readdir(d))) {
        char path[4400];
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".json") || strstr(e->d_name, ".expected."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        each_path(path);
        n++;
    }
    closedir(d);
    cr_expect_geq(n, 20, "only %d captures", n);
}

/* A generated profile big enough that pending program points spill to a temporary file. */
static void write_big(const char *path, unsigned n_pps, bool ftbl_first)
{
    FILE *f = fopen(path, "w");
    unsigned i, k;
    cr_assert_not_null(f);
    fputs("{\n\"dhatFileVersion\": 2,\n\"mode\": \"rust-heap\",\n\"verb\": \"Allocated\",\n"
          "\"bklt\": true,\n\"bkacc\": false,\n\"tu\": \"\xC2\xB5s\",\n\"Mtu\": \"s\",\n"
          "\"tuth\": 10,\n\"cmd\": \"gen\",\n\"pid\": 1,\n\"tg\": 5,\n\"te\": 9,\n",
          f);
    if (ftbl_first) {
        fputs("\"ftbl\": [\n\"[root]\",\n\"0x1: alloc::alloc::alloc (src/alloc.rs:1:1)\"", f);
        for (k = 2; k < 1000; k++)
            fprintf(f, ",\n\"0x%x: gen::f%u (src/gen.rs:%u:1)\"", k, k % 97, k);
        fputs("\n],\n", f);
    }
    fputs("\"pps\": [\n", f);
    for (i = 0; i < n_pps; i++) {
        fprintf(f,
                "%s{\n\"tb\": %u,\n\"tbk\": %u,\n\"tl\": 1,\n\"mb\": 1,\n\"mbk\": 1,\n"
                "\"gb\": %u,\n\"gbk\": 1,\n\"eb\": 0,\n\"ebk\": 0,\n\"fs\": [\n1",
                i ? ",\n" : "", 100 + i % 1000, 1 + i % 7, i % 3);
        for (k = 0; k < 30; k++)
            fprintf(f, ",\n%u", 2 + (i * 31 + k * 7) % 998);
        fputs("\n]\n}", f);
    }
    fputs("\n]", f);
    if (!ftbl_first) {
        fputs(",\n\"ftbl\": [\n\"[root]\",\n\"0x1: alloc::alloc::alloc (src/alloc.rs:1:1)\"", f);
        for (k = 2; k < 1000; k++)
            fprintf(f, ",\n\"0x%x: gen::f%u (src/gen.rs:%u:1)\"", k, k % 97, k);
        fputs("\n]", f);
    }
    fputs("\n}\n", f);
    fclose(f);
}

Test(dhat_stream, spill_to_temporary_file_and_key_order, .timeout = 120)
{
    char *dir = mg_tempdir(), a[4200], b[4200];
    snprintf(a, sizeof(a), "%s/ftbl-last.json", dir);
    snprintf(b, sizeof(b), "%s/ftbl-first.json", dir);
    write_big(a, 60000, false); /* 60,000 x 31 frames: more pending data than is kept in memory */
    write_big(b, 2000, true);
    each_path(a);
    each_path(b);
    unlink(a);
    unlink(b);
    rmdir(dir);
    free(dir);
}

static void expect_error(const char *text, const char *fragment)
{
    char *dir = mg_tempdir(), path[4200];
    mg_profile *p = NULL;
    mg_error err;
    snprintf(path, sizeof(path), "%s/bad.json", dir);
    mg_spit(path, text);
    mg_error_init(&err);
    cr_expect_lt(mg_profile_load(&p, path, &alloc_site, &err), 0, "accepted: %s", text);
    cr_expect(strstr(err.msg, fragment) != NULL, "'%s' not in '%s'", fragment, err.msg);
    cr_expect_null(p);
    unlink(path);
    rmdir(dir);
    free(dir);
}

#define HEAD "{\"dhatFileVersion\":2,\"mode\":\"heap\",\"bklt\":false,\"te\":1,"

Test(dhat_stream, structural_errors)
{
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[1]}],\"ftbl\":[\"[root]\",\"x\"],"
                      "\"ftbl\":[\"[root]\",\"x\"]}",
                 "duplicate key 'ftbl'");
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tb\":2,\"tbk\":1,\"fs\":[]}],\"ftbl\":[\"[root]\"]}",
                 "duplicate key 'tb' in a program point");
    expect_error(HEAD "\"pps\":[{\"tbk\":1,\"fs\":[]}],\"ftbl\":[\"[root]\"]}",
                 "lacks the key 'tb'");
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[2]}],\"ftbl\":[\"[root]\"]}",
                 "frame 2");
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[]}]}", "lacks the key 'ftbl'");
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[]}],\"ftbl\":[\"[root]\"]} x",
                 "unexpected character");
    /* a "ftbl" inside a string must not fool the read-ahead */
    expect_error(
        HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[1]}],\"cmd\":\"\\\"ftbl\\\": [\\\"a\\\"]}\"}",
        "lacks the key 'ftbl'");
}

/* Valgrind's raw bytes >= 0x80 in frame strings are valid input. */
Test(dhat_stream, raw_latin1_bytes_in_frames)
{
    char *dir = mg_tempdir(), path[4200];
    mg_profile *p = NULL;
    mg_error err;
    size_t n;
    const mg_hotspot *h;
    snprintf(path, sizeof(path), "%s/latin1.json", dir);
    mg_spit(path, HEAD "\"pps\":[{\"tb\":7,\"tbk\":1,\"fs\":[1]}],"
                       "\"ftbl\":[\"[root]\",\"0x1: caf\xE9_init (/src/caf\xE9.c:3)\"]}\n");
    mg_error_init(&err);
    cr_assert_eq(mg_profile_load(&p, path, &alloc_site, &err), 0, "%s", err.msg);
    h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect(mg_utf8_valid(h[0].function, strlen(h[0].function)));
    cr_expect_eq(h[0].total_bytes, 7);
    mg_profile_free(p);
    unlink(path);
    rmdir(dir);
    free(dir);
}

/*
 * The frame table read ahead from the end of a file must not change which
 * error a bad file gets: reading from memory (in order) and loading the file
 * report the same one, at the same place.
 */
static void same_error_both_ways(const char *text, const char *fragment)
{
    char *dir = mg_tempdir(), path[4200];
    mg_profile *p = NULL;
    mg_error e1, e2;
    snprintf(path, sizeof(path), "%s/bad.json", dir);
    mg_spit(path, text);
    mg_error_init(&e1);
    mg_error_init(&e2);
    cr_expect_lt(mg_profile_parse(&p, text, strlen(text), path, NULL, &e1), 0, "accepted: %s",
                 text);
    cr_expect_lt(mg_profile_load(&p, path, NULL, &e2), 0, "accepted: %s", text);
    cr_expect_str_eq(e1.msg, e2.msg);
    cr_expect_eq(e1.line, e2.line, "%s: line %lu vs %lu", e1.msg, e1.line, e2.line);
    cr_expect(strstr(e1.msg, fragment) != NULL, "'%s' not in '%s'", fragment, e1.msg);
    unlink(path);
    rmdir(dir);
    free(dir);
}

Test(dhat_stream, table_read_ahead_gives_the_in_order_error)
{
    /* a bad frame index, and no "mode": in order, the index is met first */
    same_error_both_ways("{\"dhatFileVersion\":2,\"bklt\":false,\n\"pps\":[{\"tb\":1,\"tbk\":1,"
                         "\"fs\":[5]}],\n\"ftbl\":[\"[root]\",\"x\"]}",
                         "refers to frame 5");
    /* a bad frame index, then a bad program point: the bad point comes first in both */
    same_error_both_ways(HEAD "\n\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[5]},\n{\"tb\":1}],\n"
                              "\"ftbl\":[\"[root]\",\"x\"]}",
                         "lacks the key 'tbk'");
}
