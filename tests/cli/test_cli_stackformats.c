/*
 * heaptrack, heaptrack_print, massif and ms_print stacks: memgate's hotspots
 * agree with what heaptrack_print and ms_print printed for the same run, and
 * folded stacks sum to the totals the sidecars computed independently.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define MAXF 64

/* Per function, what a tool printed (summed over its printed locations). */
struct printed {
    char name[MAXF][256];
    unsigned long long v[MAXF];
    size_t n;
};

static void add(struct printed *p, const char *name, size_t len, unsigned long long v)
{
    size_t i;
    char key[256];
    snprintf(key, sizeof(key), "%.*s", (int)len, name);
    for (i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], key)) {
            p->v[i] += v;
            return;
        }
    cr_assert_lt(p->n, MAXF);
    snprintf(p->name[p->n], sizeof(p->name[0]), "%s", key);
    p->v[p->n++] = v;
}

/* The printed entry with the largest value (ties: first printed). */
static size_t top(const struct printed *p)
{
    size_t i, best = 0;
    for (i = 1; i < p->n; i++)
        if (p->v[i] > p->v[best])
            best = i;
    return best;
}

/* A heaptrack_print size ("153.06M", "838B"), 1000-based, as the test reads it. */
static unsigned long long ht_size(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    const char *units = "BKMGT", *u = strchr(units, *end);
    cr_assert(u && *end, "size '%.20s'", s);
    for (; u > units; u--)
        v *= 1000;
    return (unsigned long long)(v + 0.5);
}

/*
 * heaptrack_print's location entries (not their backtraces): in the calls
 * section "N calls to allocation functions with SIZE peak consumption from",
 * in the peak section "SIZE peak memory consumed over N calls from", each
 * followed by the allocating function (an address when it has no symbol).
 */
static void heaptrack_print_locations(const char *text, struct printed *calls, struct printed *peak)
{
    enum { NONE, CALLS, PEAK } sec = NONE;
    const char *l = text;
    memset(calls, 0, sizeof(*calls));
    memset(peak, 0, sizeof(*peak));
    while (*l) {
        const char *nl = strchr(l, '\n'), *next = nl ? nl + 1 : l + strlen(l), *nl2;
        if (!strncmp(l, "MOST CALLS TO ALLOCATION FUNCTIONS", 34))
            sec = CALLS;
        else if (!strncmp(l, "PEAK MEMORY CONSUMERS", 21))
            sec = PEAK;
        else if (!strncmp(l, "MOST TEMPORARY", 14) || !strncmp(l, "total runtime", 13))
            sec = NONE;
        else if (sec != NONE && nl && (l[0] >= '0' && l[0] <= '9')) {
            const char *fn = next, *at;
            size_t fl;
            nl2 = strchr(fn, '\n');
            fl = nl2 ? (size_t)(nl2 - fn) : strlen(fn);
            if (sec == CALLS && (at = strstr(l, " calls to allocation functions with ")) &&
                at < nl) {
                unsigned long long n = strtoull(l, NULL, 10);
                add(calls, fn[0] == '0' && fn[1] == 'x' ? "???" : fn,
                    fn[0] == '0' && fn[1] == 'x' ? 3 : fl, n);
            } else if (sec == PEAK && (at = strstr(l, " peak memory consumed over ")) && at < nl) {
                add(peak, fn[0] == '0' && fn[1] == 'x' ? "???" : fn,
                    fn[0] == '0' && fn[1] == 'x' ? 3 : fl, ht_size(l));
            }
        }
        l = next;
    }
    cr_assert_gt(calls->n, 3, "calls section read");
    cr_assert_gt(peak->n, 3, "peak section read");
}

