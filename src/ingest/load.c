/*
 * Loading a profile: from a path, an open stream or bytes in memory. Reads a
 * head for detection, unwraps gzip/zstd (unzip.c), picks the format from the
 * registry (formats.c) and hands the input to its parser, streaming when the
 * format can.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest.h"
#include "ingest/unzip.h"
#include "memgate/buf.h"

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

static bool has(const char *head, size_t len, const char *needle)
{
    return memmem(head, len, needle, strlen(needle)) != NULL;
}

/*
 * What an input that is no profile evidently is, when it is one of memgate's own files or a
 * dhat-rs testing-mode log (which holds no numbers: dhat prints nothing there unless an
 * assertion fails), and what to pass instead; NULL when it is nothing known.
 */
static const char *known_non_profile(const char *head, size_t len)
{
    size_t lead = 0;
    while (lead < len && (head[lead] == ' ' || head[lead] == '\n' || head[lead] == '\r'))
        lead++;
    if (has(head, len, "\"memgate/result/v1\""))
        return "this is a memgate result (check --format json), not a profile: 'memgate post' "
               "reads it; check and show need the profiler's output";
    if (lead < len && head[lead] == '{' && !has(head, len, "dhatFileVersion") &&
        (has(head, len, "\"peak_memory_bytes\"") ||
         has(head, len, "\"total_allocations_bytes\""))) {
        size_t eol = lead;
        while (eol < len && head[eol] != '\n')
            eol++;
        if (eol > lead && head[eol - 1 - (head[eol - 1] == '\r')] == '}') /* one object a line */
            return "this is memgate's baseline history (memory-history.jsonl), not a profile: "
                   "give it as --history, and the profiler's output as PROFILE";
        return "this is a memgate baseline, not a profile: give it as --baseline, and the "
               "profiler's output (e.g. dhat-heap.json) as PROFILE";
    }
    if (has(head, len, "HeapStats {") || has(head, len, "dhat assertion") ||
        has(head, len, "dhat: asserting"))
        return "this looks like a dhat-rs testing-mode run (Profiler::builder().testing()), "
               "which prints no summary and writes no dhat-heap.json unless a dhat::assert! "
               "fails: profile with Profiler::new_heap() (the example 'memgate init' writes) "
               "and pass its dhat-heap.json";
    return NULL;
}

static int nothing_matched(const char *source, const char *head, size_t len, mg_error *err)
{
    char tried[512], looks[160];
    const char *what = known_non_profile(head, len);

    mg_format_list(tried, sizeof(tried), false);
    if (len == 0)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "file is empty, expected a profile (tried %s)", tried);
    if (what)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0, "no profile found: %s", what);
    describe(head, len, true, looks, sizeof(looks));
    /* the message buffer is small: the hint most people need comes first */
    return mg_error_set_at(err, MG_E_INPUT, source, 1, 1,
                           "no profile found (tried %s; dhat text needs a 'dhat: Total:' line); "
                           "the input is %s",
                           tried, looks);
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
    if (mg_unzip_is_gzip(data, len) || mg_unzip_is_zstd(data, len)) {
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

    if ((rc = mg_format_chosen(opts, &fmt, err)) < 0)
        return rc;
    if (!(copy = malloc(len + HEAD_PAD)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    memcpy(copy, data, len);
    memset(copy + len, 0, HEAD_PAD);
    /* all of it: a summary may sit deep in a CI log */
    if (!fmt && !(fmt = mg_format_detect(copy, len)))
        rc = nothing_matched(source, copy, len, err);
    else if (mg_profile_new(&p, source, err) < 0)
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
    if (rc == 0 && !fmt && !(fmt = mg_format_detect(all.data, all.len)))
        rc = nothing_matched(shown, all.data, all.len, err);
    if (rc == 0 && mg_profile_new(&p, shown, err) == 0)
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

    int rc = mg_format_chosen(opts, &fmt, err);

    if (rc < 0)
        return rc;
    if (!fmt && !(fmt = mg_format_detect(head, n)) && n < HEAD)
        return nothing_matched(shown, head, n, err);
    if (fmt && fmt->parse_stream) {
        if (mg_profile_new(&p, shown, err) < 0)
            return -err->code;
        return finish(p, fmt, fmt->parse_stream(p, f, head, n, opts, err), out, err);
    }
    return load_whole(out, f, shown, fmt, head, n, opts, err);
}

/* Decompress on the fly and detect again on what is inside. */
static int load_compressed(mg_profile **out, FILE *f, const char *shown, const char *raw,
                           size_t raw_n, const mg_load_options *opts, mg_error *err)
{
    struct mg_unzip *u = NULL;
    bool zstd = mg_unzip_is_zstd(raw, raw_n);
    FILE *z = mg_unzip_open(f, raw, raw_n, &u);
    char *head = NULL;
    size_t n;
    int rc;

    if (!z || !(head = malloc(HEAD + HEAD_PAD))) {
        if (z)
            fclose(z);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    n = read_head(z, head, HEAD);
    if (mg_unzip_failure(u))
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot decompress %s data: %s",
                             zstd ? "zstd" : "gzip", mg_unzip_failure(u));
    else
        rc = load_plain(out, z, shown, head, n, opts, err);
    if (rc < 0 && mg_unzip_failure(u) && err && !strstr(err->msg, "decompress")) {
        /* the parser saw a read error: name the real cause */
        mg_error_init(err);
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot decompress %s data: %s",
                             zstd ? "zstd" : "gzip", mg_unzip_failure(u));
    }
    if (rc == 0 && !(*out)->note &&
        mg_profile_set_str(&(*out)->note,
                           zstd ? "read from zstd-compressed input"
                                : "read from gzip-compressed input",
                           err) < 0) {
        mg_profile_free(*out);
        *out = NULL;
        rc = -err->code;
    }
    fclose(z);
    free(head);
    return rc;
}

int mg_profile_load_file(mg_profile **out, FILE *f, const char *shown, const mg_load_options *opts,
                         mg_error *err)
{
    char *head = malloc(HEAD + HEAD_PAD);
    size_t n;
    int rc;

    if (!head)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    n = read_head(f, head, HEAD);
    if (ferror(f))
        rc = mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "read error: %s", strerror(errno));
    else if (mg_unzip_is_gzip(head, n) || mg_unzip_is_zstd(head, n))
        rc = load_compressed(out, f, shown, head, n, opts, err);
    else
        rc = load_plain(out, f, shown, head, n, opts, err);
    free(head);
    return rc;
}

int mg_profile_load(mg_profile **out, const char *path, const mg_load_options *opts, mg_error *err)
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
