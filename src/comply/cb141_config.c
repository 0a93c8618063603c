/* .pmat.yaml: only comply.checks.cb-141 (the memgate: section belongs to the config module). */
#include "memgate/baseline.h"
#include "memgate/comply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* A .pmat.yaml is a few hundred bytes; anything past this is not a config file. */
#define CONFIG_MAX_BYTES ((size_t)4 << 20)

void mg_cb141_config_defaults(mg_cb141_config *c)
{
    memset(c, 0, sizeof(*c));
    c->enabled = true;
    c->severity = MG_CB141_WARNING;
    c->profiler = MG_CB141_DHAT;
    snprintf(c->baseline_path, sizeof(c->baseline_path), "%s", MG_BASELINE_DEFAULT_PATH);
}

const char *mg_cb141_severity_name(enum mg_cb141_severity s)
{
    return s == MG_CB141_ERROR ? "error" : "warning";
}

const char *mg_cb141_profiler_name(enum mg_cb141_profiler p)
{
    switch (p) {
    case MG_CB141_JEMALLOC:
        return "jemalloc";
    case MG_CB141_HEAPTRACK:
        return "heaptrack";
    default:
        return "dhat";
    }
}

typedef struct yreader {
    yaml_document_t *doc;
    const char *source;
    mg_error *err;
} yreader;

/* libyaml marks are 0-based. */
static int fail_at(const yreader *y, const yaml_node_t *n, const char *what, const char *key)
{
    return mg_error_set_at(y->err, MG_E_USAGE, y->source, (unsigned long)n->start_mark.line + 1,
                           (unsigned long)n->start_mark.column + 1, "%s '%s'", what, key);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* "key:" with nothing after it, or ~ / null: treated as if the key were absent. */
static bool is_null(const yaml_node_t *n)
{
    const char *s = scalar(n);
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return !*s || !strcmp(s, "~") || !strcasecmp(s, "null");
}

/*
 * The value for key in a mapping, or NULL. A key given twice is an error
 * (YAML forbids it, and which one wins would be a guess).
 */
static int map_get(const yreader *y, const yaml_node_t *map, const char *key,
                   const yaml_node_t **out)
{
    yaml_node_pair_t *pair;
    bool seen = false;

    *out = NULL;
    for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
        const yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
        const char *ks = scalar(k);
        if (!ks || strcasecmp(ks, key) != 0)
            continue;
        if (seen)
            return fail_at(y, k, "duplicate key", key);
        seen = true;
        *out = yaml_document_get_node(y->doc, pair->value);
        if (is_null(*out))
            *out = NULL;
    }
    return 0;
}

/* map_get that also insists the value, when present, is a mapping. */
static int map_get_map(const yreader *y, const yaml_node_t *map, const char *key,
                       const yaml_node_t **out)
{
    int rc = map_get(y, map, key, out);
    if (rc == 0 && *out && (*out)->type != YAML_MAPPING_NODE)
        return fail_at(y, *out, "expected a mapping (key: value lines) for", key);
    return rc;
}

static int read_enabled(const yreader *y, const yaml_node_t *n, mg_cb141_config *c)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    const char *s = scalar(n);
    size_t i;

    for (i = 0; s && i < 3; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            c->enabled = !strcasecmp(s, yes[i]);
            return 0;
        }
    }
    return fail_at(y, n, "expected true or false for", "enabled");
}

static int read_severity(const yreader *y, const yaml_node_t *n, mg_cb141_config *c)
{
    const char *s = scalar(n);
    if (s && (!strcasecmp(s, "warning") || !strcasecmp(s, "warn")))
        c->severity = MG_CB141_WARNING;
    else if (s && !strcasecmp(s, "error"))
        c->severity = MG_CB141_ERROR;
    else
        return fail_at(y, n, "expected warning or error for", "severity");
    return 0;
}

