/*
 * Report outputs, validated: JUnit and SVG parse as XML (libxml2), OpenMetrics passes a strict
 * syntax check, Markdown leads with the verdict and carries a Mermaid chart, text fits 80
 * columns, colour appears on a terminal only and never under NO_COLOR. Also diff and trend.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

extern char **environ;

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"
#define OPTIMIZED "profiles/dhatrs-wordfreq-optimized-debug.json"
#define PIPE_BASE "profiles/dhatrs-pipeline-baseline-debug.json"
#define PIPE_REGRESSED "profiles/dhatrs-pipeline-regressed-debug.json"
#define JSON_BASE "profiles/dhatrs-jsondoc-baseline-release.json"
#define JSON_REGRESSED "profiles/dhatrs-jsondoc-regressed-release.json"

TestSuite(reports, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(diff, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(trend, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);

static void record(const char *rel, const char *commit)
{
    const char *argv[] = {"update-baseline", mg_testdata(rel), "--approve", "--allow-regression",
                          "--commit",        commit,           NULL};
    const char *env[] = {"SOURCE_DATE_EPOCH=1767225600", NULL};
    mg_run r = mg_run_memgate(argv, env, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

static mg_run check_fmt(const char *rel, const char *format, const char *extra)
{
    const char *argv[] = {"check", mg_testdata(rel),          "--format", format,
                          extra,   extra ? "x<&>\"'y" : NULL, NULL};
    return mg_run_memgate(argv, NULL, NULL);
}

/* ---- JUnit ---- */

static xmlDocPtr parse_xml(const char *text)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "report.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "not well-formed XML:\n%s", text);
    return doc;
}

static unsigned count_elements(xmlNodePtr n, const char *name)
{
    unsigned c = 0;
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
            c++;
        c += count_elements(n->children, name);
    }
    return c;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

Test(reports, junit_is_well_formed_with_one_testcase_per_metric)
{
    mg_run r;
    xmlDocPtr doc;
    xmlNodePtr root, suite, tc;
    char *v;
    record(BASE, "aaaa1111");
    r = check_fmt(REGRESSED, "junit", NULL);
    cr_expect_eq(r.status, 1);
    doc = parse_xml(r.out);
    root = xmlDocGetRootElement(doc);
    cr_assert_str_eq((const char *)root->name, "testsuites");
    cr_expect_eq(count_elements(root->children, "testcase"), 7, "one per metric of the profile");
    cr_expect_eq(count_elements(root->children, "failure"), 3, "peak, total and count failed");
    v = attr(root, "failures");
    cr_expect_str_eq(v, "3");
    xmlFree(v);
    for (suite = root->children; suite && suite->type != XML_ELEMENT_NODE; suite = suite->next)
        ;
    v = attr(suite, "name");
    cr_expect_str_eq(v, "memgate.default");
    xmlFree(v);
    for (tc = suite->children; tc && tc->type != XML_ELEMENT_NODE; tc = tc->next)
        ;
    v = attr(tc, "classname");
    cr_expect_str_eq(v, "memgate.default");
    xmlFree(v);
    xmlFreeDoc(doc);
    mg_run_release(&r);
}

Test(reports, junit_escapes_an_accepted_reason)
{
    mg_run r;
    xmlDocPtr doc;
    xmlChar *all;
    record(BASE, "aaaa1111");
    r = check_fmt(REGRESSED, "junit", "--accept");
    cr_expect_eq(r.status, 0, "%s", r.err);
    doc = parse_xml(r.out);
    cr_expect_eq(count_elements(xmlDocGetRootElement(doc), "failure"), 0, "accepted: passes");
    all = xmlNodeGetContent(xmlDocGetRootElement(doc));
    cr_expect(strstr((const char *)all, "x<&>\"'y") != NULL, "the reason survives: %s", all);
    xmlFree(all);
    xmlFreeDoc(doc);
    mg_run_release(&r);
}

/* ---- OpenMetrics ---- */

static bool metric_name_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_' ||
                    s[0] == ':'))
        return false;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':'))
            return false;
    /* suffixes OpenMetrics reserves for the samples of other metric types */
    static const char *const reserved[] = {"_count",   "_sum",  "_bucket", "_total",
                                           "_created", "_info", "_gcount", "_gsum"};
    for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        size_t k = strlen(reserved[i]);
        if (n >= k && !memcmp(s + n - k, reserved[i], k))
            return false;
    }
    return true;
}

