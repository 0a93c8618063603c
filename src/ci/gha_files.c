/* $GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT and ::error/::warning annotations. */
#include "ci/gha.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ci/ci_env.h"
#include "report/render.h"

static int append_file(const char *var, const char *path, const char *data, size_t len,
                       mg_error *err)
{
    FILE *f = fopen(path, "ab");
    int ok;

    if (!f)
        return mg_error_set_at(err, MG_E_POST, path, 0, 0, "cannot open $%s: %s", var,
                               strerror(errno));
    ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return mg_error_set_at(err, MG_E_POST, path, 0, 0, "cannot write $%s: %s", var,
                               strerror(errno));
    return 0;
}

int mg_gha_step_summary(const char *markdown, mg_error *err)
{
    const char *path = mg_ci_var(MG_CI_GH_STEP_SUMMARY);
    struct stat st;
    size_t used = 0, room;
    mg_buf b;
    int rc;

    if (!path)
        return 0;
    if (stat(path, &st) == 0)
        used = (size_t)st.st_size;
    room = used < MG_GHA_SUMMARY_MAX ? MG_GHA_SUMMARY_MAX - used : 0;
    mg_buf_init(&b, 0);
    rc = mg_buf_printf(&b, err, "%s\n", markdown);
    if (rc == 0) {
        /* over the limit GitHub drops the whole summary; a cut one is better than none */
        mg_md_cap(&b, room, "_memgate: report truncated to fit the 1 MiB job summary limit._");
        rc = append_file("GITHUB_STEP_SUMMARY", path, b.data, b.len, err);
    }
    mg_buf_release(&b);
    return rc;
}

/* ---- outputs ------------------------------------------------------------------------------ */

static void random_delimiter(char *out, size_t size)
{
    unsigned char r[12];
    size_t n;

    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20) ^ (uint64_t)(uintptr_t)out;
        for (size_t i = 0; i < sizeof(r); i++, x = x * 6364136223846793005ULL + 1)
            r[i] = (unsigned char)(x >> 56);
    }
    n = (size_t)snprintf(out, size, "ghadelimiter_");
    for (size_t i = 0; i < sizeof(r) && n + 3 <= size; i++)
        n += (size_t)snprintf(out + n, size - n, "%02x", r[i]);
}

static json_t *metrics_json(const mg_publish_request *req)
{
    json_t *all = json_object();
    for (size_t i = 0; i < req->n_workloads; i++) {
        const mg_publish_workload *w = &req->workloads[i];
        json_t *wl = json_object();
        json_t *ms = json_object();
        for (size_t j = 0; j < w->n_metrics; j++) {
            const mg_publish_metric *m = &w->metrics[j];
            json_t *o = json_object();
            /* jansson stores signed 64-bit: larger counts (never seen in practice) become null */
            json_object_set_new(o, "baseline",
                                m->has_baseline && m->baseline <= INT64_MAX
                                    ? json_integer((json_int_t)m->baseline)
                                    : json_null());
            json_object_set_new(o, "current",
                                m->has_current && m->current <= INT64_MAX
                                    ? json_integer((json_int_t)m->current)
                                    : json_null());
            json_object_set_new(o, "delta_pct",
                                m->has_delta_pct && isfinite(m->delta_pct) ? json_real(m->delta_pct)
                                                                           : json_null());
            json_object_set_new(o, "status", json_string(m->status));
            json_object_set_new(ms, m->name, o);
        }
        json_object_set_new(wl, "verdict", json_string(w->verdict));
        json_object_set_new(wl, "metrics", ms);
        json_object_set_new(all, w->name, wl);
    }
    return all;
}

static int failed_list(mg_buf *b, const mg_publish_request *req, mg_error *err)
{
    int rc = mg_buf_printf(b, err, "failed-workloads=");
    bool first = true;
    for (size_t i = 0; rc == 0 && i < req->n_workloads; i++) {
        const char *name = req->workloads[i].name;
        if (strcmp(req->workloads[i].verdict, "fail") != 0)
            continue;
        /* names are printable (checked on load) but may hold ',': then the list is ambiguous */
        rc = mg_buf_printf(b, err, "%s%s", first ? "" : ",", name);
        first = false;
    }
    return rc == 0 ? mg_buf_printf(b, err, "\n") : rc;
}

