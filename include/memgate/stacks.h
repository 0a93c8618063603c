/*
 * Call stacks of a profile and the rule that attributes each to one frame.
 *
 * Every reader whose format records stacks (dhat JSON, heaptrack, massif and
 * their printed forms) fills one mg_stacks: the frame table (each entry once)
 * and the unique call stacks, innermost frame first, each with what was
 * allocated under it. Hotspot rankings, lines, chains, folded stacks, the
 * baseline's stacks and flame graphs are all views of it.
 *
 * Memory stays bounded on huge files: at most MG_STACKS_MAX_KEPT stacks and
 * MG_STACKS_MAX_FRAMES_KEPT frame references are kept; when that is reached
 * the lighter half (by the larger of its shares of total and peak bytes) is
 * dropped and its weight moves to mg_stacks_dropped(), so sums stay exact.
 */
#ifndef MEMGATE_STACKS_H
#define MEMGATE_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"
#include "memgate/profile.h"

#define MG_STACKS_MAX_KEPT 16384u
#define MG_STACKS_MAX_FRAMES_KEPT (1u << 20)

/* The weights of one stack (or of a group of them). */
enum mg_weight {
    MG_W_TOTAL, /* total bytes allocated */
    MG_W_PEAK,  /* bytes live at t-gmax (the global peak) */
    MG_W_COUNT, /* allocations (blocks) */
    MG_W_END,   /* bytes still live at exit, when the format knows them */
    MG_W_COUNT_
};
const char *mg_weight_name(enum mg_weight w); /* "total", "peak", "count", "end" */

typedef struct mg_stacks mg_stacks;

/* One unique stack; frames are ids into the frame table, innermost (allocation site) first. */
typedef struct mg_stack {
    const uint32_t *frames;
    size_t depth;
    uint64_t w[MG_W_COUNT_];
} mg_stack;

/*
 * One frame-table entry, split. Pointers borrow from the stacks object; the
 * parts are not NUL-terminated (use the lengths). A frame without a source
 * location has file_len 0 and line 0; one located only in an object
 * ("in /usr/bin/sort") has object set instead.
 */
typedef struct mg_frame {
    const char *text; /* the whole entry as the file gave it, NUL-terminated */
    const char *function;
    size_t function_len;
    const char *file; /* source path without ":LINE:COL" */
    size_t file_len;
    unsigned line, column;
    const char *object;
    size_t object_len;
} mg_frame;

/* ---- building (readers, and the baseline code re-reading stored stacks) ---- */

int mg_stacks_new(mg_stacks **out, mg_error *err);
void mg_stacks_free(mg_stacks *s); /* NULL is a no-op */
/* Append the next frame-table entry (raw bytes; a NUL becomes '?'); its id is the count before. */
int mg_stacks_add_frame(mg_stacks *s, const char *text, size_t len, mg_error *err);
/*
 * Add weights to the stack frames[0..depth) (ids < mg_stacks_frame_count),
 * merged with an equal stack already present. MG_E_OVERFLOW on a sum past 64 bits.
 */
int mg_stacks_add(mg_stacks *s, const uint32_t *frames, size_t depth, const uint64_t w[MG_W_COUNT_],
                  mg_error *err);
/* Whether MG_W_END is known for this profile (set by readers whose format records it). */
void mg_stacks_set_has_end(mg_stacks *s, bool has_end);

/* ---- reading ---- */

/* The profile's stacks, or NULL when its format records none (GNU time, jemalloc, summaries). */
const mg_stacks *mg_profile_stacks(const mg_profile *p);

size_t mg_stacks_count(const mg_stacks *s);
size_t mg_stacks_frame_count(const mg_stacks *s);
void mg_stacks_get(const mg_stacks *s, size_t i, mg_stack *out);
void mg_stacks_frame(const mg_stacks *s, uint32_t id, mg_frame *out);
bool mg_stacks_has_end(const mg_stacks *s);
/* Sum over every stack added (kept or dropped): the profile's totals. */
void mg_stacks_totals(const mg_stacks *s, uint64_t w[MG_W_COUNT_]);
/* What was dropped to stay within the bounds (zero when nothing was); returns the stack count. */
uint64_t mg_stacks_dropped(const mg_stacks *s, uint64_t w[MG_W_COUNT_]);

/* ---- attribution: stack -> the frame a hotspot is named after ---- */

