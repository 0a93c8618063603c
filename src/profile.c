/*
 * mg_profile: metric names and the read-only accessors. Building a profile
 * (loading, detection, decompression, the parsers) is the ingest layer's job.
 */
#include "memgate/profile.h"

#include <stdio.h>
#include <string.h>

#include "ingest/ingest.h"
#include "memgate/num.h"

static const char *const metric_names[MG_METRIC_COUNT] = {
    [MG_PEAK_BYTES] = "peak_memory_bytes",
    [MG_PEAK_BLOCKS] = "peak_blocks",
    [MG_TOTAL_BYTES] = "total_allocations_bytes",
    [MG_ALLOC_COUNT] = "allocation_count",
    [MG_END_BYTES] = "end_bytes",
    [MG_END_BLOCKS] = "end_blocks",
    [MG_RUNTIME_US] = "runtime_us",
    [MG_PEAK_RSS] = "peak_rss_bytes",
};

static const struct {
    const char *alias;
    enum mg_metric metric;
} metric_aliases[] = {
    {"peak", MG_PEAK_BYTES},       {"peak-blocks", MG_PEAK_BLOCKS}, {"total", MG_TOTAL_BYTES},
    {"count", MG_ALLOC_COUNT},     {"allocs", MG_ALLOC_COUNT},      {"end", MG_END_BYTES},
    {"end-blocks", MG_END_BLOCKS}, {"runtime", MG_RUNTIME_US},      {"rss", MG_PEAK_RSS},
};

const char *mg_metric_name(enum mg_metric m)
{
    return (unsigned)m < MG_METRIC_COUNT ? metric_names[m] : "unknown";
}

bool mg_metric_from_name(const char *name, enum mg_metric *out)
{
    size_t i;
    for (i = 0; i < MG_METRIC_COUNT; i++)
        if (strcmp(name, metric_names[i]) == 0) {
            *out = (enum mg_metric)i;
            return true;
        }
    for (i = 0; i < sizeof(metric_aliases) / sizeof(metric_aliases[0]); i++)
        if (strcmp(name, metric_aliases[i].alias) == 0) {
            *out = metric_aliases[i].metric;
            return true;
        }
    return false;
}

const mg_metrics *mg_profile_metrics(const mg_profile *p)
{
    return &p->metrics;
}
void mg_profile_set_metrics(mg_profile *p, const mg_metrics *m)
{
    p->metrics = *m;
}
const char *mg_profile_format(const mg_profile *p)
{
    return p->format;
}
const char *mg_profile_producer(const mg_profile *p)
{
    return p->producer;
}
const char *mg_profile_source(const mg_profile *p)
{
    return p->source;
}
enum mg_profile_mode mg_profile_mode(const mg_profile *p)
{
    return p->mode;
}
const char *mg_profile_mode_label(const mg_profile *p)
{
    return p->mode_label;
}
const char *mg_profile_command(const mg_profile *p)
{
    return p->command;
}

const char *mg_build_profile_of(const char *command, char *out, size_t size)
{
    size_t len;
    const char *t, *seg, *next;
    if (!command)
        return NULL;
    len = strcspn(command, " \t\n");
    /* the directory right above the program, under a target/ directory */
    for (t = command; (t = strstr(t, "target/")) != NULL && t < command + len; t += 7) {
        if (t != command && t[-1] != '/')
            continue;
        seg = t + 7;
        while ((next = memchr(seg, '/', (size_t)(command + len - seg))) != NULL) {
            if (!memchr(next + 1, '/', (size_t)(command + len - next - 1))) {
                snprintf(out, size, "%.*s", (int)(next - seg), seg);
                return out;
            }
            seg = next + 1;
        }
    }
    return NULL;
}

const char *mg_profile_note(const mg_profile *p)
{
    return p->note;
}

bool mg_profile_raw_total(const mg_profile *p, uint64_t *amount, uint64_t *count)
{
    if (!p->has_raw_total)
        return false;
    *amount = p->raw_amount;
    *count = p->raw_count;
    return true;
}

const mg_hotspot *mg_profile_hotspots(const mg_profile *p, size_t *count)
{
    return mg_profile_ranking(p, MG_RANK_TOTAL_BYTES, count);
}

const mg_hotspot *mg_profile_ranking(const mg_profile *p, enum mg_rank r, size_t *count)
{
    if ((unsigned)r >= MG_RANK_COUNT) {
        *count = 0;
        return NULL;
    }
    *count = p->n_rank[r];
    return p->rank[r];
}

bool mg_profile_hotspot_whole(const mg_profile *p, enum mg_rank r, uint64_t *whole)
{
    if (!p->has_whole || (unsigned)r >= MG_RANK_COUNT)
        return false;
    *whole = p->whole[r];
    return true;
}

uint64_t mg_profile_excluded_pps(const mg_profile *p)
{
    return p->excluded_pps;
}
enum mg_attribution mg_profile_attribution(const mg_profile *p)
{
    return p->attribution;
}

enum mg_group_by mg_profile_group_by(const mg_profile *p)
{
    return p->group_by;
}

const char *mg_rank_name(enum mg_rank r)
{
    static const char *const names[MG_RANK_COUNT] = {"total_bytes", "peak_bytes",
                                                     "allocation_count"};
    return (unsigned)r < MG_RANK_COUNT ? names[r] : "unknown";
}

const mg_profile_extra *mg_profile_extras(const mg_profile *p, size_t *count)
{
    *count = p->n_extras;
    return p->extras;
}

const char *mg_profile_gate_note(const mg_profile *p)
{
    return p->gate_note;
}

void mg_metric_format(enum mg_metric m, uint64_t v, char *out, size_t size)
{
    if (mg_metric_is_bytes(m))
        mg_format_size(v, out, size);
    else if (m == MG_RUNTIME_US)
        snprintf(out, size, "%.2f s", (double)v / 1e6);
    else
        mg_format_count(v, out, size);
}
