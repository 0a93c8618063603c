/* CB-141: the three pieces (dependency, profile binary, baseline) for each supported profiler. */
#include "memgate/config.h"
#include "memgate/comply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comply/cargo.h"
#include "comply/comply_int.h"
#include "comply/cproject.h"
#include "comply/deps.h"
#include "comply/fsutil.h"
#include "comply/rustscan.h"
#include "comply/scripts.h"
#include "comply/targets.h"
#include "memgate/baseline.h"
#include "memgate/buf.h"
#include "memgate/profile.h"

/* A target source larger than this is not a profile binary anybody wrote by hand. */
#define SOURCE_MAX_BYTES ((size_t)8 << 20)

/* What "in place" means for one profiler. */
typedef struct profiler_spec {
    const char *dep_title;
    const char *const *packages; /* crates that count for the dependency */
    unsigned kinds;              /* enum dep_kind bits that count */
    const char *kinds_shown;     /* "[dev-dependencies]" */
    const char *type_name;       /* the allocator type the global_allocator must have */
    const char *type_shown;
    const char *bin_title;
    const char *dep_fix;
    const char *bin_fix;
} profiler_spec;

static const char *const dhat_crates[] = {"dhat", NULL};
static const char *const jemalloc_crates[] = {"tikv-jemallocator", "jemallocator", NULL};

static const profiler_spec specs[] = {
    [MG_CB141_DHAT] =
        {
            .dep_title = "dhat dev-dependency",
            .packages = dhat_crates,
            .kinds = DEP_DEV,
            .kinds_shown = "[dev-dependencies]",
            .type_name = "Alloc",
            .type_shown = "dhat::Alloc",
            .bin_title = "profile binary",
            .dep_fix =
                "add dhat to [dev-dependencies] in Cargo.toml (memgate init --write does it):\n"
                "    [dev-dependencies]\n"
                "    dhat = \"0.3\"",
            .bin_fix =
                "add examples/dhat_profile.rs and its [[example]] entry (memgate init --write does "
                "it):\n"
                "    #[global_allocator]\n"
                "    static ALLOC: dhat::Alloc = dhat::Alloc;\n"
                "    fn main() {\n"
                "        let _profiler = dhat::Profiler::new_heap();\n"
                "        // run the workload\n"
                "    }",
        },
    [MG_CB141_JEMALLOC] =
        {
            .dep_title = "jemalloc allocator dependency",
            .packages = jemalloc_crates,
            .kinds = DEP_NORMAL | DEP_DEV,
            .kinds_shown = "[dependencies] or [dev-dependencies]",
            .type_name = "Jemalloc",
            .type_shown = "tikv_jemallocator::Jemalloc",
            .bin_title = "jemalloc global allocator",
            .dep_fix = "add a jemalloc allocator crate to Cargo.toml:\n"
                       "    [dependencies]\n"
                       "    tikv-jemallocator = \"0.6\"",
            .bin_fix =
                "install it as the global allocator in a binary, example or bench (src/main.rs,\n"
                "examples/NAME.rs, ...):\n"
                "    #[global_allocator]\n"
                "    static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;",
        },
    [MG_CB141_HEAPTRACK] =
        {
            .dep_title = "profiler dependency",
            .packages = NULL,
            .kinds = 0,
            .kinds_shown = "",
            .type_name = "",
            .type_shown = "",
            .bin_title = "heaptrack profile script",
            .dep_fix = "",
            .bin_fix =
                "add a script that runs the workload under heaptrack, e.g. "
                "scripts/memory-profile.sh:\n"
                "    cargo build --release --example memory_profile\n"
                "    heaptrack --output memory.heaptrack target/release/examples/memory_profile\n"
                "    heaptrack_print memory.heaptrack.zst > heaptrack.txt",
        },
};

typedef struct check_ctx {
    mg_comply_report *r;
    cargo_project proj;
    const profiler_spec *spec;
    strlist idents; /* crate names as Rust code spells them (renames included) */
    mg_error *err;
} check_ctx;

