/*
 * Flame graphs, tested on the SVG's own numbers (libxml2): every level's widths add up to
 * its parent and the root to the profile's total (as `memgate show --format json` reports
 * it), grown frames red and shrunk ones blue in the differential graphs of the wordfreq,
 * pipeline and jsondoc trios, deterministic output, and check against --compare-profile or
 * the baseline's stored stacks.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

TestSuite(flame, .init = mg_enter_tempdir, .fini = mg_leave_tempdir, .timeout = 120);

/* A profile under testdata/profiles/. */
static const char *prof(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof(rel), "profiles/%s", name);
    return mg_testdata(rel);
}

/* A metric of a profile as memgate show --format json reports it. */
static unsigned long long metric(const char *profile, const char *name)
{
    const char *argv[] = {"show", profile, "--format", "json", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *j;
    unsigned long long v;
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    v = (unsigned long long)json_integer_value(
        json_object_get(json_object_get(json_object_get(j, "profile"), "metrics"), name));
    json_decref(j);
    mg_run_release(&r);
    return v;
}

static char *run_to_file(const char *const *argv, int want_status, const char *file)
{
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    char *svg;
    cr_assert_eq(r.status, want_status, "%s", r.err);
    mg_run_release(&r);
    svg = mg_slurp(file, NULL);
    cr_assert_not_null(svg, "%s not written", file);
    return svg;
}

static bool is_frame(xmlNodePtr n)
{
    xmlChar *cls;
    bool yes;
    if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)"g"))
        return false;
    cls = xmlGetProp(n, (const xmlChar *)"class");
    yes = cls && !strncmp((const char *)cls, "frame", 5);
    xmlFree(cls);
    return yes;
}

static unsigned long long num_prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    unsigned long long x;
    cr_assert_not_null(v, "frame without %s", name);
    x = strtoull((const char *)v, NULL, 10);
    xmlFree(v);
    return x;
}

static xmlNodePtr child_elem(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)name))
            return c;
    return NULL;
}

struct stats {
    unsigned frames, grew, shrank, same;
    unsigned long long biggest_growth, biggest_shrink;
    char growth_fill[40], shrink_fill[40];
};

/* The fill a frame must have for its change, by the rule the legend states. */
static void check_colour(xmlNodePtr g, unsigned long long after, unsigned long long before,
                         struct stats *st, bool root)
{
    xmlChar *fill = xmlGetProp(child_elem(g, "rect"), (const xmlChar *)"fill");
    unsigned r, gg, b;
    cr_assert_not_null(fill);
    cr_assert_eq(sscanf((const char *)fill, "rgb(%u,%u,%u)", &r, &gg, &b), 3, "%s", fill);
    if (after > before) {
        cr_expect(r == 255 && gg == b && gg < 236, "grew %llu -> %llu but fill %s", before, after,
                  fill);
        if (!root && after - before > st->biggest_growth) {
            st->biggest_growth = after - before;
            snprintf(st->growth_fill, sizeof(st->growth_fill), "%s", fill);
        }
        st->grew += !root;
    } else if (after < before) {
        cr_expect(b == 255 && r == gg && r < 236, "shrank %llu -> %llu but fill %s", before, after,
                  fill);
        if (!root && before - after > st->biggest_shrink) {
            st->biggest_shrink = before - after;
            snprintf(st->shrink_fill, sizeof(st->shrink_fill), "%s", fill);
        }
        st->shrank += !root;
    } else {
        cr_expect_str_eq((const char *)fill, "rgb(235,235,235)");
        st->same += !root;
    }
    xmlFree(fill);
}

/*
 * Walk the frames: each one's children add up to at most its own weight (the rest is
 * its self weight), on both sides; colours follow the change.
 */
static void walk(xmlNodePtr g, bool diff, struct stats *st, bool root)
{
    unsigned long long w = num_prop(g, "data-w"), before = diff ? num_prop(g, "data-before") : 0;
    unsigned long long sum_w = 0, sum_b = 0;
    st->frames++;
    cr_assert_not_null(child_elem(g, "title"), "every frame has a hover title");
    if (diff)
        check_colour(g, w, before, st, root);
    for (xmlNodePtr c = g->children; c; c = c->next) {
        if (!is_frame(c))
            continue;
        sum_w += num_prop(c, "data-w");
        sum_b += diff ? num_prop(c, "data-before") : 0;
        walk(c, diff, st, false);
    }
    cr_expect_leq(sum_w, w, "children outweigh their frame");
    cr_expect_leq(sum_b, before, "children outweigh their frame (before)");
    if (root) {
        /* every stack has a frame: the root has no weight of its own */
        cr_expect_eq(sum_w, w, "the first level adds up to the total");
        cr_expect_eq(sum_b, before, "the first level adds up to the earlier total");
    }
}

static xmlNodePtr root_frame(xmlDocPtr doc)
{
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (is_frame(c))
            return c;
    cr_assert_fail("no frame in the SVG");
    return NULL;
}

