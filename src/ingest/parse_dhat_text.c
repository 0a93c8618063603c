/* dhat summaries on stderr (dhat-rs "dhat: " and Valgrind "==PID== "), also inside noisy CI logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "memgate/num.h"

/* One "Total / At t-gmax / At t-end" group found in the log. */
struct summary {
    bool valgrind;
    bool units; /* "units in N events": ad hoc mode */
    bool has_gmax, has_end;
    uint64_t total, total_blocks, gmax, gmax_blocks, end, end_blocks;
    unsigned long line;
};

struct text_state {
    const char *source;
    struct summary *sums;
    size_t n, cap;
    bool saw_valgrind_banner;
    char *clean;      /* current line without ANSI escapes */
    size_t *orig_col; /* 1-based column in the original line of each clean byte */
    size_t clean_cap;
};

/* Copy line[0..len) without CR and ANSI escape sequences, remembering original columns. */
static int clean_line(struct text_state *st, const char *line, size_t len, size_t *out_len,
                      mg_error *err)
{
    size_t i, n = 0;
    if (len + 1 > st->clean_cap) {
        char *c = realloc(st->clean, len + 1);
        size_t *o = c ? realloc(st->orig_col, (len + 1) * sizeof(*o)) : NULL;
        if (!c || !o) {
            if (c)
                st->clean = c;
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        st->clean = c;
        st->orig_col = o;
        st->clean_cap = len + 1;
    }
    for (i = 0; i < len; i++) {
        if (line[i] == '\x1b' && i + 1 < len && line[i + 1] == '[') {
            /* CSI: parameters and intermediates, then one final byte in @..~ */
            i += 2;
            while (i < len && !((unsigned char)line[i] >= 0x40 && (unsigned char)line[i] <= 0x7e))
                i++;
            continue;
        }
        if (line[i] == '\r' || line[i] == '\x1b')
            continue;
        st->orig_col[n] = i + 1;
        st->clean[n++] = line[i];
    }
    /* a line that ends where a number or word was expected: point just past its last byte */
    st->orig_col[n] = n ? st->orig_col[n - 1] + 1 : 1;
    st->clean[n] = '\0';
    *out_len = n;
    return 0;
}

/* Where the summary payload starts: after "dhat: " or after a Valgrind "==PID== " prefix. */
static const char *payload(const char *s, bool *valgrind)
{
    const char *p = strstr(s, "dhat: ");
    const char *v = s;

    if (p) {
        *valgrind = false;
        return p + 6;
    }
    while ((v = strstr(v, "==")) != NULL) {
        const char *q = v + 2;
        while (*q && *q != '=')
            q++;
        if (q[0] == '=' && q[1] == '=' && q[2] == ' ' && q > v + 2) {
            *valgrind = true;
            return q + 3;
        }
        v += 2;
    }
    return NULL;
}

static int num_at(struct text_state *st, const char **pp, unsigned long line, uint64_t *out,
                  mg_error *err)
{
    const char *p = *pp, *start;
    mg_error local;

    while (*p == ' ')
        p++;
    start = p;
    while ((*p >= '0' && *p <= '9') || *p == ',')
        p++;
    mg_error_init(&local);
    if (p == start || mg_parse_grouped_u64(start, (size_t)(p - start), out, &local) < 0)
        return mg_error_set_at(err, p == start ? MG_E_INPUT : local.code, st->source, line,
                               st->orig_col[start - st->clean], "%s",
                               p == start ? "expected a number" : local.msg);
    *pp = p;
    return 0;
}

static int word_at(struct text_state *st, const char **pp, unsigned long line, const char *w1,
                   const char *w2, bool *second, mg_error *err)
{
    size_t l1 = strlen(w1), l2 = w2 ? strlen(w2) : 0;
    if (!strncmp(*pp, w1, l1)) {
        *pp += l1;
        if (second)
            *second = false;
        return 0;
    }
    if (w2 && !strncmp(*pp, w2, l2)) {
        *pp += l2;
        *second = true;
        return 0;
    }
    return mg_error_set_at(err, MG_E_INPUT, st->source, line, st->orig_col[*pp - st->clean],
                           "expected '%s'%s%s%s", w1 + (w1[0] == ' '), w2 ? " or '" : "",
                           w2 ? w2 + (w2[0] == ' ') : "", w2 ? "'" : "");
}

/* "N bytes in N blocks" (or "N units in N events"). */
static int amounts(struct text_state *st, const char *p, unsigned long line, uint64_t *a,
                   uint64_t *b, bool *units, mg_error *err)
{
    bool u = false;
    int rc;
    if ((rc = num_at(st, &p, line, a, err)) < 0 ||
        (rc = word_at(st, &p, line, " bytes in ", " units in ", &u, err)) < 0 ||
        (rc = num_at(st, &p, line, b, err)) < 0 ||
        (rc = word_at(st, &p, line, u ? " events" : " blocks", NULL, NULL, err)) < 0)
        return rc;
    if (units)
        *units = u;
    return 0;
}

static int new_summary(struct text_state *st, bool valgrind, unsigned long line, mg_error *err)
{
    if (st->n == st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : 4;
        struct summary *s = realloc(st->sums, ncap * sizeof(*s));
        if (!s)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        st->sums = s;
        st->cap = ncap;
    }
    memset(&st->sums[st->n], 0, sizeof(st->sums[0]));
    st->sums[st->n].valgrind = valgrind;
    st->sums[st->n].line = line;
    st->n++;
    return 0;
}

static int orphan(struct text_state *st, unsigned long line, const char *label, mg_error *err)
{
    return mg_error_set_at(err, MG_E_INPUT, st->source, line, 1,
                           "'%s' line without a 'Total:' line before it", label);
}

static int scan_line(struct text_state *st, const char *clean, unsigned long line, mg_error *err)
{
    bool valgrind = false;
    const char *p = payload(clean, &valgrind);
    struct summary *cur = st->n ? &st->sums[st->n - 1] : NULL;
    int rc;

    if (strstr(clean, "DHAT, a dynamic heap analysis tool"))
        st->saw_valgrind_banner = true;
    if (!p)
        return 0;
    if (!strncmp(p, "Total:", 6)) {
        if ((rc = new_summary(st, valgrind, line, err)) < 0)
            return rc;
        cur = &st->sums[st->n - 1];
        return amounts(st, p + 6, line, &cur->total, &cur->total_blocks, &cur->units, err);
    }
    if (!strncmp(p, "At t-gmax:", 10)) {
        if (!cur || cur->has_gmax || cur->valgrind != valgrind)
            return orphan(st, line, "At t-gmax:", err);
        cur->has_gmax = true;
        return amounts(st, p + 10, line, &cur->gmax, &cur->gmax_blocks, NULL, err);
    }
    if (!strncmp(p, "At t-end:", 9)) {
        if (!cur || cur->has_end || cur->valgrind != valgrind)
            return orphan(st, line, "At t-end:", err);
        cur->has_end = true;
        return amounts(st, p + 9, line, &cur->end, &cur->end_blocks, NULL, err);
    }
    return 0;
}

/*
 * A summary line is short. Longer lines (a minified blob in a CI log) are not
 * searched: cleaning keeps a column map of 8 bytes per byte, so one 256 MiB
 * line would otherwise cost 2 GiB.
 */
#define MG_TEXT_MAX_LINE ((size_t)64 << 10)

static int scan(struct text_state *st, const char *data, size_t len, mg_error *err)
{
    size_t pos = 0, clen;
    unsigned long line = 0;
    int rc;

    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        if (end - pos > MG_TEXT_MAX_LINE) {
            pos = end + 1;
            continue;
        }
        if ((rc = clean_line(st, data + pos, end - pos, &clen, err)) < 0 ||
            (rc = scan_line(st, st->clean, line, err)) < 0)
            return rc;
        pos = end + 1;
    }
    return 0;
}

