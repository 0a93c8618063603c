/* TOML scalars: the four string kinds, integers, floats, booleans and dates. */
#include "comply/toml_int.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int put_byte(toml_parser *p, mg_buf *out, char c)
{
    return mg_buf_append(out, &c, 1, p->err);
}

/* Encode a Unicode scalar value as UTF-8 (the caller has ruled out surrogates). */
static int put_utf8(toml_parser *p, mg_buf *out, uint32_t cp)
{
    char b[4];
    return mg_buf_append(out, b, mg_utf8_encode(cp, b), p->err);
}

/* \uXXXX or \UXXXXXXXX; the cursor is on the 'u' or 'U'. */
static int read_unicode_escape(toml_parser *p, mg_buf *out, unsigned long line, unsigned long col)
{
    unsigned digits = toml_peek(p) == 'u' ? 4 : 8;
    uint32_t cp = 0;
    unsigned i;

    toml_advance(p);
    for (i = 0; i < digits; i++) {
        int d = hex_value(toml_peek(p));
        if (d < 0)
            return toml_fail_at(p, line, col, "expected %u hexadecimal digits in a \\%c escape",
                                digits, digits == 4 ? 'u' : 'U');
        cp = cp * 16 + (uint32_t)d;
        toml_advance(p);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return toml_fail_at(p, line, col, "escape \\%c%0*X is not a Unicode scalar value",
                            digits == 4 ? 'u' : 'U', (int)digits, (unsigned)cp);
    return put_utf8(p, out, cp);
}

/*
 * A backslash followed only by blanks up to the end of the line, in a
 * multi-line basic string: skip it and all white space and newlines after it.
 */
static bool line_ending_backslash(toml_parser *p)
{
    size_t i = 1;
    char c;

    while ((c = toml_peek_at(p, i)) == ' ' || c == '\t')
        i++;
    if (c == '\r' && toml_peek_at(p, i + 1) == '\n')
        c = '\n';
    if (c != '\n')
        return false;
    toml_advance(p);
    while ((c = toml_peek(p)) == ' ' || c == '\t' || c == '\n' ||
           (c == '\r' && toml_peek_at(p, 1) == '\n'))
        toml_advance(p);
    return true;
}

static int read_escape(toml_parser *p, mg_buf *out, bool multiline)
{
    unsigned long line = p->line, col = p->col;
    char c = toml_peek_at(p, 1);
    static const char from[] = "btnfr\"\\";
    static const char to[] = "\b\t\n\f\r\"\\";
    const char *hit;

    if (multiline && line_ending_backslash(p))
        return 0;
    toml_advance(p); /* the backslash */
    if (c == 'u' || c == 'U')
        return read_unicode_escape(p, out, line, col);
    hit = c ? strchr(from, c) : NULL;
    if (!hit) {
        char what[32];
        return toml_fail_at(p, line, col, "invalid escape '\\%s' in a string",
                            toml_describe(p, what, sizeof(what)));
    }
    toml_advance(p);
    return put_byte(p, out, to[hit - from]);
}

/* A run of closing quotes in a multi-line string: up to two belong to the contents. */
static int close_multiline(toml_parser *p, mg_buf *out, char q, bool *closed)
{
    size_t n = 0;

    while (toml_peek_at(p, n) == q)
        n++;
    if (n < 3) {
        *closed = false;
        while (n--) {
            toml_advance(p);
            if (put_byte(p, out, q) < 0)
                return -(int)p->err->code;
        }
        return 0;
    }
    if (n > 5)
        return toml_fail(p, "too many quotes at the end of a multi-line string");
    *closed = true;
    for (; n > 3; n--) {
        toml_advance(p);
        if (put_byte(p, out, q) < 0)
            return -(int)p->err->code;
    }
    toml_advance(p);
    toml_advance(p);
    toml_advance(p);
    return 0;
}

/* One character of a string body that needs no special treatment, or a newline. */
static int read_plain(toml_parser *p, mg_buf *out, bool multiline)
{
    unsigned char c = (unsigned char)toml_peek(p);

    if (c == '\r' && toml_peek_at(p, 1) == '\n' && multiline) {
        toml_advance(p); /* CRLF is kept as LF */
        c = '\n';
    }
    if (c == '\n' && !multiline)
        return toml_fail(p, "unterminated string: expected the closing quote before the end "
                            "of the line");
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
        return toml_fail(p, "control character U+%04X must be escaped in a string", c);
    toml_advance(p);
    return put_byte(p, out, (char)c);
}

int toml_read_string(toml_parser *p, bool allow_multiline, mg_buf *out)
{
    char q = toml_peek(p);
    bool multiline = toml_peek_at(p, 1) == q && toml_peek_at(p, 2) == q;
    unsigned long line = p->line, col = p->col;
    int rc = 0;

    if (multiline && !allow_multiline)
        return toml_fail(p, "a key cannot be a multi-line string");
    toml_advance(p);
    if (multiline) {
        toml_advance(p);
        toml_advance(p);
        /* A newline right after the opening delimiter is not part of the string. */
        if (toml_peek(p) == '\r' && toml_peek_at(p, 1) == '\n')
            toml_advance(p);
        if (toml_peek(p) == '\n')
            toml_advance(p);
    }
    if (mg_buf_append(out, "", 0, p->err) < 0) /* make data non-NULL for "" */
        return -(int)p->err->code;
    for (;;) {
        char c = toml_peek(p);
        bool closed = false;

        if (p->pos >= p->len)
            return toml_fail_at(p, line, col, "unterminated string");
        if (c == q && !multiline) {
            toml_advance(p);
            return 0;
        }
        if (c == q)
            rc = close_multiline(p, out, q, &closed);
        else if (c == '\\' && q == '"')
            rc = read_escape(p, out, multiline);
        else
            rc = read_plain(p, out, multiline);
        if (rc < 0 || closed)
            return rc;
    }
}

/* ---- numbers, booleans, dates ---- */

/* Characters a bare scalar token can hold (numbers, dates, true/false, inf/nan). */
static bool is_token_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '+' || c == '-' || c == '.' || c == ':';
}

