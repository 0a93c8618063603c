/* ms_print text (massif rendered for humans): the snapshot table and the "(peak)" marker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/lines.h"
#include "ingest/massif_common.h"
#include "ingest/massif_tree.h"

struct msp_state {
    const char *source;
    mg_massif m;
    uint64_t declared; /* "Number of snapshots: N" */
    bool has_declared, in_list;
    uint64_t peak_n;
    bool has_peak;
    mg_massif_tree tree; /* drawn under the peak snapshot's row */
};

/*
 * A line of a drawn heap tree: "87.70% (44,072,152B) (heap allocation
 * functions) ..." (the root) or "| | ->52.60% (26,434,520B) 0x487ED78: f (in
 * libjq.so)", two columns per level. 1 = it was one, 0 = it was not.
 */
static int tree_line(struct msp_state *st, const mg_line *l, mg_error *err)
{
    size_t p = 0, depth, used;
    uint64_t bytes;
    const char *q, *e = l->s + l->len, *text;
    while (p < l->len && (l->s[p] == '|' || l->s[p] == ' '))
        p++;
    if (p + 1 < l->len && l->s[p] == '-' && l->s[p + 1] == '>' && p % 2 == 0)
        depth = p / 2 + 1, p += 2;
    else if (p == 0 && mg_line_find(l, "(heap allocation functions)"))
        depth = 0;
    else
        return 0;
    q = memchr(l->s + p, '(', l->len - p);
    if (!q || !mg_scan_grouped_u64(q + 1, (size_t)(e - q - 1), &used, &bytes) || !used ||
        q + 1 + used + 2 > e || memcmp(q + 1 + used, "B)", 2) != 0)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, p + 1,
                               "expected a heap-tree entry 'PERCENT%% (BYTESB) WHERE'");
    text = q + 1 + used + 2;
    if (text < e && *text == ' ')
        text++;
    if (depth && (size_t)(e - text) > 3 && !memcmp(text, "in ", 3) && mg_line_find(l, "below "))
        return mg_massif_tree_node(&st->tree, depth, bytes, MG_MASSIF_BELOW,
                                   strlen(MG_MASSIF_BELOW), l->no, err) < 0
                   ? -err->code
                   : 1;
    return mg_massif_tree_node(&st->tree, depth, bytes, depth ? text : NULL,
                               depth ? (size_t)(e - text) : 0, l->no, err) < 0
               ? -err->code
               : 1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* "  n  time  total  useful  extra  stacks" with comma-grouped numbers; 1 = matched. */
static int table_row(struct msp_state *st, const mg_line *l, mg_error *err)
{
    uint64_t v[6];
    size_t pos = 0, used;
    int i;
    mg_massif_snap s;

    for (i = 0; i < 6; i++) {
        while (pos < l->len && is_space(l->s[pos]))
            pos++;
        if (pos >= l->len || l->s[pos] < '0' || l->s[pos] > '9')
            return 0;
        if (!mg_scan_grouped_u64(l->s + pos, l->len - pos, &used, &v[i]))
            return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, pos + 1,
                                   "number does not fit in 64 bits");
        pos += used;
        if (pos < l->len && !is_space(l->s[pos]))
            return 0;
    }
    while (pos < l->len && is_space(l->s[pos]))
        pos++;
    if (pos != l->len)
        return 0;
    if (v[2] != v[3] + v[4] + v[5])
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 1,
                               "snapshot %llu: total(B) is not useful-heap + extra-heap + stacks",
                               (unsigned long long)v[0]);
    if (st->m.n && v[0] <= st->m.snaps[st->m.n - 1].n)
        return 1; /* ms_print repeats no rows, but tolerate it */
    memset(&s, 0, sizeof(s));
    s.n = v[0];
    s.time = v[1];
    s.heap = v[3];
    s.extra = v[4];
    s.stacks = v[5];
    return mg_massif_push(&st->m, &s, err) < 0 ? -err->code : 1;
}

