/* Own-code attribution: which frame of a stack a hotspot is named after (memgate/stacks.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/frames.h"
#include "ingest/hotspot.h"
#include "ingest/match.h"
#include "ingest/stacks_int.h"
#include "memgate/buf.h"
#include "strmap.h"

enum {
    A_MACH = 1,       /* allocator machinery (or a --skip-frame prefix) */
    A_STD = 2,        /* the skip-std rule's Rust standard library */
    A_RUNTIME = 4,    /* language runtime: Rust runtime crates, libc, libstdc++, ld.so, ... */
    A_OWN = 8,        /* resolved: the program's own code */
    A_ENTRY = 16,     /* a program or thread entry: a stack ending here is complete */
    A_CRATE = 32,     /* key is a Rust crate */
    A_DIR = 64,       /* key is a C/C++ source directory */
    A_MAIN_EXE = 128, /* the main executable, or a Go module's own package */
    A_UNKNOWN = 256   /* no location, object or Rust path: nothing tells whose code it is */
};

enum { K_THIRD = 1, K_RUNTIME = 2, K_PINNED = 4, K_OWN_DIR = 8 };

#define NO_KEY UINT32_MAX

struct mg_attributor {
    mg_attr_options o;
    uint16_t *bits;
    uint32_t *key;
    size_t n, cap;
    mg_strmap keys; /* crate names ("c:serde_json") and source directories ("d:src") -> id */
    uint8_t *kflags;
    size_t n_keys, kcap;
    size_t resolved;    /* frames below this have their A_OWN bit settled */
    char last_key[130]; /* the last key interned and its id: neighbouring frames share a crate */
    size_t last_len;
    uint32_t last_id;
    bool rust; /* some frame is Rust */
};

static bool ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Split a frame's location into file/line/column or object. */
static void split_loc(const char *loc, size_t n, mg_frame *f)
{
    size_t k, i;
    unsigned nums[2] = {0, 0}, got = 0;
    f->file = f->object = loc;
    f->file_len = f->object_len = 0;
    f->line = f->column = 0;
    if (n > 3 && starts(loc, n, "in ")) {
        f->object = loc + 3;
        f->object_len = n - 3;
        return;
    }
    /* up to two trailing ":NUMBER" parts: line, or line and column */
    while (got < 2) {
        k = n;
        while (k && loc[k - 1] >= '0' && loc[k - 1] <= '9')
            k--;
        if (k == n || k == 0 || loc[k - 1] != ':' || n - k > 9)
            break;
        nums[got] = 0;
        for (i = k; i < n; i++)
            nums[got] = nums[got] * 10 + (unsigned)(loc[i] - '0');
        got++;
        n = k - 1;
    }
    f->file_len = n;
    if (got == 2) {
        f->line = nums[1];
        f->column = nums[0];
    } else if (got == 1) {
        f->line = nums[0];
    }
}

/* A frame's parts from its text as the stack store keeps it (NUL-free, len bytes). */
static void frame_of_text(const char *t, size_t len, mg_frame *f)
{
    const char *name, *loc;
    size_t name_len, loc_len;
    mg_frame_split(t, len, &name, &name_len, &loc, &loc_len);
    f->text = t;
    f->function = name;
    f->function_len = name_len;
    split_loc(loc, loc_len, f);
}

void mg_stacks_frame(const mg_stacks *s, uint32_t id, mg_frame *f)
{
    const char *t = s->text + s->frame_off[id];
    frame_of_text(t, strlen(t), f);
}

/*
 * The crate of a Rust path: the first segment after leading '<', '&', "mut ",
 * "dyn ", "*const ", "*mut ". False when the name has no "::" outside generics.
 */
static bool rust_crate(const char *s, size_t n, const char **c, size_t *cl)
{
    size_t i = 0, k;
    for (;;) {
        if (i < n && (s[i] == '<' || s[i] == '&'))
            i++;
        else if (starts(s + i, n - i, "mut ") || starts(s + i, n - i, "dyn "))
            i += 4;
        else if (starts(s + i, n - i, "*const ") || starts(s + i, n - i, "*mut "))
            i += s[i + 1] == 'c' ? 7 : 5;
        else
            break;
    }
    for (k = i; k < n && ident(s[k]); k++)
        ;
    if (k == i || k + 1 >= n || s[k] != ':' || s[k + 1] != ':')
        return false;
    *c = s + i;
    *cl = k - i;
    return true;
}

