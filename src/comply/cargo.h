/* Private: a Cargo project as CB-141 sees it: its packages and the workspace root they inherit
 * from. */
#ifndef MEMGATE_COMPLY_CARGO_H
#define MEMGATE_COMPLY_CARGO_H

#include <stdbool.h>
#include <stddef.h>

#include "comply/strlist.h"
#include "comply/toml.h"
#include "memgate/error.h"

typedef struct cargo_pkg {
    char *rel;      /* package directory relative to the project; "" for the project itself */
    char *dir;      /* the same as a path to open */
    char *manifest; /* its Cargo.toml relative to the project, for messages */
    const mg_toml_value *toml; /* borrowed from the project */
} cargo_pkg;

typedef struct cargo_project {
    char *dir;           /* the project directory as given */
    mg_toml_value *root; /* DIR/Cargo.toml */
    cargo_pkg *pkgs;     /* the root package (when it has [package]), then the members */
    size_t n_pkgs, cap_pkgs;
    mg_toml_value **trees; /* owned member manifests */
    size_t n_trees, cap_trees;
    /* The manifest with [workspace] that `workspace = true` resolves through, found on demand. */
    bool ws_searched;
    const mg_toml_value *ws;
    mg_toml_value *ws_owned; /* when it is an ancestor's manifest, not one of ours */
    char *ws_manifest;       /* for messages: "Cargo.toml", "../../Cargo.toml" */
} cargo_project;

/*
 * Read DIR/Cargo.toml and, when it holds [workspace], its members
 * (workspace.members with *, ? and [..] globs per path component, minus
 * workspace.exclude). Members without a Cargo.toml are skipped with a note.
 * No Cargo.toml or a malformed manifest: MG_E_USAGE.
 */
int cargo_project_load(cargo_project *p, const char *dir, strlist *notes, mg_error *err);
void cargo_project_release(cargo_project *p);

/*
 * The manifest whose [workspace.dependencies] a `workspace = true`
 * dependency of the project's packages inherits from: DIR/Cargo.toml when it
 * has [workspace], else the one package.workspace names, else the nearest
 * ancestor directory's Cargo.toml with [workspace] (as Cargo searches). *ws is
 * NULL when there is none. A malformed ancestor manifest is MG_E_USAGE.
 */
int cargo_workspace_root(cargo_project *p, const mg_toml_value **ws, const char **manifest,
                         mg_error *err);

#endif
