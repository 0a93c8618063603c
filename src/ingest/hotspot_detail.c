/*
 * What a reviewer needs beside a hotspot's name, from the profile's stacks:
 * the source lines of its attributed frame that allocated most, the chain from
 * that frame down to the allocation site, the allocation-site frame, and the
 * library its bytes went through (issue: "deep_context::analyze <- syn (81%)").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "memgate/buf.h"
#include "utf8.h"

#define NONE UINT32_MAX
#define MAX_LINES 256 /* distinct lines tracked per hotspot; more are summed as "(other lines)" */
#define MAX_LIBS 32
#define CHAIN_MAX 3 /* the first callees and the allocation site */

struct line_acc {
    char where[300];
    uint64_t w[3]; /* total, peak, count */
};

struct lib_acc {
    char name[128];
    uint64_t tb;
};

struct slot {
    struct line_acc *lines;
    size_t n_lines, cap;
    struct lib_acc libs[MAX_LIBS];
    size_t n_libs;
    size_t best; /* heaviest stack by total bytes */
    uint64_t best_tb;
    bool has_best;
};

/* "file:line" of a frame, its object, or "(no line)". */
static void line_key(const mg_frame *f, char *out, size_t size)
{
    if (f->file_len && f->line)
        snprintf(out, size, "%.*s:%u", (int)f->file_len, f->file, f->line);
    else if (f->file_len)
        snprintf(out, size, "%.*s", (int)f->file_len, f->file);
    else if (f->object_len)
        snprintf(out, size, "in %.*s", (int)f->object_len, f->object);
    else
        snprintf(out, size, "(no line)");
}

static int add_line(struct slot *sl, const char *key, const mg_stack *st, mg_error *err)
{
    size_t i;
    struct line_acc *l = NULL;
    for (i = 0; i < sl->n_lines; i++)
        if (!strcmp(sl->lines[i].where, key)) {
            l = &sl->lines[i];
            break;
        }
    if (!l && sl->n_lines == MAX_LINES)
        return add_line(sl, "(other lines)", st, err);
    if (!l) {
        if (mg_grow_array((void **)&sl->lines, &sl->cap, sl->n_lines + 1, sizeof(*sl->lines), 4,
                          err) < 0)
            return -err->code;
        l = &sl->lines[sl->n_lines++];
        memset(l, 0, sizeof(*l));
        snprintf(l->where, sizeof(l->where), "%s", key);
    }
    /* cannot overflow: each is at most the profile's total, which fitted */
    l->w[0] += st->w[MG_W_TOTAL];
    l->w[1] += st->w[MG_W_PEAK];
    l->w[2] += st->w[MG_W_COUNT];
    return 0;
}

static void add_lib(struct slot *sl, const char *name, uint64_t tb)
{
    size_t i;
    for (i = 0; i < sl->n_libs; i++)
        if (!strcmp(sl->libs[i].name, name)) {
            sl->libs[i].tb += tb;
            return;
        }
    if (sl->n_libs < MAX_LIBS) {
        snprintf(sl->libs[sl->n_libs].name, sizeof(sl->libs[0].name), "%s", name);
        sl->libs[sl->n_libs++].tb = tb;
    }
}

/*
 * The library a stack's bytes went through: the third-party frame nearest
 * the attributed frame on the way to the allocation site.
 */
static const char *through(const mg_hotspot_agg *agg, const mg_stack *st, long at, char *buf,
                           size_t size)
{
    long i;
    for (i = at - 1; i >= 0; i--)
        if (mg_attributor_is_library(agg->attr, agg->st, st->frames[i])) {
            mg_frame f;
            mg_stacks_frame(agg->st, st->frames[i], &f);
            return mg_frame_library(&f, buf, size);
        }
    return NULL;
}

static int test_excluded(const mg_hotspot_agg *agg, const mg_stack *st)
{
    size_t k;
    if (!agg->opts || !agg->opts->exclude_tests)
        return 0;
    for (k = 0; k < st->depth; k++)
        if (mg_attributor_bits(agg->attr)[st->frames[k]] & MG_AB_TEST)
            return 1;
    return 0;
}

