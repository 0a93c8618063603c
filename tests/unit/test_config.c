/* config: the memgate section of .pmat.yaml, every bad-config case with its position, and apply. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/config.h"
#include "suggest.h"

static mg_config *parse_ok(const char *yaml)
{
    mg_config *c = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_config_parse(&c, yaml, strlen(yaml), ".pmat.yaml", &err), 0, "%s", err.msg);
    cr_assert_not_null(c);
    return c;
}

/* code, a piece of the message, line and column, as jansson's check_error does. */
static void parse_bad(const char *yaml, const char *fragment, unsigned long line, unsigned long col)
{
    mg_config *c = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_config_parse(&c, yaml, strlen(yaml), ".pmat.yaml", &err), -MG_E_USAGE,
                 "accepted:\n%s", yaml);
    cr_expect_null(c);
    cr_expect_eq(err.code, MG_E_USAGE);
    cr_expect(strstr(err.msg, fragment) != NULL, "'%s' not in '%s'\n%s", fragment, err.msg, yaml);
    cr_expect_str_eq(err.source, ".pmat.yaml");
    cr_expect_eq(err.line, line, "line %lu, want %lu: %s\n%s", err.line, line, err.msg, yaml);
    cr_expect_eq(err.column, col, "column %lu, want %lu: %s\n%s", err.column, col, err.msg, yaml);
    mg_config_free(c);
}

static mg_policy applied(const mg_config *c, const char *workload)
{
    mg_policy p;
    mg_policy_defaults(&p);
    mg_config_apply(c, workload, &p);
    return p;
}

Test(config, empty_file_and_no_memgate_section_change_nothing)
{
    mg_policy d, p;
    mg_config *c = parse_ok("");
    mg_policy_defaults(&d);
    p = applied(c, NULL);
    cr_expect_eq(memcmp(p.fail, d.fail, sizeof(d.fail)), 0);
    cr_expect_null(mg_config_string(c, "baseline", NULL, NULL));
    mg_config_free(c);
    c = parse_ok("comply:\n  checks: {}\nother_tool:\n  anything: [1, 2]\n");
    p = applied(c, NULL);
    cr_expect_eq(memcmp(p.fail, d.fail, sizeof(d.fail)), 0);
    mg_config_free(c);
}

Test(config, string_form_is_the_flag_grammar)
{
    mg_config *c = parse_ok("memgate:\n  limits:\n    peak: \"+5%&+64KiB&<=500MB\"\n");
    mg_policy p = applied(c, NULL);
    cr_expect(p.fail[MG_PEAK_BYTES].has_rel && p.fail[MG_PEAK_BYTES].rel_bp == 500);
    cr_expect(p.fail[MG_PEAK_BYTES].has_abs && p.fail[MG_PEAK_BYTES].abs == 65536);
    cr_expect(p.fail[MG_PEAK_BYTES].has_max && p.fail[MG_PEAK_BYTES].max == 500000000);
    cr_expect_eq(p.fail_src[MG_PEAK_BYTES], MG_SRC_CONFIG);
    cr_expect_str_eq(p.origin[MG_LEVEL_FAIL][MG_PEAK_BYTES][MG_PART_INCREASE].where,
                     ".pmat.yaml:3:11 memgate.limits.peak");
    mg_config_free(c);
}

