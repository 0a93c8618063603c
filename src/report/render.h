/* Private: the Markdown memgate posts (comment, job summary) and the escaping it relies on. */
#ifndef MEMGATE_REPORT_RENDER_H
#define MEMGATE_REPORT_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/publish.h"
#include "mdescape.h"
#include "utf8.h"

/* Separates the comparable body from the footer (run link), which changes every run. */
#define MG_MD_FOOTER_MARK "<!-- memgate:footer -->"

/* Cells stay readable; the whole comment must also fit GitHub's 65,536 characters. */
#define NAME_MAX_BYTES 64
#define FUNCTION_MAX_BYTES 120
#define TEXT_MAX_BYTES 400
#define CULPRIT_MAX_BYTES 1024
#define HOTSPOTS_SHOWN 5

/* "pass", "warn" or "fail": the worst verdict of all workloads. */
const char *mg_md_overall(const mg_publish_request *req);

/* What the reader sees: the overall verdict, "accepted" for a pass by a reviewed exception. */
const char *mg_md_overall_word(const mg_publish_request *req);

/* "pass", "warn", "fail" or "accepted" (a pass because a reviewed exception accepted a fail). */
const char *mg_md_verdict_word(const mg_publish_workload *w);

/* The "What now" steps a workload's verdict calls for (render_words.c). */
typedef struct mg_next_steps {
    bool failing;             /* fail, warn or needs review: fix the code, or accept it */
    const char *record_title; /* "Improved?", "Intended for good?", "Accepted:"; NULL: none */
    const char *record_text;  /* what follows the title: "Lock it in (a ratchet): record" */
} mg_next_steps;

/* false when the verdict (word: mg_md_verdict_word) calls for no next step. */
bool mg_md_next_steps(const mg_publish_workload *w, const char *word, mg_next_steps *out);

/* The icon of a verdict word or a row status (pass/ok, warn, fail, accepted, improved, absent). */
const char *mg_md_badge(const char *word);

/*
 * One workload's section: context line, culprit, metric table (failing rows
 * first), reasons, exception, hotspots, history charts, and "what now".
 */
int mg_md_workload(mg_buf *out, const mg_publish_workload *w, mg_error *err);

/* The Mermaid history charts (peak and total) of a workload; nothing without history. */
int mg_md_charts(mg_buf *out, const mg_publish_workload *w, mg_error *err);

/* The sticky key: req->sticky_key, the single workload's name, or "combined"; made safe. */
void mg_md_sticky_key(const mg_publish_request *req, char *out, size_t size);

/* "<!-- memgate:sticky v1 key=KEY -->" */
void mg_md_marker(const char *key, char *out, size_t size);

/*
 * The report: a heading with the verdict, then one table (one workload) or a
 * summary table plus a section per workload. sha (may be NULL) is named in the
 * heading line. Appends to out.
 */
int mg_md_body(mg_buf *out, const mg_publish_request *req, const char *sha, mg_error *err);

/* MG_MD_FOOTER_MARK, then a small line with the memgate version and the run link. */
int mg_md_footer(mg_buf *out, const char *run_url, mg_error *err);

/*
 * Keep body->len <= max_bytes: cut at a line boundary (UTF-8 safe) and append
 * notice, a line explaining where the full report is. No-op when it fits.
 */
void mg_md_cap(mg_buf *body, size_t max_bytes, const char *notice);

#endif
