/*
 * Private: the backtraces heaptrack_print lists under "MOST CALLS TO
 * ALLOCATION FUNCTIONS" and "PEAK MEMORY CONSUMERS", into the profile's
 * stack store. See docs/formats.md, "heaptrack_print".
 */
#ifndef MEMGATE_HEAPTRACK_PRINT_STACKS_H
#define MEMGATE_HEAPTRACK_PRINT_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/ingest.h"

/*
 * A heaptrack size at s: "153.15M", "544B", "12.87MB" (older versions),
 * 1000-based units, two decimals; *out is the printed number times its unit.
 * *used = bytes consumed (the unit and an optional trailing 'B' included).
 * false when s holds no such size, or on overflow (*used > 0 then).
 */
bool mg_htp_scan_size(const char *s, size_t n, size_t *used, uint64_t *out);

/*
 * Each listed backtrace once, weighted by its calls and its bytes at the peak
 * as printed. heaptrack_print lists only the heaviest ones, so what it left out
 * of the summary's calls and peak is one stack of its own
 * ("[not listed by heaptrack_print]"): the stacks sum to the summary.
 */
int mg_htp_stacks(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                  mg_error *err);

#endif