/* " Detailed snapshots: [3, 15, 71 (peak)]", possibly wrapped onto indented lines. */
static void detailed_list(struct msp_state *st, const mg_line *l)
{
    const char *p = mg_line_find(l, "(peak)");
    if (p) {
        const char *q = p;
        while (q > l->s && (q[-1] == ' '))
            q--;
        while (q > l->s && q[-1] >= '0' && q[-1] <= '9')
            q--;
        size_t used;
        if (mg_scan_u64(q, (size_t)(p - q), &used, &st->peak_n) && used)
            st->has_peak = true;
    }
    st->in_list = !memchr(l->s, ']', l->len);
}

static int line(struct msp_state *st, const mg_line *l, mg_error *err)
{
    const char *p;
    size_t used;
    if (st->in_list) {
        detailed_list(st, l);
        return 0;
    }
    if (mg_line_starts(l, "Command:") && !st->m.cmd) {
        size_t i = 8;
        while (i < l->len && l->s[i] == ' ')
            i++;
        if (!(st->m.cmd = strndup(l->s + i, l->len - i)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        return 0;
    }
    if (mg_line_starts(l, "Number of snapshots: ")) {
        if (!mg_scan_u64(l->s + 21, l->len - 21, &used, &st->declared) || used == 0)
            return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 22, "expected a count");
        st->has_declared = true;
        return 0;
    }
    if (mg_line_starts(l, " Detailed snapshots: [")) {
        detailed_list(st, l);
        return 0;
    }
    if (st->has_peak && st->m.n && st->m.snaps[st->m.n - 1].n == st->peak_n) {
        int t = tree_line(st, l, err);
        if (t != 0)
            return t < 0 ? t : 0;
    }
    if ((p = mg_line_find(l, "time(")) && mg_line_find(l, "useful-heap(B)")) {
        const char *e = memchr(p, ')', (size_t)(l->s + l->len - p));
        if (e)
            snprintf(st->m.time_unit, sizeof(st->m.time_unit), "%.*s", (int)(e - p - 5), p + 5);
        return 0;
    }
    return table_row(st, l, err) < 0 ? -err->code : 0;
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    struct msp_state st;
    mg_lines it;
    mg_line l;
    size_t i;
    int rc = 0;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    mg_massif_tree_init(&st.tree, p->source, opts);
    mg_lines_init(&it, data, len);
    while (rc == 0 && mg_lines_next(&it, &l))
        rc = line(&st, &l, err);
    if (rc == 0 && st.m.n == 0)
        rc = mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0,
                             "ms_print output without a snapshot table");
    if (rc == 0 && st.has_declared && st.declared != st.m.n)
        rc = mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0,
                             "'Number of snapshots: %llu' but the table has %zu rows (cut off?)",
                             (unsigned long long)st.declared, st.m.n);
    for (i = 0; rc == 0 && st.has_peak && i < st.m.n; i++)
        if (st.m.snaps[i].n == st.peak_n)
            st.m.snaps[i].peak = true;
    if (rc == 0)
        rc = mg_massif_fill(&st.m, p, "valgrind-massif", err);
    if (rc == 0)
        rc = mg_massif_tree_finish(&st.tree, p, opts, err);
    mg_massif_tree_release(&st.tree);
    mg_massif_release(&st.m);
    return rc;
}

/* A line of 80 '-', then "Command:", then "Massif arguments:". */
static bool detect(const char *head, size_t len)
{
    static const char dashes[] =
        "--------------------------------------------------------------------------------\n";
    const char *l2, *l3;
    if (len < 81 || memcmp(head, dashes, 81) != 0)
        return false;
    l2 = head + 81;
    l3 = strchr(l2, '\n');
    return !strncmp(l2, "Command:", 8) && l3 && !strncmp(l3 + 1, "Massif arguments:", 17);
}

const mg_format mg_format_ms_print = {
    MG_FORMAT_MS_PRINT,
    "ms_print text (Valgrind massif rendered as a graph and tables)",
    detect,
    parse,
    NULL,
    false,
};
