/*
 * The flame graph as SVG: root at the bottom, children left to right by name, a <title> with
 * exact numbers on every frame; no script needed to read it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flame_int.h"
#include "memgate/num.h"
#include "report_xml.h"

#define ROW_H 17
#define PAD 10
#define HEADER_H 58
#define LEGEND_H 44
#define FONT_PX 11
#define CHAR_PX 6.7   /* an 11 px monospace glyph */
#define MIN_PX 0.5    /* narrower frames are merged per parent */
#define MAX_DEPTH 400 /* deeper frames are not drawn (their weight is in their ancestors) */

struct draw {
    const mg_flame *f;
    const mg_flame_svg_options *o;
    mg_buf *out;
    mg_error *err;
    double scale; /* pixels per unit of weight */
    unsigned width, height, rows;
    uint64_t max_change; /* the largest |after - before| of any frame but the root */
};

static const char *unit_word(enum mg_weight w)
{
    return w == MG_W_COUNT ? "allocations" : "bytes";
}

/* "17.7 MiB (18,600,624 bytes)" or "1,479,407 allocations" */
static void amount(enum mg_weight w, uint64_t v, char *out, size_t size)
{
    char count[48], human[32];
    mg_format_count(v, count, sizeof(count));
    if (w == MG_W_COUNT || v < 1024) {
        snprintf(out, size, "%s %s", count, unit_word(w));
        return;
    }
    mg_format_size(v, human, sizeof(human));
    snprintf(out, size, "%s (%s bytes)", human, count);
}

static void signed_amount(enum mg_weight w, uint64_t after, uint64_t before, char *out, size_t size)
{
    char a[96];
    bool neg = after < before;
    amount(w, neg ? before - after : after - before, a, sizeof(a));
    snprintf(out, size, "%s%s", after == before ? "" : neg ? "-" : "+", a);
}

/* Children sorted by name: the same input always draws the same picture. */
static int by_label(const void *a, const void *b, void *ctx)
{
    const mg_flame *f = ctx;
    const flame_node *x = &f->nodes[*(const uint32_t *)a], *y = &f->nodes[*(const uint32_t *)b];
    return strcmp(f->labels[x->label], f->labels[y->label]);
}

static uint32_t *sorted_children(const mg_flame *f, uint32_t id, size_t *n)
{
    uint32_t *c, k;
    size_t count = 0;
    for (k = f->nodes[id].first_child; k != FLAME_NONE; k = f->nodes[k].next_sibling)
        count++;
    *n = count;
    if (!count || !(c = malloc(count * sizeof(*c))))
        return NULL;
    count = 0;
    for (k = f->nodes[id].first_child; k != FLAME_NONE; k = f->nodes[k].next_sibling)
        c[count++] = k;
    qsort_r(c, count, sizeof(*c), by_label, (void *)f);
    return c;
}

static unsigned depth_of(const mg_flame *f, uint32_t id, unsigned d, double scale)
{
    unsigned best = d;
    for (uint32_t k = f->nodes[id].first_child; k != FLAME_NONE && d < MAX_DEPTH;
         k = f->nodes[k].next_sibling) {
        if ((double)f->nodes[k].w[MG_FLAME_AFTER] * scale < MIN_PX)
            continue;
        unsigned c = depth_of(f, k, d + 1, scale);
        best = c > best ? c : best;
    }
    return best;
}

static void max_change(const mg_flame *f, uint64_t *best)
{
    for (size_t i = 1; i < f->n; i++) {
        uint64_t a = f->nodes[i].w[MG_FLAME_AFTER], b = f->nodes[i].w[MG_FLAME_BEFORE];
        uint64_t d = a > b ? a - b : b - a;
        *best = d > *best ? d : *best;
    }
}

/* A stable colour per name within a class's range (FNV-1a of the name). */
static unsigned name_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void fill_single(const char *label, uint8_t cls, char *out, size_t size)
{
    unsigned h = name_hash(label);
    switch (cls) {
    case MG_FLAME_CLASS_OWN: /* warm and saturated: where to look */
        snprintf(out, size, "rgb(%u,%u,%u)", 225 + h % 31, 70 + (h >> 8) % 90, 30 + (h >> 16) % 30);
        break;
    case MG_FLAME_CLASS_OTHER:
        snprintf(out, size, "rgb(%u,%u,%u)", 215 + h % 31, 185 + (h >> 8) % 45,
                 70 + (h >> 16) % 40);
        break;
    case MG_FLAME_CLASS_RUNTIME: /* muted */
        snprintf(out, size, "rgb(%u,%u,%u)", 196 + h % 16, 196 + h % 16, 200 + h % 16);
        break;
    default:
        snprintf(out, size, "rgb(160,160,170)");
    }
}

