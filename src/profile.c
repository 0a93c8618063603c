/* mg_profile: metric names, accessors, and loading a file through the format registry. */
#include "memgate/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "ingest/ingest.h"
#include "ingest/hotspot.h"
#include "utf8.h"

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
    /* every such string ends up in a report or a PR comment: valid UTF-8, no control bytes */
    if (value && !(copy = mg_utf8_sanitize_display(value, strlen(value))))
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
    if (!p)
        return;
    for (int r = 0; r < MG_RANK_COUNT; r++)
        mg_hotspots_free(p->rank[r], p->n_rank[r]);
    free(p->gate_note);
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
    return mg_profile_ranking(p, MG_RANK_TOTAL_BYTES, count);
}

const mg_hotspot *mg_profile_ranking(const mg_profile *p, enum mg_rank r, size_t *count)
{
    if ((unsigned)r >= MG_RANK_COUNT) {
        *count = 0;
        return NULL;
    }
    *count = p->n_rank[r];
    return p->rank[r];
}

bool mg_profile_hotspot_whole(const mg_profile *p, enum mg_rank r, uint64_t *whole)
{
    if (!p->has_whole || (unsigned)r >= MG_RANK_COUNT)
        return false;
    *whole = p->whole[r];
    return true;
}

uint64_t mg_profile_excluded_pps(const mg_profile *p) { return p->excluded_pps; }

const char *mg_rank_name(enum mg_rank r)
{
    static const char *const names[MG_RANK_COUNT] = {"total_bytes", "peak_bytes",
                                                     "allocation_count"};
    return (unsigned)r < MG_RANK_COUNT ? names[r] : "unknown";
}

const mg_profile_extra *mg_profile_extras(const mg_profile *p, size_t *count)
{
    *count = p->n_extras;
    return p->extras;
}

void mg_profile_add_extra(mg_profile *p, const char *key, uint64_t value, const char *unit,
                          const char *label)
{
    if (p->n_extras < MG_MAX_EXTRAS)
        p->extras[p->n_extras++] = (mg_profile_extra){key, value, unit, label};
}

const char *mg_profile_gate_note(const mg_profile *p) { return p->gate_note; }

static const mg_format *find_format(const char *name)
{
    size_t i;
    for (i = 0; mg_formats[i]; i++)
        if (strcmp(mg_formats[i]->name, name) == 0)
            return mg_formats[i];
    return NULL;
}

/* "a, b, c" of the registry's names; supported formats only unless all. */
static void format_list(char *out, size_t size, bool all)
{
    size_t i, n = 0;
    out[0] = '\0';
    for (i = 0; mg_formats[i]; i++) {
        if (!all && mg_formats[i]->unsupported)
            continue;
        strncat(out, n++ ? ", " : "", size - strlen(out) - 1);
        strncat(out, mg_formats[i]->name, size - strlen(out) - 1);
    }
}

static int unknown_format(const char *name, mg_error *err)
{
    char list[512];
    format_list(list, sizeof(list), false);
    return mg_error_set(err, MG_E_USAGE, "unknown --input-format '%s' (known: auto, %s)", name,
                        list);
}

/* What the unrecognised input looked like: size, lines, text or binary, its first line. */
static void describe(const char *head, size_t len, bool complete, char *out, size_t size)
{
    char first[33];
    size_t i, n = 0, lines = 0, ctrl = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)head[i];
        lines += c == '\n';
        ctrl += c < 0x20 && c != '\n' && c != '\r' && c != '\t';
    }
    for (i = 0; i < len && head[i] != '\n' && n < sizeof(first) - 1; i++)
        first[n++] = (head[i] >= 0x20 && head[i] < 0x7f) ? head[i] : '.';
    first[n] = '\0';
    if (ctrl * 20 > len)
        snprintf(out, size, "binary data of %s%zu bytes; it starts with \"%s\"",
                 complete ? "" : "at least ", len, first);
    else
        snprintf(out, size, "%s%zu bytes of text in %zu lines; it starts with \"%s%s\"",
                 complete ? "" : "at least ", len, lines + (len && head[len - 1] != '\n'), first,
                 i < len && head[i] != '\n' ? "..." : "");
}

