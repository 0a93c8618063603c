/* Finding a crate among a package's dependency tables, renames and workspace inheritance included.
 */
#include "comply/deps.h"

#include <stdlib.h>
#include <string.h>

/* Cargo still reads the underscore spellings (with a warning), so they count too. */
static const struct {
    const char *name;
    enum dep_kind kind;
} dep_tables[] = {
    {"dependencies", DEP_NORMAL},      {"dev-dependencies", DEP_DEV},
    {"dev_dependencies", DEP_DEV},     {"build-dependencies", DEP_BUILD},
    {"build_dependencies", DEP_BUILD},
};

void dep_hits_init(dep_hits *h)
{
    h->v = NULL;
    h->n = h->cap = 0;
    strlist_init(&h->text);
}

void dep_hits_release(dep_hits *h)
{
    if (!h)
        return;
    free(h->v);
    strlist_release(&h->text);
    dep_hits_init(h);
}

static bool listed(const char *name, const char *const *packages)
{
    for (; name && *packages; packages++)
        if (!strcmp(name, *packages))
            return true;
    return false;
}

static dep_hit *new_hit(dep_hits *h, mg_error *err)
{
    if (h->n == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 4;
        dep_hit *n = realloc(h->v, ncap * sizeof(*n));
        if (!n) {
            mg_error_set(err, MG_E_NOMEM, "out of memory");
            return NULL;
        }
        h->v = n;
        h->cap = ncap;
    }
    memset(&h->v[h->n], 0, sizeof(h->v[0]));
    return &h->v[h->n++];
}

typedef struct scan_ctx {
    cargo_project *proj;
    const char *const *packages;
    dep_hits *out;
    mg_error *err;
} scan_ctx;

/* `workspace = true`: the package named in [workspace.dependencies] (a string entry: the key). */
static int inherit(scan_ctx *c, const char *key, dep_hit *hit, const char **package)
{
    const mg_toml_value *ws, *entry;
    const char *manifest;
    const char *renamed;

    if (cargo_workspace_root(c->proj, &ws, &manifest, c->err) < 0)
        return -(int)c->err->code;
    if (!ws) {
        hit->problem = strlist_printf(&c->out->text, c->err,
                                      "'%s' has workspace = true but no workspace root with "
                                      "[workspace] was found above the project",
                                      key);
        return hit->problem ? 0 : -(int)MG_E_NOMEM;
    }
    entry = mg_toml_path(ws, "workspace", "dependencies", key, NULL);
    if (!entry) {
        hit->problem = strlist_printf(&c->out->text, c->err,
                                      "'%s' has workspace = true but [workspace.dependencies] in "
                                      "'%s' has no '%s'",
                                      key, manifest, key);
        return hit->problem ? 0 : -(int)MG_E_NOMEM;
    }
    renamed = mg_toml_string(mg_toml_get(entry, "package"), NULL);
    if (renamed && !*package)
        *package = renamed;
    hit->inherited_from = manifest;
    return 0;
}

/* One entry key = value of a dependency table. */
static int scan_entry(scan_ctx *c, const char *table, enum dep_kind kind, const char *key,
                      const mg_toml_value *value)
{
    /* `key = "1"` names the crate by its key; `key = { package = "x" }` renames crate x */
    const char *package = mg_toml_string(mg_toml_get(value, "package"), NULL);
    bool inherits = false;
    dep_hit probe = {0}, *hit;

    mg_toml_bool(mg_toml_get(value, "workspace"), &inherits);
    /* Resolving costs a search up the directory tree: only for names that may matter. */
    if (inherits &&
        (listed(key, c->packages) || listed(package, c->packages) ||
         mg_toml_get(c->proj->root, "workspace")) &&
        inherit(c, key, &probe, &package) < 0)
        return -(int)c->err->code;
    if (!listed(package ? package : key, c->packages))
        return 0;
    if (!(hit = new_hit(c->out, c->err)))
        return -(int)MG_E_NOMEM;
    *hit = probe;
    hit->kind = kind;
    hit->table = table;
    hit->line = mg_toml_line(value);
    hit->key = strlist_printf(&c->out->text, c->err, "%s", key);
    hit->package = strlist_printf(&c->out->text, c->err, "%s", package ? package : key);
    return hit->key && hit->package ? 0 : -(int)MG_E_NOMEM;
}

static int scan_table(scan_ctx *c, const mg_toml_value *deps, const char *shown, enum dep_kind kind)
{
    const char *table;
    size_t i;

    if (!mg_toml_is(deps, MG_TOML_TABLE))
        return 0;
    table = strlist_printf(&c->out->text, c->err, "[%s]", shown);
    if (!table)
        return -(int)MG_E_NOMEM;
    for (i = 0; i < mg_toml_len(deps); i++)
        if (scan_entry(c, table, kind, mg_toml_key_at(deps, i, NULL), mg_toml_at(deps, i)) < 0)
            return -(int)c->err->code;
    return 0;
}

/* [target.'cfg(unix)'.dev-dependencies]: quote the cfg key the way a person would write it. */
static int scan_target(scan_ctx *c, const char *cfg, const mg_toml_value *t)
{
    size_t i;
    bool bare = strspn(cfg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                strlen(cfg);
    const char *q = bare ? "" : strchr(cfg, '\'') ? "\"" : "'";

    for (i = 0; i < sizeof(dep_tables) / sizeof(dep_tables[0]); i++) {
        char *shown = strlist_printf(&c->out->text, c->err, "target.%s%s%s.%s", q, cfg, q,
                                     dep_tables[i].name);
        if (!shown)
            return -(int)MG_E_NOMEM;
        if (scan_table(c, mg_toml_get(t, dep_tables[i].name), shown, dep_tables[i].kind) < 0)
            return -(int)c->err->code;
    }
    return 0;
}

int deps_find(cargo_project *proj, const cargo_pkg *pkg, const char *const *packages, dep_hits *out,
              mg_error *err)
{
    scan_ctx c = {proj, packages, out, err};
    const mg_toml_value *targets = mg_toml_get(pkg->toml, "target");
    size_t i;

    for (i = 0; i < sizeof(dep_tables) / sizeof(dep_tables[0]); i++)
        if (scan_table(&c, mg_toml_get(pkg->toml, dep_tables[i].name), dep_tables[i].name,
                       dep_tables[i].kind) < 0)
            return -(int)err->code;
    for (i = 0; mg_toml_is(targets, MG_TOML_TABLE) && i < mg_toml_len(targets); i++)
        if (scan_target(&c, mg_toml_key_at(targets, i, NULL), mg_toml_at(targets, i)) < 0)
            return -(int)err->code;
    return 0;
}