static bool digits_at(const char *s, size_t len, size_t at, size_t n)
{
    size_t i;
    if (at + n > len)
        return false;
    for (i = 0; i < n; i++)
        if (!is_digit(s[at + i]))
            return false;
    return true;
}

static unsigned two(const char *s)
{
    return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

static bool valid_date(const char *s, size_t len)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned year, month, day;

    if (len != 10 || !digits_at(s, len, 0, 4) || s[4] != '-' || !digits_at(s, len, 5, 2) ||
        s[7] != '-' || !digits_at(s, len, 8, 2))
        return false;
    year = two(s) * 100 + two(s + 2);
    month = two(s + 5);
    day = two(s + 8);
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
        return false;
    if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return false;
    return true;
}

/* HH:MM:SS[.frac] then, when allowed, Z or +HH:MM. */
static bool valid_time(const char *s, size_t len, bool allow_offset)
{
    size_t i = 8;

    if (len < 8 || !digits_at(s, len, 0, 2) || s[2] != ':' || !digits_at(s, len, 3, 2) ||
        s[5] != ':' || !digits_at(s, len, 6, 2))
        return false;
    if (two(s) > 23 || two(s + 3) > 59 || two(s + 6) > 60)
        return false;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == start)
            return false;
    }
    if (i == len)
        return true;
    if (!allow_offset)
        return false;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
        return true;
    return (s[i] == '+' || s[i] == '-') && len - i == 6 && digits_at(s, len, i + 1, 2) &&
           s[i + 3] == ':' && digits_at(s, len, i + 4, 2) && two(s + i + 1) <= 23 &&
           two(s + i + 4) <= 59;
}

static bool valid_datetime(const char *s, size_t len)
{
    if (len >= 3 && s[2] == ':')
        return valid_time(s, len, false);
    if (len == 10)
        return valid_date(s, len);
    return len > 11 && valid_date(s, 10) && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
           valid_time(s + 11, len - 11, true);
}

/*
 * Digits of one base with '_' only between two digits. Copies the digits
 * (without '_') to out, which has room for len + 1 bytes.
 */
