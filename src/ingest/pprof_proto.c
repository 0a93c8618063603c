/* A bounded decoder for pprof's profile.proto; see pprof_proto.h for the limits. */
#include "ingest/pprof_proto.h"

#include <stdlib.h>
#include <string.h>

#include "memgate/buf.h"

/* profile.proto field numbers (github.com/google/pprof, proto/profile.proto) */
enum {
    PROFILE_SAMPLE_TYPE = 1,
    PROFILE_SAMPLE = 2,
    PROFILE_MAPPING = 3,
    PROFILE_LOCATION = 4,
    PROFILE_FUNCTION = 5,
    PROFILE_STRING_TABLE = 6,
    PROFILE_TIME_NANOS = 9,
    PROFILE_DURATION_NANOS = 10,
    PROFILE_PERIOD_TYPE = 11,
    PROFILE_PERIOD = 12,
    PROFILE_DEFAULT_SAMPLE_TYPE = 14,
    PROFILE_LAST_KNOWN = 14
};

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

struct rd {
    const unsigned char *p, *end, *base;
    const char *source;
    mg_error *err;
};

struct field {
    uint32_t num;
    unsigned wire;
    uint64_t v; /* varint and fixed values */
    const unsigned char *data, *at;
    size_t len;
};

static int fail(const struct rd *r, const unsigned char *at, const char *what, uint32_t num)
{
    size_t off = (size_t)(at - r->base);
    if (num)
        return mg_error_set_at(r->err, MG_E_INPUT, r->source, 0, 0,
                               "byte %zu of the (decompressed) pprof profile: %s (field %u)", off,
                               what, (unsigned)num);
    return mg_error_set_at(r->err, MG_E_INPUT, r->source, 0, 0,
                           "byte %zu of the (decompressed) pprof profile: %s", off, what);
}

static int varint(struct rd *r, uint64_t *out)
{
    const unsigned char *start = r->p;
    uint64_t v = 0;
    unsigned shift = 0;
    while (r->p < r->end) {
        unsigned char b = *r->p++;
        if (shift == 63 && b > 1)
            return fail(r, start, "a varint longer than 64 bits", 0);
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
        shift += 7;
    }
    return fail(r, start, "a varint cut off by the end of its message", 0);
}

/* 1 = a field read, 0 = end of the message, < 0 = error. */
static int next_field(struct rd *r, struct field *f)
{
    uint64_t tag;
    int rc;
    unsigned i;
    if (r->p == r->end)
        return 0;
    f->at = r->p;
    if ((rc = varint(r, &tag)) < 0)
        return rc;
    if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
        return fail(r, f->at, "expected a field tag (field number 0 or past 2^29)", 0);
    f->num = (uint32_t)(tag >> 3);
    f->wire = (unsigned)(tag & 7);
    f->v = 0;
    switch (f->wire) {
    case WIRE_VARINT:
        return varint(r, &f->v) < 0 ? -(int)r->err->code : 1;
    case WIRE_FIXED64:
    case WIRE_FIXED32: {
        unsigned n = f->wire == WIRE_FIXED64 ? 8 : 4;
        if ((size_t)(r->end - r->p) < n)
            return fail(r, f->at, "a fixed-size value cut off by the end of its message", f->num);
        for (i = 0; i < n; i++)
            f->v |= (uint64_t)r->p[i] << (8 * i);
        r->p += n;
        return 1;
    }
    case WIRE_LEN:
        if (varint(r, &f->v) < 0)
            return -r->err->code;
        if (f->v > (uint64_t)(r->end - r->p))
            return fail(r, f->at, "a length past the end of its message", f->num);
        f->data = r->p;
        f->len = (size_t)f->v;
        r->p += f->len;
        return 1;
    default:
        return fail(r, f->at, "expected wire type 0, 1, 2 or 5 (profile.proto uses no groups)",
                    f->num);
    }
}

static struct rd sub(const struct rd *r, const struct field *f)
{
    struct rd s = *r;
    s.p = f->data;
    s.end = f->data + f->len;
    return s;
}

static int want(const struct rd *r, const struct field *f, unsigned wire)
{
    static const char *const what[] = {
        "expected a varint", "expected a fixed64", "expected a length-delimited value", "", "",
        "expected a fixed32"};
    return f->wire == wire ? 0 : fail(r, f->at, what[wire], f->num);
}

