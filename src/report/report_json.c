/* JSON report: the complete result in the stable memgate/result/v1 schema. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/report.h"
#include "memgate/stacks.h"
#include "report_int.h"

/* Build helpers return NULL on allocation failure; the caller checks once at the end. */
static json_t *u64_value(uint64_t v)
{
    /* jansson integers are signed 64-bit; larger counts cannot occur in real profiles */
    return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

static json_t *metrics_object(const mg_metrics *m)
{
    json_t *o = json_object();
    unsigned i;
    for (i = 0; o && i < MG_METRIC_COUNT; i++)
        if (m->present[i])
            json_object_set_new(o, mg_metric_name((enum mg_metric)i), u64_value(m->value[i]));
    return o;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* From the stacks: how it was attributed, its lines, chain, allocation site and library. */
static void add_stack_details(json_t *o, const mg_hotspot *h)
{
    json_t *lines = json_array();
    size_t i;
    json_object_set_new(o, "attributed_as",
                        json_string(mg_attr_how_name((enum mg_attr_how)h->how)));
    /* the own frame is "frame"; the allocation site of its heaviest stack beside it */
    json_object_set_new(o, "alloc_site", str_or_null(h->alloc_site));
    for (i = 0; lines && i < h->n_lines; i++)
        json_array_append_new(lines, json_pack("{s:s, s:o, s:o, s:o}", "where", h->lines[i].where,
                                               "total_bytes", u64_value(h->lines[i].total_bytes),
                                               "peak_bytes", u64_value(h->lines[i].peak_bytes),
                                               "allocations", u64_value(h->lines[i].count)));
    json_object_set_new(o, "lines", lines ? lines : json_null());
    json_object_set_new(o, "chain", str_or_null(h->chain));
    json_object_set_new(o, "library",
                        h->library
                            ? json_pack("{s:s, s:f}", "name", h->library, "share", h->library_share)
                            : json_null());
}

static json_t *hotspot_object(const mg_hotspot *h)
{
    json_t *o = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:f, s:o, s:o}", "function", json_string(h->function),
        "total_bytes", u64_value(h->total_bytes), "total_blocks", u64_value(h->total_blocks),
        "peak_bytes", u64_value(h->peak_bytes), "end_bytes", u64_value(h->end_bytes),
        "program_points", u64_value(h->program_points), "share", h->share, "clone_bytes",
        u64_value(h->clone_bytes), "test_bytes", u64_value(h->test_bytes));
    json_t *flags = json_array();
    size_t i;
    if (!o || !flags) {
        json_decref(o);
        json_decref(flags);
        return NULL;
    }
    if (h->flags & MG_HOTSPOT_CLONE)
        json_array_append_new(flags, json_string("clone-elimination-candidate"));
    if (h->flags & MG_HOTSPOT_TEST)
        json_array_append_new(flags, json_string("test-code"));
    json_object_set_new(o, "flags", flags);
    /* the full frame text: terminals get a shortened one, JSON keeps everything */
    json_object_set_new(o, "frame", str_or_null(h->frame));
    if (h->stack_len) {
        json_t *st = json_array();
        for (i = 0; st && i < h->stack_len; i++)
            json_array_append_new(st, json_string(h->stack[i]));
        json_object_set_new(o, "stack", st);
    }
    add_stack_details(o, h);
    return o;
}

/* The first top entries of a ranking (0: all the profile holds; check loads every function). */
static json_t *ranking_array(const mg_profile *p, enum mg_rank r, unsigned top)
{
    size_t n, i;
    const mg_hotspot *h = mg_profile_ranking(p, r, &n);
    if (top && n > top)
        n = top;
    json_t *a = json_array();
    for (i = 0; a && i < n; i++)
        json_array_append_new(a, hotspot_object(&h[i]));
    return a;
}

static json_t *hotspots_array(const mg_profile *p, unsigned top)
{
    return ranking_array(p, MG_RANK_TOTAL_BYTES, top);
}

static json_t *extras_object(const mg_profile *p)
{
    size_t n, i;
    const mg_profile_extra *x = mg_profile_extras(p, &n);
    json_t *o = json_object();
    for (i = 0; o && i < n; i++)
        json_object_set_new(o, x[i].key, u64_value(x[i].value));
    return o;
}

