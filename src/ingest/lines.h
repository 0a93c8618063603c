/* Private: walking text inputs line by line, and small number scanners shared by text parsers. */
#ifndef MEMGATE_LINES_H
#define MEMGATE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One line without its "\n" or "\r\n"; no is 1-based. Not NUL-terminated. */
typedef struct mg_line {
    const char *s;
    size_t len;
    unsigned long no;
} mg_line;

typedef struct mg_lines {
    const char *data;
    size_t len, pos;
    unsigned long no;
} mg_lines;

void mg_lines_init(mg_lines *it, const char *data, size_t len);
bool mg_lines_next(mg_lines *it, mg_line *out);

bool mg_line_starts(const mg_line *l, const char *prefix);
/* Position of needle in the line, or NULL. */
const char *mg_line_find(const mg_line *l, const char *needle);
/* 1-based column of p inside l. */
unsigned long mg_line_col(const mg_line *l, const char *p);

/* First line (from the start of data) that starts with / contains the text. */
bool mg_text_has_line_start(const char *data, size_t len, const char *prefix);

/*
 * Scan decimal digits at s[0..n): *used = digits consumed (0 = none).
 * Returns false on overflow of uint64_t.
 */
bool mg_scan_u64(const char *s, size_t n, size_t *used, uint64_t *out);
/* Same, allowing ',' thousands separators (grouping is not checked strictly). */
bool mg_scan_grouped_u64(const char *s, size_t n, size_t *used, uint64_t *out);
/* Hexadecimal digits (heaptrack data files). */
bool mg_scan_hex_u64(const char *s, size_t n, size_t *used, uint64_t *out);

/*
 * "12.345" at s -> value * 10^scale (truncated), e.g. seconds with scale 6 =
 * microseconds. *used = bytes consumed; false when no digits or overflow.
 */
bool mg_scan_decimal_scaled(const char *s, size_t n, unsigned scale, size_t *used, uint64_t *out);

#endif