/* Red grew, blue shrank; the larger the change against the largest one, the deeper. */
static void fill_diff(const struct draw *d, const flame_node *n, char *out, size_t size)
{
    uint64_t a = n->w[MG_FLAME_AFTER], b = n->w[MG_FLAME_BEFORE];
    double t = d->max_change ? (double)(a > b ? a - b : b - a) / (double)d->max_change : 0;
    t = t > 1 ? 1 : t; /* the root sums every change */
    unsigned pale = (unsigned)lround(235.0 - 200.0 * t);
    if (a > b)
        snprintf(out, size, "rgb(255,%u,%u)", pale, pale);
    else if (a < b)
        snprintf(out, size, "rgb(%u,%u,255)", pale, pale);
    else
        snprintf(out, size, "rgb(235,235,235)");
}

static int title(const struct draw *d, const char *label, const flame_node *n, unsigned n_merged)
{
    enum mg_weight w = d->f->weight;
    uint64_t total = d->f->nodes[0].w[MG_FLAME_AFTER];
    char after[96], before[96], change[112], line[400];
    int rc = mg_buf_printf(d->out, d->err, "<title>");
    amount(w, n->w[MG_FLAME_AFTER], after, sizeof(after));
    if (rc == 0)
        rc = rep_xml(d->out, label, d->err);
    if (rc == 0 && n_merged)
        rc = mg_buf_printf(d->out, d->err, " (%u frames too narrow to draw)", n_merged);
    snprintf(line, sizeof(line), "\n%s%s, %.2f%% of all", d->o->differential ? "after: " : "",
             after, total ? 100.0 * (double)n->w[MG_FLAME_AFTER] / (double)total : 0.0);
    if (rc == 0)
        rc = rep_xml(d->out, line, d->err);
    if (rc == 0 && d->o->differential) {
        amount(w, n->w[MG_FLAME_BEFORE], before, sizeof(before));
        signed_amount(w, n->w[MG_FLAME_AFTER], n->w[MG_FLAME_BEFORE], change, sizeof(change));
        if (n->w[MG_FLAME_BEFORE])
            snprintf(line, sizeof(line), "\nbefore: %s\nchange: %s (%+.1f%%)", before, change,
                     100.0 * ((double)n->w[MG_FLAME_AFTER] - (double)n->w[MG_FLAME_BEFORE]) /
                         (double)n->w[MG_FLAME_BEFORE]);
        else
            snprintf(line, sizeof(line), "\nbefore: none\nchange: %s (new)", change);
        rc = rep_xml(d->out, line, d->err);
    }
    return rc == 0 ? mg_buf_printf(d->out, d->err, "</title>") : rc;
}

/* The name cut to what fits in w pixels ("..." when cut), or nothing when too narrow. */
static int label_text(const struct draw *d, const char *label, double x, double y, double w,
                      bool bold)
{
    size_t fit = w > 3 * CHAR_PX ? (size_t)((w - 6) / CHAR_PX) : 0, len = strlen(label);
    char buf[512];
    if (fit < 3)
        return 0;
    if (len > fit) {
        size_t keep = fit - 2 < sizeof(buf) - 3 ? fit - 2 : sizeof(buf) - 3;
        /* never cut inside a UTF-8 sequence */
        while (keep > 0 && ((unsigned char)label[keep] & 0xC0) == 0x80)
            keep--;
        memcpy(buf, label, keep);
        memcpy(buf + keep, "..", 3);
    } else {
        snprintf(buf, sizeof(buf), "%s", label);
    }
    int rc = mg_buf_printf(d->out, d->err, "<text x=\"%.1f\" y=\"%.1f\"%s>", x + 3, y + 12,
                           bold ? " font-weight=\"bold\"" : "");
    if (rc == 0)
        rc = rep_xml(d->out, buf, d->err);
    return rc == 0 ? mg_buf_printf(d->out, d->err, "</text>") : rc;
}

static int frame(struct draw *d, uint32_t id, const char *label, const flame_node *n, double x,
                 unsigned depth, unsigned n_merged);

