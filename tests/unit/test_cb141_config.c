/* .pmat.yaml comply.checks.cb-141: defaults, every setting, and errors with line and column. */
#include <criterion/criterion.h>
#include <string.h>

#include "memgate/comply.h"

static mg_cb141_config parse_ok(const char *yaml)
{
    mg_cb141_config c;
    mg_error err;
    mg_cb141_config_defaults(&c);
    mg_error_init(&err);
    cr_assert_eq(mg_cb141_config_parse(&c, yaml, strlen(yaml), "p.yaml", &err), 0, "%s", err.msg);
    return c;
}

static void parse_fails(const char *yaml, const char *fragment, unsigned long line,
                        unsigned long col)
{
    mg_cb141_config c;
    mg_error err;
    mg_cb141_config_defaults(&c);
    mg_error_init(&err);
    cr_assert_eq(mg_cb141_config_parse(&c, yaml, strlen(yaml), "p.yaml", &err), -MG_E_USAGE);
    cr_assert(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg, fragment);
    cr_assert_str_eq(err.source, "p.yaml");
    cr_assert_eq(err.line, line, "line %lu (%s)", err.line, err.msg);
    cr_assert_eq(err.column, col, "column %lu (%s)", err.column, err.msg);
}

Test(cb141_config, defaults_are_the_spec)
{
    mg_cb141_config c;
    mg_cb141_config_defaults(&c);
    cr_assert(c.enabled);
    cr_assert_eq(c.severity, MG_CB141_WARNING);
    cr_assert_eq(c.profiler, MG_CB141_DHAT);
    cr_assert_str_eq(c.baseline_path, ".pmat-metrics/memory-baseline.json");
    cr_assert_str_empty(c.source);
}

Test(cb141_config, the_spec_example)
{
    mg_cb141_config c = parse_ok("# .pmat.yaml\ncomply:\n  checks:\n    cb-141:\n"
                                 "      enabled: true\n      severity: error\n      options:\n"
                                 "        profiler: \"heaptrack\"\n"
                                 "        baseline_path: \".pmat-metrics/other.json\"\n");
    cr_assert(c.enabled);
    cr_assert_eq(c.severity, MG_CB141_ERROR);
    cr_assert_eq(c.profiler, MG_CB141_HEAPTRACK);
    cr_assert_str_eq(c.baseline_path, ".pmat-metrics/other.json");
    cr_assert_str_eq(c.source, "p.yaml");
}

Test(cb141_config, other_sections_and_empty_files_keep_the_defaults)
{
    mg_cb141_config c = parse_ok("");
    cr_assert(c.enabled);
    c = parse_ok("memgate:\n  limits: {peak: +5%}\ncomply:\n  checks:\n    cb-100: {enabled: "
                 "false}\n");
    cr_assert(c.enabled);
    c = parse_ok("comply:\n  checks:\n    cb-141:\n      options:\n");
    cr_assert_eq(c.profiler, MG_CB141_DHAT);
}

Test(cb141_config, flow_style_anchors_and_yaml11_booleans)
{
    mg_cb141_config c = parse_ok("base: &b {profiler: jemalloc}\n"
                                 "comply: {checks: {CB-141: {enabled: off, options: *b}}}\n");
    cr_assert_not(c.enabled);
    cr_assert_eq(c.profiler, MG_CB141_JEMALLOC);
    c = parse_ok("comply:\n  checks:\n    cb-141:\n      enabled: Yes\n      severity: warn\n");
    cr_assert(c.enabled);
    cr_assert_eq(c.severity, MG_CB141_WARNING);
}

Test(cb141_config, wrong_values)
{
    parse_fails("comply:\n  checks:\n    cb-141:\n      enabled: maybe\n",
                "expected true or false for 'enabled'", 4, 16);
    parse_fails("comply:\n  checks:\n    cb-141:\n      severity: fatal\n",
                "expected warning or error for 'severity'", 4, 17);
    parse_fails("comply:\n  checks:\n    cb-141:\n      options:\n        profiler: valgrind\n",
                "expected dhat, jemalloc or heaptrack for 'profiler'", 5, 19);
    parse_fails("comply:\n  checks:\n    cb-141:\n      options:\n        baseline_path: [a]\n",
                "expected a file path for 'baseline_path'", 5, 24);
    parse_fails("comply:\n  checks:\n    cb-141:\n      options:\n        baseline_path: ''\n",
                "expected a file path for 'baseline_path'", 5, 24);
}

Test(cb141_config, wrong_shapes)
{
    parse_fails("- a\n- b\n", "expected a mapping (key: value lines) at the top level", 1, 1);
    parse_fails("comply: yes\n", "expected a mapping (key: value lines) for 'comply'", 1, 9);
    parse_fails("comply:\n  checks:\n    - cb-141\n",
                "expected a mapping (key: value lines) for 'checks'", 3, 5);
}

Test(cb141_config, duplicate_keys)
{
    parse_fails("comply:\n  checks:\n    cb-141:\n      severity: error\n      severity: warning\n",
                "duplicate key 'severity'", 5, 7);
}

Test(cb141_config, malformed_yaml)
{
    parse_fails("comply:\n  checks: {cb-141: [\n", "malformed YAML", 3, 1);
    parse_fails("comply:\n\tchecks:\n", "malformed YAML", 2, 1);
    parse_fails("a: 'unterminated\n", "malformed YAML: found unexpected end of stream", 2, 1);
}

Test(cb141_config, load_a_missing_file)
{
    mg_cb141_config c;
    mg_error err;
    mg_cb141_config_defaults(&c);
    mg_error_init(&err);
    cr_assert_eq(mg_cb141_config_load(&c, "/nonexistent/.pmat.yaml", &err), -MG_E_USAGE);
    cr_assert_str_eq(err.source, "/nonexistent/.pmat.yaml");
}
