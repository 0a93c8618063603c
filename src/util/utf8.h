/* Private: make byte strings valid UTF-8 (Valgrind writes raw Latin-1 paths into frame strings). */
#ifndef MEMGATE_UTF8_H
#define MEMGATE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4; no overlong form, surrogate or
 * code point past U+10FFFF), reading at most n bytes; 0 when it is not valid.
 */
size_t mg_utf8_seq_len(const unsigned char *s, size_t n);

/* The length a lead byte announces (1-4), for text already known to be valid UTF-8. */
size_t mg_utf8_lead_len(unsigned char c);

/* Encode a Unicode scalar value (not a surrogate, at most U+10FFFF); returns 1-4 bytes written. */
size_t mg_utf8_encode(uint32_t cp, char out[4]);

/* true when s[0..len) is valid UTF-8 */
bool mg_utf8_valid(const char *s, size_t len);

/*
 * A malloc'd NUL-terminated copy of s[0..len) in which every byte that is not
 * part of a valid UTF-8 sequence is replaced by U+FFFD. NULL when out of memory.
 */
char *mg_utf8_sanitize(const char *s, size_t len);

/*
 * The same, and control characters (C0, DEL, C1: newline, ESC, BEL, ...) become
 * U+FFFD too. For text from a profile that reports print: a function name
 * holding "\n::error::" or an escape sequence must not forge a CI workflow
 * command, a log line or terminal output.
 */
char *mg_utf8_sanitize_display(const char *s, size_t len);

/*
 * The one UTF-8-safe cut: the length of the longest prefix of s[0..len) that
 * does not end inside a UTF-8 sequence (reads only s[0..len)).
 */
size_t mg_utf8_prefix(const char *s, size_t len);

/*
 * s in at most width bytes: whole when it fits (or width < 9), else its head,
 * "..." and its tail, cut on character boundaries.
 */
void mg_utf8_fit(const char *s, size_t width, char *out, size_t size);

#endif
