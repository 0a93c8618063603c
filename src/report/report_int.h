/* Private to the report writers: wording and number formatting every format shares. */
#ifndef MEMGATE_REPORT_INT_H
#define MEMGATE_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/report.h"

/* A metric value in its unit: sizes for bytes, "2.77 s" for runtime, counts with separators. */
void rep_amount(enum mg_metric m, uint64_t v, char *out, size_t size);

/* "+14.4 MiB", "-1,024", "0" */
void rep_signed(enum mg_metric m, bool negative, uint64_t v, char *out, size_t size);

/* "PASS", "WARN", "FAIL"; an accepted regression is "PASS" too (the detail says accepted). */
const char *rep_verdict_word(const mg_verdict *v);

/* "2 metrics regressed past the limit", "no regression; 1 metric improved", ... */
void rep_verdict_detail(const mg_verdict *v, char *out, size_t size);

/*
 * Why a row has its status, as a sentence without the metric name:
 * "grew +14.4 MiB (+441.5%), more than +10% & +64.0 KiB". "" for ok rows.
 */
void rep_row_reason(const mg_row *r, const mg_verdict *v, char *out, size_t size);

/* How hotspots were attributed, for report headings: "own code", "skip-std", ... */
const char *rep_attribution_label(enum mg_attribution a);

/*
 * Append text wrapped at 78 columns, every line starting with indent spaces. A word longer than
 * a line runs over whole; REP_NOBREAK (see rep_nobreak) is printed as a space that never breaks.
 */
int rep_wrap(mg_buf *b, unsigned indent, const char *text, mg_error *err);

/* The notices block in text (wrapped lines under each title); "" when there are none. */
int rep_notices_text(mg_buf *b, const mg_report_input *in, mg_error *err);

#define REP_NOBREAK '\x1f'

/*
 * s (a file path) as one word for rep_wrap: its blanks become REP_NOBREAK, so a checkout path
 * with a space is never split over two lines (it could not be copied back).
 */
void rep_nobreak(const char *s, char *out, size_t size);

/* Does the verdict propose a tighter baseline (improved and nothing failing or warning)? */
bool rep_ratchet(const mg_report_input *in);

/*
 * The culprit line of one metric: "peak_memory_bytes +14.5 MiB: 93% from
 * wordfreq::count_words (src/bin/wordfreq.rs:27)", or why it cannot be
 * attributed. rep_culprit_cause is the part after the colon.
 */
void rep_culprit_line(const mg_culprit *c, char *out, size_t size);
void rep_culprit_cause(const mg_culprit *c, char *out, size_t size);
/* The culprit computed for metric m, or NULL. */
const mg_culprit *rep_culprit_of(const mg_report_input *in, enum mg_metric m);

/* The largest current value the row's fail limit lets pass; false when no limit bounds it. */
bool rep_fail_above(const mg_row *r, uint64_t *out);

#endif
