/* memgate init: work out which CB-141 pieces a project lacks, then add them without clobbering. */
#include "memgate/onboard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comply/cargo.h"
#include "comply/cisteps.h"
#include "comply/comply_int.h"
#include "comply/deps.h"
#include "comply/fsutil.h"
#include "file.h"
#include "comply/onboard_int.h"
#include "comply/toml.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"
#include "memgate/comply.h"
#include "memgate/profile.h"
#include "memgate/record.h"

#define DHAT_VERSION "0.3"
#define EXAMPLE_NAME "dhat_profile"
#define EXAMPLE_PATH "examples/dhat_profile.rs"

/* %s is the package's crate name, for the hint in the comment. */
static const char example_template[] =
    "//! Heap profile of the workload, for memgate and check CB-141. Run it with\n"
    "//!     cargo run --example dhat_profile --release\n"
    "//! dhat prints a summary to stderr and writes dhat-heap.json when the profiler\n"
    "//! is dropped at the end of main; gate it with `memgate check dhat-heap.json`.\n"
    "\n"
    "#[global_allocator]\n"
    "static ALLOC: dhat::Alloc = dhat::Alloc;\n"
    "\n"
    "fn main() {\n"
    "    let _profiler = dhat::Profiler::new_heap();\n"
    "\n"
    "    // Run the workload here, for example `%s::run(input)`. Keep it\n"
    "    // deterministic (same input, same work) so runs compare.\n"
    "}\n";

/* ---- which package gets the dependency and the example ---- */

static int pick_package(onboard_ctx *c)
{
    const char *want = c->opts->member ? c->opts->member : "";
    size_t i, wl;

    if (!strncmp(want, "./", 2))
        want += 2;
    wl = strlen(want);
    while (wl && want[wl - 1] == '/')
        wl--;
    for (i = 0; i < c->proj.n_pkgs; i++)
        if (strlen(c->proj.pkgs[i].rel) == wl && !strncmp(c->proj.pkgs[i].rel, want, wl))
            c->pkg = &c->proj.pkgs[i];
    if (c->pkg)
        return 0;
    if (!c->opts->member)
        return mg_error_set_at(c->err, MG_E_USAGE, c->proj.dir, 0, 0,
                               "Cargo.toml is a virtual workspace manifest: name the member "
                               "crate that should hold the profile with --member DIR");
    return mg_error_set(c->err, MG_E_USAGE,
                        "'%s' is not a package of the project in '%s' (a workspace member with "
                        "[package] in its Cargo.toml)",
                        c->opts->member, c->proj.dir);
}

/* ---- the dependency ---- */

static int plan_dependency(onboard_ctx *c)
{
    static const char *const dhat[] = {"dhat", NULL};
    const mg_toml_value *ws = NULL;
    const char *ws_manifest = NULL, *detail;
    dep_hits hits;
    size_t i;
    bool inherit;
    int rc;

    dep_hits_init(&hits);
    rc = deps_find(&c->proj, c->pkg, dhat, &hits, c->err);
    for (i = 0; rc == 0 && i < hits.n; i++) {
        const dep_hit *h = &hits.v[i];
        if (h->problem) { /* a second dhat entry would not help: that one needs fixing */
            rc = mg_error_set_at(c->err, MG_E_REFUSED, c->pkg->manifest, h->line, 0,
                                 "%s; fix that first", h->problem);
        } else if (h->kind == DEP_DEV) {
            detail =
                onboard_text(c, "%s line %lu: %s %s", c->pkg->manifest, h->line, h->table, h->key);
            onboard_add_step(c, "dhat dev-dependency", c->pkg->manifest, MG_ONBOARD_OK, detail,
                             NULL);
            dep_hits_release(&hits);
            return detail ? 0 : -(int)MG_E_NOMEM;
        }
    }
    dep_hits_release(&hits);
    if (rc < 0 || cargo_workspace_root(&c->proj, &ws, &ws_manifest, c->err) < 0)
        return -(int)c->err->code;
    /* In a workspace that already pins dhat, the member inherits the pin. */
    inherit = mg_toml_path(ws, "workspace", "dependencies", "dhat", NULL) != NULL;
    c->edit.dep_key = "dhat";
    c->edit.dep_value = inherit ? "{ workspace = true }" : "\"" DHAT_VERSION "\"";
    c->edit.dep_table_body = inherit ? "workspace = true" : "version = \"" DHAT_VERSION "\"";
    detail = inherit ? onboard_text(c,
                                    "add it to [dev-dependencies], inheriting %s's "
                                    "[workspace.dependencies] dhat",
                                    ws_manifest)
                     : "add it to [dev-dependencies]";
    c->dep_step =
        onboard_add_step(c, "dhat dev-dependency", c->pkg->manifest, MG_ONBOARD_ADD, detail,
                         onboard_text(c, "[dev-dependencies]\ndhat = %s", c->edit.dep_value));
    return detail && c->plan->steps[c->dep_step].snippet ? 0 : -(int)MG_E_NOMEM;
}