/* "<X as core::...>", "<X as serde::...>": trait impls of the runtime or serde. */
static bool runtime_trait_impl(const char *s, size_t n)
{
    static const char *const traits[] = {" as core::",  " as alloc::",      " as std::",
                                         " as serde::", " as serde_core::", " as hashbrown::"};
    size_t i;
    if (!n || s[0] != '<')
        return false;
    for (i = 0; i < sizeof(traits) / sizeof(traits[0]); i++)
        if (has(s, n, traits[i]))
            return true;
    return false;
}

static bool runtime_crate(const char *c, size_t n)
{
    static const char *const crates[] = {"std",
                                         "core",
                                         "alloc",
                                         "hashbrown",
                                         "dhat",
                                         "backtrace",
                                         "__rustc",
                                         "gimli",
                                         "addr2line",
                                         "miniz_oxide",
                                         "object",
                                         "rustc_demangle",
                                         "compiler_builtins",
                                         "panic_unwind",
                                         "panic_abort",
                                         "std_detect",
                                         "unwind",
                                         "test"};
    size_t i;
    for (i = 0; i < sizeof(crates) / sizeof(crates[0]); i++)
        if (equals(c, n, crates[i]))
            return true;
    return false;
}

static bool entry_name(const char *s, size_t n)
{
    static const char *const names[] = {"main",
                                        "(below main)",
                                        "_start",
                                        "start_thread",
                                        "clone",
                                        "clone3",
                                        "__clone",
                                        "__clone3",
                                        "thread_start",
                                        "__libc_start_main",
                                        "__libc_start_call_main"};
    size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (equals(s, n, names[i]))
            return true;
    /* "lang_start", "thread_start", "__libc_start_main"; "__rust_begin_short_backtrace" */
    return (n > 6 && !memcmp(s + n - 6, "::main", 6)) ||
           (has(s, n, "_start") && (has(s, n, "lang_start") || has(s, n, "thread_start") ||
                                    starts(s, n, "__libc_start_main"))) ||
           has(s, n, "short_backtrace");
}

static const char *base_name(const char *p, size_t n, size_t *bl)
{
    size_t i = n;
    while (i && p[i - 1] != '/')
        i--;
    *bl = n - i;
    return p + i;
}

static bool runtime_object(const char *b, size_t n)
{
    static const char *const libs[] = {
        "libc.so", "libc-",      "libstdc++", "libgcc_s", "ld-linux",  "ld-",       "libm.so",
        "libm-",   "libpthread", "libdl",     "libc++",   "libunwind", "vgpreload", "librt"};
    size_t i;
    for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
        if (starts(b, n, libs[i]))
            return true;
    return false;
}

static bool shared_object(const char *b, size_t n)
{
    return has(b, n, ".so");
}

enum go_kind { GO_STD, GO_OWN, GO_DEPENDENCY };

/*
 * A Go function: the standard library and runtime have no '.' in their first
 * path segment ("strings.Fields", "encoding/json.Marshal"); a module's code
 * is "main.", "main_test." or a module path ("example.com/m/pkg.F"), and a
 * dependency's file lies under a versioned module directory ("@v1.2.3") or vendor/.
 */
static enum go_kind go_kind(const char *name, size_t len, const char *file, size_t flen)
{
    const char *slash = memchr(name, '/', len), *dot = memchr(name, '.', len);
    size_t i;
    if (!dot)
        return GO_STD;
    if (slash) {
        if (!memchr(name, '.', (size_t)(slash - name)))
            return GO_STD;
    } else if (!((dot - name == 4 && !memcmp(name, "main", 4)) ||
                 (dot - name == 9 && !memcmp(name, "main_test", 9)))) {
        return GO_STD;
    }
    for (i = 0; i + 2 < flen; i++)
        if ((file[i] == '@' && file[i + 1] == 'v' && file[i + 2] >= '0' && file[i + 2] <= '9') ||
            (i + 8 <= flen && !memcmp(file + i, "/vendor/", 8)))
            return GO_DEPENDENCY;
    return GO_OWN;
}

