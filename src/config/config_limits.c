/* memgate.limits and memgate.drift.budget: the flag grammar as a string, or a mapping of terms. */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "memgate/num.h"
#include "suggest.h"

/* Every spelling mg_metric_from_name accepts, for "did you mean". */
static const char *const metric_spellings[] = {"peak_memory_bytes",
                                               "peak_blocks",
                                               "total_allocations_bytes",
                                               "allocation_count",
                                               "end_bytes",
                                               "end_blocks",
                                               "runtime_us",
                                               "peak_rss_bytes",
                                               "peak",
                                               "peak-blocks",
                                               "total",
                                               "count",
                                               "allocs",
                                               "end",
                                               "end-blocks",
                                               "runtime",
                                               "rss",
                                               NULL};

int cfg_add_rule(cfg_walker *w, enum mg_level level, bool clear, const mg_limit *l,
                 const yaml_node_t *at)
{
    cfg_scope *s = w->scope;
    cfg_rule *r;
    if (s->n_rules == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        cfg_rule *grown = realloc(s->rules, cap * sizeof(*grown));
        if (!grown)
            return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
        s->rules = grown;
        s->cap = cap;
    }
    r = &s->rules[s->n_rules++];
    memset(r, 0, sizeof(*r));
    r->level = level;
    r->metric = w->metric;
    r->clear = clear;
    r->limit = *l;
    cfg_where(w, at, r->where, sizeof(r->where));
    return 0;
}

/* "+64KiB", "64KiB", "65536", "500MB" -> bytes (or a plain count). */
static int term_size(cfg_walker *w, const yaml_node_t *n, bool plus_ok, uint64_t *out)
{
    const char *s;
    mg_error e;
    int rc = cfg_scalar(w, n, "a size such as 64KiB, or a count", &s);
    if (rc < 0)
        return rc;
    if (s[0] == '+' && !plus_ok)
        return cfg_fail(w, n, "a ceiling is a size, not an increase: write '%s'", s + 1);
    mg_error_init(&e);
    if (mg_parse_size(s[0] == '+' ? s + 1 : s, out, &e) < 0)
        return cfg_fail(w, n, "%s", e.msg);
    return 0;
}

static int on_increase(cfg_walker *w, const yaml_node_t *v)
{
    w->collect->limit.has_rel = true;
    return cfg_percent(w, v, true, &w->collect->limit.rel_bp);
}

static int on_absolute(cfg_walker *w, const yaml_node_t *v)
{
    w->collect->limit.has_abs = true;
    return term_size(w, v, true, &w->collect->limit.abs);
}

static int on_max(cfg_walker *w, const yaml_node_t *v)
{
    w->collect->limit.has_max = true;
    return term_size(w, v, false, &w->collect->limit.max);
}

static int on_severity(cfg_walker *w, const yaml_node_t *v)
{
    const char *s;
    int rc = cfg_scalar(w, v, "fail or warn", &s);
    if (rc < 0)
        return rc;
    if (strcmp(s, "fail") != 0 && strcmp(s, "warn") != 0) {
        static const char *const sev[] = {"fail", "warn", NULL};
        const char *hint = mg_suggest(s, sev);
        return hint ? cfg_fail(w, v, "severity '%s' is not fail or warn (did you mean '%s'?)", s,
                               hint)
                    : cfg_fail(w, v, "severity '%s' is not fail or warn", s);
    }
    w->collect->severity_warn = !strcmp(s, "warn");
    w->collect->severity_at = v;
    return 0;
}

static int limit_value(cfg_walker *w, const yaml_node_t *v, enum mg_level level, bool terms_only);

static int on_warn(cfg_walker *w, const yaml_node_t *v)
{
    w->collect->warn_at = v;
    return limit_value(w, v, MG_LEVEL_WARN, true);
}

static const cfg_key terms_keys[] = {
    {"increase", on_increase}, {"absolute", on_absolute}, {"max", on_max}, {NULL, NULL}};
static const cfg_key limit_keys[] = {{"increase", on_increase}, {"absolute", on_absolute},
                                     {"max", on_max},           {"severity", on_severity},
                                     {"warn", on_warn},         {NULL, NULL}};