/* ---- the profile example and its [[example]] entry ---- */

static const char *crate_name(onboard_ctx *c)
{
    const char *name = mg_toml_string(mg_toml_path(c->pkg->toml, "package", "name", NULL), NULL);
    char *s, *p;

    s = strdup(name ? name : "your_crate");
    for (p = s; p && *p; p++)
        if (*p == '-') /* the crate my-lib is my_lib in code */
            *p = '_';
    return strlist_take(&c->plan->text, s, c->err);
}

static int plan_example(onboard_ctx *c)
{
    const mg_comply_item *it = mg_comply_item_get(c->before, MG_COMPLY_PROFILE_BINARY);
    const char *rel = onboard_text(c, "%s%s%s", c->pkg->rel, *c->pkg->rel ? "/" : "", EXAMPLE_PATH);
    const char *crate = crate_name(c), *snippet;
    bool exists;

    if (!rel || !crate || !(c->example_fs = fs_join(c->pkg->dir, EXAMPLE_PATH)))
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    if (it->present) {
        const char *detail = onboard_text(c, "%s line %lu: %s", it->found[0].file,
                                          it->found[0].line, it->found[0].what);
        onboard_add_step(c, "profile binary", it->found[0].file, MG_ONBOARD_OK, detail, NULL);
        return detail ? 0 : -(int)MG_E_NOMEM;
    }
    exists = c->example_existed = fs_exists(c->example_fs);
    if (exists && !c->opts->force)
        return mg_error_set_at(c->err, MG_E_REFUSED, rel, 0, 0,
                               "exists but does not install dhat::Alloc as the "
                               "#[global_allocator]; not replacing it without --force");
    snippet = onboard_text(c, example_template, crate);
    c->example_step = onboard_add_step(c, "profile example", rel, MG_ONBOARD_ADD,
                                       exists ? "replace it (--force)" : "create it", snippet);
    if (manifest_has_example(c->pkg->toml, EXAMPLE_NAME)) {
        onboard_add_step(c, "[[example]] entry", c->pkg->manifest, MG_ONBOARD_OK,
                         "[[example]] " EXAMPLE_NAME " is listed", NULL);
        return snippet ? 0 : -(int)MG_E_NOMEM;
    }
    c->edit.example_name = EXAMPLE_NAME;
    c->edit.example_path = EXAMPLE_PATH;
    c->entry_step =
        onboard_add_step(c, "[[example]] entry", c->pkg->manifest, MG_ONBOARD_ADD, "append it",
                         "[[example]]\nname = \"" EXAMPLE_NAME "\"\npath = \"" EXAMPLE_PATH "\"");
    return snippet ? 0 : -(int)MG_E_NOMEM;
}

/* ---- debug info for the profiled release build ---- */

#define DEBUG_SNIPPET "[profile.release]\ndebug = 1"

/* Does a [profile.release] debug value keep line tables? (false, 0, "none" do not) */
static bool debug_on(const mg_toml_value *v)
{
    const char *s = mg_toml_string(v, NULL);
    int64_t i;
    bool b;

    if (mg_toml_bool(v, &b))
        return b;
    if (mg_toml_integer(v, &i))
        return i > 0;
    return s && strcmp(s, "none") != 0;
}

/*
 * `cargo run --example dhat_profile --release` builds without debug info by default, and then
 * every frame of the profile reads ???:0:0: no function, no line for the hotspots. Cargo takes
 * profiles from the workspace root only, so that is the manifest to edit.
 */
