/* mg_profile: metric names, accessors, and loading a file through the format registry. */
#include "memgate/profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest.h"
#include "ingest/hotspot.h"

static const char *const metric_names[MG_METRIC_COUNT] = {
    [MG_PEAK_BYTES] = "peak_memory_bytes",  [MG_PEAK_BLOCKS] = "peak_blocks",
    [MG_TOTAL_BYTES] = "total_allocations_bytes", [MG_ALLOC_COUNT] = "allocation_count",
    [MG_END_BYTES] = "end_bytes",           [MG_END_BLOCKS] = "end_blocks",
    [MG_RUNTIME_US] = "runtime_us",         [MG_PEAK_RSS] = "peak_rss_bytes",
};

static const struct {
    const char *alias;
    enum mg_metric metric;
} metric_aliases[] = {
    {"peak", MG_PEAK_BYTES},        {"peak-blocks", MG_PEAK_BLOCKS},
    {"total", MG_TOTAL_BYTES},      {"count", MG_ALLOC_COUNT},
    {"allocs", MG_ALLOC_COUNT},     {"end", MG_END_BYTES},
    {"end-blocks", MG_END_BLOCKS},  {"runtime", MG_RUNTIME_US},
    {"rss", MG_PEAK_RSS},
};

const char *mg_metric_name(enum mg_metric m)
{
    return (unsigned)m < MG_METRIC_COUNT ? metric_names[m] : "unknown";
}

bool mg_metric_is_bytes(enum mg_metric m)
{
    return m == MG_PEAK_BYTES || m == MG_TOTAL_BYTES || m == MG_END_BYTES || m == MG_PEAK_RSS;
}

bool mg_metric_from_name(const char *name, enum mg_metric *out)
{
    size_t i;
    for (i = 0; i < MG_METRIC_COUNT; i++)
        if (strcmp(name, metric_names[i]) == 0) {
            *out = (enum mg_metric)i;
            return true;
        }
    for (i = 0; i < sizeof(metric_aliases) / sizeof(metric_aliases[0]); i++)
        if (strcmp(name, metric_aliases[i].alias) == 0) {
            *out = metric_aliases[i].metric;
            return true;
        }
    return false;
}

void mg_metrics_set(mg_metrics *m, enum mg_metric which, uint64_t value)
{
    m->value[which] = value;
    m->present[which] = true;
}

