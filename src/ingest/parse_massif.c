/* Valgrind massif.out (and heaptrack's massif export, whose header comes last). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/lines.h"
#include "ingest/massif_common.h"
#include "ingest/massif_tree.h"

struct massif_state {
    const char *source;
    mg_massif m;
    mg_massif_snap cur;
    bool in_snap;
    unsigned seen; /* bits: time, heap, extra, stacks */
    unsigned long snap_line;
    /*
     * Valgrind writes desc: and cmd: raw, so an argument holding a newline
     * (a shell -c string, a python3 -c script) spreads them over several
     * lines: every line up to the next header key continues them.
     */
    enum { HDR_NONE, HDR_DESC, HDR_CMD } in_header;
    mg_massif_tree tree; /* of the first snapshot marked heap_tree=peak */
    bool tree_done;
};

/* "  n2: 1234 0x4005A: foo (a.c:12)": a heap-tree line, its depth its indentation. */
static int tree_line(struct massif_state *st, const mg_line *l, mg_error *err)
{
    size_t d = 0, pos, used;
    uint64_t bytes;
    const char *text;
    while (d < l->len && l->s[d] == ' ')
        d++;
    pos = d;
    if (pos >= l->len || l->s[pos] != 'n')
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, pos + 1,
                               "expected a heap-tree entry 'nCHILDREN: BYTES WHERE'");
    pos++;
    if (!mg_scan_u64(l->s + pos, l->len - pos, &used, &bytes) || !used || pos + used >= l->len ||
        l->s[pos + used] != ':')
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, pos + used + 1,
                               "expected the number of children and ':'");
    pos += used + 1;
    if (pos >= l->len || l->s[pos] != ' ' ||
        !mg_scan_u64(l->s + pos + 1, l->len - pos - 1, &used, &bytes) || !used)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, pos + 2,
                               "expected the entry's bytes");
    pos += 1 + used;
    text = pos < l->len ? l->s + pos + 1 : l->s + l->len;
    if (l->len - (size_t)(text - l->s) > 3 && !memcmp(text, "in ", 3) &&
        mg_line_find(l, "below massif's threshold"))
        return mg_massif_tree_node(&st->tree, d, bytes, MG_MASSIF_BELOW, strlen(MG_MASSIF_BELOW),
                                   l->no, err);
    return mg_massif_tree_node(&st->tree, d, bytes, d ? text : NULL,
                               d ? l->len - (size_t)(text - l->s) : 0, l->no, err);
}

static int finish_snap(struct massif_state *st, mg_error *err)
{
    if (!st->in_snap)
        return 0;
    if ((st->seen & 15u) != 15u)
        return mg_error_set_at(err, MG_E_INPUT, st->source, st->snap_line, 1,
                               "snapshot %llu lacks one of time=, mem_heap_B=, "
                               "mem_heap_extra_B=, mem_stacks_B=",
                               (unsigned long long)st->cur.n);
    st->in_snap = false;
    if (st->cur.peak)
        st->tree_done = true;
    return mg_massif_push(&st->m, &st->cur, err);
}

static int value(struct massif_state *st, const mg_line *l, size_t off, bool decimal, uint64_t *out,
                 mg_error *err)
{
    size_t used;
    bool ok = decimal ? mg_scan_decimal_scaled(l->s + off, l->len - off, 0, &used, out)
                      : mg_scan_u64(l->s + off, l->len - off, &used, out);
    if (!ok)
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, off + 1,
                               "number does not fit in 64 bits");
    if (used == 0 || off + used != l->len)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, off + used + 1,
                               "expected a whole number");
    return 0;
}

static const struct {
    const char *key;
    unsigned bit;
    size_t off;
} snap_keys[] = {
    {"time=", 1, offsetof(mg_massif_snap, time)},
    {"mem_heap_B=", 2, offsetof(mg_massif_snap, heap)},
    {"mem_heap_extra_B=", 4, offsetof(mg_massif_snap, extra)},
    {"mem_stacks_B=", 8, offsetof(mg_massif_snap, stacks)},
};

static int header(struct massif_state *st, const mg_line *l, mg_error *err)
{
    if (mg_line_starts(l, "cmd:")) {
        size_t skip = mg_line_starts(l, "cmd: ") ? 5 : 4;
        char *c = strndup(l->s + skip, l->len - skip);
        if (!c)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        free(st->m.cmd);
        st->m.cmd = c;
        st->in_header = HDR_CMD;
    } else if (mg_line_starts(l, "time_unit: ")) {
        snprintf(st->m.time_unit, sizeof(st->m.time_unit), "%.*s", (int)(l->len - 11), l->s + 11);
        st->in_header = HDR_NONE;
    } else if (mg_line_starts(l, "desc:")) {
        st->in_header = HDR_DESC; /* memgate does not report massif's own options */
    }
    return 0;
}

