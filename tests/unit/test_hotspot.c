/* hotspot: frame splitting, the allocator-machinery rule (a-f of the testdata README), ranking. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_error.h"
#include "ingest/hotspot.h"
#include "ingest/ingest.h"

/* ---- mg_frame_split ---- */

static void splits(const char *frame, const char *want_name, const char *want_loc)
{
    const char *name, *loc;
    size_t nl, ll;
    mg_frame_split(frame, strlen(frame), &name, &nl, &loc, &ll);
    cr_expect(nl == strlen(want_name) && memcmp(name, want_name, nl) == 0,
              "name of <%s> is <%.*s>, expected <%s>", frame, (int)nl, name, want_name);
    cr_expect(ll == strlen(want_loc) && memcmp(loc, want_loc, ll) == 0,
              "location of <%s> is <%.*s>, expected <%s>", frame, (int)ll, loc, want_loc);
}

/* The examples of the README's "Hotspot rule", step 1. */
Test(hotspot, split_readme_examples)
{
    splits("0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)", "malloc",
           "in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so");
    splits("0x55da3c1f2a10: <dhat::Alloc as core::alloc::global::GlobalAlloc>::alloc "
           "(dhat-rs/src/lib.rs:1176:9)",
           "<dhat::Alloc as core::alloc::global::GlobalAlloc>::alloc", "dhat-rs/src/lib.rs:1176:9");
    splits("[root]", "[root]", "");
    splits("???", "???", "");
}

Test(hotspot, split_cpp_names_keep_their_argument_list)
{
    splits("0x4B3A2C1: std::__cxx11::basic_string<char, std::char_traits<char>, "
           "std::allocator<char> >::_M_mutate(unsigned long, unsigned long, char const*, "
           "unsigned long) (in /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30)",
           "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> "
           ">::_M_mutate(unsigned long, unsigned long, char const*, unsigned long)",
           "in /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30");
    /* no location: the argument list is not mistaken for one (no space before it) */
    splits("0x4B3A2C1: std::__cxx11::basic_string<char>::_M_mutate(unsigned long, char const*)",
           "std::__cxx11::basic_string<char>::_M_mutate(unsigned long, char const*)", "");
    splits("0x10: operator new(unsigned long) (in /usr/libexec/valgrind/vgpreload_dhat.so)",
           "operator new(unsigned long)", "in /usr/libexec/valgrind/vgpreload_dhat.so");
    splits("0x10: std::function<void (int)>::operator()(int) const (functional:591)",
           "std::function<void (int)>::operator()(int) const", "functional:591");
    /* the last group has parentheses inside: it is not a location */
    splits("0x10: f (a(b).c:3)", "f (a(b).c:3)", "");
    /* a name ending in a parenthesised group after a space, with no location */
    splits("0x10: (anonymous namespace)::run()", "(anonymous namespace)::run()", "");
}

Test(hotspot, split_valgrind_and_dhat_rs_locations)
{
    splits("0x6257F98: ??? (in /usr/lib/x86_64-linux-gnu/libp11-kit.so.0.3.0)", "???",
           "in /usr/lib/x86_64-linux-gnu/libp11-kit.so.0.3.0");
    splits("0x4DE253A: newlocale (newlocale.c:199)", "newlocale", "newlocale.c:199");
    splits("0x4907652: pthread_getattr_np@@GLIBC_2.32 (pthread_getattr_np.c:85)",
           "pthread_getattr_np@@GLIBC_2.32", "pthread_getattr_np.c:85");
    splits("0x55e870f9ca97: hashbrown::raw::alloc::inner::do_alloc (src/raw/alloc.rs:19:21)",
           "hashbrown::raw::alloc::inner::do_alloc", "src/raw/alloc.rs:19:21");
    splits("0x29380D: {closure#0} (rt.rs:173)", "{closure#0}", "rt.rs:173");
    splits("0x1: ???", "???", "");
    splits("0x1FFF000A52: ???", "???", "");
}

Test(hotspot, split_address_prefix_only_when_well_formed)
{
    splits("0xABCdef12: f", "f", "");
    splits("0x12 f", "0x12 f", "");   /* no ": " */
    splits("0x: f", "0x: f", "");     /* no digits */
    splits("0xZZ: f", "0xZZ: f", ""); /* not hex */
    splits("0X12: f", "0X12: f", ""); /* the prefix is lower-case 0x */
    splits("0x12:f", "0x12:f", "");
}

