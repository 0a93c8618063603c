/*
 * Private: the call stacks of a heaptrack data file. Its 's' lines are the
 * string table, 'i' lines the instruction pointers (module, and the frame
 * plus the frames inlined into it, innermost first), 't' lines the trace tree
 * (an instruction pointer and the parent trace). An allocation info ('a' line)
 * names a trace; the stack of trace T is T's frames, then its parent's, up to
 * the root (trace 0, the empty stack). See docs/formats.md, "heaptrack".
 */
#ifndef MEMGATE_HEAPTRACK_TREE_H
#define MEMGATE_HEAPTRACK_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/hotspot.h"
#include "memgate/error.h"

struct ht_ip;
struct ht_trace;

typedef struct mg_ht_tree {
    const char *source;
    bool sized_strings; /* file format 3: "s LEN STRING" */
    char *text;         /* the strings, back to back */
    size_t text_len, text_cap;
    size_t *str_off;
    size_t n_str, str_cap;
    struct ht_ip *ips;
    size_t n_ips, ips_cap;
    uint64_t *fr; /* frames of the ips: (function, file, line) triples */
    size_t n_fr, fr_cap;
    struct ht_trace *traces;
    size_t n_traces, traces_cap;
} mg_ht_tree;

/* A zeroed tree is empty; release frees it. */
void mg_ht_tree_release(mg_ht_tree *t);
/* The 's', 'i' and 't' lines (s: the whole line, no: its number for messages). */
int mg_ht_tree_string(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err);
int mg_ht_tree_ip(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err);
int mg_ht_tree_trace(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err);

/*
 * The stack store's frames and stacks: w[MG_W_COUNT_ * T + k] is weight k of
 * trace T (0 .. n_traces); traces without weight are left out.
 */
int mg_ht_tree_emit(const mg_ht_tree *t, const uint64_t *w, mg_hotspot_agg *agg, mg_error *err);

#endif
