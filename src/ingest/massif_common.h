/* Private: the snapshot table shared by the massif.out and ms_print parsers. */
#ifndef MEMGATE_MASSIF_COMMON_H
#define MEMGATE_MASSIF_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "ingest/ingest.h"

typedef struct mg_massif_snap {
    uint64_t n, time, heap, extra, stacks;
    bool peak; /* heap_tree=peak, or "(peak)" in ms_print's list */
} mg_massif_snap;

typedef struct mg_massif {
    mg_massif_snap *snaps;
    size_t n, cap;
    char time_unit[16];
    char *cmd;
} mg_massif;

int mg_massif_push(mg_massif *m, const mg_massif_snap *s, mg_error *err);
void mg_massif_release(mg_massif *m);
/*
 * Metrics and extras from the snapshots. The gate's peak_memory_bytes is the
 * highest useful heap (mem_heap_B: requested bytes, the same quantity as
 * DHAT's t-gmax and heaptrack's peak); the snapshot with the highest
 * heap + extra + stacks (massif's own peak, what ms_print draws) and its parts
 * are extras.
 */
int mg_massif_fill(const mg_massif *m, mg_profile *p, const char *producer, mg_error *err);

#endif
