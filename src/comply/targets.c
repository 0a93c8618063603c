/* Cargo target discovery: auto-discovered and [[bin]]/[[example]]/[[bench]] sources. */
#include "comply/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comply/fsutil.h"

static const struct {
    const char *kind;    /* also the [[kind]] array name */
    const char *dir;     /* where auto-discovery looks */
    const char *autokey; /* package.<autokey> = false turns discovery off */
} kinds[] = {
    {"example", "examples", "autoexamples"},
    {"bin", "src/bin", "autobins"},
    {"bench", "benches", "autobenches"},
};

void target_list_init(target_list *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

void target_list_release(target_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].rel);
        free(l->v[i].fs);
    }
    free(l->v);
    target_list_init(l);
}

/* Add pkg-relative source path (once); name may be NULL (derived from the path). */
static int add(const cargo_pkg *pkg, target_list *l, const char *kind, const char *name,
               const char *path)
{
    rust_target *t;
    char *rel = fs_join(pkg->rel, path);
    size_t i;

    if (!rel)
        return -(int)MG_E_NOMEM;
    for (i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].rel, rel)) {
            free(rel);
            return 0;
        }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        rust_target *n = realloc(l->v, ncap * sizeof(*n));
        if (!n) {
            free(rel);
            return -(int)MG_E_NOMEM;
        }
        l->v = n;
        l->cap = ncap;
    }
    t = &l->v[l->n++];
    t->kind = kind;
    t->rel = rel;
    t->name = strdup(name);
    t->fs = fs_join(pkg->dir, path);
    return t->name && t->fs ? 0 : -(int)MG_E_NOMEM;
}

/* examples/NAME.rs and examples/NAME/main.rs */
static int discover(const cargo_pkg *pkg, target_list *l, const char *kind, const char *dir,
                    mg_error *err)
{
    char *fsdir = fs_join(pkg->dir, dir);
    strlist names;
    size_t i;
    int rc;

    if (!fsdir)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    strlist_init(&names);
    rc = fs_list(fsdir, &names, err);
    for (i = 0; rc == 0 && i < names.n; i++) {
        const char *n = names.v[i];
        size_t len = strlen(n);
        char *path = NULL, *probe = NULL;
        if (len > 3 && !strcmp(n + len - 3, ".rs")) {
            if ((path = fs_join(dir, n)) && (probe = fs_join(pkg->dir, path)) &&
                fs_is_file(probe)) {
                n = names.v[i];
                names.v[i][len - 3] = '\0';
                rc = add(pkg, l, kind, n, path);
            }
        } else if (asprintf(&path, "%s/%s/main.rs", dir, n) >= 0 &&
                   (probe = fs_join(pkg->dir, path)) && fs_is_file(probe)) {
            rc = add(pkg, l, kind, n, path);
        }
        free(path);
        free(probe);
    }
    if (rc < 0)
        mg_error_set(err, MG_E_NOMEM, "out of memory");
    strlist_release(&names);
    free(fsdir);
    return rc;
}

/* [[example]] name = "x" without path: examples/x.rs, or examples/x/main.rs when that exists. */
static char *default_path(const cargo_pkg *pkg, const char *dir, const char *name)
{
    char *path = NULL, *probe = NULL;

    if (asprintf(&path, "%s/%s/main.rs", dir, name) >= 0 && (probe = fs_join(pkg->dir, path)) &&
        fs_is_file(probe)) {
        free(probe);
        return path;
    }
    free(path);
    free(probe);
    return asprintf(&path, "%s/%s.rs", dir, name) >= 0 ? path : NULL;
}

static int listed(const cargo_pkg *pkg, target_list *l, size_t k, strlist *notes, mg_error *err)
{
    const mg_toml_value *arr = mg_toml_get(pkg->toml, kinds[k].kind);
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && mg_toml_is(arr, MG_TOML_ARRAY) && i < mg_toml_len(arr); i++) {
        const mg_toml_value *t = mg_toml_at(arr, i);
        const char *name = mg_toml_string(mg_toml_get(t, "name"), NULL);
        const char *given = mg_toml_string(mg_toml_get(t, "path"), NULL);
        char *path = given ? strdup(given) : name ? default_path(pkg, kinds[k].dir, name) : NULL;
        char *probe = path ? fs_join(pkg->dir, path) : NULL;

        if (!name && !given)
            continue; /* Cargo itself rejects a target with neither */
        if (!probe)
            rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        else if (!fs_is_file(probe))
            rc = strlist_printf(notes, err,
                                "%s line %lu: [[%s]] '%s' names '%s', which does not "
                                "exist",
                                pkg->manifest, mg_toml_line(t), kinds[k].kind, name ? name : "?",
                                path)
                     ? 0
                     : -(int)MG_E_NOMEM;
        else if (add(pkg, l, kinds[k].kind, name ? name : path, path) < 0)
            rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        free(probe);
        free(path);
    }
    return rc;
}

/*
 * Listed targets come first so a [[example]] keeps the name the manifest
 * gives it when auto-discovery finds the same file again (add() skips it).
 */
int targets_collect(const cargo_pkg *pkg, target_list *out, strlist *notes, mg_error *err)
{
    const mg_toml_value *package = mg_toml_get(pkg->toml, "package");
    size_t k;

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        bool autodiscover = true;
        mg_toml_bool(mg_toml_get(package, kinds[k].autokey), &autodiscover);
        if (listed(pkg, out, k, notes, err) < 0)
            return -(int)err->code;
        if (!autodiscover)
            continue;
        /* src/main.rs is the package's own binary, named after the package */
        if (!strcmp(kinds[k].kind, "bin")) {
            char *main_rs = fs_join(pkg->dir, "src/main.rs");
            bool there = main_rs && fs_is_file(main_rs);
            const char *pname = mg_toml_string(mg_toml_get(package, "name"), NULL);
            free(main_rs);
            if (there && add(pkg, out, "bin", pname ? pname : "main", "src/main.rs") < 0)
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        if (discover(pkg, out, kinds[k].kind, kinds[k].dir, err) < 0)
            return -(int)err->code;
    }
    return 0;
}
