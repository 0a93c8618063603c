/* Frame texts for heaptrack's frames (see heaptrack_frames.h). */
#include "ingest/heaptrack_frames.h"

#include <string.h>

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Length of name without a Rust legacy hash suffix "::h" + 16 hex digits. */
static size_t without_hash(const char *s, size_t n)
{
    size_t i;
    if (n < 19 || memcmp(s + n - 19, "::h", 3) != 0)
        return n;
    for (i = n - 16; i < n; i++)
        if (!is_hex(s[i]))
            return n;
    return n - 19;
}

static const struct {
    const char *esc;
    char c;
} escapes[] = {{"$LT$", '<'}, {"$GT$", '>'}, {"$RF$", '&'}, {"$BP$", '*'},
               {"$SP$", '@'}, {"$C$", ','},  {"$LP$", '('}, {"$RP$", ')'}};

/* "$u20$" and friends: an ASCII character given in hex; its length, 0 if s is none. */
static size_t unicode_escape(const char *s, size_t n, char *c)
{
    size_t i = 2;
    unsigned v = 0;
    if (n < 5 || s[0] != '$' || s[1] != 'u')
        return 0;
    while (i < n && i < 6 && is_hex(s[i]))
        v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10), i++;
    if (i == 2 || i >= n || s[i] != '$' || v < 0x20 || v > 0x7e)
        return 0;
    *c = (char)v;
    return i + 1;
}

static bool legacy_rust(const char *s, size_t n, size_t stripped)
{
    size_t i;
    if (stripped != n)
        return true;
    for (i = 0; i + 3 < n; i++)
        if (s[i] == '$' && (s[i + 1] == 'L' || s[i + 1] == 'u' || s[i + 1] == 'R'))
            return true;
    return false;
}

static bool base62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skip "s<base-62>_" (a v0 disambiguator) at s[*i]; whether there was one. */
static bool skip_disambiguator(const char *s, size_t n, size_t *i)
{
    size_t k = *i + 1;
    if (*i >= n || s[*i] != 's')
        return false;
    while (k < n && base62(s[k]))
        k++;
    if (k >= n || s[k] != '_')
        return false;
    *i = k + 1;
    return true;
}

/*
 * Rust v0 symbols ("_RNvMs4_NtCs..._5alloc7raw_vecNtB5_11RawVecInner15try_allocate_in..."),
 * which heaptrack prints as they are: their identifiers joined by "::"
 * ("alloc::raw_vec::RawVecInner::try_allocate_in"). Enough for the crate and
 * the function; generic arguments and back-references are left out, as is the
 * instantiating crate at the end.
 */
static int put_v0(mg_buf *b, const char *s, size_t n, mg_error *err)
{
    size_t i = 2, idents = 0, before_last = b->len;
    bool last_from_crate = false;
    while (i < n) {
        char c = s[i];
        if ((c >= '0' && c <= '9') ||
            (c == 'u' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            size_t len = 0;
            bool from_crate = i > 0 && (s[i - 1] == 'C' || s[i - 1] == '_');
            if (c == 'u')
                i++;
            while (i < n && s[i] >= '0' && s[i] <= '9' && len < 100000)
                len = len * 10 + (size_t)(s[i++] - '0');
            if (i < n && s[i] == '_')
                i++;
            if (len > n - i)
                break;
            before_last = b->len;
            if ((idents && mg_buf_append(b, "::", 2, err) < 0) ||
                mg_buf_append(b, s + i, len, err) < 0)
                return -err->code;
            last_from_crate = from_crate;
            idents++;
            i += len;
        } else if (c == 'N') {
            i += 2;
        } else if (c == 'C' || c == 'M' || c == 'X' || c == 'Y') {
            i++;
            skip_disambiguator(s, n, &i);
        } else if (c == 'B') {
            i++;
            while (i < n && base62(s[i]))
                i++;
            i++;
        } else if (!skip_disambiguator(s, n, &i)) {
            i++;
        }
    }
    if (idents > 1 && last_from_crate)
        b->len = before_last; /* the crate the function was instantiated in */
    return idents ? 0 : mg_buf_append(b, s, n, err);
}

/* Rust's legacy symbol escapes undone, as rustc-demangle does for the names heaptrack prints. */
static int put_name(mg_buf *b, const char *s, size_t n, mg_error *err)
{
    size_t m = without_hash(s, n), i = 0, k;
    int rc = 0;
    if (!n)
        return mg_buf_append(b, "???", 3, err);
    if (n > 3 && s[0] == '_' && s[1] == 'R' && s[2] >= 'A' && s[2] <= 'Z')
        return put_v0(b, s, n, err);
    if (!legacy_rust(s, n, m))
        return mg_buf_append(b, s, n, err);
    while (rc == 0 && i < m) {
        char c;
        size_t used = 0;
        bool seg_start = i == 0 || (i >= 2 && s[i - 1] == ':' && s[i - 2] == ':');
        if (s[i] == '_' && seg_start && i + 1 < m && s[i + 1] == '$') {
            i++;
            continue;
        }
        if (s[i] == '.' && i + 1 < m && s[i + 1] == '.') {
            rc = mg_buf_append(b, "::", 2, err);
            i += 2;
            continue;
        }
        if (s[i] == '$') {
            for (k = 0; k < sizeof(escapes) / sizeof(escapes[0]); k++) {
                size_t el = strlen(escapes[k].esc);
                if (m - i >= el && !memcmp(s + i, escapes[k].esc, el)) {
                    c = escapes[k].c;
                    used = el;
                    break;
                }
            }
            if (!used)
                used = unicode_escape(s + i, m - i, &c);
            if (used) {
                rc = mg_buf_append(b, &c, 1, err);
                i += used;
                continue;
            }
        }
        rc = mg_buf_append(b, s + i, 1, err);
        i++;
    }
    return rc;
}

static bool in_shared_object(const mg_ht_frame *f)
{
    size_t i;
    for (i = 0; i + 3 <= f->module_len; i++)
        if (!memcmp(f->module + i, ".so", 3))
            return true;
    return false;
}

int mg_ht_frame_text(mg_buf *b, const mg_ht_frame *f, mg_error *err)
{
    int rc = 0;
    if (f->has_addr)
        rc = mg_buf_printf(b, err, "0x%llX: ", (unsigned long long)f->addr);
    if (rc == 0)
        rc = put_name(b, f->name, f->name_len, err);
    if (rc < 0)
        return rc;
    if (f->module_len && (!f->file_len || in_shared_object(f)))
        return mg_buf_printf(b, err, " (in %.*s)", (int)f->module_len, f->module);
    if (f->file_len)
        return mg_buf_printf(b, err, " (%.*s:%llu)", (int)f->file_len, f->file,
                             (unsigned long long)f->line);
    return 0;
}
