/* memgate init: put CB-141's pieces (dhat dev-dependency, profile example, baseline) into a
 * project. */
#ifndef MEMGATE_ONBOARD_H
#define MEMGATE_ONBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/profile.h"
#include "memgate/record.h"

typedef struct mg_onboard_options {
    const char *dir;           /* the project (where Cargo.toml and .pmat.yaml are); NULL = "." */
    const char *member;        /* package directory relative to dir that gets the dependency and
                                  the example; NULL = dir itself (must then have [package]) */
    const char *config_path;   /* NULL = dir/.pmat.yaml when it exists */
    const char *baseline_path; /* NULL = options.baseline_path of .pmat.yaml, or the default */
    const char *profile;       /* write a first baseline from this profile; NULL = do not */
    /* recorded in that baseline; NULL = the CI's (mg_record_request), else git_head's */
    const char *commit;
    void (*git_head)(const char *repo_dir, char *out, size_t size); /* NULL = no git */
    const char *command_line; /* how memgate was run, recorded as provenance */
    /* the environment fingerprint recorded with that baseline, as update-baseline records it
       (the CLI collects it); NULL = none */
    void (*environment)(const mg_profile *p, mg_record_strings *out);
    const char *profiler; /* "dhat" or "heaptrack" (C/C++ only); NULL = .pmat.yaml's */
    const char *run;      /* C/C++: the workload the profile step runs; NULL = the build file's */
    const char *build;    /* C/C++: the build command; NULL = the usual one for the build system */
    bool record;          /* C/C++: run the build and profile steps, record the first baseline */
    bool write;           /* make the changes; false = only say what they would be */
    bool force;           /* replace an existing profile example or baseline */
} mg_onboard_options;

enum mg_onboard_action {
    MG_ONBOARD_OK,    /* already in place: nothing to do */
    MG_ONBOARD_ADD,   /* missing; the snippet is what --write adds */
    MG_ONBOARD_WROTE, /* written by this run */
    MG_ONBOARD_KEPT,  /* a valid file is already there and was left alone (no --force) */
    MG_ONBOARD_TODO,  /* needs the user: run the profile first */
};

/* One piece of the set-up. Strings are borrowed from the plan. */
typedef struct mg_onboard_step {
    const char *title; /* "dhat dev-dependency", "profile example", "[[example]] entry", ... */
    const char *file;  /* the file it concerns, relative to the project */
    enum mg_onboard_action action;
    const char *detail;  /* one line: where it was found, what was done, what to do */
    const char *snippet; /* the text added or to add (may be several lines), or NULL */
} mg_onboard_step;

typedef struct mg_onboard_plan mg_onboard_plan;

/*
 * Look at the project (the same detection as memgate comply), work out what
 * is missing, and with opts->write make the changes: Cargo.toml gets the
 * dependency line (after its [dev-dependencies] header, or a new table at
 * the end) and the [[example]] entry appended, each edit checked by
 * re-reading the result before the file is replaced atomically;
 * examples/dhat_profile.rs is created; with opts->profile a first baseline is
 * written. Existing files are never replaced without opts->force.
 *
 * Errors: MG_E_USAGE (no Cargo.toml, malformed manifest or .pmat.yaml, a
 * virtual workspace without --member, a profiler other than dhat),
 * MG_E_REFUSED (a file in the way that --force would replace), MG_E_INPUT
 * (an unreadable profile, or one without the three baseline metrics), MG_E_IO.
 * The caller owns *out (mg_onboard_free).
 */
int mg_onboard_run(mg_onboard_plan **out, const mg_onboard_options *opts, mg_error *err);
void mg_onboard_free(mg_onboard_plan *p);

size_t mg_onboard_step_count(const mg_onboard_plan *p);
const mg_onboard_step *mg_onboard_step_at(const mg_onboard_plan *p, size_t i);
/* CB-141 score after the run (with opts->write) or as the project stands (without). */
int mg_onboard_score(const mg_onboard_plan *p);

/* What was done or would be done, and the snippets, for people. Appends to out. */
int mg_onboard_render_text(const mg_onboard_plan *p, mg_buf *out, mg_error *err);

#endif
