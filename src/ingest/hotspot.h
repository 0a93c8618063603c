/* Private: attribute dhat program points to functions and rank them. */
#ifndef MEMGATE_HOTSPOT_H
#define MEMGATE_HOTSPOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/profile.h"
#include "strmap.h"

/*
 * Split a frame string "0xADDR: NAME (LOCATION)" into the function name and
 * location (both point into frame; location may be empty).
 */
void mg_frame_split(const char *frame, size_t len, const char **name, size_t *name_len,
                    const char **loc, size_t *loc_len);

/* true when the frame is allocator machinery (see mg_hotspot_rule_text). */
bool mg_frame_is_machinery(const char *name, size_t name_len, const char *loc, size_t loc_len);

/* Accumulates per-function sums; a stack value: init/release. */
typedef struct mg_hotspot_agg {
    mg_strmap index; /* function name -> slot in rows */
    mg_hotspot *rows;
    size_t n, cap;
} mg_hotspot_agg;

void mg_hotspot_agg_init(mg_hotspot_agg *agg);
void mg_hotspot_agg_release(mg_hotspot_agg *agg);
/* Find or create the row of a function; *row stays valid until take(). */
int mg_hotspot_agg_intern(mg_hotspot_agg *agg, const char *fn, size_t fn_len, size_t *row,
                          mg_error *err);
/* Add one program point's numbers to a row. */
int mg_hotspot_agg_add_row(mg_hotspot_agg *agg, size_t row, uint64_t tb, uint64_t tbk,
                           uint64_t gb, uint64_t eb, mg_error *err);
int mg_hotspot_agg_add(mg_hotspot_agg *agg, const char *fn, size_t fn_len, uint64_t tb,
                       uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err);
/*
 * Sort by total bytes (descending, ties by name) and move the first top_n rows
 * into *out (owned by the caller: free each function and the array).
 */
int mg_hotspot_agg_take(mg_hotspot_agg *agg, size_t top_n, mg_hotspot **out, size_t *n,
                        mg_error *err);

#endif
