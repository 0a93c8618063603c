/* Private: untrusted strings into Markdown and HTML, shared by report/ (report_md) and ci/. */
#ifndef MEMGATE_UTIL_MDESCAPE_H
#define MEMGATE_UTIL_MDESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"

/*
 * An untrusted string as an inline code span: backticks become ', control bytes
 * and newlines become spaces, '|' is escaped inside tables, and at most max_bytes
 * bytes are kept (never cutting a UTF-8 sequence). Code spans neither link nor
 * mention (@user) nor render HTML.
 */
int mg_md_code(mg_buf *out, const char *s, size_t max_bytes, bool in_table, mg_error *err);

/*
 * The one escaper for untrusted plain text in Markdown (reasons, accept sources,
 * notices): every character Markdown or HTML acts on is backslash-escaped, control
 * bytes become spaces, and a zero-width space breaks @mentions, #refs, mail
 * addresses and autolinks (https://, www.). At most max_bytes bytes are kept
 * (never cutting a UTF-8 sequence), then "...".
 */
int mg_md_text(mg_buf *out, const char *s, size_t max_bytes, mg_error *err);

/* The same string as HTML text (for <summary>): & < > " ' escaped, links and mentions broken. */
int mg_md_html(mg_buf *out, const char *s, size_t max_bytes, mg_error *err);

#endif