Test(hotspot, split_edge_shapes)
{
    splits("", "", "");
    splits("f ()", "f", "");        /* empty location */
    splits(" (x)", "", "x");        /* empty name */
    splits("f (x) ", "f (x) ", ""); /* must end with ')' */
    splits("()", "()", "");
    splits("f(x)", "f(x)", "");
}

/* ---- mg_frame_is_machinery: rule by rule ---- */

static bool machinery(const char *name)
{
    return mg_frame_is_machinery(name, strlen(name), "", 0);
}

static bool machinery_at(const char *name, const char *loc)
{
    return mg_frame_is_machinery(name, strlen(name), loc, strlen(loc));
}

static bool machinery_frame(const char *frame)
{
    const char *name, *loc;
    size_t nl, ll;
    mg_frame_split(frame, strlen(frame), &name, &nl, &loc, &ll);
    return mg_frame_is_machinery(name, nl, loc, ll);
}

Test(hotspot, rule_a_exact_allocator_names)
{
    static const char *const yes[] = {"malloc", "calloc",   "realloc",        "reallocarray",
                                      "free",   "memalign", "posix_memalign", "aligned_alloc",
                                      "valloc", "pvalloc"};
    static const char *const no[] = {"malloc_usable_size", "free_list",     "mallocx",
                                     "my_malloc",          "Malloc2",       "freeze",
                                     "malloc64",           "realloc_buffer"};
    size_t i;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_expect(machinery(yes[i]), "%s", yes[i]);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_expect_not(machinery(no[i]), "%s", no[i]);
}

Test(hotspot, rule_b_operator_new_and_delete)
{
    cr_expect(machinery("operator new(unsigned long)"));
    cr_expect(machinery("operator new[](unsigned long)"));
    cr_expect(machinery("operator new(unsigned long, std::nothrow_t const&)"));
    cr_expect(machinery("operator delete(void*, unsigned long)"));
    cr_expect(machinery("operator delete[](void*)"));
    cr_expect_not(machinery("operator()"));
    cr_expect_not(machinery("operator+(Foo const&)"));
    cr_expect_not(machinery("operator<<(std::ostream&, Foo const&)"));
}

Test(hotspot, rule_c_rust_allocator_prefixes)
{
    static const char *const yes[] = {
        "<dhat::Alloc as core::alloc::global::GlobalAlloc>::alloc",
        "dhat::Profiler::new_heap",
        "backtrace::backtrace::libunwind::trace",
        "<backtrace::capture::Backtrace>::new_unresolved",
        "__rustc::__rust_alloc",
        "__rust_alloc",
        "__rust_realloc",
        "__rdl_alloc",
        "__rg_alloc",
        "alloc::alloc::alloc",
        "alloc::alloc::exchange_malloc",
        "<alloc::alloc::Global as core::alloc::Allocator>::allocate",
        "alloc::raw_vec::RawVec<T,A>::grow_one",
        "<alloc::raw_vec::RawVec<u8>>::reserve::do_reserve_and_handle",
        "std::alloc::default_alloc_error_hook",
        "<std::alloc::System as core::alloc::global::GlobalAlloc>::alloc",
        "core::alloc::layout::Layout::array",
        "<core::alloc::Layout>::repeat",
        "std::sys::alloc::unix::<impl core::alloc::global::GlobalAlloc for std::alloc::System>",
        "std::sys::pal::unix::alloc::realloc_fallback",
        "std::sys::unix::alloc::aligned_malloc",
        "hashbrown::raw::alloc::inner::do_alloc",
        "<hashbrown::raw::alloc::inner::Global>::allocate"};
    static const char *const no[] = {
        "alloc::vec::Vec<T,A>::with_capacity_in", /* the README's top function for wordfreq */
        "<alloc::vec::Vec<u8>>::with_capacity_in",
        "alloc::string::String::push_str",
        "hashbrown::raw::RawTableInner::new_uninitialized",
        "hashbrown::map::HashMap<K,V,S,A>::reserve",
        "core::ptr::drop_in_place",
        "std::collections::hash::map::HashMap::insert",
        "dhatter::run",
        "wordfreq::count_words"};
    size_t i;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_expect(machinery(yes[i]), "%s", yes[i]);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_expect_not(machinery(no[i]), "%s", no[i]);
}

