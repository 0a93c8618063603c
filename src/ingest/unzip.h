/* Private to the loader: reading gzip- or zstd-compressed input as a plain stream. */
#ifndef MEMGATE_UNZIP_H
#define MEMGATE_UNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct mg_unzip;

/* Whether the first n bytes start a gzip member / a zstd frame. */
bool mg_unzip_is_gzip(const char *head, size_t n);
bool mg_unzip_is_zstd(const char *head, size_t n);

/*
 * A FILE that yields the decompressed bytes of (head, then the rest of in);
 * NULL when out of memory. *u tells why decompression failed; it lives until
 * the FILE is closed. in stays the caller's.
 */
FILE *mg_unzip_open(FILE *in, const char *head, size_t head_len, struct mg_unzip **u);

/* Why the data could not be decompressed, or NULL while all is well. */
const char *mg_unzip_failure(const struct mg_unzip *u);

#endif