static int plan_debuginfo(onboard_ctx *c)
{
    static const char title[] = "release debug info";
    const mg_toml_value *ws = NULL, *root, *dbg;
    const char *ws_manifest = NULL, *where;

    if (cargo_workspace_root(&c->proj, &ws, &ws_manifest, c->err) < 0)
        return -(int)c->err->code;
    root = ws ? ws : c->pkg->toml;
    where = ws ? ws_manifest : c->pkg->manifest;
    dbg = mg_toml_path(root, "profile", "release", "debug", NULL);
    if (dbg && debug_on(dbg)) {
        onboard_add_step(
            c, title, where, MG_ONBOARD_OK,
            onboard_text(c, "line %lu: [profile.release] sets debug", mg_toml_line(dbg)), NULL);
    } else if (dbg) { /* the project chose it: say what it costs, do not overrule it */
        onboard_add_step(c, title, where, MG_ONBOARD_TODO,
                         onboard_text(c,
                                      "line %lu: [profile.release] turns debug info off, so "
                                      "the profile's frames read ???:0:0; set debug = 1 (line "
                                      "tables) or profile another build",
                                      mg_toml_line(dbg)),
                         NULL);
    } else if (strcmp(where, c->pkg->manifest) != 0) {
        onboard_add_step(c, title, where, MG_ONBOARD_TODO,
                         "add line tables to the workspace's release profile (Cargo reads "
                         "profiles from the workspace root only):",
                         DEBUG_SNIPPET);
    } else {
        c->edit.release_debug = true;
        c->debug_step = onboard_add_step(c, title, where, MG_ONBOARD_ADD,
                                         "add debug = 1 (line tables) to [profile.release], so "
                                         "the profile names functions and lines",
                                         DEBUG_SNIPPET);
    }
    return c->oom ? mg_error_set(c->err, MG_E_NOMEM, "out of memory") : 0;
}

/* Work out the edited Cargo.toml now, so a refusal comes before anything is written. */
static int plan_manifest(onboard_ctx *c)
{
    mg_buf old;
    int rc;

    if (!c->edit.dep_key && !c->edit.example_name && !c->edit.release_debug)
        return 0;
    if (!(c->manifest_fs = fs_join(c->pkg->dir, "Cargo.toml")))
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    mg_buf_init(&old, MG_TOML_MAX_BYTES);
    rc = mg_buf_read_file(&old, c->manifest_fs, c->err);
    if (rc == 0)
        rc = manifest_apply(old.data ? old.data : "", old.len, c->pkg->manifest, &c->edit,
                            &c->manifest_new, &c->dep_line, c->err);
    if (rc < 0 && c->err->code == MG_E_REFUSED && c->edit.release_debug) {
        /* profile.release written with dotted keys: leave that to the user, do the rest */
        mg_onboard_step *s = &c->plan->steps[c->debug_step];
        s->action = MG_ONBOARD_TODO;
        s->detail = "[profile.release] is not a table init can add to without rewriting the "
                    "file: add debug = 1 by hand";
        c->edit.release_debug = false;
        c->debug_step = NONE;
        mg_error_init(c->err);
        rc = c->edit.dep_key || c->edit.example_name
                 ? manifest_apply(old.data ? old.data : "", old.len, c->pkg->manifest, &c->edit,
                                  &c->manifest_new, &c->dep_line, c->err)
                 : 0;
        if (rc == 0 && !c->edit.dep_key && !c->edit.example_name) {
            free(c->manifest_fs);
            c->manifest_fs = NULL;
        }
    }
    mg_buf_release(&old);
    return rc;
}

/* ---- the baseline ---- */

/*
 * Load the profile the way update-baseline does (every function, so the bytes
 * outside the stored top N are exact; .pmat.yaml's hotspot settings), so both
 * record the same baseline from it.
 */
static int load_profile(onboard_ctx *c, const char *profile)
{
    mg_load_options load;
    int rc;

    if (c->config.source[0] &&
        (rc = mg_config_load(&c->settings, c->config.source, true, c->err)) < 0)
        return rc;
    if (!c->settings && (rc = mg_config_parse(&c->settings, "", 0, NULL, c->err)) < 0)
        return rc;
    mg_config_hotspots(c->settings, &c->hotspots);
    memset(&load, 0, sizeof(load));
    load.top_n = 1000;
    load.skip_frames = c->hotspots.skip_frames;
    load.n_skip_frames = c->hotspots.n_skip_frames;
    load.own_crates = c->hotspots.own_crates;
    load.n_own_crates = c->hotspots.n_own_crates;
    if (c->hotspots.has_attribution)
        load.attribution = c->hotspots.attribution;
    return mg_profile_load(&c->profile, profile, &load, c->err);
}