static int add_ident(check_ctx *c, const char *name)
{
    char *s = strdup(name), *p;
    if (!s)
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    for (p = s; *p; p++)
        if (*p == '-') /* tikv-jemallocator is tikv_jemallocator in code */
            *p = '_';
    if (strlist_has(&c->idents, s)) {
        free(s);
        return 0;
    }
    return strlist_take(&c->idents, s, c->err) ? 0 : -(int)MG_E_NOMEM;
}

/* ---- dependency ---- */

static int record_hit(check_ctx *c, const cargo_pkg *pkg, const dep_hit *h, bool *counted,
                      const char **problem)
{
    char what[512];
    size_t used;

    if (h->problem) { /* the entry is there but Cargo could not build it: say why */
        if (!*problem)
            *problem =
                report_text(c->r, c->err, "%s line %lu: %s", pkg->manifest, h->line, h->problem);
        return *problem ? 0 : -(int)MG_E_NOMEM;
    }
    if (add_ident(c, h->key) < 0)
        return -(int)c->err->code;
    if (!(h->kind & c->spec->kinds))
        return report_note(c->r, c->err,
                           "%s line %lu: %s is in %s, but CB-141 counts it only in %s",
                           pkg->manifest, h->line, h->package, h->table, c->spec->kinds_shown);
    *counted = true;
    used = (size_t)snprintf(what, sizeof(what), "%s %s", h->table, h->key);
    if (strcmp(h->key, h->package) != 0 && used < sizeof(what))
        used += (size_t)snprintf(what + used, sizeof(what) - used, " (package \"%s\")", h->package);
    if (h->inherited_from && used < sizeof(what))
        snprintf(what + used, sizeof(what) - used, " (workspace = true, from %s)",
                 h->inherited_from);
    return report_found(c->r, MG_COMPLY_DEPENDENCY, pkg->manifest, h->line, what, c->err);
}

/* Present when any package of the project has it: a workspace keeps its profile in one crate. */
static int check_dependency(check_ctx *c)
{
    const char *const *p;
    const char *problem = NULL;
    bool counted = false;
    size_t i, k;
    int rc = 0;

    for (p = c->spec->packages; p && *p && rc == 0; p++)
        rc = add_ident(c, *p);
    for (i = 0; rc == 0 && i < c->proj.n_pkgs; i++) {
        dep_hits hits;
        dep_hits_init(&hits);
        rc = deps_find(&c->proj, &c->proj.pkgs[i], c->spec->packages, &hits, c->err);
        for (k = 0; rc == 0 && k < hits.n; k++)
            rc = record_hit(c, &c->proj.pkgs[i], &hits.v[k], &counted, &problem);
        dep_hits_release(&hits);
    }
    if (rc < 0 || counted)
        return rc;
    /* Pinning a version for the workspace does not make any package depend on it. */
    if (mg_toml_path(c->proj.root, "workspace", "dependencies", c->spec->packages[0], NULL) &&
        report_note(c->r, c->err,
                    "Cargo.toml lists %s in [workspace.dependencies], but no package uses it: "
                    "add %s.workspace = true to a member's %s",
                    c->spec->packages[0], c->spec->packages[0], c->spec->kinds_shown) < 0)
        return -(int)c->err->code;
    if (problem)
        return report_missing(c->r, MG_COMPLY_DEPENDENCY, problem,
                              "list it in the workspace root's [workspace.dependencies] "
                              "(dhat = \"0.3\"), or give the member a version of its own",
                              c->err);
    if (c->proj.n_pkgs == 0)
        return report_missing(c->r, MG_COMPLY_DEPENDENCY,
                              "the workspace has no packages to look in (no [package], and "
                              "workspace.members matches no crate)",
                              c->spec->dep_fix, c->err);
    return report_missing(
        c->r, MG_COMPLY_DEPENDENCY,
        c->proj.n_pkgs == 1
            ? report_text(c->r, c->err, "no %s entry for %s in %s", c->spec->kinds_shown,
                          c->spec->packages[0], c->proj.pkgs[0].manifest)
            : report_text(c->r, c->err, "no %s entry for %s in any of the %zu manifests",
                          c->spec->kinds_shown, c->spec->packages[0], c->proj.n_pkgs),
        c->spec->dep_fix, c->err);
}

/* ---- profile binary ---- */