Test(hotspot, rule_d_short_names_of_inlined_rust_frames)
{
    static const char *const yes[] = {"alloc",
                                      "alloc_zeroed",
                                      "alloc_impl",
                                      "alloc_impl_runtime",
                                      "allocate",
                                      "allocate_zeroed",
                                      "grow_impl",
                                      "exchange_malloc",
                                      "finish_grow",
                                      "grow_amortized<alloc::alloc::Global>",
                                      "grow_amortized",
                                      "grow_exact<u8, alloc::alloc::Global>",
                                      "grow_one<alloc::string::String, alloc::alloc::Global>",
                                      "try_allocate_in<u8, alloc::alloc::Global>",
                                      "do_reserve_and_handle<u8, alloc::alloc::Global>",
                                      "finish_grow<alloc::alloc::Global>"};
    static const char *const no[] = {
        /* the README's top function for the Valgrind pipeline profile */
        "with_capacity_in<alloc::string::String, alloc::alloc::Global>",
        "allocator_stats",
        "alloc_counter",
        "reallocate",
        "grow",
        "reserve<u8>",
        "allocate_buffer<u8>",
        "my::alloc",
        "xalloc::grow_amortized"};
    size_t i;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_expect(machinery(yes[i]), "%s", yes[i]);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_expect_not(machinery(no[i]), "%s", no[i]);
}

Test(hotspot, rule_e_vgpreload_locations)
{
    cr_expect(machinery_at("whatever", "in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so"));
    cr_expect(machinery_at("???", "in /usr/lib/valgrind/vgpreload_memcheck-x86-linux.so"));
    cr_expect(machinery_frame("0x483DFAF: realloc_user (in "
                              "/usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)"));
    /* not "in <object>", or not Valgrind's preload library */
    cr_expect_not(machinery_at("whatever", "vgpreload_dhat.c:12"));
    cr_expect_not(machinery_at("whatever", "src/vgpreload_x.rs:1:1"));
    cr_expect_not(machinery_at("whatever", "in /usr/lib/x86_64-linux-gnu/libc.so.6"));
    cr_expect_not(machinery_at("whatever", "in "));
    cr_expect_not(machinery_frame("0x1: vgpreload_helper (util.c:3)"));
}

Test(hotspot, rule_f_allocation_wrappers)
{
    static const char *const yes[] = {"xmalloc",
                                      "xcalloc",
                                      "xrealloc",
                                      "xstrdup",
                                      "xalloc",
                                      "xmalloc64",
                                      "XMALLOC",
                                      "__xmalloc",
                                      "g_malloc",
                                      "g_malloc0",
                                      "g_realloc",
                                      "g_strdup",
                                      "jv_mem_alloc",
                                      "jv_mem_calloc",
                                      "jv_mem_realloc",
                                      "jv_mem_strdup",
                                      "PyMem_Malloc",
                                      "PyMem_RawMalloc",
                                      "PyMem_RawCalloc",
                                      "PyMem_Realloc",
                                      "_PyObject_Malloc",
                                      "PyObject_Malloc",
                                      "PyObject_RawMalloc",
                                      "_PyMem_RawMalloc",
                                      "sqlite3Malloc",
                                      "sqlite3_malloc",
                                      "sqlite3_malloc64",
                                      "sqlite3Realloc",
                                      "sqlite3_realloc64",
                                      "Perl_safesysmalloc",
                                      "Perl_safesyscalloc",
                                      "Perl_safesysrealloc"};
    static const char *const no[] = {"xmalloc_wrapper_user",
                                     "my_xmalloc",
                                     "xmallocx",
                                     "xfree",
                                     "g_malloc_n",
                                     "g_free",
                                     "jv_mem_free",
                                     "PyMem_Free",
                                     "PyObject_GC_Malloc",
                                     "PyMem_RawMalloc2",
                                     "sqlite3MallocZero",
                                     "sqlite3__malloc",
                                     "Perl_safesysfree",
                                     "Perl_malloc",
                                     "x",
                                     "xmalloc6",
                                     "xmalloc640",
                                     "main"};
    size_t i;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_expect(machinery(yes[i]), "%s", yes[i]);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_expect_not(machinery(no[i]), "%s", no[i]);
}

