/* Private to the ingest layer: the profile's fields, building one, and the format registry. */
#ifndef MEMGATE_INGEST_H
#define MEMGATE_INGEST_H

#include <stdio.h>

#include "memgate/buf.h"
#include "memgate/profile.h"
#include "memgate/stacks.h"

#define MG_MAX_EXTRAS 24

struct mg_profile {
    char *source;
    char *format;     /* MG_FORMAT_* name */
    char *producer;   /* "dhat-rs", "valgrind-dhat", ... */
    char *mode_label; /* as the file states it */
    char *command;
    char *note;
    enum mg_profile_mode mode;
    mg_metrics metrics;
    bool has_raw_total;
    uint64_t raw_amount, raw_count;
    mg_hotspot *rank[MG_RANK_COUNT]; /* top-N per ranking */
    size_t n_rank[MG_RANK_COUNT];
    uint64_t whole[MG_RANK_COUNT]; /* what shares are relative to */
    bool has_whole;
    mg_stacks *stacks;               /* NULL: the format records no stacks */
    enum mg_attribution attribution; /* the rule the rankings were made with */
    enum mg_group_by group_by;       /* and what their rows are */
    uint64_t excluded_pps;
    char *gate_note;
    mg_profile_extra extras[MG_MAX_EXTRAS];
    size_t n_extras;
};

/* A new empty profile named source (display-safe copy); the caller owns it. */
int mg_profile_new(mg_profile **out, const char *source, mg_error *err);

/* Load from an open stream (already positioned at the start); shown names it in messages. */
int mg_profile_load_file(mg_profile **out, FILE *f, const char *shown, const mg_load_options *opts,
                         mg_error *err);

/* Record an informational value (key/unit/label are static strings); extra ones are dropped. */
void mg_profile_add_extra(mg_profile *p, const char *key, uint64_t value, const char *unit,
                          const char *label);

/* Replace *field with a display-safe copy of value (see mg_utf8_sanitize_display; NULL allowed). */
int mg_profile_set_str(char **field, const char *value, mg_error *err);

/*
 * One input format. detect() sees the first len bytes of the input (the first
 * 64 KiB of a file or pipe, later all of it; not necessarily NUL-terminated,
 * so it must not read past len) and says whether this format claims it.
 * parse() gets the whole input in memory. parse_stream(), when set, is used
 * instead for files and pipes so huge inputs need not be held in memory;
 * `head` holds the bytes already read from `f` for detection.
 */
typedef struct mg_format {
    const char *name;
    const char *description;
    bool (*detect)(const char *head, size_t len);
    int (*parse)(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err);
    int (*parse_stream)(mg_profile *p, FILE *f, const char *head, size_t head_len,
                        const mg_load_options *opts, mg_error *err);
    bool unsupported; /* recognised only to explain what to pass instead */
} mg_format;

/* The registry, in detection order; NULL-terminated. */
extern const mg_format *const mg_formats[];

/* The format opts->format names: *fmt NULL for auto, an error for an unknown name. */
int mg_format_chosen(const mg_load_options *opts, const mg_format **fmt, mg_error *err);
/* The first format in the registry whose detect() claims the input, or NULL. */
const mg_format *mg_format_detect(const char *head, size_t len);
/* "a, b, c": the registry's names; the supported formats only unless all. */
void mg_format_list(char *out, size_t size, bool all);

extern const mg_format mg_format_dhat_json;
extern const mg_format mg_format_dhat_text;
extern const mg_format mg_format_heaptrack;
extern const mg_format mg_format_heaptrack_print;
extern const mg_format mg_format_massif;
extern const mg_format mg_format_ms_print;
extern const mg_format mg_format_time;
extern const mg_format mg_format_jemalloc;
/* Recognised but not parseable: each one's parse explains what to pass instead. */
extern const mg_format mg_format_pprof;
extern const mg_format mg_format_unsupported_heaptrack_raw;
extern const mg_format mg_format_unsupported_jemalloc_text;
extern const mg_format mg_format_unsupported_exp_dhat;
extern const mg_format mg_format_unsupported_jeprof;
extern const mg_format mg_format_unsupported_massif_stderr;
extern const mg_format mg_format_unsupported_ms_print_refusal;

/*
 * The GNU time -v report (or default-format line) inside a log: peak RSS in
 * bytes (KiB x 1024). Returns false when there is none. Used by the dhat text
 * parser to add peak RSS from the same CI log.
 */
bool mg_time_find_rss(const char *data, size_t len, uint64_t *bytes, unsigned long *line);

#endif
