/*
 * Frame rules: which stack frames are allocator machinery, standard library,
 * clones or test code (the rules mg_hotspot_rule_text states), and the short
 * display form of a frame. Pure functions of the frame text; hotspot.c applies them.
 */
#include "ingest/frames.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest/match.h"
#include "utf8.h"

const char mg_hotspot_rule_text[] =
    "Hotspots (default, --attribution own): each stack is attributed to its first\n"
    "frame (innermost first) of the program's own code: Rust crates that are not\n"
    "the runtime (std, core, alloc, hashbrown, dhat, ...) nor third-party (seen\n"
    "with a versioned path such as serde_json-1.0.87/src/...), skipping\n"
    "<X as core::...> and serde impls, derive code and Valgrind's shortened\n"
    "inlined names (--own-crate NAME pins the crates); C/C++: the main\n"
    "executable, stripped frames named '??? in /usr/bin/prog'; Go: the module's\n"
    "packages. A stack cut before any own frame goes to its outermost frame,\n"
    "marked [truncated]; one without own code to its first frame outside the\n"
    "runtime. Each hotspot shows its heaviest lines, the chain to the allocation\n"
    "site and the library its bytes went through.\n"
    "--attribution alloc-site (the rule before own): the first frame of its stack\n"
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
    "every frame is machinery is shown as [all-frames-allocator].\n"
    "Add your own allocator wrappers with --skip-frame PREFIX (repeatable) or\n"
    "MEMGATE_SKIP_FRAMES=PREFIX,PREFIX. --attribution skip-std also skips Rust\n"
    "standard-library frames (alloc::, core::, std::, hashbrown::, <T as std::...>)\n"
    "to surface your own code, falling back to the rule above when nothing is\n"
    "left; --attribution first-frame takes the allocation site itself.\n"
    "--group-by stack groups by the whole stack from that frame outwards.\n"
    "Three rankings are kept: by total bytes, by bytes live at t-gmax and by\n"
    "allocation count, each with its share of the whole profile.\n"
    "Flags: [clone] when a stack passes through Clone::clone, to_vec, to_owned,\n"
    "to_string... (spec pattern 1, clone elimination); [test] when a frame sits in\n"
    "a test file (*_test.rs, *_tests.rs, test_*, or a tests/ directory; spec\n"
    "pattern 5); --exclude-tests leaves such program points out of the ranking.\n";

/* a table: the "0xADDR: " prefix of every frame-table entry goes through it */
static const bool hex_digit[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1};

static bool is_hex(char c)
{
    return hex_digit[(unsigned char)c];
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
    /* a trailing " (LOCATION)" whose LOCATION has no parentheses; C++ names keep theirs: the
       last '(' before the closing ')', with no ')' between them (memrchr/memchr: this runs for
       every entry of frame tables of 10^5+ frames) */
    if (n < 3 || s[n - 1] != ')')
        return;
    {
        const char *o = memrchr(s, '(', n - 1);
        if (o && !memchr(o + 1, ')', (size_t)(s + n - 1 - (o + 1)))) {
            open = (size_t)(o - s);
            found = true;
        }
    }
    if (!found || open == 0 || s[open - 1] != ' ')
        return;
    *name_len = open - 1;
    *loc = s + open + 1;
    *loc_len = n - open - 2;
}

