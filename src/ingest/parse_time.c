/*
 * /usr/bin/time: GNU (and BusyBox) "-v" reports, GNU's default one-line format
 * with "NNNNmaxresident)k", anywhere in a log. Peak RSS is in KiB there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/lines.h"
#include "memgate/num.h"

#define RSS_LABEL "Maximum resident set size (kbytes): "

struct time_report {
    uint64_t rss_kib, elapsed_us, exit_status;
    bool has_elapsed, has_exit, verbose;
    unsigned long line;
    char cmd[512];
    char failed[96]; /* "Command exited with non-zero status 1" */
};

struct time_state {
    const char *source;
    struct time_report cur, last;
    size_t n_reports;
    char pending_fail[96];
};

/* Skip leading blanks (time -v indents with a tab; CI logs may prefix more). */
static const char *after_label(const mg_line *l, const char *label)
{
    const char *p = mg_line_find(l, label);
    return p ? p + strlen(label) : NULL;
}

/* "h:mm:ss" or "m:ss.cc" -> microseconds. */
static bool elapsed(const char *p, size_t n, uint64_t *out)
{
    uint64_t parts[3], v = 0, sec_us;
    size_t used, k = 0, i = 0;
    while (k < 3) {
        if (!mg_scan_u64(p + i, n - i, &used, &parts[k]) || !used)
            return false;
        i += used;
        k++;
        if (i < n && p[i] == ':')
            i++;
        else
            break;
    }
    if (k < 2)
        return false;
    /* the last part may carry centiseconds */
    i -= used;
    if (!mg_scan_decimal_scaled(p + i, n - i, 6, &used, &sec_us))
        return false;
    v = (k == 3 ? parts[0] * 3600 + parts[1] * 60 : parts[0] * 60) * 1000000 + sec_us;
    *out = v;
    return true;
}

static int number_after(const struct time_state *st, const mg_line *l, const char *p, uint64_t *out,
                        mg_error *err)
{
    size_t used, n = (size_t)(l->s + l->len - p);
    if (!mg_scan_u64(p, n, &used, out))
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, mg_line_col(l, p),
                               "number does not fit in 64 bits");
    if (used == 0 || used != n)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p + used),
                               "expected a whole number");
    return 0;
}

static void end_report(struct time_state *st)
{
    st->last = st->cur;
    st->n_reports++;
    memset(&st->cur, 0, sizeof(st->cur));
}

static int verbose_line(struct time_state *st, const mg_line *l, mg_error *err)
{
    const char *p;
    int rc;
    if ((p = after_label(l, "Command being timed: \""))) {
        size_t n = (size_t)(l->s + l->len - p);
        memset(&st->cur, 0, sizeof(st->cur));
        snprintf(st->cur.cmd, sizeof(st->cur.cmd), "%.*s", (int)(n && p[n - 1] == '"' ? n - 1 : n),
                 p);
        snprintf(st->cur.failed, sizeof(st->cur.failed), "%s", st->pending_fail);
        st->pending_fail[0] = '\0';
        return 0;
    }
    if ((p = after_label(l, "Elapsed (wall clock) time (h:mm:ss or m:ss): ")))
        st->cur.has_elapsed = elapsed(p, (size_t)(l->s + l->len - p), &st->cur.elapsed_us);
    if ((p = after_label(l, RSS_LABEL))) {
        if ((rc = number_after(st, l, p, &st->cur.rss_kib, err)) < 0)
            return rc;
        st->cur.verbose = true;
        st->cur.line = l->no;
    }
    if ((p = after_label(l, "Exit status: ")) && st->cur.verbose) {
        if ((rc = number_after(st, l, p, &st->cur.exit_status, err)) < 0)
            return rc;
        st->cur.has_exit = true;
        end_report(st);
    }
    if (after_label(l, "Command exited with non-zero status ") ||
        after_label(l, "Command terminated by signal ")) {
        const char *c = mg_line_find(l, "Command ");
        snprintf(st->pending_fail, sizeof(st->pending_fail), "%.*s", (int)(l->s + l->len - c), c);
    }
    return 0;
}