Test(config, mapping_form_with_separate_warn_level)
{
    mg_config *c = parse_ok("memgate:\n"
                            "  limits:\n"
                            "    peak:\n"
                            "      increase: 5%\n"
                            "      absolute: +64KiB\n"
                            "      max: 500MB\n"
                            "      warn:\n"
                            "        increase: +2%\n"
                            "    total: +1%\n");
    mg_policy p = applied(c, NULL);
    cr_expect_eq(p.fail[MG_PEAK_BYTES].rel_bp, 500);
    cr_expect_eq(p.fail[MG_PEAK_BYTES].abs, 65536);
    cr_expect_eq(p.fail[MG_PEAK_BYTES].max, 500000000);
    cr_expect(p.warn[MG_PEAK_BYTES].has_rel && p.warn[MG_PEAK_BYTES].rel_bp == 200);
    cr_expect_not(p.warn[MG_PEAK_BYTES].has_abs);
    cr_expect_str_eq(p.origin[MG_LEVEL_WARN][MG_PEAK_BYTES][MG_PART_INCREASE].where,
                     ".pmat.yaml:8:9 memgate.limits.peak.warn");
    /* "+1%" replaces the default's increase terms together: no absolute floor left */
    cr_expect(p.fail[MG_TOTAL_BYTES].has_rel && p.fail[MG_TOTAL_BYTES].rel_bp == 100);
    cr_expect_not(p.fail[MG_TOTAL_BYTES].has_abs);
    mg_config_free(c);
}

Test(config, severity_warn_moves_the_limit_and_drops_the_fail_level)
{
    mg_config *c = parse_ok("memgate:\n  limits:\n    count:\n      increase: 3%\n"
                            "      severity: warn\n");
    mg_policy p = applied(c, NULL);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_ALLOC_COUNT]), "count must no longer fail");
    cr_expect(p.warn[MG_ALLOC_COUNT].has_rel && p.warn[MG_ALLOC_COUNT].rel_bp == 300);
    cr_expect_eq(p.fail_src[MG_ALLOC_COUNT], MG_SRC_CONFIG);
    mg_config_free(c);
}

Test(config, none_clears_a_default)
{
    mg_config *c = parse_ok("memgate:\n  limits:\n    total: none\n    rss: 'none&<=1GiB'\n");
    mg_policy p = applied(c, NULL);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_TOTAL_BYTES]));
    cr_expect_not(p.fail[MG_PEAK_RSS].has_rel);
    cr_expect(p.fail[MG_PEAK_RSS].has_max && p.fail[MG_PEAK_RSS].max == 1073741824);
    mg_config_free(c);
}

Test(config, workload_overrides_apply_only_to_that_workload)
{
    mg_config *c = parse_ok("memgate:\n"
                            "  limits: {peak: +5%}\n"
                            "  missing_baseline: warn\n"
                            "  workloads:\n"
                            "    parse:\n"
                            "      limits: {peak: +20%}\n"
                            "      missing_baseline: fail\n"
                            "      drift: {anchor: abcdef12, budget: {total: +30%}}\n"
                            "    render:\n");
    mg_policy g = applied(c, NULL), w = applied(c, "parse"), r = applied(c, "render");
    cr_expect_eq(g.fail[MG_PEAK_BYTES].rel_bp, 500);
    cr_expect_eq(w.fail[MG_PEAK_BYTES].rel_bp, 2000);
    cr_expect_eq(r.fail[MG_PEAK_BYTES].rel_bp, 500, "an empty workload inherits the global");
    cr_expect_eq(g.missing, MG_MISSING_WARN);
    cr_expect_eq(w.missing, MG_MISSING_FAIL);
    cr_expect_eq(w.drift[MG_TOTAL_BYTES].rel_bp, 3000);
    cr_expect_eq(g.drift[MG_TOTAL_BYTES].rel_bp, 1000, "default drift budget elsewhere");
    cr_expect(mg_config_has_workload(c, "parse"));
    cr_expect(mg_config_has_workload(c, "render"));
    cr_expect_not(mg_config_has_workload(c, "other"));
    cr_expect_str_eq(mg_config_string(c, "drift.anchor", "parse", NULL), "abcdef12");
    cr_expect_null(mg_config_string(c, "drift.anchor", "render", NULL));
    mg_config_free(c);
}