/* The string form: exactly the --limit grammar. */
static int limit_string(cfg_walker *w, const yaml_node_t *v, enum mg_level level)
{
    const char *s = (const char *)v->data.scalar.value;
    mg_limit l;
    mg_error e;
    mg_error_init(&e);
    if (mg_limit_parse(s, &l, &e) < 0)
        return cfg_fail(w, v, "%s", e.msg);
    return cfg_add_rule(w, level, mg_limit_spec_clears(s), &l, v);
}

/* The mapping form; severity moves it to the warn level and drops the fail level. */
static int limit_mapping(cfg_walker *w, const yaml_node_t *v, enum mg_level level, bool terms_only)
{
    cfg_collect c, *outer = w->collect;
    static const mg_limit nothing;
    int rc;

    memset(&c, 0, sizeof(c));
    w->collect = &c;
    rc = cfg_walk_map(w, v, terms_only ? terms_keys : limit_keys);
    w->collect = outer;
    if (rc < 0)
        return rc;
    if (c.severity_warn && c.warn_at)
        return cfg_fail(w, c.warn_at, "a separate warn level makes no sense with severity: warn");
    if (c.severity_warn) {
        /* "this metric only warns": the fail level of lower sources goes away */
        if ((rc = cfg_add_rule(w, MG_LEVEL_FAIL, true, &nothing, c.severity_at)) < 0)
            return rc;
        level = MG_LEVEL_WARN;
    }
    if (!mg_limit_is_set(&c.limit))
        return 0;
    return cfg_add_rule(w, level, false, &c.limit, v);
}

static int limit_value(cfg_walker *w, const yaml_node_t *v, enum mg_level level, bool terms_only)
{
    if (v->type == YAML_SCALAR_NODE)
        return limit_string(w, v, level);
    if (v->type == YAML_MAPPING_NODE)
        return limit_mapping(w, v, level, terms_only);
    return cfg_fail(w, v,
                    "expected a limit such as \"+5%%&+64KiB\" or a mapping of increase, "
                    "absolute, max, severity, warn; found %s",
                    cfg_node_kind(v));
}

/* A mapping whose keys are metric names; each value is a limit for `level`. */
static int metric_map(cfg_walker *w, const yaml_node_t *map, enum mg_level level)
{
    const yaml_node_pair_t *pair;
    const yaml_node_t *seen[MG_METRIC_COUNT] = {NULL};
    size_t saved = strlen(w->path);
    int rc = 0;

    if (map->type != YAML_MAPPING_NODE)
        return cfg_fail(w, map, "expected a mapping of metric names, found %s", cfg_node_kind(map));
    for (pair = map->data.mapping.pairs.start; rc == 0 && pair < map->data.mapping.pairs.top;
         pair++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
        const yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
        const char *name;
        if ((rc = cfg_scalar(w, k, "a metric name", &name)) < 0)
            break;
        if (!mg_metric_from_name(name, &w->metric)) {
            const char *hint = mg_suggest(name, metric_spellings);
            rc = hint ? cfg_fail(w, k, "unknown metric '%s' (did you mean '%s'?)", name, hint)
                      : cfg_fail(w, k,
                                 "unknown metric '%s' (use peak, total, count, rss, "
                                 "runtime, end, peak-blocks, end-blocks or a canonical "
                                 "name)",
                                 name);
            break;
        }
        if (seen[w->metric]) {
            rc = cfg_fail(w, k, "'%s' is %s again (first on line %lu)", name,
                          mg_metric_name(w->metric),
                          (unsigned long)seen[w->metric]->start_mark.line + 1);
            break;
        }
        seen[w->metric] = k;
        if (cfg_is_null(v))
            continue;
        snprintf(w->path + saved, sizeof(w->path) - saved, ".%s", name);
        rc = limit_value(w, v, level, level == MG_LEVEL_DRIFT);
        w->path[saved] = '\0';
    }
    return rc;
}

int cfg_limits(cfg_walker *w, const yaml_node_t *map)
{
    return metric_map(w, map, MG_LEVEL_FAIL);
}

int cfg_budget(cfg_walker *w, const yaml_node_t *map)
{
    return metric_map(w, map, MG_LEVEL_DRIFT);
}