int mg_profile_set_str(char **field, const char *value, mg_error *err)
{
    char *copy = NULL;
    if (value && !(copy = strdup(value)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    return 0;
}

static int profile_new(mg_profile **out, const char *source, mg_error *err)
{
    mg_profile *p = calloc(1, sizeof(*p));
    if (!p)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (mg_profile_set_str(&p->source, source, err) < 0) {
        free(p);
        return -err->code;
    }
    *out = p;
    return 0;
}

void mg_profile_free(mg_profile *p)
{
    size_t i;
    if (!p)
        return;
    for (i = 0; i < p->n_hotspots; i++)
        free(p->hotspots[i].function);
    free(p->hotspots);
    free(p->source);
    free(p->format);
    free(p->producer);
    free(p->mode_label);
    free(p->command);
    free(p->note);
    free(p);
}

const mg_metrics *mg_profile_metrics(const mg_profile *p) { return &p->metrics; }
const char *mg_profile_format(const mg_profile *p) { return p->format; }
const char *mg_profile_producer(const mg_profile *p) { return p->producer; }
const char *mg_profile_source(const mg_profile *p) { return p->source; }
enum mg_profile_mode mg_profile_mode(const mg_profile *p) { return p->mode; }
const char *mg_profile_mode_label(const mg_profile *p) { return p->mode_label; }
const char *mg_profile_command(const mg_profile *p) { return p->command; }
const char *mg_profile_note(const mg_profile *p) { return p->note; }

bool mg_profile_raw_total(const mg_profile *p, uint64_t *amount, uint64_t *count)
{
    if (!p->has_raw_total)
        return false;
    *amount = p->raw_amount;
    *count = p->raw_count;
    return true;
}

const mg_hotspot *mg_profile_hotspots(const mg_profile *p, size_t *count)
{
    *count = p->n_hotspots;
    return p->hotspots;
}

static const mg_format *find_format(const char *name)
{
    size_t i;
    for (i = 0; mg_formats[i]; i++)
        if (strcmp(mg_formats[i]->name, name) == 0)
            return mg_formats[i];
    return NULL;
}

static int unknown_format(const char *name, mg_error *err)
{
    char list[512] = "";
    size_t i;
    for (i = 0; mg_formats[i]; i++) {
        strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
        strncat(list, mg_formats[i]->name, sizeof(list) - strlen(list) - 1);
    }
    return mg_error_set(err, MG_E_USAGE, "unknown --format '%s' (known: auto, %s)", name, list);
}

/* Describe what the unrecognised input looked like: its first line, printable bytes only. */
static int nothing_matched(const char *source, const char *head, size_t len, mg_error *err)
{
    char first[61];
    size_t i, n = 0;
    char tried[512] = "";

    for (i = 0; i < len && head[i] != '\n' && n < sizeof(first) - 1; i++)
        first[n++] = (head[i] >= 0x20 && head[i] < 0x7f) ? head[i] : '.';
    first[n] = '\0';
    for (i = 0; mg_formats[i]; i++) {
        strncat(tried, i ? ", " : "", sizeof(tried) - strlen(tried) - 1);
        strncat(tried, mg_formats[i]->name, sizeof(tried) - strlen(tried) - 1);
    }
    if (len == 0)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "file is empty, expected a profile (tried %s)", tried);
    return mg_error_set_at(err, MG_E_INPUT, source, 1, 1,
                           "no profile found: no format matched (tried %s; a dhat summary needs a "
                           "'dhat: Total:' or '==PID== Total:' line); it starts with \"%s\"",
                           tried, first);
}

static const mg_format *detect(const char *head, size_t len)
{
    size_t i;
    for (i = 0; mg_formats[i]; i++)
        if (mg_formats[i]->detect(head, len))
            return mg_formats[i];
    return NULL;
}

static int finish(mg_profile *p, const mg_format *fmt, int rc, mg_profile **out, mg_error *err)
{
    if (rc == 0)
        rc = mg_profile_set_str(&p->format, fmt->name, err);
    if (rc < 0) {
        if (err && !err->source[0])
            snprintf(err->source, sizeof(err->source), "%s", p->source);
        mg_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int mg_profile_parse(mg_profile **out, const char *data, size_t len, const char *source,
                     const mg_load_options *opts, mg_error *err)
{
    static const mg_load_options defaults = {NULL, 0, 0};
    const mg_format *fmt;
    mg_profile *p = NULL;

    *out = NULL;
    opts = opts ? opts : &defaults;
    if (opts->format && strcmp(opts->format, MG_FORMAT_AUTO) != 0) {
        if (!(fmt = find_format(opts->format)))
            return unknown_format(opts->format, err);
    } else if (!(fmt = detect(data, len))) { /* all of it: a summary may sit deep in a CI log */
        return nothing_matched(source, data, len, err);
    }
    if (profile_new(&p, source, err) < 0)
        return -err->code;
    return finish(p, fmt, fmt->parse(p, data, len, opts, err), out, err);
}

/* Read up to 64 KiB for detection; a pipe may deliver it in several pieces. */
static size_t read_head(FILE *f, char *head, size_t cap)
{
    size_t n = 0, r;
    while (n < cap && (r = fread(head + n, 1, cap - n, f)) > 0)
        n += r;
    head[n] = '\0';
    return n;
}

static int load_stream(mg_profile **out, FILE *f, const char *shown, const mg_load_options *opts,
                       mg_error *err)
{
    enum { HEAD = 65536 };
    char *head = malloc(HEAD + 1);
    const mg_format *fmt = NULL;
    mg_profile *p = NULL;
    mg_buf all;
    size_t n;
    int rc;

    if (!head)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    n = read_head(f, head, HEAD);
    if (ferror(f)) {
        free(head);
        return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "read error: %s", strerror(errno));
    }
    if (opts->format && strcmp(opts->format, MG_FORMAT_AUTO) != 0) {
        if (!(fmt = find_format(opts->format))) {
            free(head);
            return unknown_format(opts->format, err);
        }
    } else if (!(fmt = detect(head, n)) && n < HEAD) {
        rc = nothing_matched(shown, head, n, err);
        free(head);
        return rc;
    }
    if (fmt && fmt->parse_stream) {
        if (profile_new(&p, shown, err) == 0)
            rc = finish(p, fmt, fmt->parse_stream(p, f, head, n, opts, err), out, err);
        else
            rc = -err->code;
        free(head);
        return rc;
    }
    /* formats without a streaming parser get the whole input in memory */
    mg_buf_init(&all, 0);
    rc = mg_buf_append(&all, head, n, err);
    free(head);
    while (rc == 0 && !feof(f) && !ferror(f)) {
        char chunk[65536];
        size_t r = fread(chunk, 1, sizeof(chunk), f);
        if (r)
            rc = mg_buf_append(&all, chunk, r, err);
    }
    if (rc == 0 && ferror(f))
        rc = mg_error_set(err, MG_E_INPUT, "read error: %s", strerror(errno));
    /* log markers may sit anywhere in a long CI log: detect again over all of it */
    if (rc == 0 && !fmt && !(fmt = detect(all.data, all.len)))
        rc = nothing_matched(shown, all.data, all.len, err);
    if (rc == 0 && profile_new(&p, shown, err) == 0)
        rc = finish(p, fmt, fmt->parse(p, all.data, all.len, opts, err), out, err);
    else if (rc == 0)
        rc = -err->code;
    if (rc < 0 && err && !err->source[0])
        snprintf(err->source, sizeof(err->source), "%s", shown);
    mg_buf_release(&all);
    return rc;
}

int mg_profile_load(mg_profile **out, const char *path, const mg_load_options *opts,
                    mg_error *err)
{
    static const mg_load_options defaults = {NULL, 0, 0};
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    struct stat st;
    FILE *f;
    int rc;

    *out = NULL;
    opts = opts ? opts : &defaults;
    if (strcmp(path, "-") == 0)
        return load_stream(out, stdin, shown, opts, err);
    f = fopen(path, "rb");
    if (!f)
        return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0,
                               "is a directory, expected a profile file");
    }
    rc = load_stream(out, f, shown, opts, err);
    fclose(f);
    return rc;
}
