/* .pmat.yaml: the memgate section read with libyaml, then applied to a policy in precedence order.
 */
#include "memgate/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_int.h"
#include "memgate/stacks.h"
#include "memgate/buf.h"
#include "memgate/num.h"
#include "suggest.h"

/* A .pmat.yaml is a few hundred bytes; anything past this is not a config file. */
#define CONFIG_MAX_BYTES ((size_t)4 << 20)
#define MAX_WORKLOADS 256
#define MAX_LIST 64 /* branches, skip_frames */

/* ---- small setters ---- */

static int set_string(cfg_walker *w, const yaml_node_t *v, cfg_setting *dst, const char *what)
{
    const char *s;
    int rc = cfg_scalar(w, v, what, &s);
    if (rc < 0)
        return rc;
    if (!*s)
        return cfg_fail(w, v, "must not be empty");
    free(dst->value);
    if (!(dst->value = strdup(s)))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    cfg_where(w, v, dst->where, sizeof(dst->where));
    return 0;
}

/* ---- memgate.* and memgate.workloads.NAME.* ---- */

static int on_improvement(cfg_walker *w, const yaml_node_t *v)
{
    cfg_scope *s = w->scope;
    s->has_improvement = true;
    cfg_where(w, v, s->improvement_where, sizeof(s->improvement_where));
    return cfg_percent(w, v, false, &s->improvement_bp);
}

static int on_missing(cfg_walker *w, const yaml_node_t *v)
{
    static const char *const names[] = {"pass", "warn", "fail", "bootstrap", NULL};
    cfg_scope *s = w->scope;
    const char *text, *hint;
    mg_error e;
    int rc = cfg_scalar(w, v, "pass, warn, fail or bootstrap", &text);
    if (rc < 0)
        return rc;
    mg_error_init(&e);
    if (mg_missing_parse(text, &s->missing, &e) < 0) {
        hint = mg_suggest(text, names);
        return hint ? cfg_fail(w, v,
                               "'%s' is not pass, warn, fail or bootstrap (did you mean "
                               "'%s'?)",
                               text, hint)
                    : cfg_fail(w, v, "'%s' is not pass, warn, fail or bootstrap", text);
    }
    s->has_missing = true;
    cfg_where(w, v, s->missing_where, sizeof(s->missing_where));
    return 0;
}

static int on_limits(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_limits(w, v);
}

static int on_budget(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_budget(w, v);
}

static int on_anchor(cfg_walker *w, const yaml_node_t *v)
{
    return set_string(w, v, &w->scope->drift_anchor, "'first' or a commit");
}

static int on_drift_severity(cfg_walker *w, const yaml_node_t *v)
{
    cfg_scope *s = w->scope;
    const char *text;
    int rc = cfg_scalar(w, v, "fail or warn", &text);
    if (rc < 0)
        return rc;
    if (strcmp(text, "fail") != 0 && strcmp(text, "warn") != 0)
        return cfg_fail(w, v, "severity '%s' is not fail or warn", text);
    s->has_drift_severity = true;
    s->drift_warn = !strcmp(text, "warn");
    cfg_where(w, v, s->drift_severity_where, sizeof(s->drift_severity_where));
    return 0;
}

static const cfg_key drift_keys[] = {
    {"anchor", on_anchor}, {"severity", on_drift_severity}, {"budget", on_budget}, {NULL, NULL}};

static int on_drift(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, drift_keys);
}

static const cfg_key workload_keys[] = {{"limits", on_limits},
                                        {"drift", on_drift},
                                        {"improvement", on_improvement},
                                        {"missing_baseline", on_missing},
                                        {NULL, NULL}};

static int on_one_workload(cfg_walker *w, const yaml_node_t *name, const yaml_node_t *v)
{
    mg_config *c = w->cfg;
    cfg_scope *s, *outer = w->scope;
    const char *text;
    size_t saved = strlen(w->path);
    int rc = cfg_scalar(w, name, "a workload name", &text);
    if (rc < 0)
        return rc;
    if (!*text || !strcmp(text, "default") || strpbrk(text, " \t\n/\\"))
        return cfg_fail(w, name,
                        "'%s' cannot name a workload (no spaces or slashes; 'default' "
                        "is the baseline's top level)",
                        text);
    if (c->n_workloads == MAX_WORKLOADS)
        return cfg_fail(w, name, "more than %d workloads", MAX_WORKLOADS);
    s = &c->workloads[c->n_workloads];
    memset(s, 0, sizeof(*s));
    if (!(s->name = strdup(text)))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    c->n_workloads++;
    if (cfg_is_null(v))
        return 0;
    snprintf(w->path + saved, sizeof(w->path) - saved, ".%s", text);
    w->scope = s;
    rc = cfg_walk_map(w, v, workload_keys);
    w->scope = outer;
    w->path[saved] = '\0';
    return rc;
}

