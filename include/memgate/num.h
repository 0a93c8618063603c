/* Checked integer arithmetic, bounded number parsing, human-readable sizes. */
#ifndef MEMGATE_NUM_H
#define MEMGATE_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

/* a + b and a * b into *out; return false (and leave *out alone) on overflow. */
bool mg_u64_add(uint64_t a, uint64_t b, uint64_t *out);
bool mg_u64_mul(uint64_t a, uint64_t b, uint64_t *out);

/*
 * Parse a whole string as a decimal uint64_t no larger than max. Rejects the
 * empty string, a sign, white space, trailing junk and overflow. The error
 * message names what was expected; the caller adds the position.
 */
int mg_parse_u64(const char *str, uint64_t max, uint64_t *out, mg_error *err);

/* Same for lower- or upper-case hexadecimal without "0x" (heaptrack data files). */
int mg_parse_hex_u64(const char *str, uint64_t max, uint64_t *out, mg_error *err);

/*
 * Parse the first len bytes of s as a decimal count that may use ',' thousands
 * separators ("6,300,564" or "6300564"). Separators must group by three.
 */
int mg_parse_grouped_u64(const char *s, size_t len, uint64_t *out, mg_error *err);

/*
 * Parse a size: an integer or decimal number followed by an optional unit
 * B, KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024), case of
 * the unit letters as written here ("k" and "kb" are accepted too). "1.5MiB"
 * is 1572864. The result is rounded down to whole bytes.
 */
int mg_parse_size(const char *str, uint64_t *out, mg_error *err);

/*
 * Parse a percentage "5", "5%", "2.5%" into hundredths of a percent (basis
 * points): "2.5%" -> 250. At most two decimals.
 */
int mg_parse_percent(const char *str, uint64_t *out_bp, mg_error *err);

/* "3.28 MiB", "512 B": binary units, three significant digits. */
void mg_format_size(uint64_t bytes, char *out, size_t size);

/* "6,300,564": thousands separators for counts. */
void mg_format_count(uint64_t n, char *out, size_t size);

#endif
