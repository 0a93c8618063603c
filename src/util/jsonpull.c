/* Streaming JSON tokenizer: bounded memory, exact line/column for every error. */
#include "jsonpull.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memgate/num.h"
#include "simd.h"
#include "utf8.h"

/* Read window for streamed input; fuzz builds shrink it so tokens straddle every refill. */
#ifndef MG_JP_CHUNK
#define MG_JP_CHUNK (1 << 18)
#endif
enum { CHUNK = MG_JP_CHUNK };

/* An empty window that still honours the read-ahead padding. */
static const char no_bytes[MG_JP_PAD];

static void init_common(mg_jp *jp, const char *source)
{
    memset(jp, 0, sizeof(*jp));
    jp->fd = -1;
    jp->line = 1;
    jp->source = source;
    mg_buf_init(&jp->str, MG_JP_MAX_STRING + 16);
}

void mg_jp_init_stream(mg_jp *jp, FILE *f, const char *head, size_t head_len, const char *source)
{
    init_common(jp, source);
    jp->f = f;
    jp->src = head;
    jp->len = head_len;
    jp->in_head = true;
    jp->padded = true;
    if (head_len >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
        jp->pos = jp->line_start = 3;
}

void mg_jp_init_mem(mg_jp *jp, const char *data, size_t len, const char *source)
{
    init_common(jp, source);
    jp->src = data;
    jp->len = len;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        jp->pos = jp->line_start = 3;
}

void mg_jp_init_pread(mg_jp *jp, int fd, uint64_t offset, const char *source)
{
    init_common(jp, source);
    jp->fd = fd;
    jp->fd_off = offset;
    jp->consumed = offset;
    jp->line_start = offset;
    jp->src = no_bytes;
}

void mg_jp_release(mg_jp *jp)
{
    if (!jp)
        return;
    free(jp->chunk);
    jp->chunk = NULL;
    mg_buf_release(&jp->str);
}

const char *mg_jp_tok_name(enum mg_jp_tok tok)
{
    switch (tok) {
    case MG_JP_EOF:
        return "end of file";
    case MG_JP_OBJ_BEGIN:
        return "'{'";
    case MG_JP_OBJ_END:
        return "'}'";
    case MG_JP_ARR_BEGIN:
        return "'['";
    case MG_JP_ARR_END:
        return "']'";
    case MG_JP_COLON:
        return "':'";
    case MG_JP_COMMA:
        return "','";
    case MG_JP_STRING:
        return "a string";
    case MG_JP_NUMBER:
        return "a number";
    case MG_JP_TRUE:
    case MG_JP_FALSE:
        return "a boolean";
    case MG_JP_NULL:
        return "null";
    }
    return "a token";
}

int mg_jp_error(mg_jp *jp, mg_error *err, enum mg_code code, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return mg_error_set_at(err, code, jp->source, (unsigned long)jp->tok_line,
                           (unsigned long)jp->tok_col, "%s", msg);
}

/*
 * Position the error at the byte with absolute offset `at` on the current line
 * rather than at the token start. Offsets, unlike window positions, do not
 * depend on where the 256 KiB reads happened to split the input.
 */
static int error_at(mg_jp *jp, mg_error *err, uint64_t at, const char *msg)
{
    jp->tok_line = jp->line;
    jp->tok_col = at - jp->line_start + 1;
    return mg_jp_error(jp, err, MG_E_INPUT, "%s", msg);
}

/* ... at the current byte. */
static int error_here(mg_jp *jp, mg_error *err, const char *msg)
{
    return error_at(jp, err, jp->consumed + jp->pos, msg);
}

static bool alloc_chunk(mg_jp *jp, size_t need, int *rc, mg_error *err)
{
    char *c;
    size_t cap = jp->chunk_cap ? jp->chunk_cap : CHUNK;
    if (jp->chunk && need <= jp->chunk_cap)
        return true;
    while (cap < need)
        cap *= 2;
    if (!(c = realloc(jp->chunk, cap + MG_JP_PAD))) {
        *rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        jp->eof = true;
        return false;
    }
    jp->chunk = c;
    jp->chunk_cap = cap;
    return true;
}

/* Read into chunk[at..cap); returns bytes read, sets *rc on a read error. */
static size_t read_more(mg_jp *jp, size_t at, int *rc, mg_error *err)
{
    size_t n;
    if (jp->fd >= 0 && !jp->f) {
        ssize_t r = pread(jp->fd, jp->chunk + at, jp->chunk_cap - at, (off_t)jp->fd_off);
        n = r > 0 ? (size_t)r : 0;
        if (r < 0)
            *rc = error_here(jp, err, "read error");
        jp->fd_off += n;
        return n;
    }
    if (!jp->f)
        return 0;
    n = fread(jp->chunk + at, 1, jp->chunk_cap - at, jp->f);
    if (n == 0 && ferror(jp->f))
        *rc = error_here(jp, err, "read error");
    return n;
}

/* Load the next window; false at end of input. Read errors are reported via *rc. */
static bool refill(mg_jp *jp, int *rc, mg_error *err)
{
    size_t n;
    if (jp->eof)
        return false;
    jp->consumed += jp->len;
    jp->pos = jp->len = 0;
    jp->in_head = false;
    if (!jp->f && jp->fd < 0) {
        jp->eof = true;
        return false;
    }
    if (!alloc_chunk(jp, CHUNK, rc, err))
        return false;
    n = read_more(jp, 0, rc, err);
    if (n == 0) {
        jp->eof = true;
        return false;
    }
    jp->src = jp->chunk;
    jp->len = n;
    memset(jp->chunk + n, 0, MG_JP_PAD);
    return true;
}

long mg_jp_ensure(mg_jp *jp, size_t want, mg_error *err)
{
    size_t have = jp->len - jp->pos;
    int rc = 0;

    bool in_chunk = jp->src == jp->chunk && jp->chunk;

    if (have >= want || jp->eof || (!jp->f && jp->fd < 0))
        return (long)have;
    if (!alloc_chunk(jp, want > CHUNK ? want : CHUNK, &rc, err))
        return rc;
    /* keep the unread rest (it may come from the caller's head buffer); growing the chunk
       may have moved it, so the window is found again from the chunk itself */
    memmove(jp->chunk, (in_chunk ? jp->chunk : jp->src) + jp->pos, have);
    jp->consumed += jp->pos;
    jp->src = jp->chunk;
    jp->pos = 0;
    jp->len = have;
    jp->in_head = false;
    while (jp->len < want) {
        size_t n = read_more(jp, jp->len, &rc, err);
        if (rc < 0)
            return rc;
        if (n == 0)
            break;
        jp->len += n;
    }
    memset(jp->chunk + jp->len, 0, MG_JP_PAD);
    return (long)jp->len;
}

int mg_jp_seek(mg_jp *jp, uint64_t off, uint64_t lines, uint64_t line_start, mg_error *err)
{
    if (!jp->f || fseeko(jp->f, (off_t)off, SEEK_SET) != 0)
        return mg_error_set(err, MG_E_INPUT, "cannot seek in '%s'", jp->source);
    jp->consumed = off;
    jp->pos = jp->len = 0;
    jp->src = no_bytes;
    jp->in_head = false;
    jp->eof = false;
    jp->line += lines;
    if (lines)
        jp->line_start = line_start;
    return 0;
}

/* Current byte or -1 at end of input. */
static inline int peek(mg_jp *jp, int *rc, mg_error *err)
{
    if (jp->pos < jp->len || refill(jp, rc, err))
        return (unsigned char)jp->src[jp->pos];
    return -1;
}

static int skip_ws(mg_jp *jp, mg_error *err)
{
    int rc = 0;
    for (;;) {
        while (jp->pos < jp->len) {
            char c = jp->src[jp->pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                jp->pos++;
            } else if (c == '\n') {
                jp->pos++;
                jp->line++;
                jp->line_start = jp->consumed + jp->pos;
            } else {
                return 0;
            }
        }
        if (!refill(jp, &rc, err))
            return rc;
    }
}

/*
 * Append decoded bytes to the current string. Escapes decode to up to 4 bytes
 * each, so the limit is checked here, on what is kept, for raw runs and
 * escapes alike; the error names the string's opening quote.
 */
static int str_append(mg_jp *jp, const char *data, size_t n, mg_error *err)
{
    if (n > MG_JP_MAX_STRING - jp->str.len)
        return mg_jp_error(jp, err, MG_E_INPUT, "string is longer than 1 MiB");
    return mg_buf_append(&jp->str, data, n, err);
}

static int put_utf8(mg_jp *jp, uint32_t cp, mg_error *err)
{
    char u[4];
    return str_append(jp, u, mg_utf8_encode(cp, u), err);
}

static int read_hex4(mg_jp *jp, uint32_t *out, mg_error *err)
{
    uint32_t v = 0;
    int i, rc = 0;
    for (i = 0; i < 4; i++) {
        int c = peek(jp, &rc, err);
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return rc < 0 ? rc : error_here(jp, err, "expected four hex digits after \\u");
        v = v * 16 + (uint32_t)d;
        jp->pos++;
    }
    *out = v;
    return 0;
}

/* After a backslash. Errors name the escape: its letter, a bad hex digit, or its backslash. */
static int read_escape(mg_jp *jp, mg_error *err)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    static const char unpaired[] = "unpaired surrogate in \\u escape";
    uint64_t backslash = jp->consumed + jp->pos - 1;
    int rc = 0, c = peek(jp, &rc, err);
    const char *hit;
    uint32_t cp, lo;

    if (c < 0)
        return rc < 0 ? rc : error_here(jp, err, "unterminated string");
    if (c != 'u') {
        if (c == 0 || !(hit = strchr(from, c)))
            return error_at(jp, err, backslash + 1, "invalid escape in string");
        jp->pos++;
        return str_append(jp, &to[hit - from], 1, err);
    }
    jp->pos++;
    if ((rc = read_hex4(jp, &cp, err)) < 0)
        return rc;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        /* a surrogate pair must follow as another \u escape */
        if (peek(jp, &rc, err) != '\\')
            return rc < 0 ? rc : error_at(jp, err, backslash, unpaired);
        jp->pos++;
        if (peek(jp, &rc, err) != 'u')
            return rc < 0 ? rc : error_at(jp, err, backslash, unpaired);
        jp->pos++;
        if ((rc = read_hex4(jp, &lo, err)) < 0)
            return rc;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return error_at(jp, err, backslash, unpaired);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return error_at(jp, err, backslash, unpaired);
    }
    return put_utf8(jp, cp, err);
}