/* Rankings by t-gmax bytes and by count, what shares are relative to, and the options used. */
static void add_hotspot_details(json_t *o, const mg_profile *p, unsigned top)
{
    uint64_t w;
    json_t *whole = json_object();
    int r;
    json_object_set_new(o, "hotspots_by_peak_bytes", ranking_array(p, MG_RANK_PEAK_BYTES, top));
    json_object_set_new(o, "hotspots_by_allocation_count",
                        ranking_array(p, MG_RANK_ALLOC_COUNT, top));
    for (r = 0; whole && r < MG_RANK_COUNT; r++)
        if (mg_profile_hotspot_whole(p, (enum mg_rank)r, &w))
            json_object_set_new(whole, mg_rank_name((enum mg_rank)r), u64_value(w));
    json_object_set_new(o, "hotspot_whole", whole);
    json_object_set_new(o, "attribution",
                        json_string(mg_attribution_name(mg_profile_attribution(p))));
    json_object_set_new(o, "group_by",
                        json_string(mg_profile_group_by(p) == MG_GROUP_CRATE   ? "crate"
                                    : mg_profile_group_by(p) == MG_GROUP_STACK ? "stack"
                                                                               : "function"));
    json_object_set_new(o, "has_stacks", json_boolean(mg_profile_stacks(p) != NULL));
    json_object_set_new(o, "excluded_test_program_points", u64_value(mg_profile_excluded_pps(p)));
}

static json_t *profile_object(const mg_profile *p, unsigned top)
{
    uint64_t amount, count;
    json_t *o = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "source", str_or_null(mg_profile_source(p)),
        "format", str_or_null(mg_profile_format(p)), "producer",
        str_or_null(mg_profile_producer(p)), "mode", str_or_null(mg_profile_mode_label(p)),
        "command", str_or_null(mg_profile_command(p)), "metrics",
        metrics_object(mg_profile_metrics(p)), "hotspots", hotspots_array(p, top));
    if (o && mg_profile_raw_total(p, &amount, &count))
        json_object_set_new(
            o, "raw_total",
            json_pack("{s:o, s:o}", "amount", u64_value(amount), "count", u64_value(count)));
    if (o && mg_profile_note(p))
        json_object_set_new(o, "note", json_string(mg_profile_note(p)));
    if (o && mg_profile_gate_note(p))
        json_object_set_new(o, "gate_note", json_string(mg_profile_gate_note(p)));
    if (o) {
        json_object_set_new(o, "extras", extras_object(p));
        add_hotspot_details(o, p, top);
    }
    return o;
}

/* Drift against the anchor, or null when there is no anchor for this metric. */
static json_t *drift_object(const mg_row *r)
{
    char limit[96];
    json_t *d;
    if (!r->has_anchor)
        return json_null();
    mg_limit_format(&r->drift_limit, r->metric, limit, sizeof(limit));
    d = r->in_current
            ? (r->drift_negative
                   ? json_integer(-(json_int_t)(r->drift > INT64_MAX ? INT64_MAX : r->drift))
                   : u64_value(r->drift))
            : json_null();
    return json_pack("{s:o, s:o, s:o, s:s, s:b}", "anchor", u64_value(r->anchor), "delta", d,
                     "delta_pct", r->has_drift_pct ? json_real(r->drift_pct) : json_null(),
                     "budget", limit, "over", r->drift_over);
}

static json_t *row_object(const mg_row *r, const mg_verdict *v)
{
    char limit[96], warn[96], why[400];
    json_t *delta = json_null(), *o;

    mg_limit_format(&r->limit, r->metric, limit, sizeof(limit));
    mg_limit_format(&r->warn_limit, r->metric, warn, sizeof(warn));
    if (r->in_baseline && r->in_current)
        delta = r->negative
                    ? json_integer(-(json_int_t)(r->delta > INT64_MAX ? INT64_MAX : r->delta))
                    : u64_value(r->delta);
    rep_row_reason(r, v, why, sizeof(why));
    o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s}", "metric",
                  mg_metric_name(r->metric), "baseline",
                  r->in_baseline ? u64_value(r->baseline) : json_null(), "current",
                  r->in_current ? u64_value(r->current) : json_null(), "delta", delta, "delta_pct",
                  r->has_pct ? json_real(r->delta_pct) : json_null(), "limit", limit, "warn_limit",
                  warn, "status", mg_status_name(r->status), "reason", why[0] ? why : r->reason);
    if (o) {
        uint64_t above;
        json_object_set_new(o, "drift", drift_object(r));
        json_object_set_new(o, "fail_above",
                            rep_fail_above(r, &above) ? u64_value(above) : json_null());
    }
    return o;
}