/* Append one value, or every value of a packed run, of a repeated varint field. */
static int repeated(struct rd *r, const struct field *f, void **arr, size_t *n, size_t *cap,
                    size_t elem)
{
    uint64_t v = 0;
    if (f->wire == WIRE_VARINT) {
        if (mg_grow_array(arr, cap, *n + 1, elem, 16, r->err) < 0)
            return -r->err->code;
        if (elem == sizeof(int64_t))
            ((int64_t *)*arr)[(*n)++] = (int64_t)f->v;
        else
            ((size_t *)*arr)[(*n)++] = (size_t)f->v;
        return 0;
    }
    if (f->wire != WIRE_LEN)
        return fail(r, f->at, "expected a varint or a packed run of varints", f->num);
    struct rd s = sub(r, f);
    while (s.p < s.end) {
        if (varint(&s, &v) < 0)
            return -r->err->code;
        if (mg_grow_array(arr, cap, *n + 1, elem, 16, r->err) < 0)
            return -r->err->code;
        if (elem == sizeof(int64_t))
            ((int64_t *)*arr)[(*n)++] = (int64_t)v;
        else
            ((size_t *)*arr)[(*n)++] = (size_t)v;
    }
    return 0;
}

static int value_type(struct rd *r, const struct field *f, int64_t out[2])
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    out[0] = out[1] = 0;
    while ((rc = next_field(&s, &g)) == 1) {
        if (g.num != 1 && g.num != 2)
            continue;
        if (want(&s, &g, WIRE_VARINT) < 0)
            return -r->err->code;
        out[g.num - 1] = (int64_t)g.v;
    }
    return rc;
}

static int sample(struct rd *r, mg_pprof *p, const struct field *f)
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    mg_pprof_sample *smp;
    size_t values_before = p->n_values;
    if (mg_grow_array((void **)&p->samples, &p->samples_cap, p->n_samples + 1, sizeof(*p->samples),
                      64, r->err) < 0)
        return -r->err->code;
    smp = &p->samples[p->n_samples];
    smp->loc_off = p->n_locs;
    smp->value_off = p->n_values;
    while ((rc = next_field(&s, &g)) == 1) {
        if (g.num == 1)
            rc = repeated(&s, &g, (void **)&p->locs, &p->n_locs, &p->locs_cap, sizeof(size_t));
        else if (g.num == 2)
            rc = repeated(&s, &g, (void **)&p->values, &p->n_values, &p->values_cap,
                          sizeof(int64_t));
        if (rc < 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    smp->n_locs = p->n_locs - smp->loc_off;
    /* the count is checked against sample_type once the whole message is read */
    smp->value_off = values_before;
    p->n_samples++;
    return 0;
}

static int line(struct rd *r, mg_pprof *p, const struct field *f)
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    uint64_t fn = 0;
    int64_t no = 0;
    while ((rc = next_field(&s, &g)) == 1) {
        if (g.num != 1 && g.num != 2)
            continue;
        if (want(&s, &g, WIRE_VARINT) < 0)
            return -r->err->code;
        if (g.num == 1)
            fn = g.v;
        else
            no = (int64_t)g.v;
    }
    if (rc < 0)
        return rc;
    if (mg_grow_array((void **)&p->lines, &p->lines_cap, p->n_lines + 1, sizeof(*p->lines), 64,
                      r->err) < 0)
        return -r->err->code;
    /* line_fn_ids grows with lines: same capacity */
    {
        uint64_t *ids = realloc(p->line_fn_ids, p->lines_cap * sizeof(*ids));
        if (!ids)
            return mg_error_set(r->err, MG_E_NOMEM, "out of memory");
        p->line_fn_ids = ids;
    }
    p->line_fn_ids[p->n_lines] = fn;
    p->lines[p->n_lines].function = SIZE_MAX;
    p->lines[p->n_lines++].line = no;
    return 0;
}