/* A line of a desc: or cmd: value that held a newline. */
static int continuation(struct massif_state *st, const mg_line *l, mg_error *err)
{
    size_t have;
    char *c;
    if (st->in_header == HDR_DESC)
        return 0;
    have = strlen(st->m.cmd);
    if (!(c = realloc(st->m.cmd, have + 1 + l->len + 1)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    c[have] = '\n';
    memcpy(c + have + 1, l->s, l->len);
    c[have + 1 + l->len] = '\0';
    st->m.cmd = c;
    return 0;
}

static bool is_header_key(const mg_line *l)
{
    return mg_line_starts(l, "desc:") || mg_line_starts(l, "cmd:") ||
           mg_line_starts(l, "time_unit:");
}

static int snapshot_line(struct massif_state *st, const mg_line *l, mg_error *err)
{
    size_t i;
    int rc;
    if (mg_line_starts(l, "snapshot=")) {
        if ((rc = finish_snap(st, err)) < 0)
            return rc;
        memset(&st->cur, 0, sizeof(st->cur));
        st->in_snap = true;
        st->seen = 0;
        st->snap_line = l->no;
        return value(st, l, 9, false, &st->cur.n, err);
    }
    for (i = 0; i < sizeof(snap_keys) / sizeof(snap_keys[0]); i++) {
        size_t k = strlen(snap_keys[i].key);
        if (!mg_line_starts(l, snap_keys[i].key))
            continue;
        if (!st->in_snap)
            return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 1, "'%s' outside a snapshot",
                                   snap_keys[i].key);
        st->seen |= snap_keys[i].bit;
        /* heaptrack's export writes time= as decimal seconds */
        return value(st, l, k, i == 0, (uint64_t *)((char *)&st->cur + snap_keys[i].off), err);
    }
    if (mg_line_starts(l, "heap_tree=")) {
        if (l->len == 14 && !memcmp(l->s + 10, "peak", 4))
            st->cur.peak = true;
        return 0;
    }
    return 1; /* not a snapshot line */
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    struct massif_state st;
    mg_lines it;
    mg_line l;
    int rc = 0;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    mg_massif_tree_init(&st.tree, p->source, opts);
    mg_lines_init(&it, data, len);
    while (rc >= 0 && mg_lines_next(&it, &l)) {
        if (st.in_header != HDR_NONE && !is_header_key(&l)) {
            rc = continuation(&st, &l, err);
            continue;
        }
        if ((l.s[0] == ' ' || l.s[0] == 'n') && l.len && st.in_snap && st.cur.peak &&
            !st.tree_done) {
            rc = tree_line(&st, &l, err);
            continue;
        }
        if (l.len == 0 || l.s[0] == '#' || l.s[0] == ' ' || l.s[0] == 'n')
            continue; /* separators and the other snapshots' heap trees */
        if ((rc = snapshot_line(&st, &l, err)) == 1)
            rc = is_header_key(&l)
                     ? header(&st, &l, err)
                     : mg_error_set_at(err, MG_E_INPUT, st.source, l.no, 1,
                                       "unexpected line in a massif file: '%.40s'", l.s);
    }
    if (rc >= 0 && st.in_header != HDR_NONE)
        rc = mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0,
                             "massif header without a 'time_unit:' line");
    if (rc >= 0)
        rc = finish_snap(&st, err);
    if (rc >= 0 && st.m.n == 0)
        rc = mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0, "massif file without snapshots");
    if (rc >= 0)
        rc = mg_massif_fill(&st.m, p, "valgrind-massif", err);
    if (rc >= 0)
        rc = mg_massif_tree_finish(&st.tree, p, opts, err);
    mg_massif_tree_release(&st.tree);
    mg_massif_release(&st.m);
    return rc < 0 ? rc : 0;
}

/* Whether a line of head[0..len) starting right after a newline begins with key. */
static const char *line_with(const char *head, size_t len, const char *from, const char *key)
{
    size_t k = strlen(key);
    const char *end = head + len, *nl;
    while ((nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
        from = nl + 1;
        if ((size_t)(end - from) >= k && !memcmp(from, key, k))
            return from;
    }
    return NULL;
}

/*
 * massif.out: "desc:" first, then a "cmd:" line and a "time_unit:" line (the
 * values may spread over several lines, see in_header), then the first
 * snapshot; or heaptrack's export, which starts with the snapshots.
 */
static bool detect(const char *head, size_t len)
{
    static const char snap0[] = "#-----------\nsnapshot=0\n";
    const char *cmd, *tu;
    if (len >= 5 && !memcmp(head, "desc:", 5)) {
        cmd = line_with(head, len, head, "cmd:");
        tu = cmd ? line_with(head, len, cmd, "time_unit:") : NULL;
        return tu != NULL;
    }
    return len >= sizeof(snap0) - 1 && !memcmp(head, snap0, sizeof(snap0) - 1);
}

const mg_format mg_format_massif = {
    MG_FORMAT_MASSIF,
    "Valgrind massif.out.PID (also heaptrack_print -M exports)",
    detect,
    parse,
    NULL,
    false,
};