/*
 * The OpenMetrics text rules memgate's output must meet: "# TYPE"/"# HELP" once per family and
 * before its samples, families not interleaved, unlabeled samples named like their gauge family,
 * integer values, every line ended by '\n', and "# EOF" as the very last line.
 */
static void check_openmetrics(const char *text, json_t *expect)
{
    char families[64][160], current[160] = "";
    size_t n_fam = 0, i;
    const char *line = text;
    bool eof = false;
    unsigned samples = 0;

    cr_assert(strlen(text) > 0 && text[strlen(text) - 1] == '\n', "must end with a newline");
    while (*line) {
        size_t len = strcspn(line, "\n");
        char buf[512];
        cr_assert(!eof, "text after # EOF");
        cr_assert_lt(len, sizeof(buf));
        memcpy(buf, line, len);
        buf[len] = '\0';
        if (!strcmp(buf, "# EOF")) {
            eof = true;
        } else if (!strncmp(buf, "# TYPE ", 7)) {
            char *sp = strchr(buf + 7, ' ');
            cr_assert_not_null(sp, "%s", buf);
            *sp = '\0';
            cr_expect(metric_name_ok(buf + 7, strlen(buf + 7)), "bad name: %s", buf + 7);
            cr_expect_str_eq(sp + 1, "gauge");
            cr_expect(!strncmp(buf + 7, "memgate_", 8), "%s", buf + 7);
            for (i = 0; i < n_fam; i++)
                cr_expect_str_neq(families[i], buf + 7, "family %s declared twice", buf + 7);
            cr_assert_lt(n_fam, 64);
            snprintf(families[n_fam++], 160, "%s", buf + 7);
            snprintf(current, sizeof(current), "%s", buf + 7);
        } else if (!strncmp(buf, "# HELP ", 7)) {
            cr_expect(!strncmp(buf + 7, current, strlen(current)) &&
                          buf[7 + strlen(current)] == ' ',
                      "HELP for another family: %s", buf);
        } else {
            char *sp = strchr(buf, ' '), *end;
            long long v;
            cr_assert_not_null(sp, "not a sample: '%s'", buf);
            *sp = '\0';
            cr_expect(metric_name_ok(buf, strlen(buf)), "bad sample name: %s", buf);
            cr_expect_str_eq(buf, current, "a sample outside its family");
            v = strtoll(sp + 1, &end, 10);
            cr_expect(*end == '\0' && end != sp + 1, "not an integer: '%s'", sp + 1);
            if (expect && json_object_get(expect, buf))
                cr_expect_eq(v, json_integer_value(json_object_get(expect, buf)), "%s", buf);
            samples++;
        }
        line += len + 1;
    }
    cr_expect(eof, "no # EOF line");
    cr_expect_gt(samples, 0);
}

Test(reports, openmetrics_syntax_and_values)
{
    mg_run r;
    json_t *expect =
        json_pack("{s:i, s:i, s:i, s:i, s:i}", "memgate_peak_memory_bytes", 18600624,
                  "memgate_peak_memory_bytes_baseline", 3434884, "memgate_total_allocations_bytes",
                  36694667, "memgate_allocations", 1479407, "memgate_regressions", 3);
    record(BASE, "aaaa1111");
    r = check_fmt(REGRESSED, "openmetrics", NULL);
    cr_expect_eq(r.status, 1);
    check_openmetrics(r.out, expect);
    mg_run_release(&r);
    json_decref(expect);
}

Test(reports, openmetrics_names_carry_the_workload)
{
    const char *ub[] = {"update-baseline", mg_testdata(BASE), "--approve",
                        "--workload",      "word-freq.v2",    NULL};
    const char *argv[] = {"check",    mg_testdata(BASE), "--workload", "word-freq.v2",
                          "--format", "openmetrics",     NULL};
    mg_run r = mg_run_memgate(ub, NULL, NULL);
    json_t *expect = json_pack("{s:i}", "memgate_word_freq_v2_peak_memory_bytes", 3434884);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    check_openmetrics(r.out, expect);
    cr_expect(strstr(r.out, "memgate_word_freq_v2_peak_memory_bytes 3434884\n") != NULL, "%s",
              r.out);
    mg_run_release(&r);
    json_decref(expect);
}

/* ---- Markdown ---- */