/* The row's culprit line, or null when it has none (ok and absent rows). */
static json_t *row_culprit(const mg_report_input *in, const mg_row *r)
{
    const mg_culprit *c = rep_culprit_of(in, r->metric);
    char line[2400];
    if (!c)
        return json_null();
    rep_culprit_line(c, line, sizeof(line));
    return json_string(line);
}

static json_t *verdict_rows(const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    json_t *a = json_array();
    unsigned i;
    for (i = 0; a && i < v->n_rows; i++) {
        json_t *o = row_object(&v->rows[i], v);
        if (o)
            json_object_set_new(o, "culprit", row_culprit(in, &v->rows[i]));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *signed_value(bool negative, uint64_t v)
{
    return negative ? json_integer(-(json_int_t)(v > INT64_MAX ? INT64_MAX : v)) : u64_value(v);
}

static json_t *diff_value(uint64_t before, uint64_t after)
{
    return after < before ? signed_value(true, before - after) : u64_value(after - before);
}

/* Compared from stacks: the peak's change and the function's lines. */
static void stack_change_fields(json_t *o, const mg_hs_change *c)
{
    json_t *lines = json_array();
    size_t k;
    json_object_set_new(o, "before_peak_bytes", u64_value(c->before_peak));
    json_object_set_new(o, "after_peak_bytes", u64_value(c->after_peak));
    json_object_set_new(o, "delta_peak_bytes", signed_value(c->peak_negative, c->peak_delta));
    for (k = 0; lines && k < c->n_lines; k++) {
        const mg_hs_line *l = &c->lines[k];
        json_array_append_new(lines, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "where",
                                               l->where, "before", u64_value(l->before), "after",
                                               u64_value(l->after), "delta",
                                               diff_value(l->before, l->after), "before_peak_bytes",
                                               u64_value(l->before_peak), "after_peak_bytes",
                                               u64_value(l->after_peak), "delta_peak_bytes",
                                               diff_value(l->before_peak, l->after_peak)));
    }
    json_object_set_new(o, "lines", lines);
}

static json_t *culprit_part(const mg_culprit_part *p, bool negative)
{
    return json_pack("{s:s, s:o, s:o, s:f}", "function", p->function, "where",
                     p->where[0] ? json_string(p->where) : json_null(), "delta",
                     signed_value(negative, p->delta), "share", p->share);
}

static const char *culprit_state_name(enum mg_culprit_state s)
{
    switch (s) {
    case MG_CULPRIT_FOUND:
        return "attributed";
    case MG_CULPRIT_NO_STACKS:
        return "no_stacks";
    case MG_CULPRIT_NO_BASE_STACKS:
        return "no_baseline_stacks";
    case MG_CULPRIT_NOT_PER_STACK:
        return "not_per_stack";
    case MG_CULPRIT_NO_CHANGE:
        return "no_stack_changed";
    }
    return "?";
}

/* What the verdict leads with: per metric, the functions that carry its change. */
static json_t *culprits_array(const mg_culprits *cs)
{
    json_t *a = json_array();
    size_t i, k;
    for (i = 0; a && cs && i < cs->n; i++) {
        const mg_culprit *c = &cs->items[i];
        char line[2400];
        json_t *fns = json_array();
        rep_culprit_line(c, line, sizeof(line));
        for (k = 0; fns && k < c->n_parts; k++)
            json_array_append_new(fns, culprit_part(&c->parts[k], c->negative));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:o, s:s, s:o, s:f, s:o}", "metric", mg_metric_name(c->metric),
                         "line", line, "delta", signed_value(c->negative, c->delta), "state",
                         culprit_state_name(c->state), "functions", fns, "unattributed_share",
                         c->unattributed, "offset",
                         c->has_offset ? culprit_part(&c->offset, !c->negative) : json_null()));
    }
    return a;
}