Test(config, settings_with_defaults)
{
    mg_hotspot_settings hs;
    size_t n;
    const char *where;
    mg_config *c = parse_ok("memgate:\n"
                            "  baseline: perf/base.json\n"
                            "  history: perf/history.jsonl\n"
                            "  improvement: 2.5%\n"
                            "  update:\n    branches: [main, 'release/*']\n"
                            "  accept: {trailer: Perf-Accept, label: perf-ok, allowed: yes}\n"
                            "  hotspots: {top: 15, min_change: 3%, min_bytes: 1KiB,\n"
                            "             skip_frames: ['mylib::alloc_', xmalloc_checked]}\n"
                            "  drift: {severity: warn}\n");
    const char *const *b = mg_config_branches(c, &n);
    mg_policy p = applied(c, NULL);
    cr_expect_str_eq(mg_config_string(c, "baseline", NULL, &where), "perf/base.json");
    cr_expect_str_eq(where, ".pmat.yaml:2:13 memgate.baseline");
    cr_expect_str_eq(mg_config_string(c, "history", NULL, NULL), "perf/history.jsonl");
    cr_expect_eq(p.improvement_bp, 250);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(b[0], "main");
    cr_expect_str_eq(b[1], "release/*");
    cr_expect_str_eq(mg_config_string(c, "accept.trailer", NULL, NULL), "Perf-Accept");
    cr_expect_str_eq(mg_config_string(c, "accept.label", NULL, NULL), "perf-ok");
    cr_expect(mg_config_accept_allowed(c));
    mg_config_hotspots(c, &hs);
    cr_expect_eq(hs.top, 15);
    cr_expect_eq(hs.min_change_bp, 300);
    cr_expect_eq(hs.min_bytes, 1024);
    cr_assert_eq(hs.n_skip_frames, 2);
    cr_expect_str_eq(hs.skip_frames[0], "mylib::alloc_");
    cr_expect_str_eq(hs.skip_frames[1], "xmalloc_checked");
    cr_expect(p.drift_warn);
    mg_config_free(c);
    c = parse_ok("memgate:\n  update: {branches: main}\n  accept: {allowed: false}\n");
    b = mg_config_branches(c, &n);
    cr_expect_eq(n, 1, "a single name is a one-element list");
    cr_expect_not(mg_config_accept_allowed(c));
    mg_config_hotspots(c, &hs);
    cr_expect_eq(hs.top, 10);
    cr_expect_eq(hs.min_change_bp, 100);
    cr_expect_eq(hs.min_bytes, 4096);
    cr_expect_eq(hs.n_skip_frames, 0);
    mg_config_free(c);
}

Test(config, baseline_path_from_comply_cb141)
{
    const char *where;
    mg_config *c = parse_ok("comply:\n  checks:\n    cb-141:\n      enabled: true\n"
                            "      options:\n        baseline_path: metrics/mem.json\n");
    cr_expect_str_eq(mg_config_string(c, "baseline", NULL, &where), "metrics/mem.json");
    cr_expect_str_eq(where, ".pmat.yaml:6:24 comply.checks.cb-141.options.baseline_path");
    mg_config_free(c);
    /* the same path in both places is fine */
    c = parse_ok("memgate: {baseline: m.json}\ncomply: {checks: {cb-141: {options: "
                 "{baseline_path: m.json}}}}\n");
    cr_expect_str_eq(mg_config_string(c, "baseline", NULL, NULL), "m.json");
    mg_config_free(c);
}

Test(config, null_values_are_absent)
{
    mg_config *c = parse_ok("memgate:\n  limits:\n    peak:\n  workloads:\n  baseline: ~\n");
    mg_policy d, p = applied(c, NULL);
    mg_policy_defaults(&d);
    cr_expect_eq(memcmp(&p.fail, &d.fail, sizeof(d.fail)), 0);
    cr_expect_null(mg_config_string(c, "baseline", NULL, NULL));
    mg_config_free(c);
}

/* ---- every bad-config case: exit 2 material, with position ---- */