static int intern_key(mg_attributor *a, char kind, const char *s, size_t n, uint32_t *id,
                      mg_error *err)
{
    char buf[512];
    size_t v;
    int inserted;
    if (n > sizeof(buf) - 2)
        n = sizeof(buf) - 2;
    if (a->last_len == n + 2 && a->last_key[0] == kind && !memcmp(a->last_key + 2, s, n)) {
        *id = a->last_id;
        return 0;
    }
    buf[0] = kind;
    buf[1] = ':';
    memcpy(buf + 2, s, n);
    if (mg_strmap_upsert(&a->keys, buf, n + 2, a->n_keys, &v, &inserted, err) < 0)
        return -err->code;
    if (inserted) {
        if (mg_grow_array((void **)&a->kflags, &a->kcap, a->n_keys + 1, 1, 64, err) < 0)
            return -err->code;
        a->kflags[a->n_keys++] = 0;
    }
    *id = (uint32_t)v;
    if (n + 2 <= sizeof(a->last_key)) {
        memcpy(a->last_key, buf, n + 2);
        a->last_len = n + 2;
        a->last_id = *id;
    }
    return 0;
}

static void set_kflag(mg_attributor *a, uint32_t id, uint8_t f)
{
    if (!(a->kflags[id] & f)) {
        a->kflags[id] |= f;
        a->resolved = 0; /* a table-level fact changed: settle every frame again */
    }
}

/* Crates seen with a versioned registry path ("serde_json-1.0.87/src/de.rs") are third-party. */
static int note_versioned(mg_attributor *a, const char *p, size_t n, mg_error *err)
{
    size_t i = 0, start;
    while (i < n) {
        start = i;
        while (i < n && p[i] != '/')
            i++;
        if (i < n) { /* a directory component: NAME-DIGIT.DIGIT... */
            size_t k;
            for (k = i; k > start && p[k - 1] != '-'; k--)
                ;
            if (k > start + 1 && k < i && p[k] >= '0' && p[k] <= '9' && memchr(p + k, '.', i - k)) {
                char name[256];
                size_t nl = k - 1 - start, j;
                uint32_t id;
                int rc;
                if (nl >= sizeof(name))
                    nl = sizeof(name) - 1;
                for (j = 0; j < nl; j++)
                    name[j] = p[start + j] == '-' ? '_' : p[start + j];
                if ((rc = intern_key(a, 'c', name, nl, &id, err)) < 0)
                    return rc;
                set_kflag(a, id, K_THIRD);
            }
        }
        i++;
    }
    return 0;
}

static bool user_skip(const mg_attributor *a, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < a->o.n_skip_frames; i++)
        if (a->o.skip_frames[i][0] && starts(name, len, a->o.skip_frames[i]))
            return true;
    return false;
}

