/* The YAML walker: mappings checked against known keys, positioned errors, scalar access. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "memgate/num.h"
#include "suggest.h"

/* libyaml marks are 0-based; ours are 1-based like every other position memgate reports. */
static unsigned long line_of(const yaml_node_t *n)
{
    return (unsigned long)n->start_mark.line + 1;
}

static unsigned long col_of(const yaml_node_t *n)
{
    return (unsigned long)n->start_mark.column + 1;
}

int cfg_fail(const cfg_walker *w, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return mg_error_set_at(w->err, MG_E_USAGE, w->source, line_of(n), col_of(n), "%s%s%s", w->path,
                           w->path[0] ? ": " : "", msg);
}

void cfg_where(const cfg_walker *w, const yaml_node_t *n, char *out, size_t size)
{
    snprintf(out, size, "%s:%lu:%lu %s", w->source, line_of(n), col_of(n), w->path);
}

bool cfg_is_null(const yaml_node_t *n)
{
    const char *s;
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    s = (const char *)n->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcasecmp(s, "null");
}

const char *cfg_node_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        return "a value";
    }
}

int cfg_scalar(cfg_walker *w, const yaml_node_t *n, const char *what, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return cfg_fail(w, n, "expected %s, found %s", what, cfg_node_kind(n));
    *out = (const char *)n->data.scalar.value;
    return 0;
}

int cfg_bool(cfg_walker *w, const yaml_node_t *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    const char *s = NULL;
    size_t i;
    int rc = cfg_scalar(w, v, "true or false", &s);
    if (rc < 0)
        return rc;
    for (i = 0; i < 3; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            *out = !strcasecmp(s, yes[i]);
            return 0;
        }
    }
    return cfg_fail(w, v, "expected true or false, found '%s'", s);
}

int cfg_number(cfg_walker *w, const yaml_node_t *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
    const char *s = NULL;
    char what[64];
    mg_error e;
    int rc;

    snprintf(what, sizeof(what), "a number from %llu to %llu", (unsigned long long)lo,
             (unsigned long long)hi);
    if ((rc = cfg_scalar(w, v, what, &s)) < 0)
        return rc;
    mg_error_init(&e);
    if (mg_parse_u64(s, hi, out, &e) < 0 || *out < lo)
        return cfg_fail(w, v, "expected %s, found '%s'", what, s);
    return 0;
}

int cfg_percent(cfg_walker *w, const yaml_node_t *v, bool plus_ok, uint64_t *bp)
{
    const char *s = NULL;
    mg_error e;
    int rc = cfg_scalar(w, v, "a percentage such as 5%", &s);
    if (rc < 0)
        return rc;
    mg_error_init(&e);
    if (mg_parse_percent(plus_ok && s[0] == '+' ? s + 1 : s, bp, &e) < 0)
        return cfg_fail(w, v, "%s", e.msg);
    return 0;
}

static const char *key_text(const yaml_node_t *k)
{
    return k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
}

static int unknown_key(cfg_walker *w, const yaml_node_t *k, const char *name, const cfg_key *keys)
{
    const char *names[48];
    const char *hint;
    size_t n = 0;
    char list[320] = "";
    size_t used = 0;

    for (; keys[n].name && n < 47; n++) {
        names[n] = keys[n].name;
        used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0, "%s%s",
                                 n ? ", " : "", keys[n].name);
    }
    names[n] = NULL;
    hint = mg_suggest(name, names);
    if (hint)
        return cfg_fail(w, k, "unknown key '%s' (did you mean '%s'?)", name, hint);
    return cfg_fail(w, k, "unknown key '%s' (known: %s)", name, list);
}

/* Is name an earlier key of the same mapping? YAML forbids it; which one wins would be a guess. */
static const yaml_node_t *earlier_key(cfg_walker *w, const yaml_node_t *map,
                                      const yaml_node_pair_t *upto, const char *name)
{
    const yaml_node_pair_t *p;
    for (p = map->data.mapping.pairs.start; p < upto; p++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        const char *t = key_text(k);
        if (t && !strcmp(t, name))
            return k;
    }
    return NULL;
}

static int walk_pair(cfg_walker *w, const yaml_node_t *map, const yaml_node_pair_t *pair,
                     const cfg_key *keys)
{
    const yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
    const yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
    const char *name = key_text(k);
    const yaml_node_t *dup;
    size_t saved = strlen(w->path), i;
    int rc;

    if (!name)
        return cfg_fail(w, k, "keys must be plain names, found %s", cfg_node_kind(k));
    if ((dup = earlier_key(w, map, pair, name)) != NULL)
        return cfg_fail(w, k, "key '%s' given twice (first on line %lu)", name,
                        (unsigned long)dup->start_mark.line + 1);
    for (i = 0; keys[i].name; i++)
        if (!strcmp(keys[i].name, name))
            break;
    if (!keys[i].name)
        return unknown_key(w, k, name, keys);
    if (cfg_is_null(v))
        return 0;
    snprintf(w->path + saved, sizeof(w->path) - saved, "%s%s", saved ? "." : "", name);
    rc = keys[i].fn(w, v);
    w->path[saved] = '\0';
    return rc;
}

int cfg_walk_map(cfg_walker *w, const yaml_node_t *map, const cfg_key *keys)
{
    const yaml_node_pair_t *pair;
    int rc;

    if (map->type != YAML_MAPPING_NODE)
        return cfg_fail(w, map, "expected a mapping, found %s", cfg_node_kind(map));
    for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++)
        if ((rc = walk_pair(w, map, pair, keys)) < 0)
            return rc;
    return 0;
}
