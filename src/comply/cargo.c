/* Loading a Cargo project: the root manifest, workspace members by glob, the workspace root. */
#include "comply/cargo.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "comply/fsutil.h"
#include "memgate/buf.h"
#include "strmap.h"

static int add_pkg(cargo_project *p, const char *rel, const mg_toml_value *toml, mg_error *err)
{
    cargo_pkg *pkg;

    if (mg_grow_array((void **)&p->pkgs, &p->cap_pkgs, p->n_pkgs + 1, sizeof(*p->pkgs), 8, err) < 0)
        return -err->code;
    pkg = &p->pkgs[p->n_pkgs];
    memset(pkg, 0, sizeof(*pkg));
    pkg->toml = toml;
    pkg->rel = strdup(rel);
    pkg->dir = fs_join(p->dir, rel);
    pkg->manifest = fs_join(rel, "Cargo.toml");
    p->n_pkgs++;
    if (!pkg->rel || !pkg->dir || !pkg->manifest)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    return 0;
}

/* Keep a member's manifest alive for as long as the project. */
static int own_tree(cargo_project *p, mg_toml_value *t, mg_error *err)
{
    if (p->n_trees == p->cap_trees) {
        size_t ncap = p->cap_trees ? p->cap_trees * 2 : 8;
        mg_toml_value **n = realloc(p->trees, ncap * sizeof(*n));
        if (!n) {
            mg_toml_free(t);
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        p->trees = n;
        p->cap_trees = ncap;
    }
    p->trees[p->n_trees++] = t;
    return 0;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/*
 * A pull request writes Cargo.toml and can plant directory symlinks: a glob does not
 * follow them (a link to "." under a crates/STAR/STAR pattern would multiply the walk at every
 * level) and one members entry visits at most this many directories.
 */
#define MAX_GLOB_VISITS 10000

static bool is_symlink(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/*
 * Match the path components comps[i..] below rel (relative to the project)
 * and add each matching directory to out. `**` is taken as `*` (one level).
 */
static int expand(const cargo_project *p, const char *rel, char **comps, size_t n, size_t i,
                  strlist *out, size_t *visits, mg_error *err)
{
    strlist names;
    char *fs = NULL, *next = NULL;
    size_t k;
    int rc = 0;

    if (i == n)
        return strlist_take(out, strdup(rel), err) ? 0 : -(int)MG_E_NOMEM;
    strlist_init(&names);
    if (!has_glob(comps[i])) {
        rc = strlist_take(&names, strdup(comps[i]), err) ? 0 : -(int)MG_E_NOMEM;
    } else if ((fs = fs_join(p->dir, rel)) == NULL) {
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    } else {
        rc = fs_list(fs, &names, err);
    }
    for (k = 0; rc == 0 && k < names.n; k++) {
        const char *pat = strcmp(comps[i], "**") ? comps[i] : "*";
        char *path;
        if (has_glob(comps[i]) && fnmatch(pat, names.v[k], 0) != 0)
            continue;
        next = fs_join(rel, names.v[k]);
        path = next ? fs_join(p->dir, next) : NULL;
        if (!path)
            rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        else if (++*visits > MAX_GLOB_VISITS)
            rc = mg_error_set(err, MG_E_USAGE,
                              "workspace.members: a glob visits more than %d directories",
                              MAX_GLOB_VISITS);
        else if (fs_is_dir(path) && !(has_glob(comps[i]) && is_symlink(path)))
            rc = expand(p, next, comps, n, i + 1, out, visits, err);
        free(path);
        free(next);
    }
    free(fs);
    strlist_release(&names);
    return rc;
}

/* Split a member pattern into components, dropping empty and "." ones ("./crates/x/" = crates, x).
 */
static int expand_pattern(const cargo_project *p, const char *pattern, strlist *out, mg_error *err)
{
    char *copy = strdup(pattern);
    char *comps[64];
    size_t n = 0;
    char *s, *slash;
    int rc;

    if (!copy)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (s = copy; s; s = slash ? slash + 1 : NULL) {
        slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        if (*s && strcmp(s, ".") != 0 && n < sizeof(comps) / sizeof(comps[0]))
            comps[n++] = s;
    }
    size_t visits = 0;
    rc = n ? expand(p, "", comps, n, 0, out, &visits, err) : 0;
    free(copy);
    return rc;
}

/* workspace.exclude names directories (no globs), which exclude everything below them too. */
static bool excluded(const mg_toml_value *exclude, const char *rel)
{
    size_t i;
    for (i = 0; i < mg_toml_len(exclude); i++) {
        const char *e = mg_toml_string(mg_toml_at(exclude, i), NULL);
        size_t el;
        if (!e)
            continue;
        if (!strncmp(e, "./", 2))
            e += 2;
        el = strlen(e);
        while (el && e[el - 1] == '/')
            el--;
        if (el && !strncmp(rel, e, el) && (rel[el] == '\0' || rel[el] == '/'))
            return true;
    }
    return false;
}

static int load_member(cargo_project *p, const char *rel, const char *pattern, strlist *notes,
                       mg_error *err)
{
    char *manifest = NULL, *fs = fs_join(p->dir, rel);
    mg_toml_value *t = NULL;
    int rc = 0;

    manifest = fs ? fs_join(fs, "Cargo.toml") : NULL;
    if (!manifest) {
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    } else if (!fs_is_file(manifest)) {
        if (!strlist_printf(notes, err,
                            "workspace member '%s' (from members entry '%s') has no "
                            "Cargo.toml; skipped",
                            rel, pattern))
            rc = -(int)MG_E_NOMEM;
    } else if ((rc = mg_toml_load(&t, manifest, err)) == 0 && (rc = own_tree(p, t, err)) == 0) {
        rc = add_pkg(p, rel, t, err);
    }
    free(manifest);
    free(fs);
    return rc;
}

static int bad_member(const mg_toml_value *item, const char *manifest, mg_error *err)
{
    return mg_error_set_at(err, MG_E_USAGE, manifest, mg_toml_line(item), mg_toml_column(item),
                           "expected a string (a directory or glob) in workspace.members");
}

static int load_members(cargo_project *p, const char *root_manifest, strlist *notes, mg_error *err)
{
    const mg_toml_value *members = mg_toml_path(p->root, "workspace", "members", NULL);
    const mg_toml_value *exclude = mg_toml_path(p->root, "workspace", "exclude", NULL);
    mg_strmap seen; /* a set: a crafted glob must not make de-duplication quadratic */
    size_t i, k;
    int rc = 0;

    if (members && !mg_toml_is(members, MG_TOML_ARRAY))
        return mg_error_set_at(err, MG_E_USAGE, root_manifest, mg_toml_line(members),
                               mg_toml_column(members),
                               "expected an array of directories for workspace.members");
    mg_strmap_init(&seen);
    /* Member order follows the manifest, then the sorted directory listing, so reports are stable.
     */
    for (i = 0; rc == 0 && i < mg_toml_len(members); i++) {
        const char *pattern = mg_toml_string(mg_toml_at(members, i), NULL);
        strlist dirs;
        if (!pattern) {
            rc = bad_member(mg_toml_at(members, i), root_manifest, err);
            break;
        }
        strlist_init(&dirs);
        rc = expand_pattern(p, pattern, &dirs, err);
        if (rc == 0 && dirs.n == 0 &&
            !strlist_printf(notes, err, "workspace members entry '%s' matches no directory",
                            pattern))
            rc = -(int)MG_E_NOMEM;
        for (k = 0; rc == 0 && k < dirs.n; k++) {
            const char *rel = dirs.v[k];
            /* "" is the root itself, already a package when it has [package] */
            size_t ignored;
            int inserted = 0;
            if (!*rel || excluded(exclude, rel))
                continue;
            rc = mg_strmap_upsert(&seen, rel, strlen(rel), 0, &ignored, &inserted, err);
            if (rc == 0 && inserted)
                rc = load_member(p, rel, pattern, notes, err);
        }
        strlist_release(&dirs);
    }
    mg_strmap_release(&seen);
    return rc;
}

/*
 * A root with both [package] and [workspace] is a package and a workspace
 * root at once; a root with only [workspace] (a virtual manifest) has no
 * package of its own, so only its members can hold the pieces.
 */
int cargo_project_load(cargo_project *p, const char *dir, strlist *notes, mg_error *err)
{
    char *manifest = NULL;
    int rc = 0;

    memset(p, 0, sizeof(*p));
    p->dir = strdup(dir);
    manifest = fs_join(dir, "Cargo.toml");
    if (!p->dir || !manifest) {
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        goto done;
    }
    if (!fs_is_file(manifest)) {
        rc = mg_error_set_at(err, MG_E_USAGE, dir, 0, 0,
                             "no Cargo.toml, CMakeLists.txt, meson.build or Makefile here: CB-141 "
                             "checks a Rust (Cargo) or C/C++ project");
        goto done;
    }
    if ((rc = mg_toml_load(&p->root, manifest, err)) < 0)
        goto done;
    if (mg_toml_is(mg_toml_get(p->root, "package"), MG_TOML_TABLE) &&
        (rc = add_pkg(p, "", p->root, err)) < 0)
        goto done;
    if (mg_toml_is(mg_toml_get(p->root, "workspace"), MG_TOML_TABLE))
        rc = load_members(p, manifest, notes, err);
done:
    free(manifest);
    return rc;
}

void cargo_project_release(cargo_project *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n_pkgs; i++) {
        free(p->pkgs[i].rel);
        free(p->pkgs[i].dir);
        free(p->pkgs[i].manifest);
    }
    free(p->pkgs);
    for (i = 0; i < p->n_trees; i++)
        mg_toml_free(p->trees[i]);
    free(p->trees);
    mg_toml_free(p->root);
    mg_toml_free(p->ws_owned);
    free(p->ws_manifest);
    free(p->dir);
    memset(p, 0, sizeof(*p));
}

/* Load path when it has [workspace]; *out stays NULL otherwise. */
static int try_workspace(const char *path, mg_toml_value **out, mg_error *err)
{
    mg_toml_value *t = NULL;
    int rc;

    *out = NULL;
    if (!fs_is_file(path))
        return 0;
    if ((rc = mg_toml_load(&t, path, err)) < 0)
        return rc;
    if (mg_toml_is(mg_toml_get(t, "workspace"), MG_TOML_TABLE))
        *out = t;
    else
        mg_toml_free(t);
    return 0;
}

/* package.workspace = "../.." names the root explicitly. */
static int explicit_root(cargo_project *p, const char *rel, mg_error *err)
{
    char *d = fs_join(p->dir, rel), *path = d ? fs_join(d, "Cargo.toml") : NULL;
    int rc;

    rc = path ? try_workspace(path, &p->ws_owned, err)
              : mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (rc == 0 && p->ws_owned && !(p->ws_manifest = fs_join(rel, "Cargo.toml")))
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    free(path);
    free(d);
    return rc;
}

/* The nearest ancestor of the project directory whose Cargo.toml has [workspace]. */
static int search_up(cargo_project *p, mg_error *err)
{
    /* Cargo skips manifests without [workspace] on the way up; so does this. */
    char real[PATH_MAX], path[PATH_MAX + 16], shown[PATH_MAX];
    size_t used = 0;
    char *slash;
    int rc = 0;

    if (!realpath(p->dir, real))
        return 0;
    shown[0] = '\0';
    while (rc == 0 && !p->ws_owned && (slash = strrchr(real, '/')) != NULL && real[1]) {
        *(slash == real ? slash + 1 : slash) = '\0';
        used += (size_t)snprintf(shown + used, sizeof(shown) - used, "../");
        snprintf(path, sizeof(path), "%s%sCargo.toml", real, strcmp(real, "/") ? "/" : "");
        rc = try_workspace(path, &p->ws_owned, err);
        if (used >= sizeof(shown) - 16)
            break;
    }
    if (rc == 0 && p->ws_owned && asprintf(&p->ws_manifest, "%sCargo.toml", shown) < 0) {
        p->ws_manifest = NULL;
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    return rc;
}

int cargo_workspace_root(cargo_project *p, const mg_toml_value **ws, const char **manifest,
                         mg_error *err)
{
    int rc = 0;

    if (!p->ws_searched) {
        const char *named =
            mg_toml_string(mg_toml_path(p->root, "package", "workspace", NULL), NULL);
        p->ws_searched = true;
        if (mg_toml_is(mg_toml_get(p->root, "workspace"), MG_TOML_TABLE)) {
            p->ws = p->root;
            if (!(p->ws_manifest = strdup("Cargo.toml")))
                rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        } else {
            rc = named ? explicit_root(p, named, err) : search_up(p, err);
            p->ws = p->ws_owned;
        }
    }
    *ws = p->ws;
    *manifest = p->ws_manifest;
    return rc;
}