/* Classify one frame (the next id), from its text. */
static int classify_text(mg_attributor *a, const char *t, size_t len, uint32_t id, mg_error *err)
{
    mg_frame f;
    const char *c, *b;
    size_t cl, bl;
    uint16_t bits = 0;
    uint32_t key = NO_KEY;
    int rc;

    frame_of_text(t, len, &f);
    if (mg_frame_is_machinery(f.function, f.function_len, f.object_len ? f.object - 3 : f.file,
                              f.object_len ? f.object_len + 3 : f.file_len) ||
        user_skip(a, f.function, f.function_len))
        bits |= A_MACH;
    if (mg_frame_is_std(f.function, f.function_len))
        bits |= A_STD;
    if (entry_name(f.function, f.function_len))
        bits |= A_ENTRY;
    if (f.file_len && (rc = note_versioned(a, f.file, f.file_len, err)) < 0)
        return rc;
    if (ends(f.file, f.file_len, ".go")) {
        enum go_kind k = go_kind(f.function, f.function_len, f.file, f.file_len);
        if (k == GO_OWN)
            bits |= A_MAIN_EXE;
        else if (k == GO_STD)
            bits |= A_RUNTIME;
        if (equals(f.function, f.function_len, "runtime.main") ||
            equals(f.function, f.function_len, "runtime.goexit") ||
            equals(f.function, f.function_len, "testing.tRunner"))
            bits |= A_ENTRY;
    } else if (rust_crate(f.function, f.function_len, &c, &cl)) {
        a->rust = true;
        if ((rc = intern_key(a, 'c', c, cl, &key, err)) < 0)
            return rc;
        bits |= A_CRATE;
        if (runtime_crate(c, cl))
            set_kflag(a, key, K_RUNTIME);
        if (runtime_trait_impl(f.function, f.function_len) ||
            has(f.function, f.function_len, "_::<impl ") || (a->kflags[key] & K_RUNTIME))
            bits |= A_RUNTIME;
    } else if ((f.file_len > 3 && has(f.file, f.file_len, ".rs")) ||
               equals(f.function, f.function_len, "UnknownInlinedFun")) {
        /* Valgrind's shortened name of an inlined Rust function: never the program's own */
        a->rust = true;
        bits |= A_RUNTIME;
    } else if (f.object_len) {
        b = base_name(f.object, f.object_len, &bl);
        if (runtime_object(b, bl))
            bits |= A_RUNTIME;
        /* the dynamic loader runs initialisers before main: a stack ending there is whole */
        if (starts(b, bl, "ld-linux") || starts(b, bl, "ld-2.") || starts(b, bl, "ld.so"))
            bits |= A_ENTRY;
        else if (!shared_object(b, bl))
            bits |= A_MAIN_EXE;
    } else if (f.file_len) {
        size_t dl = f.file_len;
        while (dl && f.file[dl - 1] != '/')
            dl--;
        /* a file without directory stands for itself */
        if ((rc = intern_key(a, 'd', f.file, dl ? dl : f.file_len, &key, err)) < 0)
            return rc;
        bits |= A_DIR;
        if (equals(f.function, f.function_len, "main"))
            set_kflag(a, key, K_OWN_DIR);
    } else {
        bits |= A_UNKNOWN;
    }
    a->bits[id] = bits;
    a->key[id] = key;
    return 0;
}

static void resolve(mg_attributor *a)
{
    bool pinned = a->o.n_own_crates > 0;
    size_t i;
    for (i = a->resolved; i < a->n; i++) {
        uint16_t b = a->bits[i] & (uint16_t)~A_OWN;
        uint8_t kf = a->key[i] == NO_KEY ? 0 : a->kflags[a->key[i]];
        bool own = false;
        if (b & (A_MACH | A_RUNTIME | A_STD))
            own = false;
        else if (b & A_CRATE)
            own = pinned ? (kf & K_PINNED) != 0 : !(kf & (K_THIRD | K_RUNTIME));
        else if (b & A_DIR)
            own = (kf & K_OWN_DIR) != 0;
        else if (b & A_MAIN_EXE)
            own = true;
        a->bits[i] = own ? (uint16_t)(b | A_OWN) : b;
    }
    a->resolved = a->n;
}

/* Classify one frame of the store (the next id). */
static int classify(mg_attributor *a, const mg_stacks *s, uint32_t id, mg_error *err)
{
    const char *t = s->text + s->frame_off[id];
    return classify_text(a, t, strlen(t), id, err);
}

int mg_attributor_add_text(mg_attributor *a, const char *text, size_t len, uint16_t extra,
                           mg_error *err)
{
    size_t c2 = a->cap;
    int rc;
    if (a->n >= UINT32_MAX - 1)
        return mg_error_set(err, MG_E_INPUT, "more than 2^32 frames");
    if (mg_grow_array((void **)&a->bits, &a->cap, a->n + 1, sizeof(uint16_t), 256, err) < 0 ||
        mg_grow_array((void **)&a->key, &c2, a->n + 1, sizeof(uint32_t), 256, err) < 0)
        return -err->code;
    a->cap = c2 < a->cap ? c2 : a->cap;
    if ((rc = classify_text(a, text, len, (uint32_t)a->n, err)) < 0)
        return rc;
    a->bits[a->n++] |= extra;
    return 0;
}