static int location(struct rd *r, mg_pprof *p, const struct field *f)
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    mg_pprof_location loc = {0, 0, p->n_lines, 0};
    while ((rc = next_field(&s, &g)) == 1) {
        if (g.num == 1 || g.num == 3) {
            if (want(&s, &g, WIRE_VARINT) < 0)
                return -r->err->code;
            *(g.num == 1 ? &loc.id : &loc.address) = g.v;
        } else if (g.num == 4) {
            if (want(&s, &g, WIRE_LEN) < 0 || line(&s, p, &g) < 0)
                return -r->err->code;
        }
    }
    if (rc < 0)
        return rc;
    if (loc.id == 0)
        return fail(r, f->at, "a location without an id (ids are nonzero)", PROFILE_LOCATION);
    loc.n_lines = p->n_lines - loc.line_off;
    if (mg_grow_array((void **)&p->locations, &p->locations_cap, p->n_locations + 1, sizeof(loc),
                      64, r->err) < 0)
        return -r->err->code;
    p->locations[p->n_locations++] = loc;
    return 0;
}

static int function(struct rd *r, mg_pprof *p, const struct field *f)
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    mg_pprof_function fn = {0, 0, 0};
    while ((rc = next_field(&s, &g)) == 1) {
        if (g.num != 1 && g.num != 2 && g.num != 4)
            continue;
        if (want(&s, &g, WIRE_VARINT) < 0)
            return -r->err->code;
        if (g.num == 1)
            fn.id = g.v;
        else if (g.num == 2)
            fn.name = (int64_t)g.v;
        else
            fn.filename = (int64_t)g.v;
    }
    if (rc < 0)
        return rc;
    if (fn.id == 0)
        return fail(r, f->at, "a function without an id (ids are nonzero)", PROFILE_FUNCTION);
    if (mg_grow_array((void **)&p->functions, &p->functions_cap, p->n_functions + 1, sizeof(fn), 64,
                      r->err) < 0)
        return -r->err->code;
    p->functions[p->n_functions++] = fn;
    return 0;
}

static int string_entry(struct rd *r, mg_pprof *p, const struct field *f)
{
    size_t cap = p->strings_cap;
    if (mg_grow_array((void **)&p->str_off, &cap, p->n_strings + 1, sizeof(size_t), 64, r->err) < 0)
        return -r->err->code;
    if (cap != p->strings_cap) {
        size_t *l = realloc(p->str_len, cap * sizeof(*l));
        if (!l)
            return mg_error_set(r->err, MG_E_NOMEM, "out of memory");
        p->str_len = l;
        p->strings_cap = cap;
    }
    p->str_off[p->n_strings] = (size_t)(f->data - r->base);
    p->str_len[p->n_strings++] = f->len;
    return 0;
}

static int scalar(struct rd *r, const struct field *f, int64_t *out)
{
    if (want(r, f, WIRE_VARINT) < 0)
        return -r->err->code;
    *out = (int64_t)f->v;
    return 0;
}

static int top_field(struct rd *r, mg_pprof *p, const struct field *f)
{
    switch (f->num) {
    case PROFILE_SAMPLE_TYPE:
        if (want(r, f, WIRE_LEN) < 0 ||
            mg_grow_array((void **)&p->types, &p->types_cap, p->n_types + 1, sizeof(*p->types), 4,
                          r->err) < 0)
            return -r->err->code;
        if (value_type(r, f, p->types[p->n_types]) < 0)
            return -r->err->code;
        p->n_types++;
        return 0;
    case PROFILE_SAMPLE:
        return want(r, f, WIRE_LEN) < 0 ? -(int)r->err->code : sample(r, p, f);
    case PROFILE_LOCATION:
        return want(r, f, WIRE_LEN) < 0 ? -(int)r->err->code : location(r, p, f);
    case PROFILE_FUNCTION:
        return want(r, f, WIRE_LEN) < 0 ? -(int)r->err->code : function(r, p, f);
    case PROFILE_STRING_TABLE:
        return want(r, f, WIRE_LEN) < 0 ? -(int)r->err->code : string_entry(r, p, f);
    case PROFILE_PERIOD_TYPE:
        if (want(r, f, WIRE_LEN) < 0 || value_type(r, f, p->period_type) < 0)
            return -r->err->code;
        p->has_period_type = true;
        return 0;
    case PROFILE_TIME_NANOS:
        return scalar(r, f, &p->time_nanos);
    case PROFILE_DURATION_NANOS:
        return scalar(r, f, &p->duration_nanos);
    case PROFILE_PERIOD:
        return scalar(r, f, &p->period);
    case PROFILE_DEFAULT_SAMPLE_TYPE:
        return scalar(r, f, &p->default_sample_type);
    default:
        return 0; /* mapping, drop/keep_frames, comment and unknown fields: not needed */
    }
}

