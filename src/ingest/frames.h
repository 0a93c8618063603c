/* Private: the frame rules (machinery, std, clone, test) hotspot attribution applies. */
#ifndef MEMGATE_FRAMES_H
#define MEMGATE_FRAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/profile.h"

/*
 * Split a frame string "0xADDR: NAME (LOCATION)" into the function name and
 * location (both point into frame; location may be empty).
 */
void mg_frame_split(const char *frame, size_t len, const char **name, size_t *name_len,
                    const char **loc, size_t *loc_len);

/* true when the frame is allocator machinery (see mg_hotspot_rule_text). */
bool mg_frame_is_machinery(const char *name, size_t name_len, const char *loc, size_t loc_len);
/* Rust standard-library frame (the skip_std rule). */
bool mg_frame_is_std(const char *name, size_t name_len);
/* A clone-like frame: Clone::clone, to_vec, to_owned, to_string, ... in Rust code. */
bool mg_frame_is_clone(const char *name, size_t name_len, const char *loc, size_t loc_len);
/* The spec's is_test_file rule applied to a frame's source location. */
bool mg_frame_in_test_file(const char *loc, size_t loc_len);
/* The user's --skip-frame / MEMGATE_SKIP_FRAMES prefixes (opts may be NULL). */
bool mg_frame_user_skip(const mg_load_options *opts, const char *name, size_t name_len);

#endif