int mg_attributor_add(mg_attributor *a, const mg_stacks *s, uint16_t extra, mg_error *err)
{
    const char *t;
    if (a->n >= s->n_frames)
        return 0;
    t = s->text + s->frame_off[a->n];
    return mg_attributor_add_text(a, t, strlen(t), extra, err);
}

int mg_attributor_sync(mg_attributor *a, const mg_stacks *s, mg_error *err)
{
    size_t c2;
    int rc;
    if (a->n < s->n_frames) {
        c2 = a->cap;
        if (mg_grow_array((void **)&a->bits, &a->cap, s->n_frames, sizeof(uint16_t), 256, err) <
                0 ||
            mg_grow_array((void **)&a->key, &c2, s->n_frames, sizeof(uint32_t), 256, err) < 0)
            return -err->code;
        a->cap = c2 < a->cap ? c2 : a->cap;
    }
    while (a->n < s->n_frames) {
        if ((rc = classify(a, s, (uint32_t)a->n, err)) < 0)
            return rc;
        a->n++;
    }
    resolve(a);
    return 0;
}

int mg_attributor_new(mg_attributor **out, const mg_stacks *s, const mg_attr_options *o,
                      mg_error *err)
{
    mg_attributor *a = calloc(1, sizeof(*a));
    size_t i;
    uint32_t id;
    int rc;
    *out = NULL;
    if (!a)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_strmap_init(&a->keys);
    if (o)
        a->o = *o;
    for (i = 0; i < a->o.n_own_crates; i++) {
        const char *c = a->o.own_crates[i];
        char name[256];
        size_t j, n = strlen(c);
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        for (j = 0; j < n; j++)
            name[j] = c[j] == '-' ? '_' : c[j]; /* a package name names the crate_name */
        if ((rc = intern_key(a, 'c', name, n, &id, err)) < 0) {
            mg_attributor_free(a);
            return rc;
        }
        a->kflags[id] |= K_PINNED;
    }
    if (s && (rc = mg_attributor_sync(a, s, err)) < 0) {
        mg_attributor_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void mg_attributor_free(mg_attributor *a)
{
    if (!a)
        return;
    free(a->bits);
    free(a->key);
    free(a->kflags);
    mg_strmap_release(&a->keys);
    free(a);
}

void mg_attribute(const mg_attributor *a, const uint32_t *fs, size_t n, mg_attr_result *out)
{
    const uint16_t *bits = a->bits;
    size_t i;
    out->frame = out->alloc_site = -1;
    if (n == 0) {
        out->how = MG_ATTR_HOW_EMPTY;
        return;
    }
    for (i = 0; i < n; i++)
        if (!(bits[fs[i]] & A_MACH)) {
            out->alloc_site = (long)i;
            break;
        }
    switch (a->o.mode) {
    case MG_ATTR_FIRST_FRAME:
        out->frame = 0;
        out->how = MG_ATTR_HOW_FIRST;
        return;
    case MG_ATTR_SKIP_STD:
        for (i = 0; i < n; i++)
            if (!(bits[fs[i]] & (A_MACH | A_STD))) {
                out->frame = (long)i;
                out->how = MG_ATTR_HOW_NON_RUNTIME;
                return;
            }
        break;
    case MG_ATTR_OWN:
        for (i = 0; i < n; i++)
            if (bits[fs[i]] & A_OWN) {
                out->frame = (long)i;
                out->how = MG_ATTR_HOW_OWN;
                return;
            }
        /* a stack is known to be cut when its outermost frame is known code but no entry */
        if (!(bits[fs[n - 1]] & (A_ENTRY | A_MACH | A_UNKNOWN))) {
            out->frame = (long)n - 1;
            out->how = MG_ATTR_HOW_TRUNCATED;
            return;
        }
        for (i = 0; i < n; i++)
            if (!(bits[fs[i]] & (A_MACH | A_STD | A_RUNTIME | A_ENTRY))) {
                out->frame = (long)i;
                out->how = MG_ATTR_HOW_NON_RUNTIME;
                return;
            }
        break;
    case MG_ATTR_ALLOC_SITE:
        break;
    }
    out->frame = out->alloc_site;
    out->how = out->frame < 0 ? MG_ATTR_HOW_ALL_MACHINERY : MG_ATTR_HOW_ALLOC_SITE;
}

const uint16_t *mg_attributor_bits(const mg_attributor *a)
{
    return a->bits;
}

bool mg_attributor_is_machinery(const mg_attributor *a, uint32_t frame)
{
    return frame < a->n && (a->bits[frame] & A_MACH);
}

bool mg_attributor_is_own(const mg_attributor *a, uint32_t frame)
{
    return frame < a->n && (a->bits[frame] & A_OWN);
}

bool mg_attributor_is_library(const mg_attributor *a, const mg_stacks *s, uint32_t frame)
{
    mg_frame f;
    char buf[8];
    if (frame >= a->n || (a->bits[frame] & (A_OWN | A_RUNTIME | A_MACH | A_STD | A_UNKNOWN)))
        return false;
    mg_stacks_frame(s, frame, &f);
    return mg_frame_library(&f, buf, sizeof(buf)) != NULL;
}

/* Depth-0 "::" splits of a Rust path, a turbofish ("::<T>") staying with its segment. */
static size_t segments(const char *s, size_t n, const char **seg, size_t *len, size_t max)
{
    size_t i, depth = 0, start = 0, k = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '<')
            depth++;
        else if (s[i] == '>' && depth)
            depth--;
        else if (!depth && s[i] == ':' && i + 2 < n && s[i + 1] == ':' && s[i + 2] != '<') {
            if (k == max) { /* keep the last ones */
                memmove(seg, seg + 1, (max - 1) * sizeof(*seg));
                memmove(len, len + 1, (max - 1) * sizeof(*len));
                k--;
            }
            seg[k] = s + start;
            len[k++] = i - start;
            start = i + 2;
            i++;
        }
    }
    if (k == max) {
        memmove(seg, seg + 1, (max - 1) * sizeof(*seg));
        memmove(len, len + 1, (max - 1) * sizeof(*len));
        k--;
    }
    seg[k] = s + start;
    len[k++] = n - start;
    return k;
}

