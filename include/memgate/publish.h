/*
 * Posting a finished verdict where reviewers look: a sticky PR/MR comment, a commit
 * status per workload (GitHub: optionally a check run), the GitHub job summary, step
 * outputs and annotations. Also reads result files written by `memgate check
 * --format json` (untrusted input in the fork-PR pattern).
 */
#ifndef MEMGATE_PUBLISH_H
#define MEMGATE_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/buf.h"
#include "memgate/error.h"

enum mg_post_target {
    MG_POST_AUTO, /* GITHUB_ACTIONS=true -> GitHub, else GITLAB_CI=true -> GitLab, else none */
    MG_POST_GITHUB,
    MG_POST_GITLAB,
    MG_POST_NONE,
};

/* "auto", "github", "gitlab", "none" -> *out; anything else is MG_E_USAGE. */
int mg_post_target_parse(const char *name, enum mg_post_target *out, mg_error *err);
const char *mg_post_target_name(enum mg_post_target t);

/* One metric of one workload, as the comment table shows it. Strings are borrowed. */
typedef struct mg_publish_metric {
    const char *name;   /* canonical metric name, e.g. "peak_memory_bytes" */
    const char *status; /* "ok", "improved", "warn", "fail", "absent" */
    bool has_baseline, has_current;
    uint64_t baseline, current;
    bool has_delta_pct;
    double delta_pct;   /* display only */
    const char *limit;  /* human text such as "+5%" or "500 MB"; NULL = none */
    const char *reason; /* why the status is not ok, a sentence; NULL = none */
    /* "peak_memory_bytes +14.5 MiB: 93% from f (src/x.rs:27)": who carries the change; NULL = none
     */
    const char *culprit;
    bool has_fail_above;
    uint64_t fail_above; /* the largest value the fail limit lets pass (the chart's limit line) */
} mg_publish_metric;

/*
 * A hotspot row: a top allocation site (change NULL: bytes is its total now) or
 * a change against the baseline's stored hotspots (change "grew", "shrank",
 * "appeared", "gone" or "entered_top"; bytes is the magnitude of the change,
 * or the total now for entered_top).
 */
typedef struct mg_publish_hotspot {
    const char *function; /* from the profile: untrusted, always escaped when rendered */
    uint64_t bytes;
    const char *change;
    bool negative; /* the change is a decrease */
    bool has_pct;
    double pct;
    double share; /* of the profile's total, 0..1; 0 = unknown */
    /* compared from stacks: the change of the bytes live at t-gmax, and the function's lines */
    bool has_peak;
    bool peak_negative;
    uint64_t peak_bytes;
    bool is_line; /* a source line ("file:line" in function) of the function row above it */
} mg_publish_hotspot;

/* One accepted baseline of the workload's history (a chart point). */
typedef struct mg_publish_point {
    const char *commit;      /* may be NULL */
    const char *measured_at; /* ISO 8601 UTC, may be NULL */
    bool has_peak, has_total;
    uint64_t peak, total; /* peak_memory_bytes, total_allocations_bytes */
} mg_publish_point;

/* Something a reviewer must know about how the verdict was reached (shown above the table). */
typedef struct mg_publish_notice {
    const char *title;
    const char *const *lines;
    size_t n_lines;
} mg_publish_notice;

/* One workload's verdict. All pointers are borrowed for the duration of the call. */
typedef struct mg_publish_workload {
    const char *name;    /* "default" when the project has one workload */
    const char *verdict; /* "pass", "warn" or "fail" */
    const mg_publish_metric *metrics;
    size_t n_metrics;
    const mg_publish_hotspot *hotspots; /* may be NULL */
    size_t n_hotspots;
    /* everything below is optional (NULL/0/false when unknown) */
    bool needs_review; /* the change edits the baseline or limits it is judged by */
    const mg_publish_notice *notices;
    size_t n_notices;
    const char *profile;  /* the profile's file name */
    const char *baseline; /* the baseline file, or what stands in for it */
    const char *baseline_commit;
    const char *accept_reason; /* the reviewed exception in force */
    const char *accept_source;
    const char *note;                /* one more thing the run says (a bootstrap write) */
    const char *hotspot_note;        /* how hotspots were compared, or why not; NULL */
    const mg_publish_point *history; /* this workload's baselines, oldest first */
    size_t n_history;
    /* what to do next */
    const char *accept_trailer; /* commit trailer key; NULL = exceptions are not allowed */
    const char *accept_label;   /* PR/MR label */
    const char *update_command; /* the memgate update-baseline command for an intended change */
    bool ratchet;               /* an improvement: update_command locks it in */
    const char *report_url;     /* the full (HTML) report, when uploaded */
} mg_publish_workload;