static int read_options(const yreader *y, const yaml_node_t *opts, mg_cb141_config *c)
{
    static const enum mg_cb141_profiler all[] = {MG_CB141_DHAT, MG_CB141_JEMALLOC,
                                                 MG_CB141_HEAPTRACK};
    const yaml_node_t *n;
    const char *s;
    size_t i;

    if (map_get(y, opts, "profiler", &n) < 0)
        return -(int)y->err->code;
    if (n) {
        for (i = 0, s = scalar(n); s && i < 3; i++)
            if (!strcasecmp(s, mg_cb141_profiler_name(all[i])))
                break;
        if (!s || i == 3)
            return fail_at(y, n, "expected dhat, jemalloc or heaptrack for", "profiler");
        c->profiler = all[i];
    }
    if (map_get(y, opts, "baseline_path", &n) < 0)
        return -(int)y->err->code;
    if (n) {
        s = scalar(n);
        if (!s || !*s || strlen(s) >= sizeof(c->baseline_path))
            return fail_at(y, n, "expected a file path for", "baseline_path");
        snprintf(c->baseline_path, sizeof(c->baseline_path), "%s", s);
    }
    return 0;
}

/* comply: checks: cb-141: {enabled, severity, options: {profiler, baseline_path}} */
static int read_check(const yreader *y, const yaml_node_t *root, mg_cb141_config *c)
{
    const yaml_node_t *comply, *checks, *cb, *n;

    if (map_get_map(y, root, "comply", &comply) < 0 || !comply)
        return -(int)y->err->code;
    if (map_get_map(y, comply, "checks", &checks) < 0 || !checks)
        return -(int)y->err->code;
    if (map_get_map(y, checks, "cb-141", &cb) < 0 || !cb)
        return -(int)y->err->code;
    if (map_get(y, cb, "enabled", &n) < 0 || (n && read_enabled(y, n, c) < 0))
        return -(int)y->err->code;
    if (map_get(y, cb, "severity", &n) < 0 || (n && read_severity(y, n, c) < 0))
        return -(int)y->err->code;
    if (map_get_map(y, cb, "options", &n) < 0 || (n && read_options(y, n, c) < 0))
        return -(int)y->err->code;
    return 0;
}

int mg_cb141_config_parse(mg_cb141_config *c, const char *text, size_t len, const char *source,
                          mg_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yreader y = {&doc, source, err};
    mg_error local;
    const yaml_node_t *root;
    int rc = 0;

    if (!err) {
        mg_error_init(&local);
        y.err = &local;
    }
    if (!yaml_parser_initialize(&parser))
        return mg_error_set(y.err, MG_E_NOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        /* libyaml notices some errors far from their cause; its context says where that was */
        char context[160] = "";
        if (parser.context)
            snprintf(context, sizeof(context), " (%s at line %lu column %lu)", parser.context,
                     (unsigned long)parser.context_mark.line + 1,
                     (unsigned long)parser.context_mark.column + 1);
        rc = mg_error_set_at(y.err, parser.error == YAML_MEMORY_ERROR ? MG_E_NOMEM : MG_E_USAGE,
                             source, (unsigned long)parser.problem_mark.line + 1,
                             (unsigned long)parser.problem_mark.column + 1, "malformed YAML: %s%s",
                             parser.problem ? parser.problem : "cannot parse", context);
        yaml_parser_delete(&parser);
        return rc;
    }
    root = yaml_document_get_root_node(&doc);
    if (root && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE)
            rc = mg_error_set_at(y.err, MG_E_USAGE, source, root->start_mark.line + 1,
                                 root->start_mark.column + 1,
                                 "expected a mapping (key: value lines) at the top level");
        else
            rc = read_check(&y, root, c);
    }
    if (rc == 0)
        snprintf(c->source, sizeof(c->source), "%s", source);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int mg_cb141_config_load(mg_cb141_config *c, const char *path, mg_error *err)
{
    mg_buf buf;
    mg_error local;
    int rc;

    mg_buf_init(&buf, CONFIG_MAX_BYTES);
    mg_error_init(&local);
    if (mg_buf_read_file(&buf, path, &local) < 0) {
        /* configuration, not input: exit 2 like a bad flag */
        rc = mg_error_set_at(err, local.code == MG_E_NOMEM ? MG_E_NOMEM : MG_E_USAGE, local.source,
                             0, 0, "%s", local.msg);
    } else {
        rc = mg_cb141_config_parse(c, buf.data ? buf.data : "", buf.len, path, err);
    }
    mg_buf_release(&buf);
    return rc;
}