/*
 * Only the target's root file is read: that is where #[global_allocator]
 * sits in practice, and following `mod` declarations would mean resolving
 * Rust's module paths for little gain (docs/comply.md says so).
 */
static int scan_target(check_ctx *c, const rust_target *t, bool *hit)
{
    const char **crates = NULL;
    unsigned long line = 0;
    mg_buf src;
    mg_error local;
    char what[512];
    size_t i;
    int rc = 0;

    mg_buf_init(&src, SOURCE_MAX_BYTES);
    mg_error_init(&local);
    if (mg_buf_read_file(&src, t->fs, &local) < 0) {
        rc = local.code == MG_E_NOMEM
                 ? mg_error_set(c->err, MG_E_NOMEM, "out of memory")
                 : report_note(c->r, c->err, "%s: not read: %s", t->rel, local.msg);
        goto done;
    }
    crates = calloc(c->idents.n + 1, sizeof(*crates));
    if (!crates) {
        rc = mg_error_set(c->err, MG_E_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < c->idents.n; i++)
        crates[i] = c->idents.v[i];
    rc = rust_find_global_allocator(src.data ? src.data : "", src.len, crates, c->spec->type_name,
                                    &line, c->err);
    if (rc == 0 && line) {
        *hit = true;
        snprintf(what, sizeof(what), "%s '%s' installs %s as the #[global_allocator]", t->kind,
                 t->name, c->spec->type_shown);
        rc = report_found(c->r, MG_COMPLY_PROFILE_BINARY, t->rel, line, what, c->err);
    }
done:
    free(crates);
    mg_buf_release(&src);
    return rc;
}

static int check_profile_binary(check_ctx *c)
{
    size_t i, k, scanned = 0;
    bool hit = false;
    int rc = 0;

    for (i = 0; rc == 0 && i < c->proj.n_pkgs; i++) {
        target_list targets;
        target_list_init(&targets);
        rc = targets_collect(&c->proj.pkgs[i], &targets, &c->r->notes, c->err);
        for (k = 0; rc == 0 && k < targets.n; k++, scanned++)
            rc = scan_target(c, &targets.v[k], &hit);
        target_list_release(&targets);
    }
    if (rc < 0 || hit)
        return rc;
    return report_missing(
        c->r, MG_COMPLY_PROFILE_BINARY,
        scanned ? report_text(c->r, c->err,
                              "no example, bin or bench installs %s as the #[global_allocator] "
                              "(%zu source%s looked at)",
                              c->spec->type_shown, scanned, scanned == 1 ? "" : "s")
                : report_text(c->r, c->err,
                              "the project has no example, bin or bench sources (examples/, "
                              "src/bin/, src/main.rs, benches/, [[example]], ...)"),
        c->spec->bin_fix, c->err);
}

/* ---- heaptrack: a script that runs it ---- */

static int check_script(check_ctx *c, enum script_tool tool, const char *fix)
{
    const char *what = tool == SCRIPT_HEAPTRACK ? "heaptrack" : "valgrind --tool=dhat";
    strlist found;
    size_t i;
    int rc;

    strlist_init(&found);
    rc = scripts_find(c->r->dir, tool, &found, c->err);
    for (i = 0; rc == 0 && i < found.n; i++)
        rc = report_found(c->r, MG_COMPLY_PROFILE_BINARY, found.v[i], 0,
                          report_text(c->r, c->err, "runs %s", what), c->err);
    if (rc == 0 && found.n == 0)
        rc = report_missing(
            c->r, MG_COMPLY_PROFILE_BINARY,
            report_text(c->r, c->err,
                        "no script or CI file runs %s (looked in " SCRIPTS_LOOKED_AT ")", what),
            fix, c->err);
    strlist_release(&found);
    return rc;
}

/* ---- baseline ---- */

/* The three keys CB-141 requires, by name, that the baseline lacks ("" when none). */
static void missing_keys(const mg_metrics *m, char *out, size_t size)
{
    static const enum mg_metric required[] = {MG_TOTAL_BYTES, MG_PEAK_BYTES, MG_ALLOC_COUNT};
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < 3; i++)
        if (!m->present[required[i]] && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
                                     mg_metric_name(required[i]));
}