enum mg_publish_flags {
    MG_PUBLISH_INFORMATIONAL = 1u << 0, /* statuses and check runs never fail */
    MG_PUBLISH_CHECK_RUN = 1u << 1,     /* GitHub: also a check run per workload */
    MG_PUBLISH_NO_STATUS = 1u << 2,     /* no commit statuses */
    MG_PUBLISH_NO_JOB_FILES = 1u << 3,  /* GitHub: no step summary, outputs or annotations */
};

enum mg_comment_mode {
    MG_COMMENT_ALWAYS,   /* create or update the sticky comment */
    MG_COMMENT_NOT_PASS, /* create one only for warn/fail; an existing one is still updated */
    MG_COMMENT_NEVER,
};

/* Receives one redacted line of the HTTP trace (--verbose). */
typedef void (*mg_publish_trace_fn)(void *ctx, const char *line);

typedef struct mg_publish_request {
    enum mg_post_target target;
    const mg_publish_workload *workloads; /* at least one */
    size_t n_workloads;
    unsigned flags; /* enum mg_publish_flags */
    enum mg_comment_mode comment;
    const char *sticky_key;    /* NULL: the workload name, or "combined" for several */
    uint64_t number;           /* PR/MR number; 0 = from the CI environment */
    const char *sha;           /* commit for statuses; NULL = from the CI environment */
    mg_publish_trace_fn trace; /* NULL = no trace */
    void *trace_ctx;
} mg_publish_request;

/* What happened, for the CLI to print. A stack value: init/release. */
typedef struct mg_publish_outcome {
    enum mg_post_target platform; /* where it went; MG_POST_NONE when outside CI */
    mg_buf stdout_text; /* GitHub workflow commands (::error/::warning) for standard output */
    mg_buf notes;       /* one "memgate: ..." line per action, skip and failure, for stderr */
    unsigned n_posted;  /* API writes that succeeded (comments, statuses, check runs) */
    unsigned n_failed;  /* steps that failed; the first failure is also in err */
    char comment_url[512];
} mg_publish_outcome;

void mg_publish_outcome_init(mg_publish_outcome *o);
void mg_publish_outcome_release(mg_publish_outcome *o);

/*
 * Post the verdict. Every step is attempted even when an earlier one failed; the
 * return value is 0 when all succeeded (or there was nothing to do), else -MG_E_POST
 * with the first failure in err and every failure also listed in out->notes.
 * Tokens come only from the environment (MEMGATE_GITHUB_TOKEN or GITHUB_TOKEN;
 * MEMGATE_GITLAB_TOKEN or GITLAB_TOKEN) and never appear in out or err.
 * The caller decides what a failure means: `memgate check` keeps its verdict's
 * exit code and uses 5 only under --require-post.
 */
int mg_publish_verdict(mg_publish_outcome *out, const mg_publish_request *req, mg_error *err);

/* The comment body (without the hidden marker) for --dry-run and tests. Appends to out. */
int mg_publish_render(mg_buf *out, const mg_publish_request *req, mg_error *err);

/* ---- result files (`memgate check --format json`, schema memgate/result/v1) --------------- */

/* Largest result file accepted: it is untrusted input in the fork-PR pattern. */
#define MG_RESULT_MAX_BYTES ((size_t)1 << 20)

typedef struct mg_result mg_result;

/*
 * Read and validate a result file: size cap, schema "memgate/result/v1", known verdict
 * and statuses, bounded string lengths and counts, non-negative integers. Unknown
 * keys are ignored (forward compatible). MG_E_INPUT with the file as error source.
 * The caller owns *out (mg_result_free).
 */
int mg_result_load(mg_result **out, const char *path, mg_error *err);
int mg_result_parse(mg_result **out, const char *data, size_t len, const char *source,
                    mg_error *err);
void mg_result_free(mg_result *r);

/* Borrowed view, valid while r lives; markdown is always NULL (the file is not trusted). */
const mg_publish_workload *mg_result_workload(const mg_result *r);

#endif
