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
    MG_POST_AUTO,   /* GITHUB_ACTIONS=true -> GitHub, else GITLAB_CI=true -> GitLab, else none */
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
    double delta_pct; /* display only */
    const char *limit; /* human text such as "+5%" or "500 MB"; NULL = none */
} mg_publish_metric;

typedef struct mg_publish_hotspot {
    const char *function; /* from the profile: untrusted, always escaped when rendered */
    uint64_t bytes;
} mg_publish_hotspot;

/* One workload's verdict. All pointers are borrowed for the duration of the call. */
typedef struct mg_publish_workload {
    const char *name;    /* "default" when the project has one workload */
    const char *verdict; /* "pass", "warn" or "fail" */
    const mg_publish_metric *metrics;
    size_t n_metrics;
    const mg_publish_hotspot *hotspots; /* may be NULL */
    size_t n_hotspots;
    /*
     * Trusted Markdown rendered by memgate itself (memgate check's markdown report),
     * used as this workload's section instead of the built-in table. NULL = render
     * the table from metrics. Never set this from a result file.
     */
    const char *markdown;
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
    unsigned flags;             /* enum mg_publish_flags */
    enum mg_comment_mode comment;
    const char *sticky_key;     /* NULL: the workload name, or "combined" for several */
    uint64_t number;            /* PR/MR number; 0 = from the CI environment */
    const char *sha;            /* commit for statuses; NULL = from the CI environment */
    mg_publish_trace_fn trace;  /* NULL = no trace */
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