static json_t *hotspot_changes(const mg_hsdiff *d)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < d->n; i++) {
        const mg_hs_change *c = &d->items[i];
        json_t *delta =
            c->negative ? json_integer(-(json_int_t)(c->delta > INT64_MAX ? INT64_MAX : c->delta))
                        : u64_value(c->delta);
        json_t *o =
            json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "function", c->function, "change",
                      c->kind == MG_HS_ENTERED ? "entered_top" : mg_hs_kind_name(c->kind), "before",
                      c->kind == MG_HS_ENTERED ? json_null() : u64_value(c->before), "after",
                      u64_value(c->after), "delta", c->kind == MG_HS_ENTERED ? json_null() : delta,
                      "delta_pct", c->has_pct ? json_real(c->pct) : json_null());
        if (o && c->has_peak)
            stack_change_fields(o, c);
        json_array_append_new(a, o);
        if (c->kind == MG_HS_ENTERED)
            json_decref(delta);
    }
    return a;
}

static json_t *ratchet_object(const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    json_t *m;
    unsigned i;
    if (!rep_ratchet(in))
        return json_null();
    m = json_object();
    for (i = 0; m && i < v->n_rows; i++)
        if (v->rows[i].in_current)
            json_object_set_new(m, mg_metric_name(v->rows[i].metric),
                                u64_value(v->rows[i].current));
    return json_pack("{s:s, s:o}", "command", in->ratchet_command, "metrics", m);
}

static json_t *notices_array(const mg_report_input *in)
{
    json_t *a = json_array();
    size_t i, j;
    for (i = 0; a && i < in->n_notices; i++) {
        const mg_report_notice *n = &in->notices[i];
        json_t *lines = json_array();
        for (j = 0; lines && j < n->n_lines; j++)
            json_array_append_new(lines, json_string(n->lines[j]));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:o}", "kind", n->kind, "title", n->title, "lines", lines));
    }
    return a;
}

/* The environment fingerprints compared: what changed since the baseline was measured. */
static json_t *environment_object(const mg_report_input *in)
{
    const mg_report_environment *e = in->environment;
    json_t *a;
    if (!e)
        return json_null();
    a = json_array();
    for (size_t i = 0; a && i < e->n_changes; i++)
        json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "key", e->changes[i].key, "baseline",
                                           str_or_null(e->changes[i].baseline), "current",
                                           str_or_null(e->changes[i].current)));
    return json_pack("{s:b, s:b, s:s, s:o}", "recorded", e->recorded, "changed",
                     e->recorded && e->n_changes > 0, "on_change", e->on_change, "changes", a);
}

/* Limits learned from the history: the numbers each was computed from. */
static json_t *learned_array(const mg_report_input *in)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < in->n_learned; i++) {
        const mg_learned *l = &in->learned[i];
        char rule[32];
        json_t *o;
        mg_learn_name(&l->rule, rule, sizeof(rule));
        o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "metric", mg_metric_name(l->metric),
                      "level", mg_level_name(l->level), "rule", rule, "samples", (json_int_t)l->n,
                      "window", (json_int_t)l->window, "min_samples", (json_int_t)l->min_samples,
                      "fallback", l->fallback);
        if (o && l->n && !l->fallback) {
            json_object_set_new(o, "mean", json_real(l->mean));
            json_object_set_new(o, "sd", json_real(l->sd));
            json_object_set_new(o, "q1", json_real(l->q1));
            json_object_set_new(o, "median", json_real(l->median));
            json_object_set_new(o, "q3", json_real(l->q3));
            json_object_set_new(o, "limit", u64_value(l->bound));
        }
        if (o && l->fallback) {
            char fb[64];
            mg_limit_format(&l->fallback_limit, l->metric, fb, sizeof(fb));
            json_object_set_new(o, "fallback_limit", json_string(fb));
        }
        if (o)
            json_array_append_new(a, o);
    }
    return a;
}