static int on_workloads(cfg_walker *w, const yaml_node_t *v)
{
    const yaml_node_pair_t *pair;
    int rc = 0;
    if (v->type != YAML_MAPPING_NODE)
        return cfg_fail(w, v, "expected a mapping of workload names, found %s", cfg_node_kind(v));
    if (!w->cfg->workloads &&
        !(w->cfg->workloads = calloc(MAX_WORKLOADS, sizeof(*w->cfg->workloads))))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    for (pair = v->data.mapping.pairs.start; rc == 0 && pair < v->data.mapping.pairs.top; pair++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
        const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (mg_config_has_workload(w->cfg, name))
            return cfg_fail(w, k, "workload '%s' given twice", name);
        rc = on_one_workload(w, k, yaml_document_get_node(w->doc, pair->value));
    }
    return rc;
}

static int on_baseline(cfg_walker *w, const yaml_node_t *v)
{
    return set_string(w, v, &w->cfg->baseline, "a path");
}

static int on_history(cfg_walker *w, const yaml_node_t *v)
{
    return set_string(w, v, &w->cfg->history, "a path");
}

/* A list of non-empty strings (at most MAX_LIST), NULL-terminated, owned by the config. */
struct cfg_list {
    char ***items;
    size_t *n;
    const char *what;   /* one entry: "a branch name or pattern" */
    const char *plural; /* "branch names" */
};

static int add_listed(cfg_walker *w, const yaml_node_t *n, const struct cfg_list *l)
{
    const char *s;
    int rc = cfg_scalar(w, n, l->what, &s);
    if (rc < 0)
        return rc;
    if (!*s)
        return cfg_fail(w, n, "expected %s, found an empty string", l->what);
    if (*l->n == MAX_LIST)
        return cfg_fail(w, n, "more than %d %s", MAX_LIST, l->plural);
    if (!((*l->items)[*l->n] = strdup(s)))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    (*l->n)++;
    return 0;
}

/* A list of strings, or one string on its own. */
static int string_list(cfg_walker *w, const yaml_node_t *v, const struct cfg_list *l)
{
    yaml_node_item_t *it;
    int rc = 0;
    if (!*l->items && !(*l->items = calloc(MAX_LIST + 1, sizeof(**l->items))))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    if (v->type == YAML_SCALAR_NODE)
        return add_listed(w, v, l);
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(w, v, "expected a list of %s, found %s", l->plural, cfg_node_kind(v));
    for (it = v->data.sequence.items.start; rc == 0 && it < v->data.sequence.items.top; it++)
        rc = add_listed(w, yaml_document_get_node(w->doc, *it), l);
    return rc;
}

static int on_branches(cfg_walker *w, const yaml_node_t *v)
{
    struct cfg_list l = {&w->cfg->branches, &w->cfg->n_branches, "a branch name or pattern",
                         "branch names"};
    return string_list(w, v, &l);
}

static int on_skip_frames(cfg_walker *w, const yaml_node_t *v)
{
    struct cfg_list l = {&w->cfg->skip_frames, &w->cfg->n_skip_frames, "a function name prefix",
                         "function name prefixes"};
    return string_list(w, v, &l);
}

static int on_own_crates(cfg_walker *w, const yaml_node_t *v)
{
    struct cfg_list l = {&w->cfg->own_crates, &w->cfg->n_own_crates, "a crate name", "crate names"};
    return string_list(w, v, &l);
}

static int on_attribution(cfg_walker *w, const yaml_node_t *v)
{
    const char *s;
    enum mg_attribution a;
    int rc = cfg_scalar(w, v, "own, skip-std, alloc-site or first-frame", &s);
    if (rc < 0)
        return rc;
    if (!mg_attribution_from_name(s, &a))
        return cfg_fail(w, v, "expected own, skip-std, alloc-site or first-frame, found '%s'", s);
    w->cfg->hotspots.attribution = a;
    w->cfg->hotspots.has_attribution = true;
    return 0;
}