/* "Iterator::collect ← Vec::from_iter": the attributed frame's callees down to the site. */
static char *chain(const mg_hotspot_agg *agg, const mg_stack *st, const mg_attr_result *res)
{
    char names[CHAIN_MAX][160], buf[160];
    size_t n = 0, skipped = 0;
    long i;
    mg_buf b;
    char *out;
    if (res->frame <= 0 || res->alloc_site < 0)
        return NULL;
    for (i = res->frame - 1; i >= res->alloc_site; i--) {
        mg_frame f;
        if (mg_attributor_is_machinery(agg->attr, st->frames[i]))
            continue;
        mg_stacks_frame(agg->st, st->frames[i], &f);
        mg_frame_short_name(&f, buf, sizeof(buf));
        if (n && !strcmp(names[n - 1], buf))
            continue;
        if (n == CHAIN_MAX) {
            /* keep the first ones and the allocation site */
            snprintf(names[CHAIN_MAX - 1], sizeof(names[0]), "%s", buf);
            skipped++;
            continue;
        }
        snprintf(names[n++], sizeof(names[0]), "%s", buf);
    }
    if (!n)
        return NULL;
    mg_buf_init(&b, 0);
    for (i = 0; i < (long)n; i++) {
        bool elide = skipped && i == (long)n - 1;
        if (mg_buf_printf(&b, NULL, "%s%s%s", i ? " \xE2\x86\x90 " : "",
                          elide ? "\xE2\x80\xA6 \xE2\x86\x90 " : "", names[i]) < 0) {
            mg_buf_release(&b);
            return NULL;
        }
    }
    out = mg_utf8_sanitize_display(b.data, b.len);
    mg_buf_release(&b);
    return out;
}

/* Heaviest first by weight w, ties by name (few lines: insertion sort). */
static void sort_lines(struct line_acc *l, size_t n, int w)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        struct line_acc t = l[i];
        for (j = i; j > 0 && (l[j - 1].w[w] < t.w[w] ||
                              (l[j - 1].w[w] == t.w[w] && strcmp(l[j - 1].where, t.where) > 0));
             j--)
            l[j] = l[j - 1];
        l[j] = t;
    }
}

