/*
 * Go heap profiles (testdata/go: programs, generate.sh, the profiles and what `go tool pprof`
 * says about each in NAME.expected.json): exact metrics, own-code hotspots, the gate on a
 * regressed/optimized pair, and malformed protobuf.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "run.h"

static json_t *expected(const char *name)
{
    char rel[256];
    json_error_t je;
    snprintf(rel, sizeof(rel), "go/profiles/%s.expected.json", name);
    json_t *j = json_load_file(mg_testdata(rel), 0, &je);
    cr_assert_not_null(j, "%s: %s", rel, je.text);
    return j;
}

static long long num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "sidecar key %s missing", key);
    return json_integer_value(v);
}

static json_t *show(const char *path, json_t **root)
{
    json_error_t je;
    const char *argv[] = {"show", "--format", "json", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "show %s exited %d: %s", path, r.status, r.err);
    *root = json_loads(r.out, 0, &je);
    cr_assert_not_null(*root, "show %s: not JSON: %s", path, je.text);
    mg_run_release(&r);
    return json_object_get(*root, "profile");
}

static const char *profile_path(const char *name)
{
    static char path[4096];
    char rel[256];
    snprintf(rel, sizeof(rel), "go/profiles/%s.pb.gz", name);
    snprintf(path, sizeof(path), "%s", mg_testdata(rel));
    return path;
}

static void check_profile(const char *name)
{
    json_t *root, *exp = expected(name), *p = show(profile_path(name), &root);
    json_t *m = json_object_get(p, "metrics"), *hs = json_object_get(p, "hotspots"), *h;
    const char *own = json_string_value(json_object_get(exp, "own_fn"));
    size_t i;
    bool found = false;

    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "pprof", "%s", name);
    cr_expect_str_eq(json_string_value(json_object_get(p, "producer")), "go-pprof", "%s", name);
    cr_expect_eq(num(m, "total_allocations_bytes"), num(exp, "alloc_space"), "%s", name);
    cr_expect_eq(num(m, "allocation_count"), num(exp, "alloc_objects"), "%s", name);
    cr_expect_eq(num(m, "end_bytes"), num(exp, "inuse_space"), "%s", name);
    cr_expect_eq(num(m, "end_blocks"), num(exp, "inuse_objects"), "%s", name);
    /* pprof has no peak: absent, never zero */
    cr_expect_null(json_object_get(m, "peak_memory_bytes"), "%s: peak must be absent", name);
    cr_expect_null(json_object_get(m, "peak_blocks"), "%s", name);
    cr_expect_not_null(json_object_get(p, "gate_note"), "%s: the gate note says so", name);
    /* own-code attribution gives the innermost own function pprof's cumulative bytes */
    cr_assert(json_is_array(hs) && json_array_size(hs) > 0, "%s: no hotspots", name);
    json_array_foreach(hs, i, h)
    {
        if (strcmp(json_string_value(json_object_get(h, "function")), own) != 0)
            continue;
        found = true;
        cr_expect_eq(json_integer_value(json_object_get(h, "total_bytes")),
                     num(exp, "own_fn_alloc_space"), "%s: %s", name, own);
    }
    cr_expect(found, "%s: no hotspot row for %s", name, own);
    json_array_foreach(hs, i, h)
    {
        const char *fn = json_string_value(json_object_get(h, "function"));
        cr_expect(strncmp(fn, "strings.", 8) && strncmp(fn, "fmt.", 4) &&
                      strncmp(fn, "strconv.", 8),
                  "%s: standard-library hotspot %s (own code should take it)", name, fn);
    }
    json_decref(root);
    json_decref(exp);
}

Test(pprof, plain_program_sampled)
{
    check_profile("plain");
}

Test(pprof, go_test_memprofile)
{
    check_profile("gotest-wordcount");
}

Test(pprof, pair_profiles)
{
    check_profile("pair-baseline");
    check_profile("pair-regressed");
    check_profile("pair-optimized");
}

static int memgate_in(const char *dir, const char *const *argv)
{
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
    cr_assert_eq(chdir(dir), 0);
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    int status = r.status;
    if (status > 1)
        cr_log_error("memgate %s: %s", argv[0], r.err);
    mg_run_release(&r);
    cr_assert_eq(chdir(cwd), 0);
    return status;
}

Test(pprof, pair_gates)
{
    char *dir = mg_tempdir();
    char base[4096], reg[4096], opt[4096];
    snprintf(base, sizeof(base), "%s", profile_path("pair-baseline"));
    snprintf(reg, sizeof(reg), "%s", profile_path("pair-regressed"));
    snprintf(opt, sizeof(opt), "%s", profile_path("pair-optimized"));
    const char *up[] = {"update-baseline", base, "--approve", NULL};
    const char *check_reg[] = {"check", reg, NULL};
    const char *check_opt[] = {"check", opt, NULL};
    const char *check_base[] = {"check", base, NULL};
    cr_assert_eq(memgate_in(dir, up), 0, "update-baseline");
    cr_expect_eq(memgate_in(dir, check_reg), 1, "the regressed run must fail the gate");
    cr_expect_eq(memgate_in(dir, check_opt), 0, "the optimized run must pass");
    cr_expect_eq(memgate_in(dir, check_base), 0, "the baseline itself passes");
    free(dir);
}

/* The decompressed protobuf (the loader also reads it without gzip). */
static unsigned char *raw_profile(const char *name, size_t *len)
{
    gzFile z = gzopen(profile_path(name), "rb");
    size_t cap = 1 << 16;
    unsigned char *buf = malloc(cap);
    int n;
    cr_assert(z && buf);
    *len = 0;
    while ((n = gzread(z, buf + *len, (unsigned)(cap - *len))) > 0) {
        *len += (size_t)n;
        if (*len == cap)
            cr_assert_not_null(buf = realloc(buf, cap *= 2));
    }
    gzclose(z);
    return buf;
}

