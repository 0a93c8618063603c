/*
 * Private: frame texts for heaptrack's frames (data file and heaptrack_print),
 * in the "0xADDR: NAME (LOCATION)" form every stack reader uses, so the
 * attribution rules (memgate/stacks.h) apply to them unchanged.
 */
#ifndef MEMGATE_HEAPTRACK_FRAMES_H
#define MEMGATE_HEAPTRACK_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/buf.h"
#include "memgate/error.h"

/* One frame as heaptrack knows it; lengths 0 for what is unknown. */
typedef struct mg_ht_frame {
    bool has_addr;
    uint64_t addr;
    const char *name, *file, *module;
    size_t name_len, file_len, module_len;
    uint64_t line;
} mg_ht_frame;

/*
 * Append the frame's text to b. The name is demangled where heaptrack left
 * Rust's legacy escapes ("_$LT$T$u20$as$u20$..$GT$::f::h0123...") and has no
 * name: "???". The location is FILE:LINE, except that a frame in a shared
 * object is located by that object ("in /lib/libc.so.6") so the C/C++ rule and
 * --group-by crate see the library; a frame without a file also gets its object.
 */
int mg_ht_frame_text(mg_buf *b, const mg_ht_frame *f, mg_error *err);

#endif