/* The rows of the metric table in order, as their status words. */
static void table_statuses(const char *md, char *out, size_t size)
{
    const char *p = strstr(md, "|---|---|---:|---:|---:|---|\n");
    out[0] = '\0';
    cr_assert_not_null(p, "%s", md);
    for (p = strchr(p, '\n') + 1; *p == '|'; p = strchr(p, '\n') + 1) {
        const char *w = strstr(p, "fail") && strstr(p, "fail") < strchr(p, '\n') ? "F" : "o";
        strncat(out, w, size - strlen(out) - 1);
    }
}

Test(reports, markdown_verdict_at_a_glance_failing_rows_first_and_what_now)
{
    char order[16];
    mg_run r;
    record(BASE, "aaaa1111");
    r = check_fmt(REGRESSED, "markdown", NULL);
    cr_expect_eq(r.status, 1);
    /* icon and word first */
    cr_expect(!strncmp(r.out, "### \xE2\x9D\x8C **fail** \xC2\xB7 memgate: heap memory regressed",
                       strlen("### \xE2\x9D\x8C **fail** \xC2\xB7 memgate: heap memory regressed")),
              "%.120s", r.out);
    cr_expect(strstr(r.out,
                     "| \xE2\x9D\x8C **fail** | `peak_memory_bytes` | 3.28 MiB (3,434,884) | "
                     "17.7 MiB (18,600,624) | +441.5% | `+10% & +64.0 KiB` |\n") != NULL,
              "%s", r.out);
    /* the three failing rows before the four ok ones, whatever order the verdict holds */
    table_statuses(r.out, order, sizeof(order));
    cr_expect_str_eq(order, "FFFoooo", "%s", r.out);
    /* compared from the stored stacks: total and peak, count_words' closure folded into it */
    cr_expect(strstr(r.out, "| appeared | +29.0 MiB |  | +14.5 MiB | `wordfreq::count_words` |") !=
                  NULL,
              "%s", r.out);
    /* what now: the exact trailer, label and command */
    cr_expect(strstr(r.out, "#### What now\n") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "`Memgate-Accept: <who reviewed it and why>`") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "the label `memgate-accept`") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "  ```sh\n  memgate update-baseline ") != NULL, "%s", r.out);
    /* the path is shell-quoted when the checkout path has a space */
    cr_expect(strstr(r.out, "dhatrs-wordfreq-regressed-debug.json --approve\n  ```\n") != NULL ||
                  strstr(r.out, "dhatrs-wordfreq-regressed-debug.json' --approve\n  ```\n") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

/* The configured trailer and label are the ones named; disabled exceptions are not offered. */
Test(reports, markdown_what_now_follows_the_accept_configuration)
{
    mg_run r;
    record(BASE, "aaaa1111");
    mg_spit(".pmat.yaml", "memgate:\n  accept:\n    trailer: Heap-OK\n    label: heap-ok\n");
    r = check_fmt(REGRESSED, "markdown", NULL);
    cr_expect(strstr(r.out, "`Heap-OK: <who reviewed it and why>`") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "the label `heap-ok`") != NULL, "%s", r.out);
    mg_run_release(&r);
    mg_spit(".pmat.yaml", "memgate:\n  accept:\n    allowed: false\n");
    r = check_fmt(REGRESSED, "markdown", NULL);
    cr_expect(strstr(r.out, "#### What now\n") != NULL, "%s", r.out);
    cr_expect_null(strstr(r.out, "Memgate-Accept"), "%s", r.out);
    mg_run_release(&r);
}

/*
 * The history chart reads in GitHub's light and dark themes: explicit colours, y from zero to
 * a 1/2/5 tick, the limit as a line of its own, this run marked, dates on the x axis and an
 * entry without a commit named by its date.
 */