/* Check the profile has the three keys CB-141 requires; apply records it (record_baseline). */
static int baseline_from_profile(onboard_ctx *c, const char *profile, const char **detail)
{
    static const enum mg_metric required[] = {MG_TOTAL_BYTES, MG_PEAK_BYTES, MG_ALLOC_COUNT};
    const mg_metrics *m;
    size_t i;
    int rc;

    if ((rc = load_profile(c, profile)) < 0)
        return rc;
    m = mg_profile_metrics(c->profile);
    for (i = 0; i < 3 && rc == 0; i++)
        if (!m->present[required[i]])
            rc = mg_error_set_at(c->err, MG_E_INPUT, profile, 0, 0,
                                 "has no %s, which a CB-141 baseline needs (with %s and %s): "
                                 "use a dhat profile",
                                 mg_metric_name(required[i]), mg_metric_name(required[(i + 1) % 3]),
                                 mg_metric_name(required[(i + 2) % 3]));
    if (rc == 0) /* the untouched example allocates nothing: not a baseline */
        rc = mg_gate_refuse_empty(m, profile, c->err);
    if (rc < 0)
        return rc;
    *detail = onboard_text(c,
                           "from %s: total_allocations_bytes %llu, peak_memory_bytes %llu, "
                           "allocation_count %llu",
                           profile, (unsigned long long)m->value[MG_TOTAL_BYTES],
                           (unsigned long long)m->value[MG_PEAK_BYTES],
                           (unsigned long long)m->value[MG_ALLOC_COUNT]);
    return *detail ? 0 : -(int)MG_E_NOMEM;
}

static int plan_baseline(onboard_ctx *c)
{
    const mg_comply_item *it = mg_comply_item_get(c->before, MG_COMPLY_BASELINE);
    const char *shown = c->config.baseline_path, *detail = NULL, *profile = c->opts->profile;
    bool wanted = profile || c->opts->record;

    if (!(c->baseline_fs = fs_join(c->plan->dir, shown)))
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    if (!wanted && it->present) {
        onboard_add_step(c, "baseline", shown, MG_ONBOARD_OK, it->found[0].what, NULL);
        return 0;
    }
    if (!wanted) {
        onboard_add_step(
            c, "baseline", shown, MG_ONBOARD_TODO,
            "run the profile, then record the first baseline from its output",
            c->is_c ? onboard_text(c,
                                   "memgate init --record    # runs the build and profile steps "
                                   "here\n"
                                   "(or run them yourself, then memgate init --profile %s)",
                                   cisteps_output(c->config.profiler))
                    : "cargo run --example dhat_profile --release    # writes dhat-heap.json\n"
                      "memgate init --profile dhat-heap.json");
        return 0;
    }
    if (fs_exists(c->baseline_fs) && !c->opts->force) {
        if (!it->present)
            return mg_error_set_at(c->err, MG_E_REFUSED, shown, 0, 0,
                                   "exists but is not a valid baseline (%s); not replacing it "
                                   "without --force",
                                   it->problem);
        onboard_add_step(c, "baseline", shown, MG_ONBOARD_KEPT,
                         "a valid baseline is there; not replaced without --force (memgate "
                         "update-baseline records new ones)",
                         NULL);
        return 0;
    }
    if (c->opts->record) {
        if (!c->is_c)
            return mg_error_set(c->err, MG_E_USAGE,
                                "--record runs the profile step of a C/C++ project; for Rust "
                                "run 'cargo run --example dhat_profile --release', then "
                                "memgate init --profile dhat-heap.json");
        if (onboard_c_record(c, &profile) < 0)
            return -(int)c->err->code;
    }
    if (baseline_from_profile(c, profile, &detail) < 0)
        return -(int)c->err->code;
    c->baseline_step = onboard_add_step(c, "baseline", shown, MG_ONBOARD_ADD, detail, NULL);
    return 0;
}

/* ---- applying ---- */

static int mkdirs_for(const char *path, mg_error *err)
{
    char *dir = strdup(path), *slash;
    int rc = 0;

    if (!dir)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        rc = fs_mkdirs(dir, err);
    }
    free(dir);
    return rc;
}

/* Mark a step done, saying what was done (the plan's wording was what would be done). */
static void wrote(onboard_ctx *c, size_t step, const char *detail)
{
    if (step == NONE)
        return;
    c->plan->steps[step].action = MG_ONBOARD_WROTE;
    if (detail)
        c->plan->steps[step].detail = detail;
}

/*
 * The first baseline, through the same recording as update-baseline: under
 * the lock, with a history line, hotspots, stacks and the CI's commit. --force
 * replaces what is there rather than adding to it.
 */
