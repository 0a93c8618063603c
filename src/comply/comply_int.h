/* Private to src/comply: the report's storage and how the checks fill it. */
#ifndef MEMGATE_COMPLY_INT_H
#define MEMGATE_COMPLY_INT_H

#include "comply/strlist.h"
#include "memgate/comply.h"

typedef struct found_list {
    mg_comply_found *v;
    size_t n, cap;
} found_list;

struct mg_comply_report {
    mg_cb141_config config;
    char *dir;
    const char *kind;   /* "rust", or the C/C++ build system: "cmake", "meson", "make" */
    const char *marker; /* the file that told: "Cargo.toml", "CMakeLists.txt", ... */
    bool checked;       /* false when the check is disabled */
    mg_comply_item items[MG_COMPLY_PIECES];
    found_list found[MG_COMPLY_PIECES];
    strlist manifests;
    strlist notes;
    strlist text; /* owns every other string the items point to */
};

/* A formatted string owned by the report (NULL with MG_E_NOMEM). */
const char *report_text(mg_comply_report *r, mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int report_note(mg_comply_report *r, mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record where a piece was found (file and what are copied) and mark it present. */
int report_found(mg_comply_report *r, enum mg_comply_piece piece, const char *file,
                 unsigned long line, const char *what, mg_error *err);
/* Mark a piece missing: its penalty applies; problem and fix are copied. */
int report_missing(mg_comply_report *r, enum mg_comply_piece piece, const char *problem,
                   const char *fix, mg_error *err);

/* The defaults, then DIR/.pmat.yaml (when it exists) or config_path (which must). */
int comply_load_config(mg_cb141_config *config, const char *dir, const char *config_path,
                       mg_error *err);
/* mg_comply_run with settings already read (memgate init runs it with enabled forced on). */
int comply_run_with(mg_comply_report **out, const char *dir, const mg_cb141_config *config,
                    mg_error *err);

#endif