static struct stats check_svg(const char *svg, bool diff, unsigned long long total,
                              unsigned long long before_total)
{
    struct stats st;
    xmlDocPtr doc =
        xmlReadMemory(svg, (int)strlen(svg), "f.svg", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    xmlNodePtr root;
    memset(&st, 0, sizeof(st));
    cr_assert_not_null(doc, "not well-formed XML");
    cr_assert_null(strstr(svg, "<script"), "no script in the picture");
    root = root_frame(doc);
    cr_expect_eq(num_prop(root, "data-w"), total, "the root is the profile's total");
    if (diff)
        cr_expect_eq(num_prop(root, "data-before"), before_total, "the root's earlier total");
    walk(root, diff, &st, true);
    xmlFreeDoc(doc);
    return st;
}

static void trio(const char *name, const char *build)
{
    char base[128], regressed[128], optimized[128];
    const char *pb, *pr, *po;
    unsigned long long tb, tr, to;
    struct stats st;
    char *svg;

    snprintf(base, sizeof(base), "dhatrs-%s-baseline-%s.json", name, build);
    snprintf(regressed, sizeof(regressed), "dhatrs-%s-regressed-%s.json", name, build);
    snprintf(optimized, sizeof(optimized), "dhatrs-%s-optimized-%s.json", name, build);
    pb = prof(base);
    pr = prof(regressed);
    po = prof(optimized);
    tb = metric(pb, "total_allocations_bytes");
    tr = metric(pr, "total_allocations_bytes");
    to = metric(po, "total_allocations_bytes");
    cr_assert(tb && tr && to);
    {
        const char *argv[] = {"diff", pb, pr, "--format", "flamegraph", "--output", "up.svg", NULL};
        svg = run_to_file(argv, 1, "up.svg");
    }
    st = check_svg(svg, true, tr, tb);
    /* the regression is drawn red, and its largest growth at full intensity */
    cr_expect_gt(st.grew, 0, "%s: no red frame in baseline -> regressed", name);
    cr_expect_str_eq(st.growth_fill, "rgb(255,35,35)", "%s", name);
    free(svg);
    {
        const char *argv[] = {"diff",       pb,         po,         "--format",
                              "flamegraph", "--output", "down.svg", NULL};
        mg_run r = mg_run_memgate(argv, NULL, NULL);
        cr_assert(r.status == 0 || r.status == 1, "%s", r.err);
        mg_run_release(&r);
        svg = mg_slurp("down.svg", NULL);
        cr_assert_not_null(svg);
    }
    st = check_svg(svg, true, to, tb);
    cr_expect_gt(st.shrank, 0, "%s: no blue frame in baseline -> optimized", name);
    /* the optimisation's largest shrink is the deepest blue unless a growth was larger */
    if (st.biggest_shrink >= st.biggest_growth)
        cr_expect_str_eq(st.shrink_fill, "rgb(35,35,255)", "%s", name);
    free(svg);
}

Test(flame, wordfreq_grew_red_shrank_blue_widths_sum_to_totals)
{
    trio("wordfreq", "debug");
}

Test(flame, pipeline_grew_red_shrank_blue_widths_sum_to_totals)
{
    trio("pipeline", "debug");
}

Test(flame, jsondoc_grew_red_shrank_blue_widths_sum_to_totals)
{
    trio("jsondoc", "release");
}

/* Each weight sums to its metric: total bytes, bytes at t-gmax, allocations. */
Test(flame, show_weights_sum_to_the_profile_metrics)
{
    static const char *const weights[][2] = {{"total", "total_allocations_bytes"},
                                             {"peak", "peak_memory_bytes"},
                                             {"count", "allocation_count"}};
    const char *p = prof("dhatrs-wordfreq-regressed-debug.json");
    for (int i = 0; i < 3; i++) {
        const char *argv[] = {"show",        p,          "--format", "flamegraph", "--weight",
                              weights[i][0], "--output", "f.svg",    NULL};
        char *svg = run_to_file(argv, 0, "f.svg");
        struct stats st = check_svg(svg, false, metric(p, weights[i][1]), 0);
        cr_expect_gt(st.frames, 10);
        /* own code highlighted, runtime muted */
        cr_expect(strstr(svg, "class=\"frame own\"") && strstr(svg, "class=\"frame runtime\""),
                  "%s", weights[i][0]);
        cr_expect(strstr(svg, "wordfreq::count_words") != NULL);
        free(svg);
    }
}

Test(flame, output_is_deterministic_and_bad_weight_is_usage)
{
    const char *p = prof("dhatrs-pipeline-regressed-debug.json");
    const char *a1[] = {"show", p, "--format", "flamegraph", "--output", "a.svg", NULL};
    const char *a2[] = {"show", p, "--format", "flamegraph", "--output", "b.svg", NULL};
    const char *bad[] = {"show", p, "--format", "flamegraph", "--weight", "heavy", NULL};
    char *x = run_to_file(a1, 0, "a.svg"), *y = run_to_file(a2, 0, "b.svg");
    mg_run r;
    cr_expect_str_eq(x, y);
    free(x);
    free(y);
    r = mg_run_memgate(bad, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "--weight must be total, peak or count") != NULL, "%s", r.err);
    mg_run_release(&r);
}

