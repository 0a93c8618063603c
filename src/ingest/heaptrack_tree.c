/* The call stacks of a heaptrack data file (see heaptrack_tree.h). */
#include "ingest/heaptrack_tree.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/heaptrack_frames.h"
#include "ingest/lines.h"
#include "memgate/buf.h"

struct ht_ip {
    uint64_t addr, module;
    size_t fr_off, n_fr; /* triples in fr */
};

struct ht_trace {
    uint64_t ip, parent; /* 1-based ip; parent trace (0: the root) */
};

/* heaptrack_print stops at most this deep, and so does memgate (a cycle guard too). */
#define HT_MAX_DEPTH 4096u

void mg_ht_tree_release(mg_ht_tree *t)
{
    free(t->text);
    free(t->str_off);
    free(t->ips);
    free(t->fr);
    free(t->traces);
    memset(t, 0, sizeof(*t));
}

static int bad(const mg_ht_tree *t, unsigned long no, size_t col, const char *what, mg_error *err)
{
    return mg_error_set_at(err, MG_E_INPUT, t->source, no, col, "%s", what);
}

/* The next space-separated hex field of s from *pos; 1 when there was one, 0 at the end. */
static int next_hex(const mg_ht_tree *t, const char *s, size_t len, size_t *pos, unsigned long no,
                    uint64_t *out, mg_error *err)
{
    size_t used;
    if (*pos >= len)
        return 0;
    if (s[*pos] != ' ')
        return bad(t, no, *pos + 1, "expected a space and a hexadecimal field", err);
    (*pos)++;
    if (!mg_scan_hex_u64(s + *pos, len - *pos, &used, out))
        return mg_error_set_at(err, MG_E_OVERFLOW, t->source, no, *pos + 1,
                               "number does not fit in 64 bits");
    if (used == 0 || (*pos + used < len && s[*pos + used] != ' '))
        return bad(t, no, *pos + used + 1, "expected a hexadecimal number", err);
    *pos += used;
    return 1;
}

int mg_ht_tree_string(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err)
{
    size_t pos = 1, from;
    uint64_t n = 0;
    int rc;
    if (t->sized_strings) {
        if ((rc = next_hex(t, s, len, &pos, no, &n, err)) <= 0)
            return rc < 0 ? rc : bad(t, no, 2, "expected the string's length", err);
    }
    if (pos < len && s[pos] != ' ')
        return bad(t, no, pos + 1, "expected a space before the string", err);
    from = pos < len ? pos + 1 : len;
    if (t->sized_strings && n != len - from)
        return bad(t, no, from + 1, "string length does not match the line", err);
    if (mg_grow_array((void **)&t->str_off, &t->str_cap, t->n_str + 1, sizeof(size_t), 256, err) <
            0 ||
        mg_grow_array((void **)&t->text, &t->text_cap, t->text_len + (len - from) + 1, 1, 4096,
                      err) < 0)
        return -err->code;
    t->str_off[t->n_str++] = t->text_len;
    memcpy(t->text + t->text_len, s + from, len - from);
    t->text_len += len - from;
    t->text[t->text_len++] = '\0';
    return 0;
}

static int string_index(const mg_ht_tree *t, uint64_t v, unsigned long no, mg_error *err)
{
    if (v > t->n_str)
        return mg_error_set_at(err, MG_E_INPUT, t->source, no, 0,
                               "string %llx is not defined by an earlier 's' line",
                               (unsigned long long)v);
    return 0;
}

int mg_ht_tree_ip(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err)
{
    struct ht_ip ip;
    size_t pos = 1, k = 0;
    uint64_t v;
    int rc;
    memset(&ip, 0, sizeof(ip));
    if ((rc = next_hex(t, s, len, &pos, no, &ip.addr, err)) <= 0 ||
        (rc = next_hex(t, s, len, &pos, no, &ip.module, err)) <= 0)
        return rc < 0 ? rc : bad(t, no, pos + 1, "expected an address and a module", err);
    if ((rc = string_index(t, ip.module, no, err)) < 0)
        return rc;
    ip.fr_off = t->n_fr;
    while ((rc = next_hex(t, s, len, &pos, no, &v, err)) > 0) {
        if (k % 3 != 2 && (rc = string_index(t, v, no, err)) < 0)
            return rc;
        if (mg_grow_array((void **)&t->fr, &t->fr_cap, t->n_fr + 1, sizeof(uint64_t), 256, err) < 0)
            return -err->code;
        t->fr[t->n_fr++] = v;
        k++;
    }
    if (rc < 0)
        return rc;
    /* heaptrack_interpret writes a frame without file and line as its function alone */
    while (k % 3) {
        if (mg_grow_array((void **)&t->fr, &t->fr_cap, t->n_fr + 1, sizeof(uint64_t), 256, err) < 0)
            return -err->code;
        t->fr[t->n_fr++] = 0;
        k++;
    }
    ip.n_fr = k / 3;
    if (mg_grow_array((void **)&t->ips, &t->ips_cap, t->n_ips + 1, sizeof(*t->ips), 256, err) < 0)
        return -err->code;
    t->ips[t->n_ips++] = ip;
    return 0;
}