static int pick(struct text_state *st, mg_profile *p, const mg_load_options *opts,
                const struct summary **out, mg_error *err)
{
    size_t want = opts->summary_index;
    char note[200];

    if (st->n == 0)
        return mg_error_set_at(err, MG_E_INPUT, st->source, 0, 0,
                               "no dhat summary found: expected a 'dhat: Total:' or Valgrind "
                               "'==PID== Total:' line (dhat-rs in testing mode prints nothing "
                               "when its assertions pass)");
    if (want > st->n)
        return mg_error_set(err, MG_E_USAGE, "--summary %zu asked for, but '%s' holds only %zu",
                            want, st->source, st->n);
    *out = &st->sums[(want ? want : st->n) - 1];
    if (st->n > 1) {
        snprintf(note, sizeof(note),
                 "%zu dhat summaries found; used #%zu (line %lu); choose with --summary N", st->n,
                 want ? want : st->n, (*out)->line);
        if (mg_profile_set_str(&p->note, note, err) < 0)
            return -err->code;
    }
    return 0;
}

static int fill(mg_profile *p, const struct summary *s, mg_error *err)
{
    mg_metrics *m = &p->metrics;
    const char *label;

    if (s->units) {
        p->mode = MG_MODE_AD_HOC;
        label = "ad-hoc";
    } else if (!s->has_gmax && s->valgrind) {
        p->mode = MG_MODE_COPY; /* Valgrind --mode=copy prints only the Total line */
        label = "copy";
    } else if (!s->has_gmax || !s->has_end) {
        return mg_error_set_at(err, MG_E_INPUT, p->source, s->line, 1,
                               "summary is incomplete: expected 'At t-gmax:' and 'At t-end:' "
                               "lines after 'Total:'");
    } else {
        p->mode = MG_MODE_HEAP;
        label = "heap";
    }
    if (p->mode == MG_MODE_HEAP) {
        mg_metrics_set(m, MG_TOTAL_BYTES, s->total);
        mg_metrics_set(m, MG_ALLOC_COUNT, s->total_blocks);
        mg_metrics_set(m, MG_PEAK_BYTES, s->gmax);
        mg_metrics_set(m, MG_PEAK_BLOCKS, s->gmax_blocks);
        mg_metrics_set(m, MG_END_BYTES, s->end);
        mg_metrics_set(m, MG_END_BLOCKS, s->end_blocks);
    } else {
        p->has_raw_total = true;
        p->raw_amount = s->total;
        p->raw_count = s->total_blocks;
    }
    if (mg_profile_set_str(&p->mode_label, label, err) < 0 ||
        mg_profile_set_str(&p->producer, s->valgrind ? "valgrind-dhat" : "dhat-rs", err) < 0)
        return -err->code;
    return 0;
}

