/* Reading memgate/result/v1 files strictly: in the fork-PR pattern they come from untrusted code.
 */
#include "memgate/publish.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "memgate/gate.h"
#include "memgate/policy.h"

#define MAX_METRICS 32
#define MAX_HOTSPOTS 40 /* 10 changed functions with up to 3 lines each */
#define MAX_NAME 64
#define MAX_FUNCTION 1024
#define MAX_TEXT 400
#define MAX_POINTS 64
#define MAX_NOTICES 8
#define MAX_NOTICE_LINES 16

struct mg_result {
    json_t *root; /* every string below is borrowed from here */
    mg_publish_workload w;
    mg_publish_metric metrics[MAX_METRICS];
    mg_publish_hotspot hotspots[MAX_HOTSPOTS];
    mg_publish_point history[MAX_POINTS];
    mg_publish_notice notices[MAX_NOTICES];
    const char *notice_lines[MAX_NOTICES][MAX_NOTICE_LINES];
    char limits[MAX_METRICS][40]; /* a numeric limit, printed */
};

static const char *const verdicts[] = {"pass", "warn", "fail", NULL};
static const char *const statuses[] = {"ok",     "improved", "warn", "fail",
                                       "absent", "accepted", NULL};

static const char *one_of(const json_t *v, const char *const *allowed)
{
    const char *s = json_string_value(v);
    for (; s && *allowed; allowed++)
        if (strcmp(s, *allowed) == 0)
            return *allowed; /* a static string: no need to keep the JSON around for it */
    return NULL;
}

static int bad(mg_error *err, const char *source, const char *what)
{
    return mg_error_set_at(err, MG_E_INPUT, source, 0, 0, "not a memgate result: %s", what);
}

static int bad_row(mg_error *err, const char *source, size_t row, const char *what)
{
    return mg_error_set_at(err, MG_E_INPUT, source, 0, 0, "not a memgate result: metrics[%zu]: %s",
                           row, what);
}

/* Names become status contexts and table cells: short, printable, no control bytes. */
static bool printable(const char *s, size_t max)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || n >= max)
            return false;
    return n > 0;
}

/* A decorative string: kept when short and printable, dropped (NULL) otherwise. */
static const char *text_or_null(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    return s && printable(s, max) ? s : NULL;
}

static bool metric_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > MAX_NAME)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* null/absent -> false; a non-negative integer -> true; anything else is an error (-1). */
static int opt_count(const json_t *v, uint64_t *out)
{
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 1;
}

static int parse_metric(mg_result *r, size_t i, const json_t *m, const char *source, mg_error *err)
{
    mg_publish_metric *pm = &r->metrics[i];
    const json_t *limit = json_object_get(m, "limit");
    const json_t *pct = json_object_get(m, "delta_pct");
    int b, c;

    if (!json_is_object(m))
        return bad_row(err, source, i, "metrics[] must hold objects");
    pm->name = json_string_value(json_object_get(m, "metric"));
    if (!metric_name_ok(pm->name))
        return bad_row(err, source, i, "a metric name must be 1-64 characters of a-z, 0-9 and _");
    pm->status = one_of(json_object_get(m, "status"), statuses);
    if (!pm->status)
        return bad_row(err, source, i,
                       "a metric status must be ok, improved, warn, fail, absent or "
                       "accepted");
    b = opt_count(json_object_get(m, "baseline"), &pm->baseline);
    c = opt_count(json_object_get(m, "current"), &pm->current);
    if (b < 0 || c < 0)
        return bad_row(err, source, i,
                       "baseline and current must be non-negative integers or null");
    pm->has_baseline = b > 0;
    pm->has_current = c > 0;
    if (pct && !json_is_null(pct)) {
        if (!json_is_number(pct))
            return bad_row(err, source, i, "delta_pct must be a number or null");
        pm->has_delta_pct = true;
        pm->delta_pct = json_number_value(pct);
    }
    if (json_is_string(limit) && !strcmp(json_string_value(limit), "-"))
        pm->limit = NULL; /* memgate check writes "-" for "no limit" */
    else if (json_is_string(limit) && printable(json_string_value(limit), MAX_NAME))
        pm->limit = json_string_value(limit);
    else if (json_is_integer(limit) && json_integer_value(limit) >= 0)
        pm->limit = (snprintf(r->limits[i], sizeof(r->limits[i]), "%lld",
                              (long long)json_integer_value(limit)),
                     r->limits[i]);
    else if (limit && !json_is_null(limit) && !json_is_real(limit))
        return bad_row(err, source, i, "limit must be a short string, a number or null");
    pm->reason = text_or_null(json_object_get(m, "reason"), MAX_TEXT);
    pm->culprit = text_or_null(json_object_get(m, "culprit"), MAX_FUNCTION);
    if (pm->reason && !*pm->reason)
        pm->reason = NULL;
    if (opt_count(json_object_get(m, "fail_above"), &pm->fail_above) < 0)
        return bad_row(err, source, i, "fail_above must be a non-negative integer or null");
    pm->has_fail_above = opt_count(json_object_get(m, "fail_above"), &pm->fail_above) > 0;
    return 0;
}