static const cfg_key update_keys[] = {{"branches", on_branches}, {NULL, NULL}};

static int on_update(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, update_keys);
}

static int on_trailer(cfg_walker *w, const yaml_node_t *v)
{
    int rc = set_string(w, v, &w->cfg->accept_trailer, "a trailer key such as Memgate-Accept");
    const char *k = rc == 0 ? w->cfg->accept_trailer.value : NULL;
    /* the key is shown in every report and comment: letters, digits and '-' as git writes them */
    if (k &&
        (!*k || strlen(k) > 64 ||
         strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != strlen(k)))
        return cfg_fail(w, v,
                        "a trailer key has no spaces, colons or markup: at most 64 "
                        "letters, digits and '-' such as Memgate-Accept");
    return rc;
}

static int on_label(cfg_walker *w, const yaml_node_t *v)
{
    return set_string(w, v, &w->cfg->accept_label, "a label name");
}

static int on_allowed(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_bool(w, v, &w->cfg->accept_allowed);
}

static const cfg_key accept_keys[] = {
    {"trailer", on_trailer}, {"label", on_label}, {"allowed", on_allowed}, {NULL, NULL}};

static int on_accept(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, accept_keys);
}

static int on_top(cfg_walker *w, const yaml_node_t *v)
{
    uint64_t n;
    int rc = cfg_number(w, v, 1, 1000, &n);
    if (rc == 0)
        w->cfg->hotspots.top = (unsigned)n;
    return rc;
}

static int on_min_change(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_percent(w, v, false, &w->cfg->hotspots.min_change_bp);
}

static int on_min_bytes(cfg_walker *w, const yaml_node_t *v)
{
    const char *s;
    mg_error e;
    int rc = cfg_scalar(w, v, "a size such as 4KiB", &s);
    if (rc < 0)
        return rc;
    mg_error_init(&e);
    if (mg_parse_size(s, &w->cfg->hotspots.min_bytes, &e) < 0)
        return cfg_fail(w, v, "%s", e.msg);
    return 0;
}

static const cfg_key hotspot_keys[] = {{"top", on_top},
                                       {"min_change", on_min_change},
                                       {"min_bytes", on_min_bytes},
                                       {"skip_frames", on_skip_frames},
                                       {"own_crates", on_own_crates},
                                       {"attribution", on_attribution},
                                       {NULL, NULL}};

static int on_hotspots(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, hotspot_keys);
}

static const cfg_key memgate_keys[] = {
    {"baseline", on_baseline},
    {"history", on_history},
    {"improvement", on_improvement},
    {"missing_baseline", on_missing},
    {"limits", on_limits},
    {"drift", on_drift},
    {"update", on_update},
    {"accept", on_accept},
    {"hotspots", on_hotspots},
    {"workloads", on_workloads},
    {"merge_base", cfg_merge_base},
    {"pairing", cfg_pairing},
    {"environment", cfg_environment},
    {"runs", cfg_runs},
    {"learn", cfg_learn},
    {NULL, NULL},
};

/* ---- the document root ---- */

static const yaml_node_t *map_lookup(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
    const yaml_node_pair_t *p;
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* comply.checks.cb-141.options.baseline_path: the rest of that section is comply's to check. */
static int read_cb141(cfg_walker *w, const yaml_node_t *root)
{
    const yaml_node_t *n = map_lookup(w->doc, root, "comply");
    n = map_lookup(w->doc, n, "checks");
    n = map_lookup(w->doc, n, "cb-141");
    n = map_lookup(w->doc, n, "options");
    n = map_lookup(w->doc, n, "baseline_path");
    if (!n || cfg_is_null(n))
        return 0;
    snprintf(w->path, sizeof(w->path), "comply.checks.cb-141.options.baseline_path");
    return set_string(w, n, &w->cfg->cb141_baseline, "a path");
}

/* memgate.baseline and the cb-141 path name one file; two different answers are an error. */
static int check_baseline_agreement(cfg_walker *w, const yaml_node_t *root)
{
    mg_config *c = w->cfg;
    const yaml_node_t *n;
    if (!c->baseline.value || !c->cb141_baseline.value ||
        !strcmp(c->baseline.value, c->cb141_baseline.value))
        return 0;
    n = map_lookup(w->doc, map_lookup(w->doc, root, "memgate"), "baseline");
    snprintf(w->path, sizeof(w->path), "memgate.baseline");
    return cfg_fail(w, n,
                    "'%s' differs from comply.checks.cb-141.options.baseline_path '%s' (%s); "
                    "set one of them",
                    c->baseline.value, c->cb141_baseline.value, c->cb141_baseline.where);
}

/*
 * Other tools own the rest of the file, so unknown top-level keys are fine;
 * but "memgat:" would silently drop every limit, so a near miss is an error.
 */
static int misspelled_section(cfg_walker *w, const yaml_node_t *root)
{
    static const char *const section[] = {"memgate", NULL};
    const yaml_node_pair_t *p;
    for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        const char *t = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (strcmp(t, "memgate") != 0 && mg_suggest(t, section))
            return cfg_fail(w, k, "unknown section '%s' (did you mean 'memgate'?)", t);
    }
    return 0;
}