static int check_baseline(check_ctx *c)
{
    const char *shown = c->r->config.baseline_path;
    char *fs = fs_join(c->r->dir, shown), missing[160], line[MG_ERROR_TEXT_MAX];
    mg_baseline *b = NULL;
    mg_metrics m;
    mg_error local;
    int rc = 0;
    const char *fix =
        strcmp(c->r->kind, "rust") != 0
            ? "record the first one (memgate update-baseline records later ones):\n"
              "    memgate init --record    # runs the build and profile steps here\n"
              "or run the profile step yourself, then memgate init --profile PROFILE"
        : c->r->config.profiler == MG_CB141_DHAT
            ? "record the first one from a profile run (memgate update-baseline records later "
              "ones):\n"
              "    cargo run --example dhat_profile --release    # writes dhat-heap.json\n"
              "    memgate init --profile dhat-heap.json"
            : "record the first one from a profile of the workload (memgate update-baseline "
              "records later ones):\n"
              "    memgate init --profile PROFILE";

    mg_error_init(&local);
    if (!fs) {
        rc = mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    } else if (!fs_exists(fs)) {
        rc = report_missing(c->r, MG_COMPLY_BASELINE,
                            report_text(c->r, c->err, "'%s' does not exist", shown), fix, c->err);
    } else if (mg_baseline_load(&b, fs, &local) < 0 ||
               mg_baseline_metrics(b, NULL, &m, &local) < 0) {
        /* a broken baseline is a missing piece here, not an input error: say what is wrong */
        mg_error_format(&local, line, sizeof(line));
        rc = local.code == MG_E_NOMEM
                 ? mg_error_set(c->err, MG_E_NOMEM, "out of memory")
                 : report_missing(c->r, MG_COMPLY_BASELINE,
                                  report_text(c->r, c->err, "not a valid baseline: %s", line), fix,
                                  c->err);
    } else {
        missing_keys(&m, missing, sizeof(missing));
        rc = missing[0] ? report_missing(c->r, MG_COMPLY_BASELINE,
                                         report_text(c->r, c->err, "'%s' lacks %s", shown, missing),
                                         fix, c->err)
                        : report_found(c->r, MG_COMPLY_BASELINE, shown, 0,
                                       "total_allocations_bytes, peak_memory_bytes and "
                                       "allocation_count are non-negative integers",
                                       c->err);
    }
    mg_baseline_free(b);
    free(fs);
    return rc;
}

/* ---- the run ---- */

static void describe_items(mg_comply_report *r, const profiler_spec *spec)
{
    static const char *const ids[MG_COMPLY_PIECES] = {"dependency", "profile_binary", "baseline"};
    size_t i;

    for (i = 0; i < MG_COMPLY_PIECES; i++) {
        r->items[i].id = ids[i];
        r->items[i].applicable = true;
    }
    r->items[MG_COMPLY_DEPENDENCY].title = spec->dep_title;
    r->items[MG_COMPLY_PROFILE_BINARY].title = spec->bin_title;
    r->items[MG_COMPLY_BASELINE].title = "baseline file";
}

/*
 * A C/C++ project has no crate to depend on and no Rust source to scan: CB-141's pieces are then
 * a CI step or script that runs the profiler over the program, and the baseline.
 */
static int run_c_checks(check_ctx *c, const cproject *p)
{
    bool ht = c->r->config.profiler == MG_CB141_HEAPTRACK;
    int rc;

    c->r->kind = cproject_kind_name(p->kind);
    c->r->marker = p->marker;
    if (c->r->config.profiler == MG_CB141_JEMALLOC)
        return mg_error_set_at(c->err, MG_E_USAGE,
                               c->r->config.source[0] ? c->r->config.source : c->r->dir, 0, 0,
                               "profiler jemalloc is for Rust projects; this is a C/C++ project "
                               "(%s): use dhat (Valgrind DHAT) or heaptrack",
                               p->marker);
    c->r->items[MG_COMPLY_DEPENDENCY].title = "profiler dependency";
    c->r->items[MG_COMPLY_DEPENDENCY].applicable = false;
    c->r->items[MG_COMPLY_DEPENDENCY].present = true;
    c->r->items[MG_COMPLY_PROFILE_BINARY].title = "profile step";
    rc = check_script(
        c, ht ? SCRIPT_HEAPTRACK : SCRIPT_VALGRIND_DHAT,
        ht ? "memgate init --profiler heaptrack --write adds CI steps that build the program "
             "and run it\n"
             "under heaptrack (.github/workflows/memgate.yml, .gitlab/memgate.gitlab-ci.yml):\n"
             "    heaptrack --output memgate.heaptrack PROGRAM ARGS"
           : "memgate init --write adds CI steps that build the program and run it under\n"
             "Valgrind DHAT (.github/workflows/memgate.yml, .gitlab/memgate.gitlab-ci.yml):\n"
             "    valgrind --tool=dhat --dhat-out-file=dhat-heap.json PROGRAM ARGS");
    return rc < 0 ? rc : check_baseline(c);
}

