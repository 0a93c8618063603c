/* Private to onboard*.c: the plan memgate init works out, applies and renders. */
#ifndef MEMGATE_COMPLY_ONBOARD_INT_H
#define MEMGATE_COMPLY_ONBOARD_INT_H

#include "comply/cargo.h"
#include "comply/cproject.h"
#include "comply/manifest_edit.h"
#include "comply/strlist.h"
#include "memgate/baseline.h"
#include "memgate/comply.h"
#include "memgate/config.h"
#include "memgate/onboard.h"
#include "memgate/profile.h"

/* Rust: dependency, example, entry, profile settings, baseline; C/C++: .pmat.yaml, two CI
   files, the GitLab include, the workload, the baseline: room to spare */
#define MAX_STEPS 12
#define MAX_FILES 4

struct mg_onboard_plan {
    mg_onboard_step steps[MAX_STEPS];
    size_t n;
    strlist text; /* owns the steps' strings */
    char *dir;
    const char *package; /* "package 'x' (crates/x/Cargo.toml)", "C/C++ project (Makefile)" */
    bool write;
    int score;
};

#define NONE ((size_t)-1)

/* A file --write creates whole (C/C++ set-up); body is owned by the plan's text. */
typedef struct onboard_file {
    char *fs; /* path to write, owned */
    const char *body;
    size_t step;  /* the step that reports it */
    bool existed; /* replaced with --force */
} onboard_file;

/* Everything the run needs while it works out and applies the steps. */
typedef struct onboard_ctx {
    const mg_onboard_options *opts;
    mg_onboard_plan *plan;
    mg_cb141_config config;
    cargo_project proj;
    const cargo_pkg *pkg;
    mg_comply_report *before;
    mg_error *err;
    /* what --write will do */
    manifest_edit edit;
    mg_buf manifest_new; /* the edited Cargo.toml, when edit holds anything */
    char *example_fs, *manifest_fs, *baseline_fs;
    mg_profile *profile; /* from --profile or --record, recorded as the first baseline */
    mg_config *settings; /* .pmat.yaml's memgate section: hotspots and attribution */
    mg_hotspot_settings hotspots;
    /* indexes into plan->steps of what --write (or --profile) changes; NONE when nothing */
    size_t dep_step, example_step, entry_step, debug_step, baseline_step;
    unsigned long dep_line; /* where the dependency lands in the edited Cargo.toml */
    bool example_existed;   /* --force replaces examples/dhat_profile.rs */
    bool oom;               /* a copy into the plan failed (err holds MG_E_NOMEM) */
    /* C/C++ projects */
    bool is_c;
    cproject cproj;
    onboard_file files[MAX_FILES];
    size_t n_files;
    char *recorded; /* the profile --record made (path), owned */
} onboard_ctx;

/* A formatted string owned by the plan; NULL (and c->oom) when out of memory. */
const char *onboard_text(onboard_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Add a step; file, detail and snippet are copied into the plan. Returns its index. */
size_t onboard_add_step(onboard_ctx *c, const char *title, const char *file,
                        enum mg_onboard_action action, const char *detail, const char *snippet);

/* The C/C++ set-up (onboard_c.c): settings, CI steps, the workload, --record. */
int onboard_plan_c(onboard_ctx *c);
/* The commands --record and the CI steps run, and the profile they write (relative to DIR). */
int onboard_c_record(onboard_ctx *c, const char **profile);

#endif