static bool clean_digits(const char *s, size_t len, unsigned base, char *out, size_t *out_len)
{
    size_t i, n = 0;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        int d = hex_value(s[i]);
        if (s[i] == '_') {
            if (i == 0 || i + 1 == len || s[i - 1] == '_')
                return false;
            continue;
        }
        if (d < 0 || (unsigned)d >= base)
            return false;
        out[n++] = s[i];
    }
    out[n] = '\0';
    *out_len = n;
    return true;
}

static int make_value(toml_parser *p, enum mg_toml_type type, unsigned long line, unsigned long col,
                      mg_toml_value **out)
{
    *out = toml_value_new(type, line, col);
    if (!*out)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    return 0;
}

/* Accumulate digits (already cleaned) into a 64-bit integer, negative when neg. */
static bool accumulate(const char *digits, unsigned base, bool neg, int64_t *out)
{
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

    for (; *digits; digits++) {
        uint64_t d = (uint64_t)hex_value(*digits);
        if (v > (limit - d) / base)
            return false;
        v = v * base + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return true;
}

typedef struct token {
    const char *s;
    size_t len;
    unsigned long line, col;
} token;

static int read_integer(toml_parser *p, const token *t, char *scratch, mg_toml_value **out)
{
    const char *s = t->s;
    size_t len = t->len, n;
    bool neg = s[0] == '-', signed_ = s[0] == '-' || s[0] == '+';
    unsigned base = 10;
    int64_t value;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        s += 2;
        len -= 2;
    } else if (signed_) {
        s++;
        len--;
    }
    /* Decimal integers have no leading zeros (so "010" is not silently octal or ten). */
    if (!clean_digits(s, len, base, scratch, &n) || (base == 10 && n > 1 && scratch[0] == '0'))
        return toml_fail_at(p, t->line, t->col, "invalid number '%.*s'",
                            (int)(t->len > 40 ? 40 : t->len), t->s);
    if (!accumulate(scratch, base, neg, &value))
        return toml_fail_at(p, t->line, t->col, "integer '%.*s' does not fit in 64 bits",
                            (int)(t->len > 40 ? 40 : t->len), t->s);
    if (make_value(p, MG_TOML_INTEGER, t->line, t->col, out) < 0)
        return -(int)p->err->code;
    (*out)->u.i = value;
    return 0;
}

/*
 * [+-] int-part [. digits] [e [+-] digits], int-part without leading zeros,
 * each part digits with '_' only between digits. Written to scratch without
 * underscores for strtod ("C" locale: the CLI never calls setlocale).
 */
static bool clean_float(const char *s, size_t len, char *scratch)
{
    size_t i = 0, n = 0, start, part_len;

    if (s[0] == '+' || s[0] == '-')
        scratch[n++] = s[i++];
    start = i;
    while (i < len && s[i] != '.' && s[i] != 'e' && s[i] != 'E')
        i++;
    if (!clean_digits(s + start, i - start, 10, scratch + n, &part_len))
        return false;
    if (part_len > 1 && scratch[n] == '0')
        return false;
    n += part_len;
    if (i < len && s[i] == '.') {
        scratch[n++] = s[i++];
        start = i;
        while (i < len && s[i] != 'e' && s[i] != 'E')
            i++;
        if (!clean_digits(s + start, i - start, 10, scratch + n, &part_len))
            return false;
        n += part_len;
    }
    if (i < len) { /* exponent */
        scratch[n++] = s[i++];
        if (i < len && (s[i] == '+' || s[i] == '-'))
            scratch[n++] = s[i++];
        if (!clean_digits(s + i, len - i, 10, scratch + n, &part_len))
            return false;
        n += part_len;
    }
    scratch[n] = '\0';
    return true;
}