static json_t *show_json(const char *path, const char *attribution)
{
    const char *argv[] = {"show",          "--format",  "json", "--top", "50",
                          "--attribution", attribution, path,   NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *j;
    cr_assert_eq(r.status, 0, "%s: %s", path, r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s: JSON", path);
    mg_run_release(&r);
    return j;
}

/* A ranking's row for a function, or NULL. */
static json_t *row(json_t *j, const char *ranking, const char *fn)
{
    json_t *a = json_object_get(json_object_get(j, "profile"), ranking), *h;
    size_t i;
    json_array_foreach(a, i, h)
    {
        if (!strcmp(json_string_value(json_object_get(h, "function")), fn))
            return h;
    }
    return NULL;
}

static unsigned long long num(json_t *h, const char *key)
{
    return (unsigned long long)json_integer_value(json_object_get(h, key));
}

static const char *top_function(json_t *j, const char *ranking)
{
    json_t *a = json_object_get(json_object_get(j, "profile"), ranking);
    cr_assert_gt(json_array_size(a), 0, "%s has rows", ranking);
    return json_string_value(json_object_get(json_array_get(a, 0), "function"));
}

/* Within what heaptrack_print's two decimals of K/M/G can be off. */
static void near(unsigned long long got, unsigned long long printed, const char *what)
{
    unsigned long long tol = printed / 200 + 5;
    cr_expect(got + tol >= printed && got <= printed + tol, "%s: memgate %llu, printed %llu", what,
              got, printed);
}

static void agrees_with_print(const char *profile, const struct printed *calls,
                              const struct printed *peak, bool exact_calls)
{
    json_t *j = show_json(profile, "first-frame");
    size_t i, tc = top(calls), tp = top(peak);
    /* the allocating function heaptrack_print lists first is memgate's first */
    cr_expect_str_eq(top_function(j, "hotspots_by_allocation_count"), calls->name[tc], "%s",
                     profile);
    cr_expect_str_eq(top_function(j, "hotspots_by_peak_bytes"), peak->name[tp], "%s", profile);
    for (i = 0; i < calls->n; i++) {
        json_t *h = row(j, "hotspots_by_allocation_count", calls->name[i]);
        if (!strcmp(calls->name[i], "???"))
            continue; /* addresses of several objects: printed per location, merged by memgate */
        cr_assert_not_null(h, "%s: %s in memgate's count ranking", profile, calls->name[i]);
        if (exact_calls)
            cr_expect_eq(num(h, "total_blocks"), calls->v[i], "%s: calls of %s", profile,
                         calls->name[i]);
        else
            cr_expect_leq(num(h, "total_blocks"), calls->v[i], "%s: calls of %s", profile,
                          calls->name[i]);
    }
    for (i = 0; i < peak->n; i++) {
        json_t *h = row(j, "hotspots_by_peak_bytes", peak->name[i]);
        if (!strcmp(peak->name[i], "???"))
            continue;
        cr_assert_not_null(h, "%s: %s in memgate's peak ranking", profile, peak->name[i]);
        if (exact_calls)
            near(num(h, "peak_bytes"), peak->v[i], peak->name[i]);
    }
    json_decref(j);
}

Test(stackformats, heaptrack_hotspots_agree_with_heaptrack_print_of_the_same_run)
{
    struct printed calls, peak;
    char *text = mg_slurp(mg_testdata("profiles/heaptrack-sort.heaptrack_print.txt"), NULL);
    char data[4096];
    cr_assert_not_null(text);
    heaptrack_print_locations(text, &calls, &peak);
    snprintf(data, sizeof(data), "%s", mg_testdata("profiles/heaptrack-sort.heaptrack.zst"));
    /* the data file: every printed location's calls exactly, peaks within the print's rounding */
    agrees_with_print(data, &calls, &peak, true);
    /* the print itself: the same first rows; its backtraces can only fall short of its
       locations (it lists at most five per location) */
    snprintf(data, sizeof(data), "%s", mg_testdata("profiles/heaptrack-sort.heaptrack_print.txt"));
    agrees_with_print(data, &calls, &peak, false);
    free(text);
}

static json_t *sidecar(const char *name)
{
    char rel[512];
    json_t *j;
    snprintf(rel, sizeof(rel), "profiles/%s", name);
    j = json_load_file(mg_testdata(rel), 0, NULL);
    cr_assert_not_null(j, "%s", name);
    return j;
}

static unsigned long long folded_sum(const char *path, const char *weight)
{
    const char *argv[] = {"show", "--format", "folded", "--weight", weight, path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    unsigned long long sum = 0;
    const char *line;
    cr_assert_eq(r.status, 0, "%s: %s", path, r.err);
    for (line = r.out; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
        const char *p, *last = NULL;
        for (p = line; *p && *p != '\n'; p++)
            if (*p == ' ')
                last = p;
        cr_assert_not_null(last, "no weight: %.80s", line);
        sum += strtoull(last + 1, NULL, 10);
    }
    mg_run_release(&r);
    return sum;
}

Test(stackformats, heaptrack_folded_sums_to_the_replayed_totals)
{
    json_t *x = sidecar("heaptrack-sort.heaptrack.expected.json");
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata("profiles/heaptrack-sort.heaptrack.zst"));
    cr_expect_eq(folded_sum(path, "total"), num(x, "total_bytes_allocated"));
    cr_expect_eq(folded_sum(path, "peak"), num(x, "peak_heap_bytes"));
    cr_expect_eq(folded_sum(path, "count"), num(x, "allocation_calls"));
    json_decref(x);
}

Test(stackformats, heaptrack_print_folded_sums_to_its_summary)
{
    json_t *x = sidecar("heaptrack-sort.heaptrack_print.expected.json");
    json_t *pr = json_object_get(x, "parsed_from_text");
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata("profiles/heaptrack-sort.heaptrack_print.txt"));
    cr_assert_not_null(pr);
    cr_expect_eq(folded_sum(path, "count"), num(pr, "calls_to_allocation_functions"));
    near(folded_sum(path, "peak"),
         (unsigned long long)json_real_value(
             json_object_get(pr, "peak_heap_memory_consumption_bytes_approx")),
         "peak");
    json_decref(x);
}

/* "(44,066,044B)" at b: the bytes. */
static unsigned long long grouped(const char *b)
{
    char digits[32];
    size_t k = 0;
    const char *p;
    for (p = b + 1; *p && *p != 'B' && k < sizeof(digits) - 1; p++)
        if (*p != ',')
            digits[k++] = *p;
    digits[k] = '\0';
    return strtoull(digits, NULL, 10);
}

/*
 * ms_print's tree under the "(peak)" snapshot: its first level (lines starting
 * "->") is the allocating functions, "(N,NNNB) 0xADDR: NAME (WHERE)".
 */
static void ms_print_sites(const char *text, struct printed *out)
{
    const char *list = strstr(text, " Detailed snapshots: ["), *pk, *l;
    char row[32];
    unsigned long peak_n;
    memset(out, 0, sizeof(*out));
    cr_assert_not_null(list);
    pk = strstr(list, " (peak)");
    cr_assert_not_null(pk);
    while (pk > list && pk[-1] >= '0' && pk[-1] <= '9')
        pk--;
    peak_n = strtoul(pk, NULL, 10);
    snprintf(row, sizeof(row), "\n%3lu ", peak_n);
    l = strstr(text, row);
    cr_assert_not_null(l, "row of snapshot %lu", peak_n);
    for (l = strchr(l + 1, '\n') + 1; *l && strncmp(l, "-----", 5); l = strchr(l, '\n') + 1) {
        const char *b = strchr(l, '('), *colon, *paren, *nl = strchr(l, '\n');
        if (strncmp(l, "->", 2) != 0)
            continue;
        cr_assert(b && b < nl);
        colon = strstr(l, ": ");
        if (strstr(l, " places, all below ") && strstr(l, " places, all below ") < nl) {
            add(out, "[below massif's threshold]", 26, grouped(b));
            continue;
        }
        cr_assert(colon && colon < nl, "%.80s", l);
        paren = nl;
        while (paren > colon && *paren != '(')
            paren--;
        add(out, colon + 2, (size_t)(paren - 1 - (colon + 2)), grouped(b));
    }
    cr_assert_gt(out->n, 0, "ms_print tree read");
}

Test(stackformats, massif_hotspots_agree_with_ms_print_of_the_same_run)
{
    static const char *const runs[] = {"massif-jq-filter", "massif-python3-json"};
    size_t r, i;
    for (r = 0; r < 2; r++) {
        char rel[256], massif[4096], msp[4096];
        struct printed sites;
        char *text;
        json_t *x;
        snprintf(rel, sizeof(rel), "profiles/%s.ms_print.txt", runs[r]);
        snprintf(msp, sizeof(msp), "%s", mg_testdata(rel));
        snprintf(rel, sizeof(rel), "profiles/%s.massif.out", runs[r]);
        snprintf(massif, sizeof(massif), "%s", mg_testdata(rel));
        text = mg_slurp(msp, NULL);
        cr_assert_not_null(text);
        ms_print_sites(text, &sites);
        for (i = 0; i < 2; i++) {
            const char *path = i ? msp : massif;
            json_t *j = show_json(path, "first-frame");
            size_t k;
            cr_expect_str_eq(top_function(j, "hotspots_by_peak_bytes"), sites.name[top(&sites)],
                             "%s", path);
            for (k = 0; k < sites.n; k++) {
                json_t *h = row(j, "hotspots_by_peak_bytes", sites.name[k]);
                if (!strcmp(sites.name[k], "???"))
                    continue;
                cr_assert_not_null(h, "%s: %s", path, sites.name[k]);
                cr_expect_eq(num(h, "peak_bytes"), sites.v[k], "%s: %s", path, sites.name[k]);
            }
            json_decref(j);
            snprintf(rel, sizeof(rel), "%s.massif.expected.json", runs[r]);
            x = sidecar(rel);
            cr_expect_eq(folded_sum(path, "peak"), num(x, "mem_heap_B_at_peak"), "%s", path);
            json_decref(x);
        }
        free(text);
    }
}

/* The same program under Valgrind DHAT: the own-code rule names the same frame (owncode.tsv). */
Test(stackformats, massif_own_code_top_matches_the_independent_table)
{
    char *tsv = mg_slurp(mg_testdata("profiles/owncode.tsv"), NULL), want[256];
    const char *l, *tab1, *tab2, *tab3;
    json_t *j;
    cr_assert_not_null(tsv);
    l = strstr(tsv, "\nvgdhat-jq-filter.json\t");
    cr_assert_not_null(l);
    tab1 = strchr(l + 1, '\t');
    tab2 = strchr(tab1 + 1, '\t');
    tab3 = strchr(tab2 + 1, '\t');
    snprintf(want, sizeof(want), "%.*s %.*s", (int)(tab2 - tab1 - 1), tab1 + 1,
             (int)(tab3 - tab2 - 1), tab2 + 1);
    j = show_json(mg_testdata("profiles/massif-jq-filter.massif.out"), "own");
    cr_expect_str_eq(top_function(j, "hotspots_by_peak_bytes"), want);
    json_decref(j);
    free(tsv);
}