int mg_gha_outputs(const mg_publish_request *req, const char *comment_url, mg_error *err)
{
    const char *path = mg_ci_var(MG_CI_GH_OUTPUT);
    char delim[64];
    char *json = NULL;
    json_t *metrics = NULL;
    mg_buf b;
    int rc;

    if (!path)
        return 0;
    mg_buf_init(&b, 0);
    rc =
        mg_buf_printf(&b, err, "verdict=%s\nworkloads=%zu\n", mg_md_overall(req), req->n_workloads);
    if (rc == 0)
        rc = failed_list(&b, req, err);
    /* one workload: its current values as plain outputs, e.g.
     * steps.memgate.outputs.peak_memory_bytes */
    for (size_t i = 0; rc == 0 && req->n_workloads == 1 && i < req->workloads[0].n_metrics; i++) {
        const mg_publish_metric *m = &req->workloads[0].metrics[i];
        if (m->has_current)
            rc = mg_buf_printf(&b, err, "%s=%" PRIu64 "\n", m->name, m->current);
    }
    if (rc == 0 && (!(metrics = metrics_json(req)) ||
                    !(json = json_dumps(metrics, JSON_COMPACT | JSON_SORT_KEYS))))
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (rc == 0) {
        /* the delimiter must not occur in the value: random, and checked anyway */
        do
            random_delimiter(delim, sizeof(delim));
        while (strstr(json, delim));
        rc = mg_buf_printf(&b, err, "metrics<<%s\n%s\n%s\n", delim, json, delim);
    }
    if (rc == 0 && comment_url && *comment_url)
        rc = mg_buf_printf(&b, err, "comment-url=%s\n", comment_url);
    if (rc == 0)
        rc = append_file("GITHUB_OUTPUT", path, b.data, b.len, err);
    free(json);
    json_decref(metrics);
    mg_buf_release(&b);
    return rc;
}

/* ---- annotations -------------------------------------------------------------------------- */

int mg_gha_escape(mg_buf *out, const char *s, int property, mg_error *err)
{
    int rc = 0;
    /* '%' first: the runner decodes %25 last, so any other order double-decodes */
    for (; rc == 0 && *s; s++) {
        switch (*s) {
        case '%':
            rc = mg_buf_append(out, "%25", 3, err);
            break;
        case '\r':
            rc = mg_buf_append(out, "%0D", 3, err);
            break;
        case '\n':
            rc = mg_buf_append(out, "%0A", 3, err);
            break;
        case ':':
            rc = property ? mg_buf_append(out, "%3A", 3, err) : mg_buf_append(out, s, 1, err);
            break;
        case ',':
            rc = property ? mg_buf_append(out, "%2C", 3, err) : mg_buf_append(out, s, 1, err);
            break;
        default:
            rc = mg_buf_append(out, s, 1, err);
        }
    }
    return rc;
}

static int annotation(mg_buf *out, const mg_publish_request *req, const mg_publish_workload *w,
                      const mg_publish_metric *m, mg_error *err)
{
    bool fail = !strcmp(m->status, "fail");
    const char *level = fail && !(req->flags & MG_PUBLISH_INFORMATIONAL) ? "error" : "warning";
    char title[160], msg[400];
    int rc;

    snprintf(title, sizeof(title), "memgate %s: %s", w->name, m->name);
    if (m->has_delta_pct && isfinite(m->delta_pct))
        snprintf(msg, sizeof(msg), "%s %s: %" PRIu64 " -> %" PRIu64 " (%+.2f%%, limit %s)", m->name,
                 fail ? "regressed" : "is close to its limit", m->baseline, m->current,
                 m->delta_pct, m->limit ? m->limit : "n/a");
    else
        snprintf(msg, sizeof(msg), "%s %s: %" PRIu64 " (limit %s)", m->name,
                 fail ? "is over its limit" : "is close to its limit", m->current,
                 m->limit ? m->limit : "n/a");
    rc = mg_buf_printf(out, err, "::%s title=", level);
    if (rc == 0)
        rc = mg_gha_escape(out, title, 1, err);
    if (rc == 0)
        rc = mg_buf_append(out, "::", 2, err);
    if (rc == 0)
        rc = mg_gha_escape(out, msg, 0, err);
    if (rc == 0)
        rc = mg_buf_append(out, "\n", 1, err);
    return rc;
}

int mg_gha_annotations(mg_buf *out, const mg_publish_request *req, mg_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < req->n_workloads; i++) {
        const mg_publish_workload *w = &req->workloads[i];
        for (size_t j = 0; rc == 0 && j < w->n_metrics; j++)
            if (!strcmp(w->metrics[j].status, "fail") || !strcmp(w->metrics[j].status, "warn"))
                rc = annotation(out, req, w, &w->metrics[j], err);
    }
    return rc;
}