static int nothing_matched(const char *source, const char *head, size_t len, mg_error *err)
{
    char tried[512], looks[160];

    format_list(tried, sizeof(tried), false);
    if (len == 0)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "file is empty, expected a profile (tried %s)", tried);
    describe(head, len, true, looks, sizeof(looks));
    /* the message buffer is small: the hint most people need comes first */
    return mg_error_set_at(err, MG_E_INPUT, source, 1, 1,
                           "no profile found: no format matched (tried %s; a dhat summary needs a "
                           "'dhat: Total:' line); the input is %s",
                           tried, looks);
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

/* ---- transparent gzip / zstd input (heaptrack writes .gz or .zst) ---- */

enum { ZIN = 1 << 16 };

struct unzip {
    FILE *in;
    const char *head; /* compressed bytes already read */
    size_t head_len, head_pos;
    bool zstd, in_eof, done, failed, frame_open;
    z_stream zs;
    ZSTD_DStream *zd;
    unsigned char buf[ZIN];
    size_t buf_len, buf_pos;
    char why[96];
};

static bool gz_magic(const char *h, size_t n)
{
    return n >= 2 && (unsigned char)h[0] == 0x1f && (unsigned char)h[1] == 0x8b;
}

static bool zstd_magic(const char *h, size_t n)
{
    return n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4);
}

/* Make compressed input available in buf; false at its end. */
static bool unzip_input(struct unzip *u)
{
    if (u->buf_pos < u->buf_len)
        return true;
    u->buf_pos = 0;
    if (u->head_pos < u->head_len) {
        u->buf_len = u->head_len - u->head_pos < ZIN ? u->head_len - u->head_pos : ZIN;
        memcpy(u->buf, u->head + u->head_pos, u->buf_len);
        u->head_pos += u->buf_len;
        return true;
    }
    u->buf_len = u->in_eof ? 0 : fread(u->buf, 1, ZIN, u->in);
    if (u->buf_len == 0)
        u->in_eof = true;
    return u->buf_len > 0;
}

static ssize_t unzip_fail(struct unzip *u, const char *why)
{
    u->failed = true;
    snprintf(u->why, sizeof(u->why), "%s", why);
    errno = EIO;
    return -1;
}

static ssize_t unzip_read(void *cookie, char *out, size_t size)
{
    struct unzip *u = cookie;
    size_t got = 0;

    while (got < size && !u->done) {
        bool more = unzip_input(u);
        if (u->zstd) {
            ZSTD_inBuffer ib = {u->buf, u->buf_len, u->buf_pos};
            ZSTD_outBuffer ob = {out + got, size - got, 0};
            size_t r = ZSTD_decompressStream(u->zd, &ob, &ib);
            if (ZSTD_isError(r))
                return unzip_fail(u, ZSTD_getErrorName(r));
            u->buf_pos = ib.pos;
            got += ob.pos;
            if (ib.pos || ob.pos)
                u->frame_open = r != 0; /* 0: a frame ended and was flushed */
            if (!more && ob.pos == 0) {
                if (u->frame_open)
                    return unzip_fail(u, "truncated zstd data");
                u->done = true;
            }
        } else {
            int r;
            u->zs.next_in = u->buf + u->buf_pos;
            u->zs.avail_in = (uInt)(u->buf_len - u->buf_pos);
            u->zs.next_out = (Bytef *)out + got;
            u->zs.avail_out = (uInt)(size - got > (1u << 30) ? (1u << 30) : size - got);
            r = inflate(&u->zs, Z_NO_FLUSH);
            got = (size_t)((char *)u->zs.next_out - out);
            u->buf_pos = u->buf_len - u->zs.avail_in;
            if (r == Z_STREAM_END) {
                /* concatenated gzip members continue the stream */
                if (unzip_input(u))
                    inflateReset(&u->zs);
                else
                    u->done = true;
            } else if (r != Z_OK && r != Z_BUF_ERROR) {
                return unzip_fail(u, u->zs.msg ? u->zs.msg : "corrupt gzip data");
            } else if (!more && r == Z_BUF_ERROR) {
                return unzip_fail(u, "truncated gzip data");
            }
        }
    }
    return (ssize_t)got;
}