/* A CI log that also holds a /usr/bin/time -v report: its peak RSS comes along. */
static int add_time_rss(mg_profile *p, const char *data, size_t len, mg_error *err)
{
    uint64_t rss;
    unsigned long line;
    char note[160];
    if (!mg_time_find_rss(data, len, &rss, &line))
        return 0;
    mg_metrics_set(&p->metrics, MG_PEAK_RSS, rss);
    snprintf(note, sizeof(note), "%s%speak_rss_bytes from the /usr/bin/time report at line %lu",
             p->note ? p->note : "", p->note ? "; " : "", line);
    return mg_profile_set_str(&p->note, note, err);
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    struct text_state st;
    const struct summary *s = NULL;
    int rc;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    rc = scan(&st, data, len, err);
    if (rc == 0)
        rc = pick(&st, p, opts, &s, err);
    if (rc == 0)
        rc = fill(p, s, err);
    if (rc == 0)
        rc = add_time_rss(p, data, len, err);
    free(st.sums);
    free(st.clean);
    free(st.orig_col);
    return rc;
}

/* Any line with a summary marker; ANSI codes and prefixes may surround it. */
static bool detect(const char *head, size_t len)
{
    static const char rs[] = "dhat: Total:", banner[] = "DHAT, a dynamic heap analysis tool",
                      vg[] = "== Total:";
    if (memmem(head, len, rs, sizeof(rs) - 1))
        return true;
    return memmem(head, len, banner, sizeof(banner) - 1) && memmem(head, len, vg, sizeof(vg) - 1);
}

const mg_format mg_format_dhat_text = {
    MG_FORMAT_DHAT_TEXT,
    "dhat summary text (dhat-rs or Valgrind DHAT stderr, also inside a CI log)",
    detect,
    parse,
    NULL,
    false,
};