static int fill(const mg_hotspot_agg *agg, struct slot *sl, enum mg_rank rk, mg_hotspot *h,
                mg_error *err)
{
    size_t i;
    mg_stack st;
    mg_attr_result res;
    /* line_acc's weights are in enum mg_rank's order: total, peak, count */
    sort_lines(sl->lines, sl->n_lines, (int)rk);
    for (i = 0; i < sl->n_lines && h->n_lines < MG_HOTSPOT_LINES; i++) {
        mg_hotspot_line *l = &h->lines[h->n_lines];
        if (!sl->lines[i].w[rk] && i)
            break;
        if (!(l->where = mg_utf8_sanitize_display(sl->lines[i].where, strlen(sl->lines[i].where))))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        l->total_bytes = sl->lines[i].w[0];
        l->peak_bytes = sl->lines[i].w[1];
        l->count = sl->lines[i].w[2];
        h->n_lines++;
    }
    if (sl->has_best) {
        mg_stacks_get(agg->st, sl->best, &st);
        mg_attribute(agg->attr, st.frames, st.depth, &res);
        h->how = (unsigned)res.how;
        h->chain = chain(agg, &st, &res);
        if (res.alloc_site >= 0) {
            const char *t = agg->st->text + agg->st->frame_off[st.frames[res.alloc_site]];
            if (!(h->alloc_site = mg_utf8_sanitize_display(t, strlen(t))))
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
    }
    if (sl->n_libs && h->total_bytes) {
        size_t best = 0;
        for (i = 1; i < sl->n_libs; i++)
            if (sl->libs[i].tb > sl->libs[best].tb ||
                (sl->libs[i].tb == sl->libs[best].tb &&
                 strcmp(sl->libs[i].name, sl->libs[best].name) < 0))
                best = i;
        if (!(h->library =
                  mg_utf8_sanitize_display(sl->libs[best].name, strlen(sl->libs[best].name))))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        h->library_share = (double)sl->libs[best].tb / (double)h->total_bytes;
    }
    return 0;
}

int mg_hotspot_details(mg_hotspot_agg *agg, mg_profile *p, mg_error *err)
{
    uint32_t *slot_of = NULL;
    struct slot *slots = NULL;
    size_t n_slots = 0, n_rows = agg->n_rows, i, k;
    int rk, rc = 0;

    if (!agg->st || !agg->attr || !n_rows)
        return 0;
    if (!(slot_of = malloc(n_rows * sizeof(*slot_of))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < n_rows; i++)
        slot_of[i] = NONE;
    for (rk = 0; rk < MG_RANK_COUNT; rk++)
        for (i = 0; i < p->n_rank[rk]; i++)
            if (slot_of[agg->ranked_rows[rk][i]] == NONE)
                slot_of[agg->ranked_rows[rk][i]] = (uint32_t)n_slots++;
    if (!(slots = calloc(n_slots ? n_slots : 1, sizeof(*slots)))) {
        free(slot_of);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    for (i = 0; rc == 0 && i < mg_stacks_count(agg->st); i++) {
        mg_stack st;
        mg_attr_result res;
        mg_frame f;
        size_t row;
        struct slot *sl;
        char key[300], lib[128];
        const char *l;
        mg_stacks_get(agg->st, i, &st);
        if (test_excluded(agg, &st))
            continue;
        mg_attribute(agg->attr, st.frames, st.depth, &res);
        if ((rc = mg_hotspot_agg_row(agg, st.frames, st.depth, &res, &row, err)) < 0)
            break;
        if (row >= n_rows || slot_of[row] == NONE)
            continue;
        sl = &slots[slot_of[row]];
        if (res.frame >= 0) {
            mg_stacks_frame(agg->st, st.frames[res.frame], &f);
            line_key(&f, key, sizeof(key));
        } else {
            snprintf(key, sizeof(key), "(no frame)");
        }
        if ((rc = add_line(sl, key, &st, err)) < 0)
            break;
        if (!sl->has_best || st.w[MG_W_TOTAL] > sl->best_tb) {
            sl->has_best = true;
            sl->best = i;
            sl->best_tb = st.w[MG_W_TOTAL];
        }
        if (res.how == MG_ATTR_HOW_OWN && (l = through(agg, &st, res.frame, lib, sizeof(lib))))
            add_lib(sl, l, st.w[MG_W_TOTAL]);
    }
    for (rk = 0; rc == 0 && rk < MG_RANK_COUNT; rk++)
        for (i = 0; rc == 0 && i < p->n_rank[rk]; i++)
            rc = fill(agg, &slots[slot_of[agg->ranked_rows[rk][i]]], (enum mg_rank)rk,
                      &p->rank[rk][i], err);
    for (k = 0; k < n_slots; k++)
        free(slots[k].lines);
    free(slots);
    free(slot_of);
    return rc;
}

int mg_hotspot_agg_finish(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err)
{
    int rc;
    if (agg->opts && agg->opts->group_by == MG_GROUP_CRATE) {
        /* the rows are libraries, not attributed frames: no lines or chains */
        if ((rc = mg_hotspot_agg_rank(agg, p, 0, err)) == 0)
            rc = mg_hotspot_rank_crates(agg, p, top_n, err);
        return rc < 0 ? rc : mg_hotspot_agg_hand_over(agg, p, err);
    }
    rc = mg_hotspot_agg_rank(agg, p, top_n, err);
    if (rc == 0 && top_n && (!agg->opts || agg->opts->group_by != MG_GROUP_STACK))
        rc = mg_hotspot_details(agg, p, err);
    return rc < 0 ? rc : mg_hotspot_agg_hand_over(agg, p, err);
}
