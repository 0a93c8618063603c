/* Private: make byte strings valid UTF-8 (Valgrind writes raw Latin-1 paths into frame strings). */
#ifndef MEMGATE_UTF8_H
#define MEMGATE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* true when s[0..len) is valid UTF-8 */
bool mg_utf8_valid(const char *s, size_t len);

/*
 * A malloc'd NUL-terminated copy of s[0..len) in which every byte that is not
 * part of a valid UTF-8 sequence is replaced by U+FFFD. NULL when out of memory.
 */
char *mg_utf8_sanitize(const char *s, size_t len);

#endif
