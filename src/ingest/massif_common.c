/* Snapshot table of massif data, and what memgate reports from it. */
#include "ingest/massif_common.h"

#include <stdlib.h>
#include <string.h>

#include "memgate/buf.h"

int mg_massif_push(mg_massif *m, const mg_massif_snap *s, mg_error *err)
{
    if (mg_grow_array((void **)&m->snaps, &m->cap, m->n + 1, sizeof(*m->snaps), 128, err) < 0)
        return -err->code;
    m->snaps[m->n++] = *s;
    return 0;
}

void mg_massif_release(mg_massif *m)
{
    free(m->snaps);
    free(m->cmd);
    memset(m, 0, sizeof(*m));
}

static uint64_t sat_sum(const mg_massif_snap *s)
{
    uint64_t t = s->heap + s->extra;
    if (t < s->heap)
        return UINT64_MAX;
    return t + s->stacks < t ? UINT64_MAX : t + s->stacks;
}

int mg_massif_fill(const mg_massif *m, mg_profile *p, const char *producer, mg_error *err)
{
    size_t i, best = 0;
    uint64_t max_heap = 0;
    mg_metrics *met = &p->metrics;
    const mg_massif_snap *pk;

    for (i = 0; i < m->n; i++) {
        if (m->snaps[i].heap > max_heap)
            max_heap = m->snaps[i].heap;
        if (sat_sum(&m->snaps[i]) > sat_sum(&m->snaps[best]))
            best = i; /* first of equal maxima */
    }
    pk = &m->snaps[best];
    mg_metrics_set(met, MG_PEAK_BYTES, max_heap);
    mg_metrics_set(met, MG_END_BYTES, m->snaps[m->n - 1].heap);
    if (!strcmp(m->time_unit, "ms"))
        mg_metrics_set(met, MG_RUNTIME_US, m->snaps[m->n - 1].time * 1000);
    mg_profile_add_extra(p, "massif_peak_total_bytes", sat_sum(pk), "bytes",
                         "massif peak: useful heap + allocator extra + stacks");
    mg_profile_add_extra(p, "massif_peak_snapshot", pk->n, "", "snapshot of that peak");
    mg_profile_add_extra(p, "massif_peak_time", pk->time, "",
                         "time of that peak (in the file's time_unit)");
    mg_profile_add_extra(p, "massif_peak_heap_bytes", pk->heap, "bytes",
                         "useful heap at that snapshot");
    mg_profile_add_extra(p, "massif_peak_extra_bytes", pk->extra, "bytes",
                         "allocator extra at that snapshot");
    mg_profile_add_extra(p, "massif_peak_stacks_bytes", pk->stacks, "bytes",
                         "stacks at that snapshot");
    mg_profile_add_extra(p, "massif_snapshots", m->n, "count", "snapshots");
    for (i = 0; i < m->n; i++)
        if (m->snaps[i].peak) {
            mg_profile_add_extra(p, "massif_marked_peak_snapshot", m->snaps[i].n, "",
                                 "snapshot massif marked as peak");
            break;
        }
    p->mode = MG_MODE_HEAP;
    if (mg_profile_set_str(&p->producer, producer, err) < 0 ||
        mg_profile_set_str(&p->mode_label, "heap", err) < 0 ||
        mg_profile_set_str(&p->command, m->cmd, err) < 0 ||
        mg_profile_set_str(&p->gate_note,
                           "massif samples snapshots: peak_memory_bytes is the highest useful heap "
                           "(requested bytes, comparable with DHAT t-gmax); massif's own peak "
                           "including allocator extra is shown as massif_peak_total_bytes but not "
                           "gated; massif counts no allocations, so totals and counts are absent",
                           err) < 0)
        return -err->code;
    return 0;
}