static int run_checks(check_ctx *c)
{
    size_t i;
    int rc;
    char *manifest = fs_join(c->r->dir, "Cargo.toml");
    bool rust;

    if (!manifest)
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    rust = fs_exists(manifest);
    free(manifest);
    if (!rust) {
        cproject p;
        cproject_detect(&p, c->r->dir);
        if (p.kind != CPROJECT_NONE)
            return run_c_checks(c, &p);
    }
    c->r->kind = "rust";
    c->r->marker = "Cargo.toml";
    if ((rc = cargo_project_load(&c->proj, c->r->dir, &c->r->notes, c->err)) < 0)
        return rc;
    for (i = 0; i < c->proj.n_pkgs; i++)
        if (!strlist_take(&c->r->manifests, strdup(c->proj.pkgs[i].manifest), c->err))
            return -(int)MG_E_NOMEM;
    if (c->r->config.profiler == MG_CB141_HEAPTRACK) {
        /* heaptrack instruments any binary from outside: there is no crate to depend on */
        c->r->items[MG_COMPLY_DEPENDENCY].applicable = false;
        c->r->items[MG_COMPLY_DEPENDENCY].present = true;
        rc = check_script(c, SCRIPT_HEAPTRACK, c->spec->bin_fix);
    } else if ((rc = check_dependency(c)) == 0) {
        rc = check_profile_binary(c);
    }
    return rc < 0 ? rc : check_baseline(c);
}

static int load_config(mg_cb141_config *config, const char *dir, const char *config_path,
                       mg_error *err)
{
    char *path = config_path ? strdup(config_path) : fs_join(dir, MG_CONFIG_DEFAULT_PATH);
    int rc = 0;

    if (!path)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    /* The default file is optional; one named on the command line must exist. */
    if (config_path || fs_exists(path))
        rc = mg_cb141_config_load(config, path, err);
    free(path);
    return rc;
}

int comply_load_config(mg_cb141_config *config, const char *dir, const char *config_path,
                       mg_error *err)
{
    mg_cb141_config_defaults(config);
    return load_config(config, dir, config_path, err);
}

int comply_run_with(mg_comply_report **out, const char *dir, const mg_cb141_config *config,
                    mg_error *err)
{
    check_ctx c;
    mg_comply_report *r = calloc(1, sizeof(*r));
    int rc = 0;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    if (!r || !(r->dir = strdup(dir))) {
        free(r);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    r->config = *config;
    strlist_init(&r->manifests);
    strlist_init(&r->notes);
    strlist_init(&r->text);
    strlist_init(&c.idents);
    c.r = r;
    c.err = err;
    c.spec = &specs[r->config.profiler];
    if (r->config.enabled) {
        r->checked = true;
        describe_items(r, c.spec);
        rc = run_checks(&c);
    }
    cargo_project_release(&c.proj);
    strlist_release(&c.idents);
    if (rc < 0) {
        mg_comply_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int mg_comply_run(mg_comply_report **out, const mg_comply_options *opts, mg_error *err)
{
    mg_cb141_config config;
    const char *dir = opts->dir ? opts->dir : ".";
    int rc;

    *out = NULL;
    if ((rc = comply_load_config(&config, dir, opts->config_path, err)) < 0)
        return rc;
    return comply_run_with(out, dir, &config, err);
}