/* A segment without generic arguments: "Vec<T,A>" -> "Vec", "to_vec_in::<G>" -> "to_vec_in". */
static size_t bare(const char *s, size_t n)
{
    size_t i;
    for (i = 1; i < n; i++)
        if (s[i] == '<')
            return i >= 2 && s[i - 1] == ':' && s[i - 2] == ':' ? i - 2 : i;
    return n;
}

/* The type a "<...>" segment names: "<X as Trait>" -> X, "<impl T for X>" -> X, "<X>" -> X. */
static void owner_type(const char *s, size_t n, const char **t, size_t *tl)
{
    size_t i, depth = 0, start = 0, end;
    const char *seg[8];
    size_t len[8], k;
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s++;
        n -= 2;
    }
    if (n > 5 && !memcmp(s, "impl ", 5))
        start = 5;
    end = n;
    for (i = start; i < n; i++) {
        if (s[i] == '<')
            depth++;
        else if (s[i] == '>' && depth)
            depth--;
        else if (!depth && i + 4 <= n && !memcmp(s + i, " as ", 4)) {
            end = i;
            break;
        } else if (!depth && i + 5 <= n && !memcmp(s + i, " for ", 5)) {
            start = i + 5;
        }
    }
    while (start < end && strchr("&*[ ", s[start]))
        start++;
    if (end - start > 4 && !memcmp(s + start, "mut ", 4))
        start += 4;
    if (end - start > 4 && !memcmp(s + start, "dyn ", 4))
        start += 4;
    k = segments(s + start, end - start, seg, len, 8);
    *t = seg[k - 1];
    *tl = bare(seg[k - 1], len[k - 1]);
}