Test(config_errors, unknown_keys_suggest_the_near_miss)
{
    parse_bad("memgate:\n  limts:\n    peak: +5%\n", "unknown key 'limts' (did you mean 'limits'?)",
              2, 3);
    parse_bad("memgate:\n  limits:\n    peek: +5%\n",
              "unknown metric 'peek' (did you mean 'peak'?)", 3, 5);
    parse_bad("memgate:\n  missing-baseline: warn\n",
              "unknown key 'missing-baseline' (did you mean 'missing_baseline'?)", 2, 3);
    parse_bad("memgate:\n  Hotspots: {}\n", "did you mean 'hotspots'?", 2, 3);
    parse_bad("memgate:\n  workloads:\n    parse:\n      limit: {}\n",
              "memgate.workloads.parse: unknown key 'limit' (did you mean 'limits'?)", 4, 7);
    parse_bad("memgat:\n  limits: {}\n", "unknown section 'memgat' (did you mean 'memgate'?)", 1,
              1);
    /* nothing close: list what is known */
    parse_bad("memgate:\n  colour: red\n", "unknown key 'colour' (known: baseline, history", 2, 3);
    parse_bad("memgate:\n  drift:\n    budget:\n      peak: {severity: warn}\n",
              "unknown key 'severity' (known: increase, absolute, max)", 4, 14);
}

Test(config_errors, bad_sizes_and_percents_point_at_the_value)
{
    parse_bad("memgate:\n  limits:\n    peak:\n      increase: 5 percent\n",
              "memgate.limits.peak.increase: percentage '5 percent'", 4, 17);
    parse_bad("memgate:\n  limits:\n    peak:\n      max: 5XB\n", "unknown unit", 4, 12);
    parse_bad("memgate:\n  limits:\n    peak: \"+5%&&\"\n", "limit '+5%&&'", 3, 11);
    parse_bad("memgate:\n  limits:\n    total: '+lots'\n", "limit '+lots'", 3, 12);
    parse_bad("memgate:\n  improvement: -5%\n", "memgate.improvement", 2, 16);
    parse_bad("memgate:\n  hotspots: {min_bytes: 4 kilobytes}\n", "memgate.hotspots.min_bytes", 2,
              25);
    parse_bad("memgate:\n  limits:\n    peak: {max: +5MB}\n",
              "a ceiling is a size, not an "
              "increase",
              3, 17);
    parse_bad("memgate:\n  hotspots:\n    top: 0\n", "expected a number from 1 to 1000", 3, 10);
}

Test(config_errors, type_errors_name_what_was_expected)
{
    parse_bad("memgate:\n  limits:\n    peak: [1, 2]\n", "found a list", 3, 11);
    parse_bad("memgate:\n  limits: +5%\n", "expected a mapping of metric names", 2, 11);
    parse_bad("memgate:\n  improvement: [5]\n", "expected a percentage such as 5%, found a list", 2,
              16);
    parse_bad("memgate:\n  hotspots:\n    skip_frames: ['']\n",
              "expected a function name prefix, found an empty string", 3, 19);
    parse_bad("memgate:\n  update:\n    branches: {a: 1}\n", "expected a list of branch names", 3,
              15);
    parse_bad("memgate: [1]\n", "expected a mapping, found a list", 1, 10);
    parse_bad("- a\n- b\n", "expected a mapping at the top level", 1, 1);
    parse_bad("memgate:\n  accept: {allowed: maybe}\n", "expected true or false", 2, 21);
    parse_bad("memgate:\n  baseline: {a: 1}\n", "expected a path, found a mapping", 2, 13);
    parse_bad("memgate:\n  workloads: [a]\n", "expected a mapping of workload names", 2, 14);
}

