/* Reports: render a profile (show) or a verdict (check) as text or JSON into a buffer. */
#ifndef MEMGATE_REPORT_H
#define MEMGATE_REPORT_H

#include <stdbool.h>

#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/gate.h"
#include "memgate/profile.h"

/* Everything a report may show; all pointers borrowed. */
typedef struct mg_report_input {
    const char *command;          /* "show", "check", "diff" */
    const mg_profile *profile;    /* required */
    const mg_verdict *verdict;    /* NULL for show */
    const char *baseline_path;    /* NULL for show */
    const char *baseline_measured_at;
    const char *baseline_commit;
    const mg_metrics *baseline_metrics; /* NULL for show */
    const char *workload;         /* "default" when not named */
    bool color;                   /* ANSI colour in text (only on a terminal, never with NO_COLOR) */
} mg_report_input;

/* Human text; fits 80 columns for the metric table. */
int mg_report_text(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * JSON, schema "memgate/result/v1" (docs/result-schema.md): metric keys are
 * the canonical names; absent metrics are omitted from "metrics" objects and
 * null in verdict rows. This is also the input of `memgate post`.
 */
int mg_report_json(mg_buf *out, const mg_report_input *in, mg_error *err);

#endif