/*
 * MG_ATTR_OWN (the default) takes the first frame, innermost first, of the
 * program's own code:
 *  - Rust: the first frame whose crate is neither a runtime crate (std, core,
 *    alloc, hashbrown, dhat, backtrace, ...) nor third-party (a crate seen
 *    anywhere in the frame table with a versioned path such as
 *    serde_json-1.0.87/src/...), skipping <X as core::/alloc::/std::/serde::...>
 *    impls, derive-generated code (_::<impl ...>) and Valgrind's shortened
 *    names of inlined functions (no "::" path: with_capacity_in<u8,...>,
 *    UnknownInlinedFun). Pinned own crates (--own-crate) replace the inference.
 *  - C/C++: the first frame in the main executable (an object that is not a
 *    shared library), or in the source directory of the program's main().
 *  Fallbacks, in order: a stack cut before any own frame (its outermost
 *  frame is no program entry such as main or a thread start) goes to its
 *  outermost frame, MG_ATTR_HOW_TRUNCATED; no own frame at all goes to the
 *  first frame outside allocator machinery and the language runtime,
 *  MG_ATTR_HOW_NON_RUNTIME; else the allocation site, MG_ATTR_HOW_ALLOC_SITE.
 * MG_ATTR_SKIP_STD, MG_ATTR_ALLOC_SITE and MG_ATTR_FIRST_FRAME are the older
 * rules (see mg_hotspot_rule_text).
 */
enum mg_attr_how {
    MG_ATTR_HOW_OWN,           /* an own-code frame */
    MG_ATTR_HOW_TRUNCATED,     /* stack cut before any own frame: its outermost frame */
    MG_ATTR_HOW_NON_RUNTIME,   /* no own frame: first frame outside machinery and runtime */
    MG_ATTR_HOW_ALLOC_SITE,    /* first frame that is not allocator machinery */
    MG_ATTR_HOW_FIRST,         /* the innermost frame (first-frame rule) */
    MG_ATTR_HOW_ALL_MACHINERY, /* every frame is machinery: no frame */
    MG_ATTR_HOW_EMPTY          /* no frames */
};

typedef struct mg_attr_result {
    long frame;      /* index in the stack of the attributed frame, or -1 */
    long alloc_site; /* index of the first non-machinery frame, or -1 */
    enum mg_attr_how how;
} mg_attr_result;

typedef struct mg_attr_options {
    enum mg_attribution mode;
    const char *const *own_crates; /* pinned own crates (borrowed); none: inferred */
    size_t n_own_crates;
    const char *const *skip_frames; /* extra machinery prefixes (borrowed) */
    size_t n_skip_frames;
    /* --group-by crate: a stack is named after its library (mg_stack_library), not a frame */
    bool by_library;
} mg_attr_options;

/* Per-frame classes for one frame table; build it once per stacks object. */
typedef struct mg_attributor mg_attributor;

/*
 * Classify every frame of s (the options are copied, strings borrowed).
 * Frames added to s later are classified by mg_attributor_sync.
 */
int mg_attributor_new(mg_attributor **out, const mg_stacks *s, const mg_attr_options *o,
                      mg_error *err);
int mg_attributor_sync(mg_attributor *a, const mg_stacks *s, mg_error *err);
void mg_attributor_free(mg_attributor *a);
/* Attribute one stack (ids classified by this attributor). Pure: any thread may call it. */
void mg_attribute(const mg_attributor *a, const uint32_t *frames, size_t depth,
                  mg_attr_result *out);
/* Whether a frame is allocator machinery / the program's own code, under a's rules. */
bool mg_attributor_is_machinery(const mg_attributor *a, uint32_t frame);
bool mg_attributor_is_own(const mg_attributor *a, uint32_t frame);
/* Third-party code: not own, not the runtime, not machinery, and with a library name. */
bool mg_attributor_is_library(const mg_attributor *a, const mg_stacks *s, uint32_t frame);
/*
 * A frame's function without paths and generics, for chains:
 * "core::iter::traits::iterator::Iterator::collect" -> "Iterator::collect",
 * "<alloc::vec::Vec<T> as core::iter::FromIterator<T>>::from_iter" -> "Vec::from_iter".
 */
const char *mg_frame_short_name(const mg_frame *f, char *buf, size_t size);
/*
 * The library a frame belongs to: a Rust crate ("serde_json"), a shared
 * object's file name ("libjq.so.1.0.4") or NULL when it has none. Written to
 * buf (size bytes).
 */
const char *mg_frame_library(const mg_frame *f, char *buf, size_t size);
/*
 * The library a stack's bytes are allocated through, for --group-by crate:
 * the library of its first frame (innermost first) of own or third-party code
 * ("serde_json", "libjq.so.1.0.4", the own crate "wordfreq", a main
 * executable's file name), "[program]" for own code without one (C/C++ located
 * by source file); failing that the first non-machinery frame's library
 * ("std", "libc.so.6"); else "[no library]". Returns the index of the frame
 * that decided, or -1. Written to buf.
 */
long mg_stack_library(const mg_attributor *a, const mg_stacks *s, const uint32_t *frames,
                      size_t depth, char *buf, size_t size);
/*
 * The name a frame is ranked under: its function, or for a stripped frame
 * "??? in /usr/bin/sort" so objects are never merged. Written to buf.
 */
const char *mg_frame_label(const mg_frame *f, char *buf, size_t size);

/* "own", "skip-std", "alloc-site", "first-frame"; and back (also "skip-alloc"). */
const char *mg_attribution_name(enum mg_attribution a);
bool mg_attribution_from_name(const char *name, enum mg_attribution *out);
const char *mg_attr_how_name(enum mg_attr_how h); /* "own", "truncated", ... */

#endif