Test(hotspot, ordinary_functions_are_not_machinery)
{
    cr_expect_not(machinery("main"));
    cr_expect_not(machinery("???"));
    cr_expect_not(machinery("[root]"));
    cr_expect_not(machinery(""));
    cr_expect_not(machinery("newlocale"));
    cr_expect_not(machinery("_IO_file_doallocate"));
    cr_expect_not(machinery("strdup"), "strdup is not in the rule");
    cr_expect_not(machinery("std::vector<int>::_M_realloc_insert"));
}

/* Only name_len bytes are the name: a machinery name must not match through its neighbour. */
Test(hotspot, machinery_reads_only_the_given_lengths)
{
    cr_expect(mg_frame_is_machinery("mallocXYZ", 6, "", 0));
    cr_expect_not(mg_frame_is_machinery("malloc", 5, "", 0));
    cr_expect(mg_frame_is_machinery("f", 1, "in /x/vgpreload_y.so", 20));
    cr_expect_not(mg_frame_is_machinery("f", 1, "in /x/vgpreload_y.so", 8));
}

/* ---- aggregation and ranking ---- */

/*
 * The aggregator takes a frame table and program points that refer to it:
 * these helpers give each function name one frame (its name alone is a valid
 * frame string) and add a one-frame program point.
 */
static const mg_load_options no_opts;

static void agg_init(mg_hotspot_agg *agg)
{
    mg_hotspot_agg_init(agg, &no_opts);
}

static uint32_t frame_of(mg_hotspot_agg *agg, const char *fn)
{
    mg_error err;
    size_t i;
    for (i = 0; i < agg->n_frames; i++)
        if (!strcmp(agg->st->text + agg->st->frame_off[i], fn))
            return (uint32_t)i;
    mg_error_init(&err);
    cr_assert_eq(mg_hotspot_agg_add_frame(agg, fn, strlen(fn), &err), 0, "%s", err.msg);
    return (uint32_t)(agg->n_frames - 1);
}

static int add_pp(mg_hotspot_agg *agg, const char *fn, uint64_t tb, uint64_t tbk, uint64_t gb,
                  uint64_t eb, mg_error *err)
{
    uint32_t f = frame_of(agg, fn);
    return mg_hotspot_agg_add_pp(agg, &f, 1, tb, tbk, gb, eb, err);
}

static void add(mg_hotspot_agg *agg, const char *fn, uint64_t tb, uint64_t tbk, uint64_t gb,
                uint64_t eb)
{
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(add_pp(agg, fn, tb, tbk, gb, eb, &err), 0, "%s", err.msg);
}

/* Rank into a bare profile and hand back its ranking by total bytes (owned by the caller). */
static mg_hotspot *take(mg_hotspot_agg *agg, size_t top, size_t *n)
{
    mg_profile *p = calloc(1, sizeof(*p));
    mg_hotspot *out;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_hotspot_agg_finish(agg, p, top, &err), 0, "%s", err.msg);
    out = p->rank[MG_RANK_TOTAL_BYTES];
    *n = p->n_rank[MG_RANK_TOTAL_BYTES];
    p->rank[MG_RANK_TOTAL_BYTES] = NULL;
    p->n_rank[MG_RANK_TOTAL_BYTES] = 0;
    mg_profile_free(p);
    return out;
}

static void free_hotspots(mg_hotspot *h, size_t n)
{
    mg_hotspots_free(h, n);
}