/* After the opening quote. Raw bytes >= 0x80 are kept: Valgrind writes non-UTF-8 paths. */
static int read_string(mg_jp *jp, mg_error *err)
{
    int rc = 0;
    jp->str.len = 0;
    for (;;) {
        size_t start = jp->pos;
        /* up to the next '"', '\\' or control byte, 16 or 32 bytes at a time (simd.h) */
        jp->pos = (size_t)(mg_simd_string_stop(jp->src + jp->pos, jp->src + jp->len) - jp->src);
        if (jp->pos > start && (rc = str_append(jp, jp->src + start, jp->pos - start, err)) < 0)
            return rc;
        if (jp->pos == jp->len) {
            if (!refill(jp, &rc, err))
                return rc < 0 ? rc : error_here(jp, err, "unterminated string");
            continue;
        }
        if (jp->src[jp->pos] == '"') {
            jp->pos++;
            if (mg_buf_append(&jp->str, "", 0, err) < 0)
                return -err->code;
            return 0;
        }
        if (jp->src[jp->pos] == '\\') {
            jp->pos++;
            if ((rc = read_escape(jp, err)) < 0)
                return rc;
            continue;
        }
        return error_here(jp, err, "control character inside a string");
    }
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool valid_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return false;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t d;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

static int read_number(mg_jp *jp, mg_error *err)
{
    int rc = 0, c;
    jp->num_len = 0;
    while ((c = peek(jp, &rc, err)) >= 0 &&
           ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
        if (jp->num_len == sizeof(jp->num) - 1)
            return mg_jp_error(jp, err, MG_E_INPUT, "number literal is too long");
        jp->num[jp->num_len++] = (char)c;
        jp->pos++;
    }
    if (rc < 0)
        return rc;
    jp->num[jp->num_len] = '\0';
    if (!valid_number(jp->num, jp->num_len))
        return mg_jp_error(jp, err, MG_E_INPUT, "malformed number '%s'", jp->num);
    return 0;
}

static int read_word(mg_jp *jp, const char *word, mg_error *err)
{
    int rc = 0;
    for (const char *w = word; *w; w++) {
        if (peek(jp, &rc, err) != *w)
            return rc < 0 ? rc : mg_jp_error(jp, err, MG_E_INPUT, "expected a JSON value");
        jp->pos++;
    }
    return 0;
}

static int open_nested(mg_jp *jp, mg_error *err)
{
    if (++jp->depth > MG_JP_MAX_DEPTH)
        return mg_jp_error(jp, err, MG_E_INPUT, "nesting deeper than %d levels", MG_JP_MAX_DEPTH);
    return 0;
}

int mg_jp_next(mg_jp *jp, enum mg_jp_tok *tok, mg_error *err)
{
    int rc, c;

    if ((rc = skip_ws(jp, err)) < 0)
        return rc;
    jp->tok_line = jp->line;
    jp->tok_col = jp->consumed + jp->pos - jp->line_start + 1;
    jp->tok_off = jp->consumed + jp->pos;
    c = peek(jp, &rc, err);
    if (rc < 0)
        return rc;
    switch (c) {
    case -1:
        *tok = MG_JP_EOF;
        return 0;
    case '{':
        jp->pos++;
        *tok = MG_JP_OBJ_BEGIN;
        return open_nested(jp, err);
    case '[':
        jp->pos++;
        *tok = MG_JP_ARR_BEGIN;
        return open_nested(jp, err);
    case '}':
    case ']':
        jp->pos++;
        jp->depth--;
        *tok = c == '}' ? MG_JP_OBJ_END : MG_JP_ARR_END;
        return 0;
    case ':':
        jp->pos++;
        *tok = MG_JP_COLON;
        return 0;
    case ',':
        jp->pos++;
        *tok = MG_JP_COMMA;
        return 0;
    case '"':
        jp->pos++;
        *tok = MG_JP_STRING;
        return read_string(jp, err);
    case 't':
        *tok = MG_JP_TRUE;
        return read_word(jp, "true", err);
    case 'f':
        *tok = MG_JP_FALSE;
        return read_word(jp, "false", err);
    case 'n':
        *tok = MG_JP_NULL;
        return read_word(jp, "null", err);
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            *tok = MG_JP_NUMBER;
            return read_number(jp, err);
        }
        if (c >= 0x20 && c < 0x7f)
            return mg_jp_error(jp, err, MG_E_INPUT, "unexpected character '%c'", c);
        return mg_jp_error(jp, err, MG_E_INPUT, "unexpected byte 0x%02X", (unsigned)c);
    }
}