/* Hotspot changes against the baseline, the renderer's own shape (src/report/report_view.c). */
/* A signed count (a change): false when v is not an integer. */
static bool signed_count(const json_t *v, bool *negative, uint64_t *out)
{
    json_int_t d;
    if (!json_is_integer(v))
        return false;
    d = json_integer_value(v);
    *negative = d < 0;
    *out = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    return true;
}

/* Compared from stacks: the peak's change, and the function's lines as rows of their own. */
static void stack_fields(mg_result *r, mg_publish_hotspot *o, const json_t *h)
{
    const json_t *lines = json_object_get(h, "lines"), *l;
    size_t i;
    if (!signed_count(json_object_get(h, "delta_peak_bytes"), &o->peak_negative, &o->peak_bytes))
        return;
    o->has_peak = true;
    json_array_foreach(lines, i, l)
    {
        const char *where = text_or_null(json_object_get(l, "where"), MAX_FUNCTION);
        mg_publish_hotspot *x = &r->hotspots[r->w.n_hotspots];
        if (i == 3 || r->w.n_hotspots == MAX_HOTSPOTS)
            break;
        *x = (mg_publish_hotspot){
            .function = where, .change = "line", .has_peak = true, .is_line = true};
        if (!where || !*where ||
            !signed_count(json_object_get(l, "delta"), &x->negative, &x->bytes) ||
            !signed_count(json_object_get(l, "delta_peak_bytes"), &x->peak_negative,
                          &x->peak_bytes))
            continue;
        r->w.n_hotspots++;
    }
}

static void parse_changes(mg_result *r, const json_t *arr)
{
    static const char *const kinds[] = {"grew", "shrank", "appeared", "gone", "entered_top", NULL};
    size_t i;
    const json_t *h;

    json_array_foreach(arr, i, h)
    {
        const char *fn = json_string_value(json_object_get(h, "function"));
        const char *kind = one_of(json_object_get(h, "change"), kinds);
        const json_t *delta = json_object_get(h, "delta"), *pct = json_object_get(h, "delta_pct");
        mg_publish_hotspot *o = &r->hotspots[r->w.n_hotspots];
        uint64_t after = 0;
        if (r->w.n_hotspots == MAX_HOTSPOTS)
            break;
        if (!fn || !*fn || strlen(fn) > MAX_FUNCTION || !kind)
            continue;
        *o = (mg_publish_hotspot){.function = fn, .change = kind};
        if (!strcmp(kind, "entered_top")) {
            if (opt_count(json_object_get(h, "after"), &after) <= 0)
                continue;
            o->bytes = after;
        } else if (json_is_integer(delta)) {
            json_int_t d = json_integer_value(delta);
            o->negative = d < 0;
            o->bytes = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
        } else {
            continue;
        }
        if (json_is_number(pct)) {
            o->has_pct = true;
            o->pct = json_number_value(pct);
        }
        r->w.n_hotspots++;
        stack_fields(r, o, h);
    }
}

