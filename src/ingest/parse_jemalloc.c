/*
 * jemalloc malloc_stats_print JSON (stats_print_opts:J), alone or inside a
 * log. Every byte figure in it is a value at print time: there is no peak.
 */
#include <jansson.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/lines.h"
#include "memgate/num.h"

/* Offset of the '{' that opens {"jemalloc": ...} in data, or -1. */
static long find_start(const char *data, size_t len)
{
    static const char *const keys[] = {"{\"jemalloc\":", "\"jemalloc\": {", "\"jemalloc\":{"};
    size_t i;
    for (i = 0; i < 3; i++) {
        const char *k = memmem(data, len, keys[i], strlen(keys[i]));
        const char *b = k;
        if (!k)
            continue;
        if (i == 0)
            return (long)(k - data);
        /* walk back over white space to the opening brace */
        while (b > data && (b[-1] == ' ' || b[-1] == '\n' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        if (b > data && b[-1] == '{')
            return (long)(b - 1 - data);
    }
    return -1;
}

static bool get_u64(json_t *obj, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

/* small.nrequests + large.nrequests of one arena object. */
static bool arena_requests(json_t *arena, uint64_t *out)
{
    uint64_t s, l;
    if (!get_u64(json_object_get(arena, "small"), "nrequests", &s) ||
        !get_u64(json_object_get(arena, "large"), "nrequests", &l))
        return false;
    return mg_u64_add(s, l, out);
}

/* "merged" when present (all arenas, destroyed ones included), else the sum over the others. */
static bool requests(json_t *arenas, uint64_t *out)
{
    json_t *merged = json_object_get(arenas, "merged"), *a;
    const char *key;
    uint64_t sum = 0, one;
    bool any = false;

    if (merged)
        return arena_requests(merged, out);
    json_object_foreach(arenas, key, a)
    {
        if (!arena_requests(a, &one) || !mg_u64_add(sum, one, &sum))
            return false;
        any = true;
    }
    *out = sum;
    return any;
}

static const struct {
    const char *key, *label;
} stat_extras[] = {
    {"active", "active pages at exit"},
    {"metadata", "allocator metadata at exit"},
    {"resident", "resident allocator pages at exit, not a peak"},
    {"mapped", "mapped at exit"},
    {"retained", "retained virtual memory at exit"},
};

static const char *const extra_keys[] = {"jemalloc_active_bytes", "jemalloc_metadata_bytes",
                                         "jemalloc_resident_bytes", "jemalloc_mapped_bytes",
                                         "jemalloc_retained_bytes"};

static int fill(mg_profile *p, json_t *je, mg_error *err)
{
    json_t *stats = json_object_get(je, "stats");
    uint64_t v;
    size_t i;

    if (!json_is_object(stats) || !get_u64(stats, "allocated", &v))
        return mg_error_set_at(err, MG_E_INPUT, p->source, 0, 0,
                               "jemalloc stats without \"stats\": {\"allocated\": N} (printed "
                               "with the 'g' or 'm' omit options?)");
    mg_metrics_set(&p->metrics, MG_END_BYTES, v);
    if (requests(json_object_get(je, "stats.arenas"), &v))
        mg_metrics_set(&p->metrics, MG_ALLOC_COUNT, v);
    for (i = 0; i < sizeof(stat_extras) / sizeof(stat_extras[0]); i++)
        if (get_u64(stats, stat_extras[i].key, &v))
            mg_profile_add_extra(p, extra_keys[i], v, "bytes", stat_extras[i].label);
    p->mode = MG_MODE_OTHER;
    if (mg_profile_set_str(&p->producer, "jemalloc", err) < 0 ||
        mg_profile_set_str(&p->mode_label, "stats", err) < 0 ||
        mg_profile_set_str(&p->gate_note,
                           "jemalloc stats hold values at the moment they were printed, with no "
                           "peak: end_bytes (stats.allocated, thread caches included) and "
                           "allocation_count (small + large nrequests) can be gated; peak, total "
                           "bytes and RSS are absent",
                           err) < 0)
        return -err->code;
    return 0;
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    long start = find_start(data, len);
    json_error_t je;
    json_t *root, *top;
    unsigned long line0 = 0;
    int rc;
    (void)opts;

    if (start < 0)
        return mg_error_set_at(err, MG_E_INPUT, p->source, 0, 0,
                               "no {\"jemalloc\": ...} object found");
    for (long i = 0; i < start; i++)
        line0 += data[i] == '\n';
    root = json_loadb(data + start, len - (size_t)start, JSON_DISABLE_EOF_CHECK, &je);
    if (!root)
        return mg_error_set_at(err, MG_E_INPUT, p->source, line0 + (unsigned long)je.line,
                               (unsigned long)je.column, "malformed jemalloc JSON: %s", je.text);
    top = json_object_get(root, "jemalloc");
    if (!json_is_object(top)) {
        json_decref(root);
        return mg_error_set_at(err, MG_E_INPUT, p->source, line0 + 1, 1,
                               "\"jemalloc\" must be an object");
    }
    rc = fill(p, top, err);
    json_decref(root);
    return rc;
}

static bool detect(const char *head, size_t len)
{
    size_t i = 0;
    while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (i < len && head[i] == '{') {
        i++;
        while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
            i++;
        if (len - i >= 10 && !memcmp(head + i, "\"jemalloc\"", 10))
            return true;
    }
    return strstr(head, "{\"jemalloc\":") || strstr(head, "\"jemalloc\": {");
}

const mg_format mg_format_jemalloc = {
    MG_FORMAT_JEMALLOC,
    "jemalloc malloc_stats_print JSON (MALLOC_CONF=stats_print:true,stats_print_opts:J)",
    detect,
    parse,
    NULL,
    false,
};