int mg_jp_expect(mg_jp *jp, enum mg_jp_tok want, const char *what, mg_error *err)
{
    enum mg_jp_tok tok;
    int rc = mg_jp_next(jp, &tok, err);
    if (rc < 0)
        return rc;
    if (tok != want)
        return mg_jp_error(jp, err, MG_E_INPUT, "expected %s, found %s", what, mg_jp_tok_name(tok));
    return 0;
}

static int skip_container(mg_jp *jp, bool object, mg_error *err)
{
    enum mg_jp_tok tok, end = object ? MG_JP_OBJ_END : MG_JP_ARR_END;
    int rc;
    bool first = true;

    for (;;) {
        if ((rc = mg_jp_next(jp, &tok, err)) < 0)
            return rc;
        if (tok == end && first)
            return 0;
        if (!first) {
            if (tok == end)
                return 0;
            if (tok != MG_JP_COMMA)
                return mg_jp_error(jp, err, MG_E_INPUT, "expected ',' or %s, found %s",
                                   mg_jp_tok_name(end), mg_jp_tok_name(tok));
            if ((rc = mg_jp_next(jp, &tok, err)) < 0)
                return rc;
        }
        first = false;
        if (object) {
            if (tok != MG_JP_STRING)
                return mg_jp_error(jp, err, MG_E_INPUT, "expected an object key, found %s",
                                   mg_jp_tok_name(tok));
            if ((rc = mg_jp_expect(jp, MG_JP_COLON, "':'", err)) < 0 ||
                (rc = mg_jp_next(jp, &tok, err)) < 0)
                return rc;
        }
        if ((rc = mg_jp_skip_value(jp, tok, err)) < 0)
            return rc;
    }
}

