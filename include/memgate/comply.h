/* Comply check CB-141: is a Rust project's memory-profiling set-up in place? */
#ifndef MEMGATE_COMPLY_H
#define MEMGATE_COMPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/error.h"

/*
 * The spec (memory-profiling, "Comply Check: CB-141") looks for three pieces
 * and takes points off for each one that is missing:
 *   dependency       dhat in [dev-dependencies]                  -5
 *   profile binary   examples/dhat_profile.rs "or similar"       -3
 *   baseline file    .pmat-metrics/memory-baseline.json          -2
 * docs/comply.md says exactly what memgate accepts for each piece and for the
 * jemalloc and heaptrack profilers.
 */

#define MG_CB141_PATH_MAX 4096

enum mg_cb141_severity { MG_CB141_WARNING, MG_CB141_ERROR };
enum mg_cb141_profiler { MG_CB141_DHAT, MG_CB141_JEMALLOC, MG_CB141_HEAPTRACK };

/* comply.checks.cb-141 of .pmat.yaml. A plain value: copy it freely. */
typedef struct mg_cb141_config {
    bool enabled;                          /* default true */
    enum mg_cb141_severity severity;       /* default warning: missing pieces never fail the run */
    enum mg_cb141_profiler profiler;       /* default dhat */
    char baseline_path[MG_CB141_PATH_MAX]; /* relative to the project directory unless absolute */
    char source[MG_CB141_PATH_MAX];        /* the file the settings came from; "" for defaults */
} mg_cb141_config;

/* The spec's defaults: enabled, warning, dhat, MG_BASELINE_DEFAULT_PATH. */
void mg_cb141_config_defaults(mg_cb141_config *c);

/*
 * Read comply.checks.cb-141 from YAML text (source names it in messages).
 * Keys that are absent keep the value already in *c; other sections of the
 * file are not looked at. Malformed YAML, a duplicate key or a value of the
 * wrong kind ("severity: fatal") is MG_E_USAGE with line and column.
 */
int mg_cb141_config_parse(mg_cb141_config *c, const char *text, size_t len, const char *source,
                          mg_error *err);
/* The same for a file; an unreadable file is MG_E_USAGE. */
int mg_cb141_config_load(mg_cb141_config *c, const char *path, mg_error *err);

const char *mg_cb141_severity_name(enum mg_cb141_severity s); /* "warning", "error" */
const char *mg_cb141_profiler_name(enum mg_cb141_profiler p); /* "dhat", "jemalloc", ... */

/* ---- running the check ---- */

enum mg_comply_piece {
    MG_COMPLY_DEPENDENCY,     /* JSON id "dependency" */
    MG_COMPLY_PROFILE_BINARY, /* "profile_binary" */
    MG_COMPLY_BASELINE,       /* "baseline" */
    MG_COMPLY_PIECES
};

/* One place a piece was found. Strings are borrowed from the report. */
typedef struct mg_comply_found {
    const char *file;   /* relative to the project directory */
    unsigned long line; /* 1-based; 0 when a line means nothing (a whole file) */
    const char *what;   /* "[dev-dependencies] dhat = \"0.3\"", "#[global_allocator] ..." */
} mg_comply_found;

/* The verdict on one piece. Strings are borrowed from the report. */
typedef struct mg_comply_item {
    const char *id;    /* stable: "dependency", "profile_binary", "baseline" */
    const char *title; /* for people: "dhat dev-dependency", "profile binary", ... */
    bool applicable;   /* false when the profiler needs no such piece (heaptrack: no crate) */
    bool present;      /* true also when not applicable */
    int penalty;       /* 0 when present, else -5, -3 or -2 */
    const mg_comply_found *found;
    size_t n_found;
    const char *problem; /* why it counts as missing; NULL when present */
    const char *fix;     /* how to put it in place; NULL when present */
} mg_comply_item;

typedef struct mg_comply_report mg_comply_report;

typedef struct mg_comply_options {
    const char *dir;         /* the project: where Cargo.toml and .pmat.yaml are; NULL = "." */
    const char *config_path; /* NULL: DIR/.pmat.yaml when it exists, else the defaults */
} mg_comply_options;

/*
 * Run CB-141 on a project. Fails (MG_E_USAGE, exit 2) only when the project
 * cannot be checked: no Cargo.toml, a malformed manifest or .pmat.yaml, an
 * explicit config file that does not exist. Missing pieces are not errors:
 * they are in the report. The caller owns *out (mg_comply_report_free).
 */
int mg_comply_run(mg_comply_report **out, const mg_comply_options *opts, mg_error *err);
void mg_comply_report_free(mg_comply_report *r);

/* Borrowed views, valid while the report lives. */
const mg_cb141_config *mg_comply_config(const mg_comply_report *r);
const char *mg_comply_dir(const mg_comply_report *r);
/* Sum of the penalties: 0 (all present, or the check is disabled) down to -10. */
int mg_comply_score(const mg_comply_report *r);
/* true when the check is enabled, has severity error and the score is below 0 (exit 1). */
bool mg_comply_failed(const mg_comply_report *r);
/* NULL when the check is disabled (nothing was looked at). */
const mg_comply_item *mg_comply_item_get(const mg_comply_report *r, enum mg_comply_piece piece);
/* Manifests examined, relative to the project ("Cargo.toml", "crates/a/Cargo.toml"). */
size_t mg_comply_manifest_count(const mg_comply_report *r);
const char *mg_comply_manifest(const mg_comply_report *r, size_t i);
/* Things worth knowing that do not change the score (a member without a manifest, ...). */
size_t mg_comply_note_count(const mg_comply_report *r);
const char *mg_comply_note(const mg_comply_report *r, size_t i);

/*
 * Render for people (what is missing and how to fix it) or as JSON (the
 * schema in docs/comply.md). Appends to out; MG_E_NOMEM or MG_E_INPUT (cap).
 */
int mg_comply_render_text(const mg_comply_report *r, mg_buf *out, mg_error *err);
int mg_comply_render_json(const mg_comply_report *r, mg_buf *out, mg_error *err);

#endif
