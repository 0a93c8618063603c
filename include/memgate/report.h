/* Reports: render a profile (show) or a verdict (check) as text or JSON into a buffer. */
#ifndef MEMGATE_REPORT_H
#define MEMGATE_REPORT_H

#include <stdbool.h>

#include "memgate/blame.h"
#include "memgate/baseline.h"
#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/gate.h"
#include "memgate/history.h"
#include "memgate/hsdiff.h"
#include "memgate/learn.h"
#include "memgate/profile.h"
#include "memgate/publish.h"

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

/* One key of the environment fingerprint that differs; NULL = not recorded on that side. */
typedef struct mg_report_env_change {
    const char *key, *baseline, *current;
} mg_report_env_change;

/* check: this run's environment against the one the baseline was measured in. */
typedef struct mg_report_environment {
    bool recorded;         /* the baseline records a fingerprint (older ones do not) */
    const char *on_change; /* "warn", "fail" or "ignore" */
    const mg_report_env_change *changes;
    size_t n_changes;
} mg_report_environment;

/* Everything a report may show; all pointers borrowed. */
typedef struct mg_report_input {
    const char *command;       /* "show", "check", "diff" */
    const mg_profile *profile; /* required */
    const mg_verdict *verdict; /* NULL for show */
    const char *baseline_path; /* NULL for show */
    const char *baseline_measured_at;
    const char *baseline_commit;
    const mg_metrics *baseline_metrics; /* NULL for show */
    const char *workload;               /* "default" when not named */
    bool color; /* ANSI colour in text (only on a terminal, never with NO_COLOR) */
    /* optional parts; NULL/0 when absent */
    const mg_hsdiff *hotspot_changes; /* functions that grew/shrank/appeared */
    /* who carries each failed (or improved) metric's change; every verdict leads with it */
    const mg_culprits *culprits;
    /* one line about the hotspot comparison: how it was attributed, or why it was skipped */
    const char *hotspot_note;
    const mg_history_entry *const *history; /* this workload's baselines, oldest first */
    size_t n_history;
    const char *ratchet_command; /* the update-baseline command an improvement proposes */
    unsigned top_n;              /* hotspots shown; 0 = all the profile holds */
    const char *baseline_label;  /* what the baseline is, when not a file ("profile a.json") */
    const char *note; /* one more thing the run wants said (a bootstrap write), or NULL */
    const mg_report_notice *notices; /* shown above the metric table, in order */
    size_t n_notices;
    const mg_report_environment *environment; /* check: the fingerprints compared, or NULL */
    const mg_learned *learned; /* check: limits learned from the history, with their numbers */
    size_t n_learned;
    /* what the reader can do next; NULL when unknown or not allowed */
    const char *accept_trailer; /* the commit trailer key of a reviewed exception */
    const char *accept_label;   /* the PR/MR label of a reviewed exception */
    const char *report_url;     /* where the full report is uploaded */
    /* flame graphs: what profile is drawn against (diff: OLD; check: --compare-profile) */
    const mg_profile *before_profile;
    const mg_stored_stacks *base_stacks; /* check: the baseline's stacks, when it records them */
    int flame_weight;                    /* enum mg_weight: MG_W_TOTAL (0), PEAK or COUNT */
    const mg_load_options *load;         /* the attribution in force (NULL: the defaults) */
} mg_report_input;

/*
 * A verdict as the one Markdown renderer (and `memgate post`) sees it: the
 * publish workload plus the storage its borrowed pointers point into. Also the
 * source of the result file's "history", "fail_above" and "next" parts, so a
 * comment rendered from a result file matches `check --format markdown`.
 */
typedef struct mg_report_view {
    mg_publish_workload w;
    mg_publish_metric metrics[MG_METRIC_COUNT];
    char limits[MG_METRIC_COUNT][96];
    char reasons[MG_METRIC_COUNT][400];
    char culprits[MG_METRIC_COUNT][1024];
    mg_publish_hotspot hotspots[40]; /* 10 functions, each with up to 3 lines */
    mg_publish_point history[MG_HISTORY_SHOWN];
    mg_publish_notice notices[8];
} mg_report_view;

/* Fill *view from a check's report input (in->verdict required); borrows from in. */
void mg_report_view_build(mg_report_view *view, const mg_report_input *in);

/*
 * A flame graph as self-contained SVG (memgate/flame.h): show draws the
 * profile; diff draws NEW against OLD; check draws the profile against the
 * baseline's stored stacks, else against before_profile (--compare-profile),
 * else it is MG_E_USAGE. Needs stacks (MG_E_INPUT for formats without).
 */
int mg_report_flamegraph(mg_buf *out, const mg_report_input *in, mg_error *err);
/*
 * Folded stacks of in->profile, weighted by in->flame_weight; MG_E_USAGE when
 * it has no stacks. With in->before_profile (diff), two columns: each stack's
 * weight in before_profile, then in profile (difffolded.pl's format).
 */
int mg_report_folded(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * One self-contained HTML page (no script, nothing fetched): the verdict
 * banner, culprit lines, metric and hotspot tables, the differential flame
 * graph (this run's own without stacks to compare with) and the history chart
 * with the fail limits, and what to do next. Needs a verdict.
 */
int mg_report_html(mg_buf *out, const mg_report_input *in, mg_error *err);

/* Human text; fits 80 columns for the metric table. */
int mg_report_text(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * JSON, schema "memgate/result/v1" (docs/result-schema.md): metric keys are
 * the canonical names; absent metrics are omitted from "metrics" objects and
 * null in verdict rows. This is also the input of `memgate post`.
 */
int mg_report_json(mg_buf *out, const mg_report_input *in, mg_error *err);

/*
 * Markdown for a PR comment or job summary: exactly what `check --post` and
 * `memgate post` show (one renderer, mg_publish_render): the verdict icon and
 * word, the metric table with failing rows first, hotspot changes, the
 * baseline history as Mermaid charts and what to do next. Untrusted text
 * (function names, paths) is escaped. Needs a verdict.
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
 * panels, one per metric, each with its own axis from zero to a 1/2/5 tick);
 * current (may be NULL) is drawn as a last, marked point; limits (may be
 * NULL) holds the fail limit of each metric, drawn as a dashed line. The x
 * axis names entries by date and commit (date alone without a commit).
 */
int mg_report_trend_svg(mg_buf *out, const mg_history_entry *const *entries, size_t n,
                        const char *workload, const mg_metrics *current, const mg_metrics *limits,
                        mg_error *err);

#endif
