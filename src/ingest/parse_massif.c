/* Valgrind massif.out (and heaptrack's massif export, whose header comes last). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/lines.h"
#include "ingest/massif_common.h"

struct massif_state {
    const char *source;
    mg_massif m;
    mg_massif_snap cur;
    bool in_snap;
    unsigned seen; /* bits: time, heap, extra, stacks */
    unsigned long snap_line;
};

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
    return mg_massif_push(&st->m, &st->cur, err);
}

static int value(struct massif_state *st, const mg_line *l, size_t off, bool decimal,
                 uint64_t *out, mg_error *err)
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
    if (mg_line_starts(l, "cmd: ")) {
        char *c = strndup(l->s + 5, l->len - 5);
        if (!c)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        free(st->m.cmd);
        st->m.cmd = c;
    } else if (mg_line_starts(l, "time_unit: ")) {
        snprintf(st->m.time_unit, sizeof(st->m.time_unit), "%.*s", (int)(l->len - 11), l->s + 11);
    }
    return 0;
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
            return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 1,
                                   "'%s' outside a snapshot", snap_keys[i].key);
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
    (void)opts;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    mg_lines_init(&it, data, len);
    while (rc >= 0 && mg_lines_next(&it, &l)) {
        if (l.len == 0 || l.s[0] == '#' || l.s[0] == ' ' || l.s[0] == 'n')
            continue; /* separators and heap-tree lines */
        if ((rc = snapshot_line(&st, &l, err)) == 1)
            rc = (mg_line_starts(&l, "desc:") || mg_line_starts(&l, "cmd:") ||
                  mg_line_starts(&l, "time_unit:"))
                     ? header(&st, &l, err)
                     : mg_error_set_at(err, MG_E_INPUT, st.source, l.no, 1,
                                       "unexpected line in a massif file: '%.40s'",
                                       l.s);
    }
    if (rc >= 0)
        rc = finish_snap(&st, err);
    if (rc >= 0 && st.m.n == 0)
        rc = mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0,
                             "massif file without snapshots");
    if (rc >= 0)
        rc = mg_massif_fill(&st.m, p, "valgrind-massif", err);
    mg_massif_release(&st.m);
    return rc < 0 ? rc : 0;
}

/* massif.out: "desc:" first, "cmd:" and "time_unit:" within three lines; or heaptrack's export. */
static bool detect(const char *head, size_t len)
{
    (void)len;
    if (!strncmp(head, "desc:", 5)) {
        const char *l2 = strchr(head, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
        return l2 && l3 && !strncmp(l2 + 1, "cmd:", 4) && !strncmp(l3 + 1, "time_unit:", 10);
    }
    return !strncmp(head, "#-----------\nsnapshot=0\n", 24);
}

const mg_format mg_format_massif = {
    MG_FORMAT_MASSIF,
    "Valgrind massif.out.PID (also heaptrack_print -M exports)",
    detect,
    parse,
    NULL,
    false,
};