static void parse_history(mg_result *r, const json_t *arr)
{
    size_t i;
    const json_t *e;

    json_array_foreach(arr, i, e)
    {
        const json_t *m = json_object_get(e, "metrics");
        mg_publish_point *p = &r->history[r->w.n_history];
        if (r->w.n_history == MAX_POINTS)
            break;
        if (!json_is_object(e))
            continue;
        *p = (mg_publish_point){
            .commit = text_or_null(json_object_get(e, "commit"), MAX_NAME),
            .measured_at = text_or_null(json_object_get(e, "measured_at"), MAX_NAME),
        };
        p->has_peak = opt_count(json_object_get(m, "peak_memory_bytes"), &p->peak) > 0;
        p->has_total = opt_count(json_object_get(m, "total_allocations_bytes"), &p->total) > 0;
        r->w.n_history++;
    }
    r->w.history = r->history;
}

static void parse_notices(mg_result *r, const json_t *arr)
{
    size_t i, j;
    const json_t *n, *l;

    json_array_foreach(arr, i, n)
    {
        mg_publish_notice *o = &r->notices[r->w.n_notices];
        const char *title = text_or_null(json_object_get(n, "title"), MAX_TEXT);
        if (r->w.n_notices == MAX_NOTICES)
            break;
        if (!title)
            continue;
        *o = (mg_publish_notice){.title = title, .lines = r->notice_lines[r->w.n_notices]};
        json_array_foreach(json_object_get(n, "lines"), j, l)
        {
            const char *line = text_or_null(l, MAX_TEXT);
            if (o->n_lines == MAX_NOTICE_LINES)
                break;
            if (line)
                r->notice_lines[r->w.n_notices][o->n_lines++] = line;
        }
        r->w.n_notices++;
    }
    r->w.notices = r->notices;
}

/* The optional parts the report renderer shows beside the table; bad shapes are dropped. */
static void parse_extras(mg_result *r, const json_t *root)
{
    const json_t *profile = json_object_get(root, "profile"),
                 *baseline = json_object_get(root, "baseline"),
                 *accepted = json_object_get(root, "accepted"),
                 *next = json_object_get(root, "next");

    r->w.profile = text_or_null(json_object_get(profile, "source"), MAX_FUNCTION);
    r->w.baseline = text_or_null(json_object_get(baseline, "path"), MAX_FUNCTION);
    r->w.baseline_commit = text_or_null(json_object_get(baseline, "commit"), MAX_NAME);
    r->w.accept_reason = text_or_null(json_object_get(accepted, "reason"), MAX_TEXT);
    r->w.accept_source = text_or_null(json_object_get(accepted, "source"), MAX_NAME);
    r->w.note = text_or_null(json_object_get(root, "note"), MAX_TEXT);
    r->w.hotspot_note = text_or_null(json_object_get(root, "hotspot_note"), MAX_TEXT);
    r->w.accept_trailer = text_or_null(json_object_get(next, "accept_trailer"), MAX_NAME);
    r->w.accept_label = text_or_null(json_object_get(next, "accept_label"), MAX_NAME);
    r->w.update_command = text_or_null(json_object_get(next, "update_command"), MAX_FUNCTION);
    r->w.ratchet = json_is_object(json_object_get(root, "ratchet"));
    r->w.needs_review = json_is_true(json_object_get(root, "needs_review"));
    if (json_is_array(json_object_get(root, "notices")))
        parse_notices(r, json_object_get(root, "notices"));
    if (json_is_array(json_object_get(root, "history")))
        parse_history(r, json_object_get(root, "history"));
}

