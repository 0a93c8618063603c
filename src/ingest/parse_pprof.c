/*
 * pprof heap profiles (profile.proto, gzip'd as Go writes it): Go's runtime/pprof
 * (`pprof.WriteHeapProfile`, `go test -memprofile`) and other pprof writers.
 * Metrics follow `go tool pprof -sample_index=...` (docs/formats.md, "pprof").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "ingest/pprof_proto.h"
#include "memgate/buf.h"

/* The heap sample types and the metric each sums to. */
static const struct {
    const char *type;
    enum mg_metric metric;
} heap_types[] = {
    {"alloc_space", MG_TOTAL_BYTES},
    {"alloc_objects", MG_ALLOC_COUNT},
    {"inuse_space", MG_END_BYTES},
    {"inuse_objects", MG_END_BLOCKS},
};
#define N_HEAP_TYPES (sizeof(heap_types) / sizeof(heap_types[0]))

static bool str_is(const mg_pprof *pp, int64_t idx, const char *w)
{
    size_t len;
    const char *s = mg_pprof_string(pp, idx, &len);
    return len == strlen(w) && !memcmp(s, w, len);
}

/* Column of each heap type in the samples' values, or -1. */
static int columns(const mg_pprof *pp, long col[N_HEAP_TYPES], const char *source, mg_error *err)
{
    size_t i, t;
    bool any = false;
    for (t = 0; t < N_HEAP_TYPES; t++)
        col[t] = -1;
    for (i = 0; i < pp->n_types; i++)
        for (t = 0; t < N_HEAP_TYPES; t++) {
            if (!str_is(pp, pp->types[i][0], heap_types[t].type))
                continue;
            if (!str_is(pp, pp->types[i][1],
                        mg_metric_is_bytes(heap_types[t].metric) ? "bytes" : "count")) {
                size_t ul;
                const char *u = mg_pprof_string(pp, pp->types[i][1], &ul);
                return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                                       "pprof sample type %s in unit '%.*s': expected '%s'",
                                       heap_types[t].type, (int)(ul > 40 ? 40 : ul), u,
                                       mg_metric_is_bytes(heap_types[t].metric) ? "bytes"
                                                                                : "count");
            }
            if (col[t] < 0)
                col[t] = (long)i;
            any = true;
        }
    if (!any) {
        size_t l = 0;
        const char *first = pp->n_types ? mg_pprof_string(pp, pp->types[0][0], &l) : "";
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "pprof profile without heap sample types (alloc_space, "
                               "alloc_objects, inuse_space, inuse_objects); its first is '%.*s': "
                               "pass a heap profile (Go: pprof.WriteHeapProfile or go test "
                               "-memprofile), not a CPU or other profile",
                               (int)(l > 40 ? 40 : l), first);
    }
    return 0;
}

/* ---- stacks: one frame per (location, line), inlined functions expanded ---- */

struct frames {
    size_t *loc_first; /* first frame id of each location; its count is loc_n */
    size_t *loc_n;
    size_t n;
};

static int add_frames(const mg_pprof *pp, mg_hotspot_agg *agg, struct frames *fr, mg_error *err)
{
    mg_buf b;
    size_t i, k;
    int rc = 0;
    mg_buf_init(&b, MG_BUF_DEFAULT_CAP);
    fr->loc_first = calloc(pp->n_locations + 1, sizeof(size_t));
    fr->loc_n = calloc(pp->n_locations + 1, sizeof(size_t));
    if (!fr->loc_first || !fr->loc_n)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; rc == 0 && i < pp->n_locations; i++) {
        const mg_pprof_location *loc = &pp->locations[i];
        fr->loc_first[i] = fr->n;
        for (k = 0; rc == 0 && k < (loc->n_lines ? loc->n_lines : 1); k++) {
            const mg_pprof_line *ln = loc->n_lines ? &pp->lines[loc->line_off + k] : NULL;
            size_t nl = 0, fl = 0;
            const char *name = "???", *file = "";
            if (ln && ln->function != SIZE_MAX) {
                const mg_pprof_function *fn = &pp->functions[ln->function];
                name = mg_pprof_string(pp, fn->name, &nl);
                file = mg_pprof_string(pp, fn->filename, &fl);
            } else {
                nl = 3;
            }
            b.len = 0;
            /* the frame text dhat uses: "0xADDR: NAME (FILE:LINE)" */
            rc = mg_buf_printf(&b, err, "0x%llX: %.*s", (unsigned long long)loc->address, (int)nl,
                               name);
            if (rc == 0 && fl)
                rc = mg_buf_printf(&b, err, " (%.*s:%lld)", (int)fl, file,
                                   (long long)(ln ? ln->line : 0));
            if (rc == 0)
                rc = mg_hotspot_agg_add_frame(agg, b.data, b.len, err);
            fr->n++;
        }
        fr->loc_n[i] = fr->n - fr->loc_first[i];
    }
    mg_buf_release(&b);
    return rc;
}

static void frames_release(struct frames *fr)
{
    free(fr->loc_first);
    free(fr->loc_n);
}

/*
 * Each sample's whole stack, leaf first, into the profile's stack store; the
 * attributor's Go rule (memgate/stacks.h) names the hotspot after its first
 * frame of the module's own code.
 */