static int read_float(toml_parser *p, const token *t, char *scratch, mg_toml_value **out)
{
    const char *s = t->s;
    size_t len = t->len;
    const char *body = (s[0] == '+' || s[0] == '-') ? s + 1 : s;
    size_t body_len = (size_t)(s + len - body);
    double value;

    if (body_len == 3 && (memcmp(body, "inf", 3) == 0 || memcmp(body, "nan", 3) == 0)) {
        value = body[0] == 'i' ? __builtin_inf() : __builtin_nan("");
        if (s[0] == '-')
            value = -value;
    } else {
        char *end;
        if (!clean_float(s, len, scratch))
            return toml_fail_at(p, t->line, t->col, "invalid number '%.*s'",
                                (int)(len > 40 ? 40 : len), s);
        /* Out of range gives +-HUGE_VAL or 0 like every TOML parser; ERANGE is no error. */
        value = strtod(scratch, &end);
        if (*end != '\0')
            return toml_fail_at(p, t->line, t->col, "invalid number '%.*s'",
                                (int)(len > 40 ? 40 : len), s);
    }
    if (make_value(p, MG_TOML_FLOAT, t->line, t->col, out) < 0)
        return -(int)p->err->code;
    (*out)->u.f = value;
    return 0;
}

static int read_datetime(toml_parser *p, const token *t, mg_toml_value **out)
{
    if (!valid_datetime(t->s, t->len))
        return toml_fail_at(p, t->line, t->col, "invalid date or time '%.*s'",
                            (int)(t->len > 40 ? 40 : t->len), t->s);
    if (make_value(p, MG_TOML_DATETIME, t->line, t->col, out) < 0)
        return -(int)p->err->code;
    (*out)->u.str.ptr = malloc(t->len + 1);
    if (!(*out)->u.str.ptr)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    memcpy((*out)->u.str.ptr, t->s, t->len);
    (*out)->u.str.ptr[t->len] = '\0';
    (*out)->u.str.len = t->len;
    return 0;
}

/* Scan the bare token at the cursor; a date followed by " HH:" takes in the time too. */
static void scan_token(toml_parser *p, token *t)
{
    t->s = p->s + p->pos;
    t->line = p->line;
    t->col = p->col;
    t->len = 0;
    while (is_token_char(toml_peek_at(p, t->len)))
        t->len++;
    if (t->len == 10 && valid_date(t->s, 10) && toml_peek_at(p, 10) == ' ' &&
        is_digit(toml_peek_at(p, 11)) && is_digit(toml_peek_at(p, 12)) &&
        toml_peek_at(p, 13) == ':') {
        t->len = 11;
        while (is_token_char(toml_peek_at(p, t->len)))
            t->len++;
    }
}

static int classify(toml_parser *p, const token *t, char *scratch, mg_toml_value **out)
{
    const char *s = t->s, *body;
    size_t len = t->len;

    if ((len == 4 && memcmp(s, "true", 4) == 0) || (len == 5 && memcmp(s, "false", 5) == 0)) {
        if (make_value(p, MG_TOML_BOOL, t->line, t->col, out) < 0)
            return -(int)p->err->code;
        (*out)->u.b = s[0] == 't';
        return 0;
    }
    body = (s[0] == '+' || s[0] == '-') ? s + 1 : s;
    if (body == s + len || !is_digit(*body)) {
        if (s + len - body == 3 && (memcmp(body, "inf", 3) == 0 || memcmp(body, "nan", 3) == 0))
            return read_float(p, t, scratch, out);
        return toml_fail_at(p, t->line, t->col, "expected a value, found '%.*s'",
                            (int)(len > 40 ? 40 : len), s);
    }
    if (len >= 3 && (s[2] == ':' || (len >= 5 && is_digit(s[0]) && s[4] == '-')))
        return read_datetime(p, t, out);
    if (memchr(s, '.', len) ||
        ((memchr(s, 'e', len) || memchr(s, 'E', len)) && !(len > 1 && s[1] == 'x')))
        return read_float(p, t, scratch, out);
    return read_integer(p, t, scratch, out);
}

int toml_read_scalar(toml_parser *p, mg_toml_value **out)
{
    token t;
    char *scratch;
    char what[32];
    int rc;

    *out = NULL;
    scan_token(p, &t);
    if (t.len == 0)
        return toml_fail(p, "expected a value, found %s", toml_describe(p, what, sizeof(what)));
    scratch = malloc(t.len + 1);
    if (!scratch)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    rc = classify(p, &t, scratch, out);
    free(scratch);
    if (rc < 0) {
        mg_toml_free(*out);
        *out = NULL;
        return rc;
    }
    while (t.len--)
        toml_advance(p);
    return 0;
}