static inline __attribute__((always_inline)) bool istarts(const char *s, size_t n,
                                                          const char *prefix)
{
    size_t k;
    if (!n || (*s | 0x20) != (*prefix | 0x20))
        return false;
    k = strlen(prefix);
    return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* ^_*(x|g_|jv_mem_|py(mem|object)_(raw)?|sqlite3_?|perl_safesys)(malloc|...|strdup)(64)?$ */
static bool is_alloc_wrapper(const char *s, size_t n)
{
    static const char *const pre[] = {"x",         "g_",          "jv_mem_",      "pymem_",
                                      "pymem_raw", "pyobject_",   "pyobject_raw", "sqlite3",
                                      "sqlite3_",  "perl_safesys"};
    static const char *const fun[] = {"malloc", "malloc0", "calloc", "realloc", "alloc", "strdup"};
    size_t a, b;

    while (n > 0 && *s == '_') {
        s++;
        n--;
    }
    /* every match ends in ...c (alloc), 0 (malloc0), 4 (64) or p (strdup) */
    if (n < 5 || !strchr("cC04pP", s[n - 1]))
        return false;
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
    static const char *const exact[] = {"malloc", "calloc",   "realloc",        "reallocarray",
                                        "free",   "memalign", "posix_memalign", "aligned_alloc",
                                        "valloc", "pvalloc"};
    static const char *const prefixes[] = {"<dhat::",
                                           "dhat::",
                                           "backtrace::",
                                           "<backtrace::",
                                           "__rustc::",
                                           "__rust_",
                                           "__rdl_",
                                           "__rg_",
                                           "alloc::alloc::",
                                           "<alloc::alloc::",
                                           "alloc::raw_vec::",
                                           "<alloc::raw_vec::",
                                           "std::alloc::",
                                           "<std::alloc::",
                                           "core::alloc::",
                                           "<core::alloc::",
                                           "std::sys::alloc::",
                                           "std::sys::pal::unix::alloc::",
                                           "std::sys::unix::alloc::",
                                           "hashbrown::raw::alloc::",
                                           "<hashbrown::raw::alloc::"};
    static const char *const short_rust[] = {
        "alloc",           "alloc_zeroed",         "alloc_impl", "alloc_impl_runtime",
        "allocate",        "allocate_zeroed",      "grow_impl",  "exchange_malloc",
        "finish_grow",     "grow_amortized",       "grow_exact", "grow_one",
        "try_allocate_in", "do_reserve_and_handle"};
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

bool mg_frame_user_skip(const mg_load_options *opts, const char *name, size_t len)
{
    size_t i;
    for (i = 0; opts && i < opts->n_skip_frames; i++)
        if (opts->skip_frames[i][0] && starts(name, len, opts->skip_frames[i]))
            return true;
    return false;
}

/* ---- further frame classes ---- */

static bool is_prim(const char *s, size_t n, size_t *used)
{
    static const char *const prims[] = {"str",   "i8",  "i16", "i32",  "i64", "i128",
                                        "isize", "u8",  "u16", "u32",  "u64", "u128",
                                        "usize", "f32", "f64", "bool", "char"};
    size_t i, best = 0;
    if (n && s[0] == '[') {
        const char *e = memchr(s + 1, ']', n - 1);
        if (e) {
            *used = (size_t)(e - s) + 1;
            return true;
        }
        return false;
    }
    for (i = 0; i < sizeof(prims) / sizeof(prims[0]); i++)
        if (starts(s, n, prims[i]) && strlen(prims[i]) > best)
            best = strlen(prims[i]);
    *used = best;
    return best > 0;
}

/*
 * After leading '<' and one '&', '&mut ', '*const ' or '*mut ':
 * ^<*((alloc|core|std|hashbrown)::|(PRIM)(>| as )|[^ <>]+ as (alloc|core|std)::)
 */
bool mg_frame_is_std(const char *s, size_t n)
{
    static const char *const crates[] = {"alloc::", "core::", "std::", "hashbrown::"};
    static const char *const refs[] = {"&mut ", "&", "*const ", "*mut "};
    size_t i, k;

    /* every form has "::" (crates, " as std::") or '>' / " as " after a primitive */
    if (!memchr(s, ':', n) && !memchr(s, '>', n) && !has(s, n, " as "))
        return false;

    while (n && *s == '<')
        s++, n--;
    for (i = 0; i < 4; i++)
        if (starts(s, n, refs[i])) {
            s += strlen(refs[i]);
            n -= strlen(refs[i]);
            break;
        }
    while (n && *s == '<')
        s++, n--;
    for (i = 0; i < 4; i++)
        if (starts(s, n, crates[i]))
            return true;
    if (is_prim(s, n, &k) && (starts(s + k, n - k, ">") || starts(s + k, n - k, " as ")))
        return true;
    for (k = 0; k < n && s[k] != ' ' && s[k] != '<' && s[k] != '>'; k++)
        ;
    if (k == 0 || !starts(s + k, n - k, " as "))
        return false;
    for (i = 0; i < 3; i++)
        if (starts(s + k + 4, n - k - 4, crates[i]))
            return true;
    return false;
}

/* The last path segment of a Rust name, generic arguments and a turbofish dropped. */
static void last_segment(const char *s, size_t n, const char **seg, size_t *seg_len)
{
    size_t i, depth = 0, start = 0, end = n;
    /* drop a trailing "::<...>" turbofish or "<...>" (Valgrind's short names) */
    if (n && s[n - 1] == '>') {
        for (i = n; i-- > 0;) {
            if (s[i] == '>')
                depth++;
            else if (s[i] == '<' && --depth == 0) {
                end = i;
                break;
            }
        }
        if (end >= 2 && s[end - 1] == ':' && s[end - 2] == ':')
            end -= 2;
        depth = 0;
    }
    for (i = 0; i < end; i++) {
        if (s[i] == '<')
            depth++;
        else if (s[i] == '>' && depth)
            depth--;
        else if (!depth && s[i] == ':' && i + 1 < end && s[i + 1] == ':')
            start = i + 2;
    }
    *seg = s + start;
    *seg_len = end > start ? end - start : 0;
}

bool mg_frame_is_clone(const char *name, size_t name_len, const char *loc, size_t loc_len)
{
    static const char *const words[] = {"clone",     "clone_from", "clone_into", "to_vec",
                                        "to_vec_in", "to_owned",   "to_string"};
    const char *seg;
    size_t seg_len, i;
    bool rust;
    if (!has(name, name_len, "clone") && !has(name, name_len, "to_"))
        return false;
    /* a bare C "clone" is the thread-creation call, not a copy */
    rust = has(name, name_len, "::") || (loc_len && has(loc, loc_len, ".rs:"));
    if (!rust)
        return false;
    last_segment(name, name_len, &seg, &seg_len);
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (equals(seg, seg_len, words[i]))
            return true;
    return false;
}

/*
 * The spec's rule on the source path of "file.rs:12:5" / "dir/file.c:12":
 * name ends in _tests.rs or _test.rs, starts with test_, or a component is
 * "tests". "in /object" locations are binaries, not source files.
 */
bool mg_frame_in_test_file(const char *loc, size_t n)
{
    size_t i, comp = 0;
    if (n == 0 || starts(loc, n, "in ") || !has(loc, n, "test"))
        return false;
    /* strip ":LINE" and ":COL" */
    for (i = 0; i < 2 && n; i++) {
        size_t k = n;
        while (k && loc[k - 1] >= '0' && loc[k - 1] <= '9')
            k--;
        if (k == n || k == 0 || loc[k - 1] != ':')
            break;
        n = k - 1;
    }
    for (i = 0; i <= n; i++) {
        if (i == n || loc[i] == '/' || loc[i] == '\\') {
            if (i == n) {
                const char *b = loc + comp;
                size_t bl = n - comp;
                return ends(b, bl, "_tests.rs") || ends(b, bl, "_test.rs") ||
                       starts(b, bl, "test_") || equals(b, bl, "tests");
            }
            if (equals(loc + comp, i - comp, "tests"))
                return true;
            comp = i + 1;
        }
    }
    return false;
}

/* ---- short display ---- */

void mg_frame_short(const char *frame, size_t width, char *out, size_t size)
{
    const char *name, *loc;
    size_t name_len, loc_len, i, slashes = 0;
    char buf[1024];

    mg_frame_split(frame, strlen(frame), &name, &name_len, &loc, &loc_len);
    if (loc_len) {
        const char *path = loc;
        size_t plen = loc_len;
        bool in = starts(loc, loc_len, "in ");
        if (in)
            path += 3, plen -= 3;
        /* keep the last two path components (one for an "in /object") */
        for (i = plen; i-- > 0;)
            if ((path[i] == '/' || path[i] == '\\') && ++slashes == (in ? 1u : 2u)) {
                path += i + 1;
                plen -= i + 1;
                break;
            }
        snprintf(buf, sizeof(buf), "%.*s (%s%.*s)", (int)name_len, name, in ? "in " : "", (int)plen,
                 path);
    } else {
        snprintf(buf, sizeof(buf), "%.*s", (int)name_len, name);
    }
    mg_utf8_fit(buf, width, out, size);
}