static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

Test(pprof, uncompressed_reads_the_same)
{
    size_t len;
    unsigned char *raw = raw_profile("gotest-wordcount", &len);
    char *dir = mg_tempdir(), path[4096];
    json_t *r1, *r2;
    snprintf(path, sizeof(path), "%s/heap.pb", dir);
    write_bytes(path, raw, len);
    json_t *a = show(path, &r1), *b = show(profile_path("gotest-wordcount"), &r2);
    cr_expect(json_equal(json_object_get(a, "metrics"), json_object_get(b, "metrics")));
    cr_expect(json_equal(json_object_get(a, "hotspots"), json_object_get(b, "hotspots")));
    json_decref(r1);
    json_decref(r2);
    free(raw);
    free(dir);
}

/* Cut inside a message, or with a field's length past the end: exit 3, at a byte offset. */
Test(pprof, truncated_is_malformed)
{
    size_t len, cut;
    unsigned char *raw = raw_profile("pair-baseline", &len);
    char *dir = mg_tempdir(), path[4096];
    snprintf(path, sizeof(path), "%s/cut.pb", dir);
    for (cut = len / 3; cut < len; cut += len / 3) {
        write_bytes(path, raw, cut);
        const char *argv[] = {"show", "--input-format", "pprof", path, NULL};
        mg_run r = mg_run_memgate(argv, NULL, NULL);
        cr_expect_eq(r.status, 3, "cut at %zu: exit %d (%s)", cut, r.status, r.err);
        cr_expect(strstr(r.err, "pprof") != NULL, "cut at %zu: %s", cut, r.err);
        mg_run_release(&r);
    }
    free(raw);
    free(dir);
}

/* A CPU profile (no heap sample types) is refused with what to pass instead. */
Test(pprof, cpu_profile_refused)
{
    /* sample_type {type:1 unit:2}, string_table "", "samples", "count" */
    static const unsigned char cpu[] = {0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x00,
                                        0x32, 0x07, 's',  'a',  'm',  'p',  'l',  'e',
                                        's',  0x32, 0x05, 'c',  'o',  'u',  'n',  't'};
    char *dir = mg_tempdir(), path[4096];
    snprintf(path, sizeof(path), "%s/cpu.pb", dir);
    write_bytes(path, cpu, sizeof(cpu));
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "exit %d (%s)", r.status, r.err);
    cr_expect(strstr(r.err, "heap sample types") && strstr(r.err, "'samples'"), "%s", r.err);
    mg_run_release(&r);
    free(dir);
}

/*
 * The live oracle: `go tool pprof -raw` (ci/setup.sh installs golang-go) reads each committed
 * profile now, and its per-column sums of the samples must be memgate's metrics; so the
 * sidecars above cannot drift from the files either.
 */
static void pprof_raw_sums(const char *path, long long sums[4], char names[4][32])
{
    char *dir = mg_tempdir(), cmd[8192], line[4096];
    int state = 0, i;
    snprintf(cmd, sizeof(cmd), "GOCACHE='%s' go tool pprof -raw '%s' 2>&1", dir, path);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    for (i = 0; i < 4; i++)
        sums[i] = 0;
    while (fgets(line, sizeof(line), f)) {
        if (state == 0 && !strncmp(line, "Samples:", 8)) {
            state = 1;
        } else if (state == 1) {
            cr_assert_eq(sscanf(line, " %31[^/]/%*s %31[^/]/%*s %31[^/]/%*s %31[^/]/%*s", names[0],
                                names[1], names[2], names[3]),
                         4, "pprof -raw sample header: %s", line);
            state = 2;
        } else if (state == 2) {
            long long v[4];
            if (!strncmp(line, "Locations", 9))
                state = 3;
            else if (strchr(line, ':') &&
                     sscanf(line, " %lld %lld %lld %lld:", &v[0], &v[1], &v[2], &v[3]) == 4)
                for (i = 0; i < 4; i++)
                    sums[i] += v[i];
        }
    }
    cr_assert_eq(pclose(f), 0, "go tool pprof -raw %s failed (is golang-go installed?)", path);
    cr_assert_eq(state, 3, "go tool pprof -raw %s: no Samples/Locations sections", path);
    free(dir);
}

Test(pprof, metrics_equal_go_tool_pprof_now, .timeout = 120)
{
    static const char *const names[] = {"plain", "gotest-wordcount", "pair-baseline",
                                        "pair-regressed", "pair-optimized"};
    static const struct {
        const char *type, *metric;
    } map[] = {{"alloc_space", "total_allocations_bytes"},
               {"alloc_objects", "allocation_count"},
               {"inuse_space", "end_bytes"},
               {"inuse_objects", "end_blocks"}};
    size_t n, i, k;
    for (n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        long long sums[4];
        char types[4][32];
        json_t *root, *m;
        pprof_raw_sums(profile_path(names[n]), sums, types);
        size_t compared = 0;
        m = json_object_get(show(profile_path(names[n]), &root), "metrics");
        for (i = 0; i < 4; i++)
            for (k = 0; k < 4; k++)
                if (!strcmp(types[i], map[k].type) && ++compared)
                    cr_expect_eq(json_integer_value(json_object_get(m, map[k].metric)), sums[i],
                                 "%s: %s", names[n], map[k].type);
        cr_expect_eq(compared, 4, "%s: pprof -raw columns %s %s %s %s", names[n], types[0],
                     types[1], types[2], types[3]);
        json_decref(root);
    }
}
