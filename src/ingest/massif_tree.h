/*
 * Private: the heap tree of massif's peak snapshot (massif.out's
 * heap_tree=peak, or the tree ms_print draws under that snapshot) into the
 * stack store. The tree's root is all heap bytes; each child an allocation
 * site, its children their callers: a path from the root down is a stack,
 * innermost first. What a node holds beyond its children's sum is a stack
 * ending at that node, so the stacks sum to the snapshot's useful heap.
 * Weights: MG_W_PEAK only (massif counts no allocations).
 */
#ifndef MEMGATE_MASSIF_TREE_H
#define MEMGATE_MASSIF_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/hotspot.h"
#include "strmap.h"

#define MG_MASSIF_BELOW "[below massif's threshold]"

struct massif_node {
    uint32_t frame;
    uint64_t bytes, children;
};

typedef struct mg_massif_tree {
    const char *source;
    mg_hotspot_agg agg;
    mg_strmap frames;         /* frame text -> id */
    struct massif_node *path; /* path[0] is the root */
    size_t depth, cap;
    uint32_t *fs;
    size_t fs_cap;
    bool any;
} mg_massif_tree;

void mg_massif_tree_init(mg_massif_tree *t, const char *source, const mg_load_options *opts);
void mg_massif_tree_release(mg_massif_tree *t);
/*
 * The next node in the file's (pre-)order: its depth (0 = the root), bytes and
 * frame text (NULL for the root; a below-threshold entry passes
 * MG_MASSIF_BELOW). no: the line, for messages.
 */
int mg_massif_tree_node(mg_massif_tree *t, size_t depth, uint64_t bytes, const char *text,
                        size_t len, unsigned long no, mg_error *err);
/* The tree is complete: its stacks and the profile's hotspots (none when there was no tree). */
int mg_massif_tree_finish(mg_massif_tree *t, mg_profile *p, const mg_load_options *opts,
                          mg_error *err);

#endif