Test(config_errors, bad_values_and_conflicts)
{
    parse_bad("memgate:\n  missing_baseline: bootstrp\n",
              "'bootstrp' is not pass, warn, fail or bootstrap (did you mean 'bootstrap'?)", 2, 21);
    parse_bad("memgate:\n  limits:\n    peak: {severity: fatal}\n",
              "severity 'fatal' is not fail or warn", 3, 22);
    parse_bad("memgate:\n  limits:\n    peak:\n      severity: warn\n      warn: +2%\n",
              "a separate warn level makes no sense with severity: warn", 5, 13);
    parse_bad("memgate:\n  drift: {severity: loud}\n", "not fail or warn", 2, 21);
    parse_bad("memgate:\n  baseline: a.json\ncomply:\n  checks:\n    cb-141:\n      options:\n"
              "        baseline_path: b.json\n",
              "'a.json' differs from comply.checks.cb-141.options.baseline_path 'b.json'", 2, 13);
    parse_bad("memgate:\n  workloads:\n    default: {}\n", "cannot name a workload", 3, 5);
    parse_bad("memgate:\n  workloads:\n    'a b': {}\n", "cannot name a workload", 3, 5);
    parse_bad("memgate:\n  accept: {trailer: 'Memgate Accept'}\n", "a trailer key has no spaces", 2,
              21);
    /* the key is printed in every report and comment (issue 13 #2) */
    parse_bad("memgate:\n  accept: {trailer: '<img src=x>'}\n",
              "at most 64 letters, digits and '-'", 2, 21);
    parse_bad("memgate:\n  accept: {trailer: '@team-Accept'}\n", "no spaces, colons or markup", 2,
              21);
    parse_bad("memgate:\n  accept: {trailer: ''}\n", "must not be empty", 2, 21);
    parse_bad("memgate:\n  baseline: ''\n", "must not be empty", 2, 13);
}

Test(config_errors, duplicates_are_refused)
{
    parse_bad("memgate:\n  limits:\n    peak: +5%\n    peak: +6%\n", "is peak_memory_bytes again",
              4, 5);
    parse_bad("memgate:\n  limits:\n    peak: +5%\n    peak_memory_bytes: +6%\n",
              "'peak_memory_bytes' is peak_memory_bytes again (first on line 3)", 4, 5);
    parse_bad("memgate:\n  limits: {}\n  limits: {}\n",
              "key 'limits' given twice (first on line 2)", 3, 3);
    parse_bad("memgate:\n  workloads:\n    a: {}\n    a: {}\n", "workload 'a' given twice", 4, 5);
}

Test(config_errors, yaml_syntax_errors_have_positions)
{
    parse_bad("memgate:\n  limits:\n  peak: +5%\n   bad: [unclosed\n", "invalid YAML", 4, 7);
    parse_bad("memgate:\n  limits: {peak: +5%\n", "invalid YAML", 3, 1);
    parse_bad("memgate:\n\tlimits: {}\n", "invalid YAML", 2, 1);
}

Test(config_errors, load_missing_and_required)
{
    mg_config *c = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_config_load(&c, "/nonexistent/.pmat.yaml", false, &err), 0);
    cr_assert_not_null(c);
    cr_expect_null(mg_config_source(c));
    mg_config_free(c);
    c = NULL;
    cr_expect_eq(mg_config_load(&c, "/nonexistent/.pmat.yaml", true, &err), -MG_E_USAGE);
    cr_expect(strstr(err.msg, "no such configuration file") != NULL, "%s", err.msg);
    cr_expect_null(c);
}

Test(suggest, near_misses_only)
{
    static const char *const keys[] = {"limits", "drift", "workloads", "missing_baseline", NULL};
    cr_expect_str_eq(mg_suggest("limts", keys), "limits");
    cr_expect_str_eq(mg_suggest("Limits", keys), "limits");
    cr_expect_str_eq(mg_suggest("dirft", keys), "drift", "a swap of neighbours is one edit");
    cr_expect_str_eq(mg_suggest("missing-baseline", keys), "missing_baseline");
    cr_expect_str_eq(mg_suggest("workload", keys), "workloads");
    cr_expect_null(mg_suggest("colour", keys));
    cr_expect_null(mg_suggest("x", keys));
}