/* Hotspots are decoration: take the ones of a known shape, skip the rest. */
static void parse_hotspots(mg_result *r, const json_t *arr)
{
    size_t i;
    const json_t *h;

    json_array_foreach(arr, i, h)
    {
        const char *fn = json_string_value(json_object_get(h, "function"));
        uint64_t bytes = 0;
        if (r->w.n_hotspots == MAX_HOTSPOTS)
            break;
        if (!fn || !*fn || strlen(fn) > MAX_FUNCTION)
            continue;
        if (opt_count(json_object_get(h, "total_bytes"), &bytes) <= 0 &&
            opt_count(json_object_get(h, "bytes"), &bytes) <= 0 &&
            opt_count(json_object_get(h, "peak_bytes"), &bytes) <= 0)
            continue;
        r->hotspots[r->w.n_hotspots++] =
            (mg_publish_hotspot){.function = fn,
                                 .bytes = bytes,
                                 .share = json_is_real(json_object_get(h, "share"))
                                              ? json_real_value(json_object_get(h, "share"))
                                              : 0.0};
    }
}

/* fail 2, warn 1, anything else 0: how a status weighs in the overall verdict. */
static int weight(const char *status)
{
    return !strcmp(status, "fail") ? 2 : !strcmp(status, "warn") ? 1 : 0;
}

static void loosen(uint64_t *v)
{
    uint64_t more = *v / 100 + 1;
    *v = *v > UINT64_MAX - more ? UINT64_MAX : *v + more;
}

/*
 * Whether the values clearly break the printed limit. The limit is printed rounded
 * ("+64.0 KiB"), so it is loosened by 1% before the values are held against it:
 * only a row that no rounding can explain is called inconsistent.
 */
static bool clearly_over(const mg_publish_metric *pm)
{
    mg_limit l;
    mg_error e;
    mg_error_init(&e);
    if (!pm->limit || !pm->has_current || mg_limit_parse(pm->limit, &l, &e) < 0)
        return false;
    loosen(&l.rel_bp);
    loosen(&l.abs);
    loosen(&l.max);
    return mg_limit_trips(&l, pm->has_baseline, pm->baseline, pm->current);
}

/*
 * memgate post must not trust what it is told: the row statuses have to follow
 * from the values and limits, the verdict from the rows. A file that says "pass"
 * over a failing row (or "ok" over a value past its limit) is refused.
 */
static int consistent(const mg_result *r, const char *source, mg_error *err)
{
    int worst = 0;
    size_t worst_row = 0;
    bool may_be_worse = json_is_true(json_object_get(r->root, "needs_review")) ||
                        json_is_true(json_object_get(r->root, "no_baseline"));

    for (size_t i = 0; i < r->w.n_metrics; i++) {
        const mg_publish_metric *pm = &r->metrics[i];
        if (pm->has_delta_pct && pm->has_baseline && pm->has_current && pm->baseline) {
            double want =
                100.0 * ((double)pm->current - (double)pm->baseline) / (double)pm->baseline;
            if (!isfinite(pm->delta_pct) || fabs(want - pm->delta_pct) > 0.01)
                return bad_row(err, source, i,
                               "delta_pct does not follow from baseline and current");
        }
        if (!strcmp(pm->status, "absent") && pm->has_current)
            return bad_row(err, source, i, "status absent, but the row has a current value");
        if ((!strcmp(pm->status, "ok") || !strcmp(pm->status, "improved") ||
             !strcmp(pm->status, "warn")) &&
            clearly_over(pm))
            return bad_row(err, source, i,
                           "the values break the row's limit, but its status is "
                           "not fail or accepted");
        if (weight(pm->status) > worst) {
            worst = weight(pm->status);
            worst_row = i;
        }
    }
    if (weight(r->w.verdict) < worst)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "not a memgate result: \"verdict\" is %s, but metrics[%zu] is %s",
                               r->w.verdict, worst_row, r->metrics[worst_row].status);
    if (weight(r->w.verdict) > worst && !may_be_worse)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "not a memgate result: \"verdict\" is %s, but no metric row is",
                               r->w.verdict);
    return 0;
}