Test(reports, markdown_chart_has_colours_zero_axis_limit_line_and_dates)
{
    const char *chart;
    mg_run r;
    record(BASE, "aaaa1111");
    {
        const char *argv[] = {"update-baseline", mg_testdata(OPTIMIZED), "--approve",
                              "--allow-regression", NULL};
        const char *env[] = {"SOURCE_DATE_EPOCH=1767312000", NULL}; /* 2026-01-02 */
        mg_run u = mg_run_memgate(argv, env, NULL);
        cr_assert_eq(u.status, 0, "%s", u.err);
        mg_run_release(&u);
    }
    record(BASE, "cccc3333");
    r = check_fmt(REGRESSED, "markdown", NULL);
    chart = strstr(r.out, "```mermaid\n%%{init: {\"theme\": \"base\", \"themeVariables\": "
                          "{\"xyChart\": {");
    cr_assert_not_null(chart, "%s", r.out);
    cr_expect(strstr(chart, "\"plotColorPalette\": \"#d4a72c, #2f81f7, #e5534b\"") != NULL, "%s",
              chart);
    cr_expect(strstr(chart, "xychart-beta\n    title \"peak_memory_bytes (MiB), red: fail limit\"\n"
                            "    x-axis [\"01-01 aaaa111\", \"2026-01-02\", \"01-01 cccc333\", "
                            "\"this run\"]\n    y-axis \"MiB\" 0 --> 20\n"
                            "    bar [0.00, 0.00, 0.00, 17.74]\n"
                            "    line [3.28, 3.92, 3.28, 17.74]\n"
                            "    line [3.60, 3.60, 3.60, 3.60]\n```") != NULL,
              "%s", chart);
    mg_run_release(&r);
}

Test(reports, markdown_proposes_the_ratchet_on_improvement)
{
    const char *argv[] = {
        "check", mg_testdata(OPTIMIZED), "--limit", "peak=+25%", "--format", "markdown", NULL};
    mg_run r;
    record(BASE, "aaaa1111");
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "**Improved?** Lock it in (a ratchet)") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "--limit peak=+25% --approve\n  ```") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "| \xF0\x9F\x9F\xA2 improved | `total_allocations_bytes` | 6.01 MiB "
                            "(6,300,564) | 4.47 MiB (4,684,936) |") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

/* ---- text ---- */