/* GNU default: "0.00user 0.00system 0:00.00elapsed 20%CPU (0avgtext+0avgdata 2996maxresident)k" */
static int default_line(struct time_state *st, const mg_line *l, mg_error *err)
{
    const char *p = mg_line_find(l, "maxresident)k"), *q, *e;
    size_t used;
    if (!p)
        return 0;
    for (q = p; q > l->s && q[-1] >= '0' && q[-1] <= '9'; q--)
        ;
    if (q == p)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p),
                               "expected a number before 'maxresident'");
    memset(&st->cur, 0, sizeof(st->cur));
    if (!mg_scan_u64(q, (size_t)(p - q), &used, &st->cur.rss_kib))
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, mg_line_col(l, q),
                               "number does not fit in 64 bits");
    st->cur.line = l->no;
    if ((e = mg_line_find(l, "elapsed "))) {
        for (q = e; q > l->s && q[-1] != ' '; q--)
            ;
        st->cur.has_elapsed = elapsed(q, (size_t)(e - q), &st->cur.elapsed_us);
    }
    end_report(st);
    return 0;
}

static int scan(struct time_state *st, const char *data, size_t len, mg_error *err)
{
    mg_lines it;
    mg_line l;
    int rc;
    mg_lines_init(&it, data, len);
    while (mg_lines_next(&it, &l)) {
        if ((rc = verbose_line(st, &l, err)) < 0 || (rc = default_line(st, &l, err)) < 0)
            return rc;
    }
    /* a -v block cut off after its RSS line still counts */
    if (st->cur.verbose)
        end_report(st);
    return 0;
}

bool mg_time_find_rss(const char *data, size_t len, uint64_t *bytes, unsigned long *line)
{
    struct time_state st;
    memset(&st, 0, sizeof(st));
    st.source = "";
    if (scan(&st, data, len, NULL) < 0 || st.n_reports == 0 ||
        !mg_u64_mul(st.last.rss_kib, 1024, bytes))
        return false;
    *line = st.last.line;
    return true;
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    struct time_state st;
    uint64_t rss;
    char note[160];
    int rc;
    (void)opts;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    if ((rc = scan(&st, data, len, err)) < 0)
        return rc;
    if (st.n_reports == 0)
        return mg_error_set_at(err, MG_E_INPUT, p->source, 0, 0,
                               "no /usr/bin/time report with a maximum resident set size found");
    if (!mg_u64_mul(st.last.rss_kib, 1024, &rss))
        return mg_error_set_at(err, MG_E_OVERFLOW, p->source, st.last.line, 0,
                               "maximum resident set size does not fit in 64 bits");
    mg_metrics_set(&p->metrics, MG_PEAK_RSS, rss);
    if (st.last.has_elapsed)
        mg_metrics_set(&p->metrics, MG_RUNTIME_US, st.last.elapsed_us);
    if (st.last.has_exit)
        mg_profile_add_extra(p, "exit_status", st.last.exit_status, "", "exit status");
    p->mode = MG_MODE_OTHER;
    if (st.n_reports > 1)
        snprintf(note, sizeof(note), "%zu time reports found; used the last (line %lu)",
                 st.n_reports, st.last.line);
    else if (st.last.failed[0])
        snprintf(note, sizeof(note), "%s", st.last.failed);
    else
        note[0] = '\0';
    if (mg_profile_set_str(&p->producer, "gnu-time", err) < 0 ||
        mg_profile_set_str(&p->mode_label, st.last.verbose ? "time -v" : "time", err) < 0 ||
        (st.last.cmd[0] && mg_profile_set_str(&p->command, st.last.cmd, err) < 0) ||
        (note[0] && mg_profile_set_str(&p->note, note, err) < 0) ||
        mg_profile_set_str(&p->gate_note,
                           "/usr/bin/time measures the process, not the heap: only peak_rss_bytes "
                           "(ru_maxrss KiB x 1024) and a coarse runtime can be gated",
                           err) < 0)
        return -err->code;
    return 0;
}

static bool detect(const char *head, size_t len)
{
    (void)len;
    return strstr(head, "\tMaximum resident set size (kbytes): ") ||
           !strncmp(head, "Maximum resident set size (kbytes): ", 36) ||
           strstr(head, "\tCommand being timed: \"") || strstr(head, "maxresident)k");
}

const mg_format mg_format_time = {
    MG_FORMAT_TIME,
    "/usr/bin/time -v report or GNU time's default line (peak RSS), also inside a log",
    detect,
    parse,
    NULL,
    false,
};
