/* Reports: render a profile (show) or a verdict (check) as text or JSON into a buffer. */
#ifndef MEMGATE_REPORT_H
#define MEMGATE_REPORT_H

#include <stdbool.h>

#include "memgate/blame.h"
#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/gate.h"
#include "memgate/history.h"
#include "memgate/hsdiff.h"
#include "memgate/profile.h"

/*
 * A block every report shows above the metric table: something a reviewer
 * must know about how this verdict was reached (the PR changes its own
 * baseline, the profile is of another program, the environment changed,
 * the spread of several runs, limits learned from history).
 */
typedef struct mg_report_notice {
    const char *kind;  /* stable JSON key: "baseline_change", "limits_change", "pairing", ... */
    const char *title; /* "this PR changes the baseline" */
    const char *const *lines;
    size_t n_lines;
} mg_report_notice;

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
    /* optional parts; NULL/0 when absent */
    const mg_hsdiff *hotspot_changes;           /* functions that grew/shrank/appeared */
    /* who carries each failed (or improved) metric's change; every verdict leads with it */
    const mg_culprits *culprits;
    /* one line about the hotspot comparison: how it was attributed, or why it was skipped */
    const char *hotspot_note;
    const mg_history_entry *const *history;     /* this workload's baselines, oldest first */
    size_t n_history;
    const char *ratchet_command; /* the update-baseline command an improvement proposes */
    unsigned top_n;              /* hotspots shown; 0 = all the profile holds */
    const char *baseline_label;  /* what the baseline is, when not a file ("profile a.json") */
    const char *note;            /* one more thing the run wants said (a bootstrap write), or NULL */
    bool embedded; /* markdown inside a PR comment that has its own verdict heading: no heading */
    const mg_report_notice *notices; /* shown above the metric table, in order */
    size_t n_notices;
} mg_report_input;

/* Human text; fits 80 columns for the metric table. */
int mg_report_text(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * JSON, schema "memgate/result/v1" (docs/result-schema.md): metric keys are
 * the canonical names; absent metrics are omitted from "metrics" objects and
 * null in verdict rows. This is also the input of `memgate post`.
 */
int mg_report_json(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * Markdown for a PR comment or job summary: the verdict first, the metric
 * table, hotspot changes, and the baseline history with this run as a
 * Mermaid xychart-beta chart. Untrusted text (function names, paths) goes
 * into code spans. Needs a verdict.
 */
int mg_report_markdown(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * JUnit XML: one <testcase> per metric (classname "memgate.WORKLOAD"), a
 * <failure> for fail, <skipped> for absent; warn, improved and accepted pass
 * with the detail in <system-out>. Needs a verdict.
 */
int mg_report_junit(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * OpenMetrics text for GitLab's metrics report: unlabeled gauges
 * memgate_[WORKLOAD_]METRIC (current) and ..._baseline, integer values, and
 * the terminating "# EOF".
 */
int mg_report_openmetrics(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * An SVG chart of peak, total and count over a workload's history (three
 * panels, one per metric, each with its own axis); current (may be NULL) is
 * drawn as a last, marked point.
 */
int mg_report_trend_svg(mg_buf *out, const mg_history_entry *const *entries, size_t n,
                        const char *workload, const mg_metrics *current, mg_error *err);

#endif