static int walk_root(cfg_walker *w)
{
    const yaml_node_t *root = yaml_document_get_root_node(w->doc), *mg;
    int rc;
    if (!root || cfg_is_null(root))
        return 0; /* an empty file */
    if (root->type != YAML_MAPPING_NODE)
        return cfg_fail(w, root, "expected a mapping at the top level, found %s",
                        cfg_node_kind(root));
    if ((rc = misspelled_section(w, root)) < 0 || (rc = read_cb141(w, root)) < 0)
        return rc;
    w->path[0] = '\0';
    mg = map_lookup(w->doc, root, "memgate");
    if (mg && !cfg_is_null(mg)) {
        snprintf(w->path, sizeof(w->path), "memgate");
        w->scope = &w->cfg->global;
        if ((rc = cfg_walk_map(w, mg, memgate_keys)) < 0)
            return rc;
    }
    return check_baseline_agreement(w, root);
}

static int config_new(mg_config **out, const char *source, mg_error *err)
{
    mg_config *c = calloc(1, sizeof(*c));
    if (!c || (source && !(c->source = strdup(source)))) {
        free(c);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    c->accept_allowed = true;
    c->hotspots.top = 10;
    c->hotspots.min_change_bp = 100;
    c->hotspots.min_bytes = 4096;
    *out = c;
    return 0;
}

static int yaml_failure(const yaml_parser_t *p, const char *source, mg_error *err)
{
    const yaml_mark_t *m = &p->problem_mark;
    if (p->error == YAML_MEMORY_ERROR)
        return mg_error_set(err, MG_E_NOMEM, "out of memory reading YAML");
    if (p->context)
        return mg_error_set_at(err, MG_E_USAGE, source, (unsigned long)m->line + 1,
                               (unsigned long)m->column + 1, "invalid YAML: %s %s",
                               p->problem ? p->problem : "error", p->context);
    return mg_error_set_at(err, MG_E_USAGE, source, (unsigned long)m->line + 1,
                           (unsigned long)m->column + 1, "invalid YAML: %s",
                           p->problem ? p->problem : "error");
}

int mg_config_parse(mg_config **out, const char *text, size_t len, const char *source,
                    mg_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    cfg_walker w;
    mg_config *c = NULL;
    int rc;

    *out = NULL;
    if ((rc = config_new(&c, source, err)) < 0)
        return rc;
    if (!yaml_parser_initialize(&parser)) {
        mg_config_free(c);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_failure(&parser, source, err);
        yaml_parser_delete(&parser);
        mg_config_free(c);
        return rc;
    }
    memset(&w, 0, sizeof(w));
    w.doc = &doc;
    w.source = source;
    w.cfg = c;
    w.err = err;
    rc = walk_root(&w);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc < 0) {
        mg_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int mg_config_load(mg_config **out, const char *path, bool must_exist, mg_error *err)
{
    mg_buf buf;
    struct stat st;
    int rc;

    *out = NULL;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        if (must_exist)
            return mg_error_set_at(err, MG_E_USAGE, path, 0, 0, "no such configuration file");
        return config_new(out, NULL, err);
    }
    mg_buf_init(&buf, CONFIG_MAX_BYTES);
    rc = mg_buf_read_file(&buf, path, err);
    if (rc == 0)
        rc = mg_config_parse(out, buf.data ? buf.data : "", buf.len, path, err);
    mg_buf_release(&buf);
    return rc;
}

static void scope_release(cfg_scope *s)
{
    free(s->name);
    free(s->rules);
    free(s->drift_anchor.value);
}

void mg_config_free(mg_config *c)
{
    size_t i;
    if (!c)
        return;
    scope_release(&c->global);
    for (i = 0; i < c->n_workloads; i++)
        scope_release(&c->workloads[i]);
    free(c->workloads);
    for (i = 0; i < c->n_branches; i++)
        free(c->branches[i]);
    free(c->branches);
    for (i = 0; i < c->n_skip_frames; i++)
        free(c->skip_frames[i]);
    free(c->skip_frames);
    for (i = 0; i < c->n_own_crates; i++)
        free(c->own_crates[i]);
    free(c->own_crates);
    free(c->baseline.value);
    free(c->cb141_baseline.value);
    free(c->history.value);
    free(c->accept_trailer.value);
    free(c->accept_label.value);
    cfg_verdict_release(&c->verdict);
    free(c->source);
    free(c);
}

/* ---- accessors ---- */

const char *mg_config_source(const mg_config *c)
{
    return c->source;
}

static const cfg_scope *find_scope(const mg_config *c, const char *workload)
{
    size_t i;
    if (!workload)
        return NULL;
    for (i = 0; i < c->n_workloads; i++)
        if (!strcmp(c->workloads[i].name, workload))
            return &c->workloads[i];
    return NULL;
}

bool mg_config_has_workload(const mg_config *c, const char *workload)
{
    return find_scope(c, workload) != NULL;
}

static void apply_scope(const cfg_scope *s, mg_policy *p)
{
    size_t i;
    for (i = 0; i < s->n_rules; i++) {
        const cfg_rule *r = &s->rules[i];
        mg_policy_set(p, r->level, r->metric, &r->limit, r->clear, MG_SRC_CONFIG, r->where);
    }
    if (s->has_improvement) {
        p->improvement_bp = s->improvement_bp;
        p->improvement_origin.src = MG_SRC_CONFIG;
        snprintf(p->improvement_origin.where, sizeof(p->improvement_origin.where), "%s",
                 s->improvement_where);
    }
    if (s->has_missing) {
        p->missing = s->missing;
        p->missing_origin.src = MG_SRC_CONFIG;
        snprintf(p->missing_origin.where, sizeof(p->missing_origin.where), "%s", s->missing_where);
    }
    if (s->has_drift_severity) {
        p->drift_warn = s->drift_warn;
        p->drift_severity_origin.src = MG_SRC_CONFIG;
        snprintf(p->drift_severity_origin.where, sizeof(p->drift_severity_origin.where), "%s",
                 s->drift_severity_where);
    }
}

void mg_config_apply(const mg_config *c, const char *workload, mg_policy *p)
{
    const cfg_scope *s = find_scope(c, workload);
    apply_scope(&c->global, p);
    if (s)
        apply_scope(s, p);
}

static const cfg_setting *setting(const mg_config *c, const char *key, const char *workload)
{
    if (!strcmp(key, "baseline"))
        return c->baseline.value ? &c->baseline : &c->cb141_baseline;
    if (!strcmp(key, "history"))
        return &c->history;
    if (!strcmp(key, "accept.trailer"))
        return &c->accept_trailer;
    if (!strcmp(key, "accept.label"))
        return &c->accept_label;
    if (!strcmp(key, "drift.anchor")) {
        const cfg_scope *s = find_scope(c, workload);
        return s && s->drift_anchor.value ? &s->drift_anchor : &c->global.drift_anchor;
    }
    return cfg_verdict_setting(c, key);
}

const char *mg_config_string(const mg_config *c, const char *key, const char *workload,
                             const char **where)
{
    const cfg_setting *s = setting(c, key, workload);
    if (where)
        *where = s && s->value ? s->where : NULL;
    return s ? s->value : NULL;
}

const char *const *mg_config_branches(const mg_config *c, size_t *count)
{
    *count = c->n_branches;
    return (const char *const *)c->branches;
}

bool mg_config_accept_allowed(const mg_config *c)
{
    return c->accept_allowed;
}

void mg_config_hotspots(const mg_config *c, mg_hotspot_settings *out)
{
    *out = c->hotspots;
    out->skip_frames = (const char *const *)c->skip_frames;
    out->n_skip_frames = c->n_skip_frames;
    out->own_crates = (const char *const *)c->own_crates;
    out->n_own_crates = c->n_own_crates;
}