/* ---- references: ids to indices, string indices in range ---- */

struct id_ix {
    uint64_t id;
    size_t ix;
};

static int by_id(const void *a, const void *b)
{
    const struct id_ix *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Sorted (id, index) pairs; a duplicate id is an error. NULL with err set on failure. */
static struct id_ix *index_ids(const void *first_id, size_t stride, size_t n, const char *what,
                               const char *source, mg_error *err)
{
    struct id_ix *ix = malloc((n ? n : 1) * sizeof(*ix));
    size_t i;
    if (!ix) {
        mg_error_set(err, MG_E_NOMEM, "out of memory");
        return NULL;
    }
    for (i = 0; i < n; i++) {
        memcpy(&ix[i].id, (const char *)first_id + i * stride, sizeof(ix[i].id));
        ix[i].ix = i;
    }
    qsort(ix, n, sizeof(*ix), by_id);
    for (i = 1; i < n; i++)
        if (ix[i].id == ix[i - 1].id) {
            mg_error_set_at(err, MG_E_INPUT, source, 0, 0, "pprof profile: two %ss with id %llu",
                            what, (unsigned long long)ix[i].id);
            free(ix);
            return NULL;
        }
    return ix;
}

static bool lookup(const struct id_ix *ix, size_t n, uint64_t id, size_t *out)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && ix[lo].id == id) {
        *out = ix[lo].ix;
        return true;
    }
    return false;
}

static int check_str(const mg_pprof *p, int64_t idx, const char *what, const char *source,
                     mg_error *err)
{
    if (idx >= 0 && (uint64_t)idx < p->n_strings)
        return 0;
    return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                           "pprof profile: %s refers to string %lld, but the string table has "
                           "%zu entries",
                           what, (long long)idx, p->n_strings);
}

static int resolve(mg_pprof *p, const char *source, mg_error *err)
{
    struct id_ix *locs = NULL, *fns = NULL;
    size_t i, j;
    int rc = 0;

    if (p->n_strings == 0 || p->str_len[0] != 0)
        return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                               "pprof profile: the string table must start with \"\"");
    for (i = 0; rc == 0 && i < p->n_types; i++)
        if ((rc = check_str(p, p->types[i][0], "a sample_type", source, err)) == 0)
            rc = check_str(p, p->types[i][1], "a sample_type unit", source, err);
    if (rc == 0 && p->has_period_type &&
        (rc = check_str(p, p->period_type[0], "period_type", source, err)) == 0)
        rc = check_str(p, p->period_type[1], "period_type's unit", source, err);
    if (rc == 0)
        rc = check_str(p, p->default_sample_type, "default_sample_type", source, err);
    for (i = 0; rc == 0 && i < p->n_functions; i++)
        if ((rc = check_str(p, p->functions[i].name, "a function name", source, err)) == 0)
            rc = check_str(p, p->functions[i].filename, "a function's file name", source, err);
    for (i = 0; rc == 0 && i < p->n_samples; i++) {
        size_t n = (i + 1 < p->n_samples ? p->samples[i + 1].value_off : p->n_values) -
                   p->samples[i].value_off;
        if (n != p->n_types)
            rc = mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                                 "pprof profile: sample %zu has %zu values for %zu sample types",
                                 i + 1, n, p->n_types);
    }
    if (rc < 0)
        return rc;
    /* id is the first member of both structs */
    if (!(locs = index_ids(p->locations, sizeof(*p->locations), p->n_locations, "location", source,
                           err)) ||
        !(fns = index_ids(p->functions, sizeof(*p->functions), p->n_functions, "function", source,
                          err))) {
        free(locs);
        return -err->code;
    }
    for (i = 0; rc == 0 && i < p->n_lines; i++)
        if (p->line_fn_ids[i] != 0 &&
            !lookup(fns, p->n_functions, p->line_fn_ids[i], &p->lines[i].function))
            rc = mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                                 "pprof profile: a location's line refers to function id %llu, "
                                 "which the profile does not define",
                                 (unsigned long long)p->line_fn_ids[i]);
    for (i = 0; rc == 0 && i < p->n_samples; i++)
        for (j = 0; rc == 0 && j < p->samples[i].n_locs; j++) {
            size_t *l = &p->locs[p->samples[i].loc_off + j];
            if (!lookup(locs, p->n_locations, (uint64_t)*l, l))
                rc = mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                                     "pprof profile: sample %zu refers to location id %llu, "
                                     "which the profile does not define",
                                     i + 1, (unsigned long long)*l);
        }
    free(locs);
    free(fns);
    return rc;
}