Test(hotspot, sums_per_function)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    size_t n;
    agg_init(&agg);
    add(&agg, "f", 100, 2, 50, 10);
    add(&agg, "g", 7, 1, 0, 0);
    add(&agg, "f", 1000, 3, 500, 0);
    h = take(&agg, 10, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(h[0].function, "f");
    cr_expect_eq(h[0].total_bytes, 1100);
    cr_expect_eq(h[0].total_blocks, 5);
    cr_expect_eq(h[0].peak_bytes, 550);
    cr_expect_eq(h[0].end_bytes, 10);
    cr_expect_eq(h[0].program_points, 2);
    cr_expect_str_eq(h[1].function, "g");
    cr_expect_eq(h[1].program_points, 1);
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, ranking_by_total_bytes_ties_by_name)
{
    static const char *const want[] = {"c", "???", "a", "b", "zeta", "\xC3\xA9t\xC3\xA9", "d"};
    mg_hotspot_agg agg;
    mg_hotspot *h;
    size_t n, i;
    agg_init(&agg);
    add(&agg, "b", 100, 1, 0, 0);
    add(&agg, "d", 50, 1, 0, 0);
    add(&agg, "\xC3\xA9t\xC3\xA9", 100, 1, 0, 0); /* U+00E9 sorts after every ASCII letter */
    add(&agg, "a", 100, 1, 0, 0);
    add(&agg, "zeta", 100, 1, 0, 0);
    add(&agg, "c", 200, 1, 0, 0);
    add(&agg, "???", 100, 1, 0, 0); /* '?' (0x3F) sorts before letters */
    h = take(&agg, 10, &n);
    cr_assert_eq(n, 7);
    for (i = 0; i < n; i++)
        cr_expect_str_eq(h[i].function, want[i], "rank %zu", i);
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, keeps_only_the_top_n)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    char name[16];
    size_t n, i;
    agg_init(&agg);
    for (i = 0; i < 25; i++) {
        snprintf(name, sizeof(name), "fn%02zu", i);
        add(&agg, name, 1000 - i, 1, 0, 0);
    }
    h = take(&agg, 10, &n);
    cr_assert_eq(n, 10);
    cr_expect_str_eq(h[0].function, "fn00");
    cr_expect_str_eq(h[9].function, "fn09");
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

/* Frames without program points never rank; the same name is one group. */
Test(hotspot, functions_without_program_points_are_dropped)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    size_t n;
    agg_init(&agg);
    frame_of(&agg, "never");
    add(&agg, "f", 5, 1, 0, 0);
    h = take(&agg, 10, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "f");
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, nothing_to_take)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    size_t n = 99;
    agg_init(&agg);
    h = take(&agg, 10, &n);
    cr_expect_eq(n, 0);
    cr_expect_null(h);
    mg_hotspot_agg_release(&agg);
    agg_init(&agg);
    add(&agg, "f", 1, 1, 0, 0);
    h = take(&agg, 0, &n);
    cr_expect_eq(n, 0);
    cr_expect_null(h);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, names_are_made_valid_utf8)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    size_t n;
    agg_init(&agg);
    add(&agg, "caf\xE9", 1, 1, 0, 0);
    h = take(&agg, 10, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "caf\xEF\xBF\xBD");
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, sums_that_overflow_are_refused)
{
    mg_hotspot_agg agg;
    mg_error err;
    agg_init(&agg);
    add(&agg, "f", UINT64_MAX, 1, 0, 0);
    mg_error_init(&err);
    /* found when the program point is added or, batched, when ranking */
    if (add_pp(&agg, "f", 1, 1, 0, 0, &err) == 0) {
        mg_profile *p = calloc(1, sizeof(*p));
        cr_expect_eq(mg_hotspot_agg_finish(&agg, p, 10, &err), -MG_E_OVERFLOW);
        mg_profile_free(p);
    }
    check_error(&err, MG_E_OVERFLOW, "hotspot sums overflow 64 bits", "", 0, 0);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, many_functions)
{
    mg_hotspot_agg agg;
    mg_hotspot *h;
    char name[32];
    size_t n, i;
    agg_init(&agg);
    for (i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "f%zu", i % 1000);
        add(&agg, name, i % 1000, 1, 0, 0);
    }
    h = take(&agg, 3, &n);
    cr_assert_eq(n, 3);
    cr_expect_str_eq(h[0].function, "f999");
    cr_expect_eq(h[0].total_bytes, 999 * 5);
    cr_expect_eq(h[0].program_points, 5);
    cr_expect_str_eq(h[2].function, "f997");
    free_hotspots(h, n);
    mg_hotspot_agg_release(&agg);
}

Test(hotspot, rule_text_lists_the_rule)
{
    cr_expect(strstr(mg_hotspot_rule_text, "first frame") != NULL);
    cr_expect(strstr(mg_hotspot_rule_text, "vgpreload_") != NULL);
    cr_expect(strstr(mg_hotspot_rule_text, "[all-frames-allocator]") != NULL);
}