/* Columns are characters: a UTF-8 arrow is one column, three bytes. */
static size_t columns(const char *s, size_t n)
{
    size_t i, c = 0;
    for (i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/*
 * At most 80 columns, except that a file path is never broken: a line may run over by the length
 * of one whole path to a testdata profile (the checkout may be at any depth, with spaces).
 */
static void expect_80_columns(const char *text)
{
    char root[4096];
    const char *line;
    snprintf(root, sizeof(root), "%s", mg_testdata("profiles/"));
    for (line = text; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
        size_t len = strcspn(line, "\n"), path_len = 0;
        char path[4096];
        const char *at = strstr(line, root);
        struct stat st;
        if (at && at < line + len) {
            path_len = strcspn(at + strlen(root), " \n") + strlen(root);
            snprintf(path, sizeof(path), "%.*s", (int)path_len, at);
            cr_expect(stat(path, &st) == 0 && S_ISREG(st.st_mode), "a path broken: %.*s", (int)len,
                      line);
        }
        cr_expect_leq(columns(line, len) - columns(at ? at : line, path_len), 80,
                      "longer than 80 columns: %.*s", (int)len, line);
    }
}

Test(reports, text_fits_80_columns_and_has_no_colour_off_a_terminal)
{
    static const char *const pairs[][2] = {{BASE, REGRESSED},
                                           {BASE, OPTIMIZED},
                                           {PIPE_BASE, PIPE_REGRESSED},
                                           {JSON_BASE, JSON_REGRESSED}};
    size_t i;
    for (i = 0; i < 4; i++) {
        const char *argv[] = {"check", mg_testdata(pairs[i][1]), "--workload", pairs[i][0], NULL};
        const char *ub[] = {"update-baseline", mg_testdata(pairs[i][0]),
                            "--approve",       "--workload",
                            pairs[i][0],       NULL};
        mg_run r = mg_run_memgate(ub, NULL, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        mg_run_release(&r);
        r = mg_run_memgate(argv, NULL, NULL);
        cr_expect(r.status == 0 || r.status == 1, "%s", r.err);
        expect_80_columns(r.out);
        cr_expect(strchr(r.out, '\x1b') == NULL, "colour in a pipe");
        cr_expect(strstr(r.out, "hotspot") != NULL, "%s", r.out);
        mg_run_release(&r);
    }
}

/* Run memgate with its stdout on a pseudo-terminal; env_no_color adds NO_COLOR=1. */
static char *run_on_tty(const char *const *args, bool no_color)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    char **env, *out = calloc(1, 1 << 16);
    const char *argv[16] = {MEMGATE_BIN};
    size_t n = 0, i, len = 0;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    ssize_t got;

    cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    for (i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    for (i = 0; environ[i]; i++)
        n++;
    env = calloc(n + 2, sizeof(*env));
    for (i = 0, n = 0; environ[i]; i++)
        if (strncmp(environ[i], "NO_COLOR", 8) && strncmp(environ[i], "MEMORY_THRESHOLD", 16))
            env[n++] = environ[i];
    if (no_color)
        env[n++] = "NO_COLOR=1";
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, ptsname(master), O_RDWR, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    cr_assert_eq(posix_spawn(&pid, MEMGATE_BIN, &fa, NULL, (char **)argv, env), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    while (len < (1 << 16) - 1 && (got = read(master, out + len, (1 << 16) - 1 - len)) > 0)
        len += (size_t)got; /* EIO once the child closed the terminal */
    waitpid(pid, NULL, 0);
    close(master);
    return out;
}

Test(reports, colour_on_a_terminal_only_and_never_under_no_color)
{
    const char *args[] = {"check", mg_testdata(REGRESSED), NULL};
    char *out;
    record(BASE, "aaaa1111");
    out = run_on_tty(args, false);
    cr_expect(strstr(out, "\x1b[31m") != NULL, "a terminal gets colour: %s", out);
    free(out);
    out = run_on_tty(args, true);
    cr_expect(strchr(out, '\x1b') == NULL, "NO_COLOR: %s", out);
    cr_expect(strstr(out, "FAIL") != NULL);
    free(out);
}

/* ---- diff ---- */

Test(diff, two_profiles_without_a_baseline)
{
    const char *argv[] = {
        "diff", mg_testdata(PIPE_BASE), mg_testdata(PIPE_REGRESSED), "--format", "json", NULL};
    const char *same[] = {"diff", mg_testdata(BASE), mg_testdata(BASE), NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *j = json_loads(r.out, 0, NULL), *ch, *c;
    size_t i;
    bool push_mut = false;
    cr_assert_not_null(j, "%s %s", r.out, r.err);
    cr_expect_eq(r.status, 1, "total +26.9%%: a regression");
    cr_expect_str_eq(json_string_value(json_object_get(j, "command")), "diff");
    ch = json_object_get(j, "hotspot_changes");
    json_array_foreach(ch, i, c)
    {
        /* the regressed filter_adults clones every record instead of moving it */
        if (!strcmp(json_string_value(json_object_get(c, "function")), "pipeline::filter_adults")) {
            push_mut = true;
            cr_expect_str_eq(json_string_value(json_object_get(c, "change")), "appeared");
            cr_expect_eq(json_integer_value(json_object_get(c, "delta")), 9929725);
        }
    }
    cr_expect(push_mut, "filter_adults appeared with 9,929,725 bytes: %s", r.out);
    cr_expect_null(json_object_get(j, "ratchet") == json_null() ? NULL
                                                                : json_object_get(j, "ratchet"));
    json_decref(j);
    mg_run_release(&r);
    r = mg_run_memgate(same, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "baseline profile") != NULL, "%s", r.out);
    expect_80_columns(r.out);
    mg_run_release(&r);
}

Test(diff, functions_that_appear_and_go)
{
    const char *argv[] = {"diff",          mg_testdata(BASE), mg_testdata(PIPE_BASE),
                          "--attribution", "alloc-site",      "--limit",
                          "total=none",    "--limit",         "count=none",
                          "--limit",       "peak=none",       NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "appeared") && strstr(r.out, "alloc::vec::Vec<T,A>::push_mut"), "%s",
              r.out);
    cr_expect(strstr(r.out, "gone") && strstr(r.out, "new_uninitialized"), "%s", r.out);
    mg_run_release(&r);
}

/* ---- trend ---- */

static int count_class(const char *svg, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(svg, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(trend, svg_parses_with_three_panels)
{
    const char *argv[] = {"trend", mg_testdata(REGRESSED), "--output", "trend.svg", NULL};
    const char *none[] = {"trend", "--workload", "nobody", NULL};
    mg_run r;
    char *svg;
    xmlDocPtr doc;
    xmlNodePtr root;
    const char *nocommit[] = {"update-baseline", mg_testdata(OPTIMIZED), "--approve",
                              "--allow-regression", NULL};
    const char *env[] = {"SOURCE_DATE_EPOCH=1767312000", NULL}; /* 2026-01-02 */
    record(BASE, "aaaa1111");
    record(OPTIMIZED, "bbbb2222");
    r = mg_run_memgate(nocommit, env, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    record(BASE, "cccc3333");
    r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    svg = mg_slurp("trend.svg", NULL);
    cr_assert_not_null(svg);
    doc = parse_xml(svg);
    root = xmlDocGetRootElement(doc);
    cr_expect_str_eq((const char *)root->name, "svg");
    cr_assert_not_null(root->ns);
    cr_expect_str_eq((const char *)root->ns->href, "http://www.w3.org/2000/svg");
    cr_expect_eq(count_elements(root->children, "polyline"), 3, "peak, total, count");
    cr_expect_eq(count_elements(root->children, "circle"), 15, "4 baselines + this run, x3");
    cr_expect(strstr(svg, ">this run<") != NULL);
    /* dates on the x axis; the entry without a commit is named by its date */
    cr_expect(strstr(svg, ">01-01 aaaa111<") != NULL, "%s", svg);
    cr_expect(strstr(svg, ">2026-01-02<") != NULL, "%s", svg);
    /* peak: 3.28 .. 17.7 MiB from zero in ticks of 5 MiB; the default limit over the newest
       baseline (3,434,884 B +10% = 3,778,372 B) as a line */
    cr_expect(strstr(svg, ">0 MiB</text>") && strstr(svg, ">5 MiB</text>") &&
                  strstr(svg, ">20 MiB</text>") && !strstr(svg, ">25 MiB</text>"),
              "%s", svg);
    cr_expect(strstr(svg, ">0</text>") && strstr(svg, ">500,000</text>") &&
                  strstr(svg, ">1,500,000</text>"),
              "%s", svg);
    cr_expect(strstr(svg, "<title>fail limit: 3.60 MiB (3778372)</title>") != NULL, "%s", svg);
    cr_expect_eq(count_elements(root->children, "line") -
                     (unsigned)count_class(svg, "class=\"grid\""),
                 3, "one limit line per panel");
    xmlFreeDoc(doc);
    free(svg);
    r = mg_run_memgate(none, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "nothing to draw") != NULL, "%s", r.err);
    mg_run_release(&r);
}

/* Function names are untrusted: in Markdown they stay inside code spans and cannot break the table.
 */
Test(reports, markdown_keeps_hostile_function_names_in_code_spans)
{
    const char *argv[] = {"check", mg_testdata(BASE), "--format", "markdown", NULL};
    mg_run r;
    mkdir(".pmat-metrics", 0755);
    mg_spit(".pmat-metrics/memory-baseline.json",
            "{\"total_allocations_bytes\": 6300564, \"peak_memory_bytes\": 3434884,"
            " \"allocation_count\": 498233, \"stacks\": [{\"frames\": "
            "[\"evil|`@here <img src=x>\\n# heading (src/bin/wordfreq.rs:1:1)\"], "
            "\"total_bytes\": 999999, \"total_blocks\": 1, \"peak_bytes\": 0}]}");
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "| gone | -977 KiB | -100.0% | 0 B | `evil\\|'@here <img "
                            "src=x>\xEF\xBF\xBD# heading") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

/* The uploaded HTML report is linked from the Markdown; an address that could break out is not. */
Test(reports, markdown_links_the_full_report)
{
    const char *ok[] = {
        "check",    mg_testdata(REGRESSED), "--format",
        "markdown", "--report-url",         "https://ci.example/acme/app/actions/runs/42#artifacts",
        NULL};
    const char *bad[] = {"check",        mg_testdata(REGRESSED), "--format", "markdown",
                         "--report-url", "javascript:alert(1)",  NULL};
    mg_run r;
    record(BASE, "aaaa1111");
    r = mg_run_memgate(ok, NULL, NULL);
    cr_expect(strstr(r.out, "\n[Full report](https://ci.example/acme/app/actions/runs/42#artifacts)"
                            ": flame graph, history and tables.\n") != NULL,
              "%s", r.out);
    mg_run_release(&r);
    r = mg_run_memgate(bad, NULL, NULL);
    cr_expect_null(strstr(r.out, "](javascript"), "%s", r.out);
    cr_expect(strstr(r.out, "`javascript:alert(1)`") != NULL, "%s", r.out);
    mg_run_release(&r);
}