static int record_baseline(onboard_ctx *c)
{
    mg_record_request r;
    mg_recorded done;
    mg_attr_options attr;

    memset(&attr, 0, sizeof(attr));
    if (c->hotspots.has_attribution)
        attr.mode = c->hotspots.attribution;
    attr.own_crates = c->hotspots.own_crates;
    attr.n_own_crates = c->hotspots.n_own_crates;
    attr.skip_frames = c->hotspots.skip_frames;
    attr.n_skip_frames = c->hotspots.n_skip_frames;
    memset(&r, 0, sizeof(r));
    r.baseline = c->baseline_fs;
    r.profile = c->profile;
    r.replace = c->opts->force;
    r.commit = c->opts->commit;
    r.git_head = c->opts->git_head;
    r.repo_dir = c->plan->dir;
    r.command_line = c->opts->command_line;
    r.top = c->hotspots.top;
    r.attr = &attr;
    r.lock_timeout_ms = 60000;
    if (c->opts->environment)
        c->opts->environment(c->profile, &r.strings[1]);
    if (mg_record_baseline(&r, &done, c->err) < 0)
        return -(int)c->err->code;
    wrote(c, c->baseline_step, NULL);
    return 0;
}

static int apply(onboard_ctx *c)
{
    size_t i;
    int rc = 0;

    for (i = 0; c->opts->write && rc == 0 && i < c->n_files; i++) {
        const onboard_file *f = &c->files[i];
        rc = mkdirs_for(f->fs, c->err);
        if (rc == 0)
            rc = mg_file_replace(f->fs, f->body, strlen(f->body), 0644, c->err);
        if (rc == 0)
            wrote(c, f->step, f->existed ? "replaced (--force)" : "created");
    }

    if (c->opts->write && c->example_step != NONE) {
        const char *body = c->plan->steps[c->example_step].snippet;
        rc = mkdirs_for(c->example_fs, c->err);
        if (rc == 0)
            rc = mg_file_replace(c->example_fs, body, strlen(body), 0644, c->err);
        if (rc == 0)
            wrote(c, c->example_step, c->example_existed ? "replaced (--force)" : "created");
    }
    if (rc == 0 && c->opts->write && c->manifest_fs) {
        rc = mg_file_replace(c->manifest_fs, c->manifest_new.data, c->manifest_new.len, 0644,
                             c->err);
        if (rc == 0) {
            wrote(c, c->dep_step,
                  onboard_text(c, "added to [dev-dependencies] on line %lu", c->dep_line));
            wrote(c, c->entry_step, "appended");
            wrote(c, c->debug_step, "added debug = 1 to [profile.release]");
        }
    }
    if (rc == 0 && c->profile && c->baseline_step != NONE)
        rc = record_baseline(c);
    return rc;
}

/* ---- the run ---- */

/*
 * Rust when DIR has a Cargo.toml, else C/C++ when it has a build file. The profiler: .pmat.yaml's
 * when the file sets it up, else --profiler; both and different is an error.
 */
static int pick_profiler(onboard_ctx *c)
{
    char *manifest = fs_join(c->plan->dir, "Cargo.toml");
    enum mg_cb141_profiler want = MG_CB141_DHAT;
    bool rust;

    if (!manifest)
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    rust = fs_exists(manifest);
    free(manifest);
    if (!rust)
        cproject_detect(&c->cproj, c->plan->dir);
    c->is_c = !rust && c->cproj.kind != CPROJECT_NONE;
    if (!c->opts->profiler)
        return 0;
    if (!strcmp(c->opts->profiler, "heaptrack"))
        want = MG_CB141_HEAPTRACK;
    else if (strcmp(c->opts->profiler, "dhat") != 0)
        return mg_error_set(c->err, MG_E_USAGE,
                            "--profiler takes dhat (Valgrind DHAT for C/C++) or heaptrack, not "
                            "'%s'",
                            c->opts->profiler);
    if (c->config.source[0] && c->config.profiler != want)
        return mg_error_set_at(c->err, MG_E_USAGE, c->config.source, 0, 0,
                               "selects profiler '%s', but --profiler says '%s'",
                               mg_cb141_profiler_name(c->config.profiler), c->opts->profiler);
    if (want != MG_CB141_DHAT && !c->is_c)
        return mg_error_set(c->err, MG_E_USAGE,
                            "memgate init sets up dhat for a Rust project (--profiler heaptrack "
                            "is for C/C++ projects)");
    c->config.profiler = want;
    return 0;
}

