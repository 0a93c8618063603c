/* Private to the ingest layer: the profile's fields and the parser registry. */
#ifndef MEMGATE_INGEST_H
#define MEMGATE_INGEST_H

#include <stdio.h>

#include "memgate/buf.h"
#include "memgate/profile.h"

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
    mg_hotspot *hotspots;
    size_t n_hotspots;
};

/* Replace *field with a copy of value (NULL allowed). */
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
} mg_format;

/* The registry, in detection order; NULL-terminated. */
extern const mg_format *const mg_formats[];

extern const mg_format mg_format_dhat_json;
extern const mg_format mg_format_dhat_text;

#endif