const char *mg_frame_short_name(const mg_frame *f, char *buf, size_t size)
{
    const char *seg[8], *t;
    size_t len[8], k, tl, fl;
    k = segments(f->function, f->function_len, seg, len, 8);
    fl = bare(seg[k - 1], len[k - 1]);
    if (k < 2) {
        snprintf(buf, size, "%.*s", (int)fl, seg[0]);
        return buf;
    }
    owner_type(seg[k - 2], len[k - 2], &t, &tl);
    snprintf(buf, size, "%.*s::%.*s", (int)tl, t, (int)fl, seg[k - 1]);
    return buf;
}

const char *mg_frame_library(const mg_frame *f, char *buf, size_t size)
{
    const char *c;
    size_t cl;
    if (ends(f->file, f->file_len, ".go")) {
        /* the package path: "example.com/m/pkg.(*T).F" -> "example.com/m/pkg" */
        const char *slash = NULL, *dot;
        size_t i;
        for (i = 0; i < f->function_len; i++)
            if (f->function[i] == '/')
                slash = f->function + i;
        dot = memchr(slash ? slash : f->function, '.',
                     f->function_len - (size_t)((slash ? slash : f->function) - f->function));
        if (!dot)
            return NULL;
        snprintf(buf, size, "%.*s", (int)(dot - f->function), f->function);
        return buf;
    }
    if (rust_crate(f->function, f->function_len, &c, &cl)) {
        snprintf(buf, size, "%.*s", (int)cl, c);
        return buf;
    }
    if (f->object_len) {
        c = base_name(f->object, f->object_len, &cl);
        snprintf(buf, size, "%.*s", (int)cl, c);
        return buf;
    }
    return NULL;
}

long mg_stack_library(const mg_attributor *a, const mg_stacks *s, const uint32_t *frames,
                      size_t depth, char *buf, size_t size)
{
    size_t k;
    mg_frame f;
    for (k = 0; k < depth; k++) {
        bool own = mg_attributor_is_own(a, frames[k]);
        if (mg_attributor_is_machinery(a, frames[k]) ||
            (!own && !mg_attributor_is_library(a, s, frames[k])))
            continue;
        mg_stacks_frame(s, frames[k], &f);
        if (!mg_frame_library(&f, buf, size))
            snprintf(buf, size, "[program]");
        return (long)k;
    }
    for (k = 0; k < depth; k++) {
        if (mg_attributor_is_machinery(a, frames[k]))
            continue;
        mg_stacks_frame(s, frames[k], &f);
        if (mg_frame_library(&f, buf, size))
            return (long)k;
    }
    snprintf(buf, size, "[no library]");
    return -1;
}

const char *mg_frame_label(const mg_frame *f, char *buf, size_t size)
{
    if (f->object_len && equals(f->function, f->function_len, "???"))
        snprintf(buf, size, "??? in %.*s", (int)f->object_len, f->object);
    else
        snprintf(buf, size, "%.*s", (int)f->function_len, f->function);
    return buf;
}

const char *mg_attribution_name(enum mg_attribution a)
{
    switch (a) {
    case MG_ATTR_OWN:
        return "own";
    case MG_ATTR_SKIP_STD:
        return "skip-std";
    case MG_ATTR_ALLOC_SITE:
        return "alloc-site";
    case MG_ATTR_FIRST_FRAME:
        return "first-frame";
    }
    return "?";
}

bool mg_attribution_from_name(const char *name, enum mg_attribution *out)
{
    static const struct {
        const char *name;
        enum mg_attribution a;
    } t[] = {{"own", MG_ATTR_OWN},
             {"skip-std", MG_ATTR_SKIP_STD},
             {"alloc-site", MG_ATTR_ALLOC_SITE},
             {"skip-alloc", MG_ATTR_ALLOC_SITE},
             {"first-frame", MG_ATTR_FIRST_FRAME}};
    size_t i;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcmp(name, t[i].name)) {
            *out = t[i].a;
            return true;
        }
    return false;
}

const char *mg_attr_how_name(enum mg_attr_how h)
{
    static const char *const n[] = {"own",         "truncated",     "non-runtime", "alloc-site",
                                    "first-frame", "all-machinery", "empty"};
    return (unsigned)h <= MG_ATTR_HOW_EMPTY ? n[h] : "?";
}