int mg_pprof_decode(mg_pprof *p, const char *data, size_t len, const char *source, mg_error *err)
{
    struct rd r;
    struct field f;
    int rc;

    memset(p, 0, sizeof(*p));
    p->data = data;
    r.p = r.base = (const unsigned char *)data;
    r.end = r.p + len;
    r.source = source;
    r.err = err;
    while ((rc = next_field(&r, &f)) == 1)
        if ((rc = top_field(&r, p, &f)) < 0)
            break;
    if (rc == 0)
        rc = resolve(p, source, err);
    if (rc < 0)
        mg_pprof_release(p);
    return rc < 0 ? rc : 0;
}

void mg_pprof_release(mg_pprof *p)
{
    free(p->types);
    free(p->samples);
    free(p->locs);
    free(p->values);
    free(p->locations);
    free(p->lines);
    free(p->line_fn_ids);
    free(p->functions);
    free(p->str_off);
    free(p->str_len);
    memset(p, 0, sizeof(*p));
}

const char *mg_pprof_string(const mg_pprof *p, int64_t idx, size_t *len)
{
    *len = p->str_len[idx];
    return p->data + p->str_off[idx];
}

/* A whole ValueType message: only fields 1 and 2, as varints. */
static bool value_type_ok(struct rd *r, const struct field *f)
{
    struct rd s = sub(r, f);
    struct field g;
    int rc;
    while ((rc = next_field(&s, &g)) == 1)
        if ((g.num != 1 && g.num != 2) || g.wire != WIRE_VARINT)
            return false;
    return rc == 0;
}

/*
 * Walk up to 8 top-level fields of the head (Go writes period_type and
 * period first, pprof and prost sample_type): each must be a profile.proto
 * field with its wire type, a ValueType must hold only its two varints, and
 * only the last field may run past the head.
 */
bool mg_pprof_looks_like(const char *head, size_t len)
{
    static const signed char wire_of[PROFILE_LAST_KNOWN + 1] = {-1, 2, 2, 2, 2, 2, 2, 0,
                                                                0,  0, 0, 2, 0, 0, 0};
    mg_error scratch;
    struct rd r;
    struct field f;
    int n;
    mg_error_init(&scratch);
    r.p = r.base = (const unsigned char *)head;
    r.end = r.p + len;
    r.source = "";
    r.err = &scratch;
    for (n = 0; n < 8 && r.p < r.end; n++) {
        const unsigned char *before = r.p;
        uint64_t tag = 0, l = 0;
        if (varint(&r, &tag) < 0 || (tag >> 3) == 0 || (tag >> 3) > PROFILE_LAST_KNOWN)
            return false;
        if ((tag & 7) != (uint64_t)wire_of[tag >> 3] &&
            !((tag >> 3) == 13 && (tag & 7) == WIRE_LEN)) /* comment may be packed */
            return false;
        if ((tag & 7) == WIRE_LEN) {
            if (varint(&r, &l) < 0)
                return n > 0 && r.p == r.end; /* cut by the head's end */
            if (l > (uint64_t)(r.end - r.p))
                return n > 0;
            r.p = before;
            if (next_field(&r, &f) != 1)
                return false;
            if ((f.num == PROFILE_SAMPLE_TYPE || f.num == PROFILE_PERIOD_TYPE) &&
                !value_type_ok(&r, &f))
                return false;
        } else {
            r.p = before;
            if (next_field(&r, &f) != 1)
                return n > 0 && r.end - before < 11; /* a varint cut by the head */
        }
    }
    return n >= 2;
}