/* A parent's children left to right; the ones too narrow to see become one merged frame. */
static int children(struct draw *d, uint32_t id, double x, unsigned depth)
{
    size_t n, i;
    uint32_t *c = sorted_children(d->f, id, &n);
    flame_node merged = {0};
    unsigned n_merged = 0;
    int rc = 0;

    if (n && !c)
        return mg_error_set(d->err, MG_E_NOMEM, "out of memory");
    for (i = 0; rc == 0 && i < n; i++) {
        const flame_node *k = &d->f->nodes[c[i]];
        if ((double)k->w[MG_FLAME_AFTER] * d->scale < MIN_PX || depth >= MAX_DEPTH) {
            merged.w[0] += k->w[0];
            merged.w[1] += k->w[1];
            n_merged++;
            continue;
        }
        rc = frame(d, c[i], d->f->labels[k->label], k, x, depth, 0);
        x += (double)k->w[MG_FLAME_AFTER] * d->scale;
    }
    free(c);
    /* drawn even when invisible, so every level's widths add up to its parent */
    if (rc == 0 && n_merged && (merged.w[0] || merged.w[1]) && depth < MAX_DEPTH) {
        char name[64];
        merged.cls = MG_FLAME_CLASS_ROOT;
        merged.first_child = FLAME_NONE;
        snprintf(name, sizeof(name), "[%u smaller]", n_merged);
        rc = frame(d, FLAME_NONE, name, &merged, x, depth, n_merged);
    }
    return rc;
}

static int frame(struct draw *d, uint32_t id, const char *label, const flame_node *n, double x,
                 unsigned depth, unsigned n_merged)
{
    double w = (double)n->w[MG_FLAME_AFTER] * d->scale;
    double y = (double)d->height - LEGEND_H - (double)(depth + 1) * ROW_H;
    char fill[40];
    int rc;

    if (d->o->differential)
        fill_diff(d, n, fill, sizeof(fill));
    else
        fill_single(label, n->cls, fill, sizeof(fill));
    rc = mg_buf_printf(d->out, d->err, "<g class=\"frame %s\" data-w=\"%llu\"",
                       n->cls == MG_FLAME_CLASS_OWN       ? "own"
                       : n->cls == MG_FLAME_CLASS_RUNTIME ? "runtime"
                       : n->cls == MG_FLAME_CLASS_OTHER   ? "lib"
                                                          : "memgate",
                       (unsigned long long)n->w[MG_FLAME_AFTER]);
    if (rc == 0 && d->o->differential)
        rc = mg_buf_printf(d->out, d->err, " data-before=\"%llu\"",
                           (unsigned long long)n->w[MG_FLAME_BEFORE]);
    if (rc == 0)
        rc = mg_buf_printf(d->out, d->err, ">");
    if (rc == 0)
        rc = title(d, label, n, n_merged);
    if (rc == 0)
        rc = mg_buf_printf(
            d->out, d->err,
            "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s%s/>", x, y, w,
            ROW_H - 1, fill, n->cls == MG_FLAME_CLASS_RUNTIME ? " fill-opacity=\"0.55\"" : "",
            n->cls == MG_FLAME_CLASS_OWN ? " stroke=\"#222\" stroke-width=\"0.6\"" : "");
    if (rc == 0)
        rc = label_text(d, label, x, y, w, n->cls == MG_FLAME_CLASS_OWN);
    if (rc == 0 && id != FLAME_NONE)
        rc = children(d, id, x, depth + 1);
    return rc == 0 ? mg_buf_printf(d->out, d->err, "</g>\n") : rc;
}