static int unzip_close(void *cookie)
{
    struct unzip *u = cookie;
    if (u->zstd)
        ZSTD_freeDStream(u->zd);
    else
        inflateEnd(&u->zs);
    free(u);
    return 0;
}

/* A FILE that yields the decompressed bytes of (head, then in); *u for error details. */
static FILE *unzip_open(FILE *in, const char *head, size_t head_len, struct unzip **out)
{
    static const cookie_io_functions_t io = {unzip_read, NULL, NULL, unzip_close};
    struct unzip *u = calloc(1, sizeof(*u));
    FILE *f;
    if (!u)
        return NULL;
    u->in = in;
    u->head = head;
    u->head_len = head_len;
    u->zstd = zstd_magic(head, head_len);
    if (u->zstd ? !(u->zd = ZSTD_createDStream()) : inflateInit2(&u->zs, 15 + 32) != Z_OK) {
        free(u);
        return NULL;
    }
    if (!(f = fopencookie(u, "r", io))) {
        unzip_close(u);
        return NULL;
    }
    *out = u;
    return f;
}

/* ---- loading ---- */

/* Zero bytes kept after input held in memory: streaming scanners read ahead (MG_JP_PAD). */
#define HEAD_PAD 64
enum { HEAD = 65536 };

static int parse_copy(mg_profile **out, const char *data, size_t len, const char *source,
                      const mg_load_options *opts, mg_error *err);

int mg_profile_parse(mg_profile **out, const char *data, size_t len, const char *source,
                     const mg_load_options *opts, mg_error *err)
{
    static const mg_load_options defaults;

    *out = NULL;
    opts = opts ? opts : &defaults;
    if (gz_magic(data, len) || zstd_magic(data, len)) {
        /* compressed bytes go through the streaming loader */
        FILE *f = fmemopen((void *)data, len, "rb");
        int rc;
        if (!f)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        rc = mg_profile_load_file(out, f, source, opts, err);
        fclose(f);
        return rc;
    }
    return parse_copy(out, data, len, source, opts, err);
}

/*
 * Detectors and parsers may treat their input as a C string and scan a few
 * bytes ahead: work on a NUL-padded copy, since callers' bytes need not be.
 */
