/* Hotspot attribution: skip allocator frames, group program points by function, rank. */
#include "ingest/hotspot.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memgate/num.h"
#include "utf8.h"

const char mg_hotspot_rule_text[] =
    "Hotspots: each program point is attributed to the first frame of its stack\n"
    "(innermost first) that is not allocator machinery, and program points are\n"
    "grouped by that function name and ranked by total bytes allocated.\n"
    "Machinery is: malloc, calloc, realloc, reallocarray, free, memalign,\n"
    "posix_memalign, aligned_alloc, valloc, pvalloc; operator new/delete; names\n"
    "starting with dhat::, backtrace::, __rustc::, __rust_, __rdl_, __rg_,\n"
    "alloc::alloc::, alloc::raw_vec::, std::alloc::, core::alloc::,\n"
    "std::sys::alloc::, hashbrown::raw::alloc:: (also with a leading '<');\n"
    "Valgrind's short names of inlined Rust allocator frames (alloc, allocate,\n"
    "grow_amortized, finish_grow, ...); frames located in Valgrind's vgpreload_\n"
    "library; and allocation wrappers such as xmalloc, g_malloc0, jv_mem_alloc,\n"
    "PyMem_RawMalloc, sqlite3Malloc, Perl_safesysmalloc. A program point whose\n"
    "every frame is machinery is shown as [all-frames-allocator].\n";

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void mg_frame_split(const char *frame, size_t len, const char **name, size_t *name_len,
                    const char **loc, size_t *loc_len)
{
    const char *s = frame;
    size_t n = len, i, open = 0;
    bool found = false;

    /* drop "0xADDR: " */
    if (n > 2 && s[0] == '0' && s[1] == 'x' && is_hex(s[2])) {
        for (i = 2; i < n && is_hex(s[i]); i++)
            ;
        if (i + 1 < n && s[i] == ':' && s[i + 1] == ' ') {
            s += i + 2;
            n -= i + 2;
        }
    }
    *name = s;
    *name_len = n;
    *loc = s + n;
    *loc_len = 0;
    /* a trailing " (LOCATION)" whose LOCATION has no parentheses; C++ names keep theirs */
    if (n < 3 || s[n - 1] != ')')
        return;
    for (i = n - 1; i-- > 0;) {
        if (s[i] == ')')
            return;
        if (s[i] == '(') {
            open = i;
            found = true;
            break;
        }
    }
    if (!found || open == 0 || s[open - 1] != ' ')
        return;
    *name_len = open - 1;
    *loc = s + open + 1;
    *loc_len = n - open - 2;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static bool equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool istarts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* ^_*(x|g_|jv_mem_|py(mem|object)_(raw)?|sqlite3_?|perl_safesys)(malloc|...|strdup)(64)?$ */
static bool is_alloc_wrapper(const char *s, size_t n)
{
    static const char *const pre[] = {"x",          "g_",        "jv_mem_",    "pymem_",
                                      "pymem_raw",  "pyobject_", "pyobject_raw", "sqlite3",
                                      "sqlite3_",   "perl_safesys"};
    static const char *const fun[] = {"malloc", "malloc0", "calloc", "realloc", "alloc", "strdup"};
    size_t a, b;

    while (n > 0 && *s == '_') {
        s++;
        n--;
    }
    for (a = 0; a < sizeof(pre) / sizeof(pre[0]); a++) {
        size_t pl = strlen(pre[a]);
        if (!istarts(s, n, pre[a]))
            continue;
        for (b = 0; b < sizeof(fun) / sizeof(fun[0]); b++) {
            size_t fl = strlen(fun[b]);
            const char *rest = s + pl + fl;
            size_t rn;
            if (!istarts(s + pl, n - pl, fun[b]))
                continue;
            rn = n - pl - fl;
            if (rn == 0 || (rn == 2 && rest[0] == '6' && rest[1] == '4'))
                return true;
        }
    }
    return false;
}

bool mg_frame_is_machinery(const char *name, size_t name_len, const char *loc, size_t loc_len)
{
    static const char *const exact[] = {"malloc", "calloc",         "realloc",       "reallocarray",
                                        "free",   "memalign",       "posix_memalign", "aligned_alloc",
                                        "valloc", "pvalloc"};
    static const char *const prefixes[] = {
        "<dhat::",          "dhat::",           "backtrace::",
        "<backtrace::",     "__rustc::",        "__rust_",
        "__rdl_",           "__rg_",            "alloc::alloc::",
        "<alloc::alloc::",  "alloc::raw_vec::", "<alloc::raw_vec::",
        "std::alloc::",     "<std::alloc::",    "core::alloc::",
        "<core::alloc::",   "std::sys::alloc::", "std::sys::pal::unix::alloc::",
        "std::sys::unix::alloc::", "hashbrown::raw::alloc::", "<hashbrown::raw::alloc::"};
    static const char *const short_rust[] = {
        "alloc",          "alloc_zeroed", "alloc_impl",  "alloc_impl_runtime", "allocate",
        "allocate_zeroed", "grow_impl",   "exchange_malloc", "finish_grow",    "grow_amortized",
        "grow_exact",     "grow_one",     "try_allocate_in", "do_reserve_and_handle"};
    const char *lt;
    size_t i, head;

    for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (equals(name, name_len, exact[i]))
            return true;
    if (starts(name, name_len, "operator new") || starts(name, name_len, "operator delete"))
        return true;
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (starts(name, name_len, prefixes[i]))
            return true;
    lt = memchr(name, '<', name_len);
    head = lt ? (size_t)(lt - name) : name_len;
    for (i = 0; i < sizeof(short_rust) / sizeof(short_rust[0]); i++)
        if (equals(name, head, short_rust[i]))
            return true;
    if (loc_len > 3 && memcmp(loc, "in ", 3) == 0 && memmem(loc, loc_len, "vgpreload_", 10))
        return true;
    return is_alloc_wrapper(name, name_len);
}

void mg_hotspot_agg_init(mg_hotspot_agg *agg)
{
    mg_strmap_init(&agg->index);
    agg->rows = NULL;
    agg->n = agg->cap = 0;
}

void mg_hotspot_agg_release(mg_hotspot_agg *agg)
{
    size_t i;
    if (!agg)
        return;
    for (i = 0; i < agg->n; i++)
        free(agg->rows[i].function);
    free(agg->rows);
    mg_strmap_release(&agg->index);
    mg_hotspot_agg_init(agg);
}

static int add_row(mg_hotspot_agg *agg, const char *fn, size_t len, mg_error *err)
{
    mg_hotspot *row;
    if (agg->n == agg->cap) {
        size_t ncap = agg->cap ? agg->cap * 2 : 64;
        mg_hotspot *r = realloc(agg->rows, ncap * sizeof(*r));
        if (!r)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        agg->rows = r;
        agg->cap = ncap;
    }
    row = &agg->rows[agg->n];
    memset(row, 0, sizeof(*row));
    row->function = mg_utf8_sanitize_display(fn, len);
    if (!row->function)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    agg->n++;
    return 0;
}

int mg_hotspot_agg_intern(mg_hotspot_agg *agg, const char *fn, size_t fn_len, size_t *row,
                          mg_error *err)
{
    int inserted;
    if (mg_strmap_upsert(&agg->index, fn, fn_len, agg->n, row, &inserted, err) < 0)
        return -err->code;
    if (inserted && add_row(agg, fn, fn_len, err) < 0)
        return -err->code;
    return 0;
}

int mg_hotspot_agg_add_row(mg_hotspot_agg *agg, size_t slot, uint64_t tb, uint64_t tbk,
                           uint64_t gb, uint64_t eb, mg_error *err)
{
    mg_hotspot *row = &agg->rows[slot];
    /* each sum is bounded by the file's total, which is overflow-checked too */
    if (!mg_u64_add(row->total_bytes, tb, &row->total_bytes) ||
        !mg_u64_add(row->total_blocks, tbk, &row->total_blocks) ||
        !mg_u64_add(row->peak_bytes, gb, &row->peak_bytes) ||
        !mg_u64_add(row->end_bytes, eb, &row->end_bytes))
        return mg_error_set(err, MG_E_OVERFLOW, "hotspot sums overflow 64 bits");
    row->program_points++;
    return 0;
}

int mg_hotspot_agg_add(mg_hotspot_agg *agg, const char *fn, size_t fn_len, uint64_t tb,
                       uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err)
{
    size_t slot;
    if (mg_hotspot_agg_intern(agg, fn, fn_len, &slot, err) < 0)
        return -err->code;
    return mg_hotspot_agg_add_row(agg, slot, tb, tbk, gb, eb, err);
}

static int by_total_desc(const void *a, const void *b)
{
    const mg_hotspot *x = a, *y = b;
    if (x->total_bytes != y->total_bytes)
        return x->total_bytes > y->total_bytes ? -1 : 1;
    return strcmp(x->function, y->function);
}

int mg_hotspot_agg_take(mg_hotspot_agg *agg, size_t top_n, mg_hotspot **out, size_t *n,
                        mg_error *err)
{
    size_t keep, i;
    size_t used = 0;
    (void)err;
    /* frames are interned when the frame table is read; only rows with program points count */
    for (i = 0; i < agg->n; i++) {
        if (agg->rows[i].program_points)
            agg->rows[used++] = agg->rows[i];
        else
            free(agg->rows[i].function);
    }
    agg->n = used;
    if (agg->n > 1) /* rows is NULL when nothing was interned: qsort(NULL, 0) is undefined */
        qsort(agg->rows, agg->n, sizeof(*agg->rows), by_total_desc);
    keep = agg->n < top_n ? agg->n : top_n;
    for (i = keep; i < agg->n; i++)
        free(agg->rows[i].function);
    *out = agg->rows;
    *n = keep;
    agg->rows = NULL;
    agg->n = agg->cap = 0;
    mg_strmap_release(&agg->index);
    if (keep == 0) {
        free(*out);
        *out = NULL;
    }
    return 0;
}