/* The accepted baselines the history chart shows (the Markdown and HTML reports). */
static json_t *history_array(const mg_report_input *in)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < in->n_history && i < MG_HISTORY_SHOWN; i++) {
        const mg_history_entry *e = in->history[i];
        json_t *o = json_pack("{s:o, s:o}", "commit", str_or_null(e->commit), "measured_at",
                              str_or_null(e->measured_at));
        if (o) {
            json_object_set_new(o, "metrics", metrics_object(&e->metrics));
            json_array_append_new(a, o);
        }
    }
    return a;
}

/* What the reader can do next: the exception's trailer and label, the baseline command. */
static json_t *next_object(const mg_report_input *in)
{
    return json_pack("{s:o, s:o, s:o}", "accept_trailer", str_or_null(in->accept_trailer),
                     "accept_label", str_or_null(in->accept_label), "update_command",
                     str_or_null(in->ratchet_command));
}

/* The parts a check adds beside the rows: exception, anchor, hotspots, ratchet. */
static void check_extras(json_t *root, const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    json_object_set_new(root, "accepted",
                        v->accept_reason[0] ? json_pack("{s:s, s:s}", "reason", v->accept_reason,
                                                        "source", v->accept_source)
                                            : json_null());
    json_object_set_new(root, "anchor", v->has_anchor ? json_string(v->anchor_label) : json_null());
    json_object_set_new(root, "no_baseline", json_boolean(v->no_baseline));
    json_object_set_new(root, "hotspot_changes",
                        in->hotspot_changes ? hotspot_changes(in->hotspot_changes) : json_null());
    json_object_set_new(root, "hotspot_note", str_or_null(in->hotspot_note));
    json_object_set_new(root, "ratchet", ratchet_object(in));
    json_object_set_new(root, "note", str_or_null(in->note));
    json_object_set_new(root, "status", json_string(mg_verdict_status(v)));
    json_object_set_new(root, "needs_review", json_boolean(v->needs_review));
    json_object_set_new(root, "notices", notices_array(in));
    json_object_set_new(root, "environment", environment_object(in));
    json_object_set_new(root, "learned", learned_array(in));
    json_object_set_new(root, "history", history_array(in));
    json_object_set_new(root, "next", next_object(in));
}

static json_t *build(const mg_report_input *in)
{
    json_t *root = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:o}", "schema", "memgate/result/v1",
                             "tool", "name", "memgate", "version", MEMGATE_VERSION, "command",
                             in->command, "workload", in->workload ? in->workload : "default",
                             "profile", profile_object(in->profile, in->top_n));
    if (!root || !in->verdict)
        return root;
    json_object_set_new(root, "verdict", json_string(mg_verdict_name(in->verdict)));
    json_object_set_new(root, "culprits", culprits_array(in->culprits));
    json_object_set_new(
        root, "baseline",
        json_pack("{s:o, s:o, s:o, s:o}", "path", str_or_null(in->baseline_path), "measured_at",
                  str_or_null(in->baseline_measured_at), "commit", str_or_null(in->baseline_commit),
                  "metrics",
                  in->baseline_metrics ? metrics_object(in->baseline_metrics) : json_object()));
    json_object_set_new(root, "metrics", verdict_rows(in));
    json_object_set_new(
        root, "summary",
        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "fail", (int)in->verdict->n_fail, "warn",
                  (int)in->verdict->n_warn, "improved", (int)in->verdict->n_improved, "absent",
                  (int)in->verdict->n_absent, "accepted", (int)in->verdict->n_accepted, "drift",
                  (int)in->verdict->n_drift));
    check_extras(root, in);
    return root;
}

struct dump_ctx {
    mg_buf *out;
    mg_error *err;
};

/* jansson's dump callback: straight into the report buffer, no intermediate string. */
static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    struct dump_ctx *c = data;
    return mg_buf_append(c->out, buffer, size, c->err) == 0 ? 0 : -1;
}

int mg_report_json(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    json_t *root = build(in);
    struct dump_ctx ctx = {out, err};
    int rc;

    if (!root)
        return mg_error_set(err, MG_E_NOMEM, "cannot build the JSON report");
    rc = json_dump_callback(root, dump_to_buf, &ctx, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0)
        return err->code != MG_OK
                   ? -(int)err->code
                   : mg_error_set(err, MG_E_NOMEM, "cannot serialise the JSON report");
    return mg_buf_append(out, "\n", 1, err);
}