static int plan_all(onboard_ctx *c)
{
    const char *name;
    int rc;

    if ((rc = comply_load_config(&c->config, c->plan->dir, c->opts->config_path, c->err)) < 0 ||
        (rc = pick_profiler(c)) < 0)
        return rc;
    if (c->is_c) {
        c->config.enabled = true;
        if (c->opts->baseline_path)
            snprintf(c->config.baseline_path, sizeof(c->config.baseline_path), "%s",
                     c->opts->baseline_path);
        if ((rc = comply_run_with(&c->before, c->plan->dir, &c->config, c->err)) < 0)
            return rc;
        c->plan->package = onboard_text(c, "C/C++ project (%s)", c->cproj.marker);
        if ((rc = onboard_plan_c(c)) < 0 || (rc = plan_baseline(c)) < 0)
            return rc;
        return c->plan->package && !c->oom ? 0 : mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    }
    if (c->config.profiler != MG_CB141_DHAT)
        return mg_error_set_at(c->err, MG_E_USAGE, c->config.source, 0, 0,
                               "selects profiler '%s'; memgate init sets up dhat only (memgate "
                               "comply --help says what %s needs)",
                               mg_cb141_profiler_name(c->config.profiler),
                               mg_cb141_profiler_name(c->config.profiler));
    c->config.enabled = true; /* init sets the check up even where it is switched off */
    if (c->opts->baseline_path)
        snprintf(c->config.baseline_path, sizeof(c->config.baseline_path), "%s",
                 c->opts->baseline_path);
    if ((rc = cargo_project_load(&c->proj, c->plan->dir, &c->plan->text, c->err)) < 0 ||
        (rc = pick_package(c)) < 0 ||
        (rc = comply_run_with(&c->before, c->plan->dir, &c->config, c->err)) < 0)
        return rc;
    name = mg_toml_string(mg_toml_path(c->pkg->toml, "package", "name", NULL), NULL);
    c->plan->package = onboard_text(c, "package '%s' (%s)", name ? name : "?", c->pkg->manifest);
    if ((rc = plan_dependency(c)) < 0 || (rc = plan_example(c)) < 0 ||
        (rc = plan_debuginfo(c)) < 0 || (rc = plan_manifest(c)) < 0 || (rc = plan_baseline(c)) < 0)
        return rc;
    return c->plan->package && !c->oom ? 0 : mg_error_set(c->err, MG_E_NOMEM, "out of memory");
}

static int final_score(onboard_ctx *c)
{
    mg_comply_report *after = NULL;
    size_t i;
    bool changed = false;

    for (i = 0; i < c->plan->n; i++)
        changed |= c->plan->steps[i].action == MG_ONBOARD_WROTE;
    if (!changed) {
        c->plan->score = mg_comply_score(c->before);
        return 0;
    }
    if (comply_run_with(&after, c->plan->dir, &c->config, c->err) < 0)
        return -(int)c->err->code;
    c->plan->score = mg_comply_score(after);
    mg_comply_report_free(after);
    return 0;
}

int mg_onboard_run(mg_onboard_plan **out, const mg_onboard_options *opts, mg_error *err)
{
    onboard_ctx c;
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.opts = opts;
    c.err = err;
    c.dep_step = c.example_step = c.entry_step = c.debug_step = c.baseline_step = NONE;
    mg_buf_init(&c.manifest_new, MG_TOML_MAX_BYTES);
    c.plan = calloc(1, sizeof(*c.plan));
    if (!c.plan || !(c.plan->dir = strdup(opts->dir ? opts->dir : "."))) {
        free(c.plan);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    strlist_init(&c.plan->text);
    c.plan->write = opts->write;
    rc = plan_all(&c);
    if (rc == 0)
        rc = apply(&c);
    if (rc == 0)
        rc = final_score(&c);
    cargo_project_release(&c.proj);
    mg_comply_report_free(c.before);
    mg_profile_free(c.profile);
    mg_config_free(c.settings);
    mg_buf_release(&c.manifest_new);
    free(c.example_fs);
    free(c.manifest_fs);
    free(c.baseline_fs);
    for (size_t i = 0; i < c.n_files; i++)
        free(c.files[i].fs);
    free(c.recorded);
    if (rc < 0) {
        mg_onboard_free(c.plan);
        return rc;
    }
    *out = c.plan;
    return 0;
}

void mg_onboard_free(mg_onboard_plan *p)
{
    if (!p)
        return;
    strlist_release(&p->text);
    free(p->dir);
    free(p);
}