int mg_jp_skip_value(mg_jp *jp, enum mg_jp_tok first, mg_error *err)
{
    switch (first) {
    case MG_JP_OBJ_BEGIN:
        return skip_container(jp, true, err);
    case MG_JP_ARR_BEGIN:
        return skip_container(jp, false, err);
    case MG_JP_STRING:
    case MG_JP_NUMBER:
    case MG_JP_TRUE:
    case MG_JP_FALSE:
    case MG_JP_NULL:
        return 0;
    default:
        return mg_jp_error(jp, err, MG_E_INPUT, "expected a JSON value, found %s",
                           mg_jp_tok_name(first));
    }
}

int mg_jp_number_u64(mg_jp *jp, const char *key, uint64_t *out, mg_error *err)
{
    mg_error local;
    if (jp->num[0] == '-')
        return mg_jp_error(jp, err, MG_E_INPUT, "'%s' is negative (%s), expected a count >= 0", key,
                           jp->num);
    if (strpbrk(jp->num, ".eE"))
        return mg_jp_error(jp, err, MG_E_INPUT, "'%s' is %s, expected a whole number", key,
                           jp->num);
    mg_error_init(&local);
    if (mg_parse_u64(jp->num, UINT64_MAX, out, &local) < 0)
        return mg_jp_error(jp, err, MG_E_OVERFLOW, "'%s' value %s does not fit in 64 bits", key,
                           jp->num);
    return 0;
}