static int legend(struct draw *d)
{
    double y = (double)d->height - LEGEND_H + 16;
    int rc;
    if (!d->o->differential)
        return mg_buf_printf(
            d->out, d->err,
            "<g class=\"legend\"><rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"12\" "
            "fill=\"rgb(240,110,40)\" stroke=\"#222\" stroke-width=\"0.6\"/>"
            "<text x=\"%d\" y=\"%.1f\">own code</text>"
            "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"rgb(230,205,90)\"/>"
            "<text x=\"%d\" y=\"%.1f\">libraries</text>"
            "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"rgb(200,200,205)\" "
            "fill-opacity=\"0.55\"/><text x=\"%d\" y=\"%.1f\">runtime, allocator</text>"
            "<text x=\"%d\" y=\"%.1f\">width: %s; hover a frame for exact numbers</text></g>\n",
            PAD, y, PAD + 18, y + 10, PAD + 100, y, PAD + 118, y + 10, PAD + 200, y, PAD + 218,
            y + 10, PAD + 380, y + 10, unit_word(d->f->weight));
    rc = mg_buf_printf(d->out, d->err, "<g class=\"legend\">");
    /* five steps of each colour, labelled with the change they stand for */
    for (int side = 0; rc == 0 && side < 2; side++) {
        for (int k = 1; rc == 0 && k <= 5; k++) {
            double t = k / 5.0;
            unsigned pale = (unsigned)lround(235.0 - 200.0 * t);
            double x = PAD + side * 300 + (k - 1) * 56;
            uint64_t v = (uint64_t)llround(t * (double)d->max_change);
            char a[48];
            if (d->f->weight == MG_W_COUNT)
                mg_format_count(v, a, sizeof(a));
            else
                mg_format_size(v, a, sizeof(a));
            rc =
                mg_buf_printf(d->out, d->err,
                              "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"54\" height=\"12\" "
                              "fill=\"rgb(%u,%u,%u)\"/><text x=\"%.1f\" y=\"%.1f\" "
                              "font-size=\"10\">%s%s</text>",
                              side ? "shrank" : "grew", x, y, side ? pale : 255, pale,
                              side ? 255 : pale, x, y + 24, side ? "-" : "+", a);
        }
    }
    if (rc == 0)
        rc = mg_buf_printf(d->out, d->err,
                           "<text x=\"%d\" y=\"%.1f\">red: grew, blue: shrank (%s); width: "
                           "the later run</text></g>\n",
                           PAD + 600, y + 10, unit_word(d->f->weight));
    return rc;
}

int mg_flame_svg(mg_buf *out, const mg_flame *f, const mg_flame_svg_options *o, mg_error *err)
{
    struct draw d = {f, o, out, err, 0, o->width ? o->width : 1200, 0, 0, 0};
    uint64_t total = f->nodes[0].w[MG_FLAME_AFTER];
    char amount_text[96], sub[160];
    int rc;

    if (total == 0)
        return mg_error_set(err, MG_E_INPUT, "nothing to draw: the stacks hold no %s",
                            unit_word(f->weight));
    d.scale = (double)(d.width - 2 * PAD) / (double)total;
    d.rows = depth_of(f, 0, 0, d.scale) + 1;
    d.height = HEADER_H + d.rows * ROW_H + LEGEND_H;
    if (o->differential)
        max_change(f, &d.max_change);
    amount(f->weight, total, amount_text, sizeof(amount_text));
    rc = mg_buf_printf(
        out, err,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
        "viewBox=\"0 0 %u %u\" font-family=\"monospace\" font-size=\"%d\">\n"
        "<rect class=\"background\" width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
        "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" "
        "font-family=\"sans-serif\">",
        d.width, d.height, d.width, d.height, FONT_PX, PAD);
    if (rc == 0)
        rc = rep_xml(out, o->title ? o->title : "memgate flame graph", err);
    snprintf(sub, sizeof(sub), "%s: %s", o->differential ? "after" : "all", amount_text);
    if (rc == 0)
        rc = mg_buf_printf(out, err, "</text>\n<text x=\"%d\" y=\"42\" font-family=\"sans-serif\">",
                           PAD);
    if (rc == 0 && o->subtitle) {
        rc = rep_xml(out, o->subtitle, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "; ");
    }
    if (rc == 0)
        rc = rep_xml(out, sub, err);
    if (rc == 0 && o->differential) {
        char before[96], change[112];
        amount(f->weight, f->nodes[0].w[MG_FLAME_BEFORE], before, sizeof(before));
        signed_amount(f->weight, total, f->nodes[0].w[MG_FLAME_BEFORE], change, sizeof(change));
        snprintf(sub, sizeof(sub), ", before: %s, change: %s", before, change);
        rc = rep_xml(out, sub, err);
    }
    if (rc == 0)
        rc = mg_buf_printf(out, err, "</text>\n");
    if (rc == 0)
        rc = frame(&d, 0, "all", &f->nodes[0], PAD, 0, 0);
    if (rc == 0)
        rc = legend(&d);
    return rc == 0 ? mg_buf_printf(out, err, "</svg>\n") : rc;
}