static int validate(mg_result *r, const char *source, mg_error *err)
{
    const json_t *root = r->root, *metrics, *m, *workload, *profile;
    size_t i;
    int rc;

    if (!json_is_object(root))
        return bad(err, source, "the top level must be an object");
    if (json_is_string(json_object_get(root, "command")) &&
        strcmp(json_string_value(json_object_get(root, "command")), "check") != 0)
        return bad(err, source, "this is not the output of 'memgate check --format json'");
    if (!json_is_string(json_object_get(root, "schema")) ||
        strcmp(json_string_value(json_object_get(root, "schema")), "memgate/result/v1") != 0)
        return bad(err, source, "\"schema\" must be \"memgate/result/v1\"");
    r->w.verdict = one_of(json_object_get(root, "verdict"), verdicts);
    if (!r->w.verdict)
        return bad(err, source, "\"verdict\" must be pass, warn or fail");
    workload = json_object_get(root, "workload");
    r->w.name = workload ? json_string_value(workload) : "default";
    if (!r->w.name || !printable(r->w.name, MAX_NAME))
        return bad(err, source, "\"workload\" must be 1-64 printable characters");
    metrics = json_object_get(root, "metrics");
    if (!json_is_array(metrics) || json_array_size(metrics) > MAX_METRICS)
        return bad(err, source, "\"metrics\" must be an array of at most 32 rows");
    json_array_foreach(metrics, i, m)
    {
        if ((rc = parse_metric(r, i, m, source, err)) < 0)
            return rc;
    }
    r->w.metrics = r->metrics;
    r->w.n_metrics = json_array_size(metrics);
    profile = json_object_get(root, "profile");
    /* changes against the baseline when the check had them, as the check's own report does */
    if (json_is_array(json_object_get(root, "hotspot_changes")) &&
        json_array_size(json_object_get(root, "hotspot_changes")))
        parse_changes(r, json_object_get(root, "hotspot_changes"));
    else if (json_is_array(json_object_get(profile, "hotspots")))
        parse_hotspots(r, json_object_get(profile, "hotspots"));
    r->w.hotspots = r->hotspots;
    parse_extras(r, root);
    return consistent(r, source, err);
}

int mg_result_parse(mg_result **out, const char *data, size_t len, const char *source,
                    mg_error *err)
{
    mg_result *r = NULL;
    json_error_t je;
    int rc;

    *out = NULL;
    if (len > MG_RESULT_MAX_BYTES)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "a result file may be at most %zu KiB", MG_RESULT_MAX_BYTES >> 10);
    r = calloc(1, sizeof(*r));
    if (!r)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    r->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!r->root) {
        rc = mg_error_set_at(err, MG_E_INPUT, source, (unsigned long)je.line,
                             (unsigned long)je.column, "invalid JSON: %s", je.text);
        mg_result_free(r);
        return rc;
    }
    if ((rc = validate(r, source, err)) < 0) {
        mg_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int mg_result_load(mg_result **out, const char *path, mg_error *err)
{
    mg_buf b;
    struct stat st;
    int rc;

    *out = NULL;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > MG_RESULT_MAX_BYTES)
        return mg_error_set_at(err, MG_E_INPUT, path, 0, 0, "a result file may be at most %zu KiB",
                               MG_RESULT_MAX_BYTES >> 10);
    /* the cap also bounds what a pipe or a growing file can feed us */
    mg_buf_init(&b, MG_RESULT_MAX_BYTES);
    rc = mg_buf_read_file(&b, path, err);
    if (rc == 0)
        rc = mg_result_parse(out, b.data, b.len, path, err);
    mg_buf_release(&b);
    return rc;
}

void mg_result_free(mg_result *r)
{
    if (!r)
        return;
    json_decref(r->root);
    free(r);
}

const mg_publish_workload *mg_result_workload(const mg_result *r)
{
    return &r->w;
}
