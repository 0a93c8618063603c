/*
 * Private: a bounded decoder for pprof's profile.proto (docs/formats.md, "pprof").
 *
 * Only the wire format's four wire types are read (varint, fixed64,
 * length-delimited, fixed32); groups are refused. Every message is decoded
 * by its own loop, so nesting is at most Profile > Location > Line: no
 * recursion on input. Arrays grow with the input and each element costs at
 * least one input byte, so memory is bounded by a small multiple of the
 * (already size-capped) decompressed profile. Strings are not copied: they
 * point into the input, which must outlive the decoded profile.
 */
#ifndef MEMGATE_PPROF_PROTO_H
#define MEMGATE_PPROF_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

typedef struct mg_pprof_line {
    size_t function; /* index into functions (resolved from function_id), or SIZE_MAX */
    int64_t line;
} mg_pprof_line;

typedef struct mg_pprof_location {
    uint64_t id, address;
    size_t line_off, n_lines; /* into lines, innermost (inlined) first as pprof stores them */
} mg_pprof_location;

typedef struct mg_pprof_function {
    uint64_t id;
    int64_t name, filename; /* string-table indices */
} mg_pprof_function;

typedef struct mg_pprof_sample {
    size_t loc_off, n_locs; /* into locs: location indices, leaf first */
    size_t value_off;       /* into values: n_types values */
} mg_pprof_sample;

typedef struct mg_pprof {
    int64_t (*types)[2]; /* sample_type: (type, unit) string indices */
    size_t n_types, types_cap;
    mg_pprof_sample *samples;
    size_t n_samples, samples_cap;
    size_t *locs; /* sample location indices, back to back (ids until resolved) */
    size_t n_locs, locs_cap;
    int64_t *values;
    size_t n_values, values_cap;
    mg_pprof_location *locations;
    size_t n_locations, locations_cap;
    mg_pprof_line *lines;
    size_t n_lines, lines_cap;
    uint64_t *line_fn_ids; /* function_id of each line until resolved */
    mg_pprof_function *functions;
    size_t n_functions, functions_cap;
    size_t *str_off, *str_len; /* string table: offsets into the input */
    size_t n_strings, strings_cap;
    const char *data;
    int64_t period_type[2];
    bool has_period_type;
    int64_t period, default_sample_type, time_nanos, duration_nanos;
} mg_pprof;

/*
 * Decode a whole (decompressed) profile.proto message. Errors name the byte
 * offset and what was expected; a reference to a missing location, function
 * or string is an error too. p is released on failure as well.
 */
int mg_pprof_decode(mg_pprof *p, const char *data, size_t len, const char *source, mg_error *err);
void mg_pprof_release(mg_pprof *p);

/* String idx of the table (idx was checked by mg_pprof_decode); *len set. */
const char *mg_pprof_string(const mg_pprof *p, int64_t idx, size_t *len);

/* Whether the first len bytes look like the start of a Profile message (for detection). */
bool mg_pprof_looks_like(const char *head, size_t len);

#endif