static int add_samples(const mg_pprof *pp, mg_hotspot_agg *agg, const struct frames *fr,
                       const long col[N_HEAP_TYPES], mg_error *err)
{
    static const uint32_t none[1] = {0}; /* st is NULL until a sample has a location */
    uint32_t *st = NULL;
    size_t cap = 0, i, j, k;
    int rc = 0;
    for (i = 0; rc == 0 && i < pp->n_samples; i++) {
        const mg_pprof_sample *s = &pp->samples[i];
        const int64_t *v = pp->values ? pp->values + s->value_off : NULL;
        size_t n = 0;
        uint64_t w[N_HEAP_TYPES] = {0, 0, 0, 0};
        for (j = 0; j < s->n_locs; j++) {
            size_t loc = pp->locs[s->loc_off + j];
            if (mg_grow_array((void **)&st, &cap, n + fr->loc_n[loc], sizeof(*st), 64, err) < 0) {
                rc = -err->code;
                break;
            }
            for (k = 0; k < fr->loc_n[loc]; k++)
                st[n++] = (uint32_t)(fr->loc_first[loc] + k);
        }
        for (k = 0; k < N_HEAP_TYPES; k++)
            if (col[k] >= 0 && v)
                w[k] = (uint64_t)v[col[k]];
        if (rc == 0)
            rc = mg_hotspot_agg_add_pp(agg, n ? st : none, n, w[0], w[1], 0, w[2], err);
    }
    free(st);
    return rc;
}

static int hotspots(const mg_pprof *pp, mg_profile *p, const mg_load_options *opts,
                    const long col[N_HEAP_TYPES], mg_error *err)
{
    mg_hotspot_agg agg;
    struct frames fr;
    int rc;
    memset(&fr, 0, sizeof(fr));
    mg_hotspot_agg_init(&agg, opts);
    rc = add_frames(pp, &agg, &fr, err);
    if (rc == 0)
        rc = add_samples(pp, &agg, &fr, col, err);
    if (rc == 0)
        rc = mg_hotspot_agg_finish(&agg, p, opts && opts->top_n ? opts->top_n : 10, err);
    frames_release(&fr);
    mg_hotspot_agg_release(&agg);
    return rc;
}

/* ---- metrics ---- */

static int sums(const mg_pprof *pp, const long col[N_HEAP_TYPES], uint64_t out[N_HEAP_TYPES],
                const char *source, mg_error *err)
{
    size_t i, t;
    for (i = 0; i < pp->n_samples; i++)
        for (t = 0; t < N_HEAP_TYPES; t++) {
            int64_t v;
            if (col[t] < 0)
                continue;
            v = pp->values[pp->samples[i].value_off + (size_t)col[t]];
            if (v < 0)
                return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                                       "pprof sample %zu: negative %s %lld (a difference "
                                       "profile? pass one run's profile)",
                                       i + 1, heap_types[t].type, (long long)v);
            if (out[t] + (uint64_t)v < out[t])
                return mg_error_set_at(err, MG_E_OVERFLOW, source, 0, 0,
                                       "pprof %s: the sum does not fit in 64 bits",
                                       heap_types[t].type);
            out[t] += (uint64_t)v;
        }
    return 0;
}

static bool any_go_runtime(const mg_pprof *pp)
{
    size_t i, l;
    for (i = 0; i < pp->n_functions; i++) {
        const char *s = mg_pprof_string(pp, pp->functions[i].name, &l);
        if (l > 8 && !memcmp(s, "runtime.", 8))
            return true;
    }
    return false;
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    mg_pprof pp;
    long col[N_HEAP_TYPES];
    uint64_t sum[N_HEAP_TYPES] = {0, 0, 0, 0};
    size_t t;
    int rc;

    if ((rc = mg_pprof_decode(&pp, data, len, p->source, err)) < 0)
        return rc;
    if ((rc = columns(&pp, col, p->source, err)) == 0)
        rc = sums(&pp, col, sum, p->source, err);
    for (t = 0; rc == 0 && t < N_HEAP_TYPES; t++)
        if (col[t] >= 0)
            mg_metrics_set(&p->metrics, heap_types[t].metric, sum[t]);
    if (rc == 0 && pp.period > 0)
        mg_profile_add_extra(p, "pprof_sample_period", (uint64_t)pp.period, "bytes",
                             "sampling period (Go: runtime.MemProfileRate)");
    if (rc == 0)
        mg_profile_add_extra(p, "pprof_samples", pp.n_samples, "count", "samples (stacks)");
    if (rc == 0 && pp.duration_nanos > 0)
        mg_profile_add_extra(p, "pprof_duration_us", (uint64_t)pp.duration_nanos / 1000, "us",
                             "profile duration");
    if (rc == 0)
        rc = hotspots(&pp, p, opts, col, err);
    p->mode = MG_MODE_HEAP;
    if (rc == 0 &&
        (mg_profile_set_str(&p->producer, any_go_runtime(&pp) ? "go-pprof" : "pprof", err) < 0 ||
         mg_profile_set_str(&p->mode_label, "heap", err) < 0 ||
         mg_profile_set_str(
             &p->gate_note,
             "pprof heap profiles have no peak: peak_memory_bytes and peak_blocks are absent "
             "(never zero); end_bytes is inuse_space, what was live at the last garbage "
             "collection before the profile was written; sampled values are the writer's "
             "unsampled estimates (Go scales each sample by its MemProfileRate, exact only with "
             "runtime.MemProfileRate = 1), summed as go tool pprof -sample_index does",
             err) < 0))
        rc = -err->code;
    mg_pprof_release(&pp);
    return rc;
}

static bool detect(const char *head, size_t len)
{
    return mg_pprof_looks_like(head, len);
}

const mg_format mg_format_pprof = {
    MG_FORMAT_PPROF,
    "pprof heap profile (profile.proto, usually gzip'd: Go's runtime/pprof)",
    detect,
    parse,
    NULL,
    false,
};