static int parse_copy(mg_profile **out, const char *data, size_t len, const char *source,
                      const mg_load_options *opts, mg_error *err)
{
    const mg_format *fmt;
    mg_profile *p = NULL;
    char *copy;
    int rc;

    if (opts->format && strcmp(opts->format, MG_FORMAT_AUTO) != 0) {
        if (!(fmt = find_format(opts->format)))
            return unknown_format(opts->format, err);
    } else {
        fmt = NULL;
    }
    if (!(copy = malloc(len + HEAD_PAD)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    memcpy(copy, data, len);
    memset(copy + len, 0, HEAD_PAD);
    /* all of it: a summary may sit deep in a CI log */
    if (!fmt && !(fmt = detect(copy, len)))
        rc = nothing_matched(source, copy, len, err);
    else if (profile_new(&p, source, err) < 0)
        rc = -err->code;
    else
        rc = finish(p, fmt, fmt->parse(p, copy, len, opts, err), out, err);
    free(copy);
    return rc;
}

/* Read up to 64 KiB for detection; a pipe may deliver it in several pieces. */
static size_t read_head(FILE *f, char *head, size_t cap)
{
    size_t n = 0, r;
    while (n < cap && (r = fread(head + n, 1, cap - n, f)) > 0)
        n += r;
    memset(head + n, 0, HEAD_PAD);
    return n;
}

/* Formats without a streaming parser get the whole input in memory. */
static int load_whole(mg_profile **out, FILE *f, const char *shown, const mg_format *fmt,
                      const char *head, size_t n, const mg_load_options *opts, mg_error *err)
{
    mg_profile *p = NULL;
    mg_buf all;
    int rc;

    mg_buf_init(&all, 0);
    rc = mg_buf_append(&all, head, n, err);
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

static int load_plain(mg_profile **out, FILE *f, const char *shown, char *head, size_t n,
                      const mg_load_options *opts, mg_error *err)
{
    const mg_format *fmt = NULL;
    mg_profile *p = NULL;

    if (opts->format && strcmp(opts->format, MG_FORMAT_AUTO) != 0) {
        if (!(fmt = find_format(opts->format)))
            return unknown_format(opts->format, err);
    } else if (!(fmt = detect(head, n)) && n < HEAD) {
        return nothing_matched(shown, head, n, err);
    }
    if (fmt && fmt->parse_stream) {
        if (profile_new(&p, shown, err) < 0)
            return -err->code;
        return finish(p, fmt, fmt->parse_stream(p, f, head, n, opts, err), out, err);
    }
    return load_whole(out, f, shown, fmt, head, n, opts, err);
}

/* Decompress on the fly and detect again on what is inside. */
static int load_compressed(mg_profile **out, FILE *f, const char *shown, const char *raw,
                           size_t raw_n, const mg_load_options *opts, mg_error *err)
{
    struct unzip *u = NULL;
    bool zstd = zstd_magic(raw, raw_n);
    FILE *z = unzip_open(f, raw, raw_n, &u);
    char *head = NULL;
    size_t n;
    int rc;

    if (!z || !(head = malloc(HEAD + HEAD_PAD))) {
        if (z)
            fclose(z);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    n = read_head(z, head, HEAD);
    if (u->failed)
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot decompress %s data: %s",
                             zstd ? "zstd" : "gzip", u->why);
    else
        rc = load_plain(out, z, shown, head, n, opts, err);
    if (rc < 0 && u->failed && err && !strstr(err->msg, "decompress")) {
        /* the parser saw a read error: name the real cause */
        mg_error_init(err);
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot decompress %s data: %s",
                             zstd ? "zstd" : "gzip", u->why);
    }
    if (rc == 0 && !(*out)->note &&
        mg_profile_set_str(&(*out)->note, zstd ? "read from zstd-compressed input"
                                               : "read from gzip-compressed input", err) < 0) {
        mg_profile_free(*out);
        *out = NULL;
        rc = -err->code;
    }
    fclose(z);
    free(head);
    return rc;
}

int mg_profile_load_file(mg_profile **out, FILE *f, const char *shown,
                         const mg_load_options *opts, mg_error *err)
{
    char *head = malloc(HEAD + HEAD_PAD);
    size_t n;
    int rc;

    if (!head)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    n = read_head(f, head, HEAD);
    if (ferror(f))
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "read error: %s", strerror(errno));
    else if (gz_magic(head, n) || zstd_magic(head, n))
        rc = load_compressed(out, f, shown, head, n, opts, err);
    else
        rc = load_plain(out, f, shown, head, n, opts, err);
    free(head);
    return rc;
}

int mg_profile_load(mg_profile **out, const char *path, const mg_load_options *opts,
                    mg_error *err)
{
    static const mg_load_options defaults;
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    struct stat st;
    FILE *f;
    int rc;

    *out = NULL;
    opts = opts ? opts : &defaults;
    if (strcmp(path, "-") == 0)
        return mg_profile_load_file(out, stdin, shown, opts, err);
    f = fopen(path, "rb");
    if (!f)
        return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0,
                               "is a directory, expected a profile file");
    }
    rc = mg_profile_load_file(out, f, shown, opts, err);
    fclose(f);
    return rc;
}