int mg_ht_tree_trace(mg_ht_tree *t, const char *s, size_t len, unsigned long no, mg_error *err)
{
    struct ht_trace tr;
    size_t pos = 1;
    int rc;
    if ((rc = next_hex(t, s, len, &pos, no, &tr.ip, err)) <= 0 ||
        (rc = next_hex(t, s, len, &pos, no, &tr.parent, err)) <= 0)
        return rc < 0 ? rc : bad(t, no, pos + 1, "expected an ip index and a parent trace", err);
    if (tr.ip == 0 || tr.ip > t->n_ips)
        return bad(t, no, 3, "trace names an ip not defined by an earlier 'i' line", err);
    if (tr.parent > t->n_traces)
        return bad(t, no, 3, "trace names a parent not defined by an earlier 't' line", err);
    if (mg_grow_array((void **)&t->traces, &t->traces_cap, t->n_traces + 1, sizeof(*t->traces), 256,
                      err) < 0)
        return -err->code;
    t->traces[t->n_traces++] = tr;
    return 0;
}

/* The string with index v (1-based; 0 is none). */
static const char *str(const mg_ht_tree *t, uint64_t v, size_t *len)
{
    const char *s;
    if (v == 0 || v > t->n_str) {
        *len = 0;
        return "";
    }
    s = t->text + t->str_off[v - 1];
    *len = strlen(s);
    return s;
}

/* Every ip's frames into the frame table; first[i] is the id of ip i's first frame. */
static int add_frames(const mg_ht_tree *t, mg_hotspot_agg *agg, size_t *first, mg_error *err)
{
    mg_buf b;
    size_t i, k, id = 0;
    int rc = 0;
    mg_buf_init(&b, MG_BUF_DEFAULT_CAP);
    for (i = 0; rc == 0 && i < t->n_ips; i++) {
        const struct ht_ip *ip = &t->ips[i];
        first[i] = id;
        for (k = 0; rc == 0 && k < (ip->n_fr ? ip->n_fr : 1); k++) {
            mg_ht_frame f;
            memset(&f, 0, sizeof(f));
            f.has_addr = true;
            f.addr = ip->addr;
            f.module = str(t, ip->module, &f.module_len);
            if (ip->n_fr) {
                const uint64_t *x = t->fr + ip->fr_off + 3 * k;
                f.name = str(t, x[0], &f.name_len);
                f.file = str(t, x[1], &f.file_len);
                f.line = x[2];
            }
            b.len = 0;
            if ((rc = mg_ht_frame_text(&b, &f, err)) == 0)
                rc = mg_hotspot_agg_add_frame(agg, b.data, b.len, err);
            id++;
        }
    }
    first[t->n_ips] = id;
    mg_buf_release(&b);
    return rc;
}

int mg_ht_tree_emit(const mg_ht_tree *t, const uint64_t *w, mg_hotspot_agg *agg, mg_error *err)
{
    size_t *first = malloc((t->n_ips + 1) * sizeof(size_t));
    static const uint32_t none[1] = {0}; /* fs is NULL until a stack has a frame */
    uint32_t *fs = NULL;
    size_t cap = 0, tr;
    int rc;
    if (!first)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    rc = add_frames(t, agg, first, err);
    for (tr = 0; rc == 0 && tr <= t->n_traces; tr++) {
        const uint64_t *x = w + MG_W_COUNT_ * tr;
        size_t n = 0, depth = 0, k;
        uint64_t cur = tr;
        if (!x[MG_W_TOTAL] && !x[MG_W_COUNT] && !x[MG_W_PEAK] && !x[MG_W_END])
            continue;
        while (rc == 0 && cur && depth++ < HT_MAX_DEPTH) {
            const struct ht_trace *node = &t->traces[cur - 1];
            size_t ip = (size_t)node->ip - 1, m = first[ip + 1] - first[ip];
            if (mg_grow_array((void **)&fs, &cap, n + m, sizeof(*fs), 64, err) < 0) {
                rc = -err->code;
                break;
            }
            for (k = 0; k < m; k++)
                fs[n++] = (uint32_t)(first[ip] + k);
            cur = node->parent;
        }
        if (rc == 0)
            rc = mg_hotspot_agg_add_pp(agg, n ? fs : none, n, x[MG_W_TOTAL], x[MG_W_COUNT],
                                       x[MG_W_PEAK], x[MG_W_END], err);
    }
    free(fs);
    free(first);
    return rc;
}