/* A format without stacks says so (exit 3) instead of drawing an empty picture. */
Test(flame, a_profile_without_stacks_is_refused)
{
    const char *argv[] = {"show", prof("timev-sort.txt"), "--format", "flamegraph", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "no call stacks to draw") != NULL, "%s", r.err);
    mg_run_release(&r);
}

static void record(const char *profile)
{
    const char *argv[] = {"update-baseline", profile, "--approve", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

/* check --compare-profile draws what diff draws; without stacks to compare it says what to do. */
Test(flame, check_against_a_second_profile_matches_diff)
{
    const char *pb = prof("dhatrs-jsondoc-baseline-release.json");
    const char *pr = prof("dhatrs-jsondoc-regressed-release.json");
    const char *d[] = {"diff", pb, pr, "--format", "flamegraph", "--output", "d.svg", NULL};
    const char *c[] = {
        "check", pr, "--format", "flamegraph", "--output", "c.svg", "--compare-profile", pb, NULL};
    const char *none[] = {"check", pr, "--format", "flamegraph", "--output", "n.svg", NULL};
    char *a, *b;
    mg_run r;
    record(pb);
    a = run_to_file(d, 1, "d.svg");
    b = run_to_file(c, 1, "c.svg");
    cr_expect_str_eq(a, b);
    free(a);
    free(b);
    /* a baseline without stored stacks and no --compare-profile */
    mg_spit(".pmat-metrics/memory-baseline.json",
            "{\"total_allocations_bytes\": 1, \"peak_memory_bytes\": 1, \"allocation_count\": 1}");
    r = mg_run_memgate(none, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "--compare-profile") != NULL, "%s", r.err);
    mg_run_release(&r);
}

/* Against the stacks a baseline stores: the profile is cut at its own frames to match them. */
Test(flame, check_against_the_baselines_stored_stacks)
{
    const char *pr = prof("dhatrs-wordfreq-regressed-debug.json");
    const char *c[] = {"check", pr, "--format", "flamegraph", "--output", "c.svg", NULL};
    char *svg;
    struct stats st;
    mkdir(".pmat-metrics", 0755);
    mg_spit(".pmat-metrics/memory-baseline.json",
            "{\"total_allocations_bytes\": 6300564, \"peak_memory_bytes\": 3434884,"
            " \"allocation_count\": 498233, \"attribution\": \"own\", \"stacks\": ["
            "{\"frames\": [\"alloc::raw_vec::finish_grow\", \"wordfreq::count_words "
            "(src/bin/wordfreq.rs:27:10)\"], \"total_bytes\": 5000000, \"total_blocks\": 400000,"
            " \"peak_bytes\": 3000000}],"
            " \"stacks_other\": {\"total_bytes\": 1300564, \"total_blocks\": 98233,"
            " \"peak_bytes\": 434884}}");
    svg = run_to_file(c, 1, "c.svg");
    st = check_svg(svg, true, metric(pr, "total_allocations_bytes"), 6300564);
    cr_expect(strstr(svg, "the stacks of baseline memory-baseline.json") != NULL, "%s", svg);
    /* the stored stack's own frame is the graph's root frame, holding its stored weight */
    cr_expect(strstr(svg, "wordfreq::count_words\nafter: ") != NULL, "%s", svg);
    cr_expect(strstr(svg, "before: 4.77 MiB (5,000,000 bytes)") != NULL, "%s", svg);
    cr_expect_gt(st.grew, 0);
    free(svg);
}

/* --format html: one self-contained page with the banner, tables, flame graph and history. */
Test(flame, html_report_is_self_contained_with_banner_tables_flamegraph_and_chart)
{
    const char *pb = prof("dhatrs-wordfreq-baseline-debug.json");
    const char *pr = prof("dhatrs-wordfreq-regressed-debug.json");
    const char *c[] = {"check", pr,  "--format", "html", "--output", "r.html", "--compare-profile",
                       pb,      NULL};
    char *html;
    record(pb);
    html = run_to_file(c, 1, "r.html");
    cr_expect(!strncmp(html, "<!DOCTYPE html>", 15));
    cr_expect(strstr(html, "<header id=\"verdict\" class=\"banner fail\">") != NULL, "%s", html);
    cr_expect(strstr(html, "<section id=\"metrics\">") != NULL);
    cr_expect(strstr(html, "<tr class=\"fail\"><td>") != NULL);
    cr_expect(strstr(html, "<section id=\"hotspots\">") != NULL);
    cr_expect(strstr(html, "differential flame graph") != NULL);
    cr_expect(strstr(html, "<g class=\"frame") != NULL);
    cr_expect(strstr(html, "<section id=\"history\">") != NULL);
    cr_expect(strstr(html, "class=\"limit\"") != NULL, "the history chart draws the limit");
    cr_expect(strstr(html, "<section id=\"next\">") != NULL);
    /* nothing to fetch, nothing to run */
    cr_expect_null(strstr(html, "<script"));
    cr_expect_null(strstr(html, "src="));
    cr_expect_null(strstr(html, "href="));
    cr_expect_null(strstr(html, "url("));
    cr_expect_null(strstr(html, "<?xml"), "inline SVG without its declaration");
    free(html);
}
