/*
 * The TOML parser's cursor: looking at and stepping over characters, and
 * errors at a position. The lowest of the toml*.c files: the structure
 * (toml.c) and the scalar readers (toml_scalar.c) both build on it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "comply/toml_int.h"
#include "utf8.h"

char toml_peek(const toml_parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : '\0';
}

char toml_peek_at(const toml_parser *p, size_t ahead)
{
    return ahead < p->len - p->pos ? p->s[p->pos + ahead] : '\0';
}

/* Columns count characters: a UTF-8 continuation byte does not start a new column. */
void toml_advance(toml_parser *p)
{
    char c;

    if (p->pos >= p->len)
        return;
    c = p->s[p->pos++];
    if (c == '\n') {
        p->line++;
        p->col = 1;
    } else if (p->pos >= p->len || ((unsigned char)p->s[p->pos] & 0xC0) != 0x80) {
        p->col++;
    }
}

static int vfail_at(toml_parser *p, unsigned long line, unsigned long col, const char *fmt,
                    va_list ap) __attribute__((format(printf, 4, 0)));

static int vfail_at(toml_parser *p, unsigned long line, unsigned long col, const char *fmt,
                    va_list ap)
{
    char msg[200];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    return mg_error_set_at(p->err, MG_E_USAGE, p->source, line, col, "%s", msg);
}

int toml_fail(toml_parser *p, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_at(p, p->line, p->col, fmt, ap);
    va_end(ap);
    return rc;
}

int toml_fail_at(toml_parser *p, unsigned long line, unsigned long col, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_at(p, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

const char *toml_describe(const toml_parser *p, char *buf, size_t size)
{
    unsigned char c = (unsigned char)toml_peek(p);

    if (p->pos >= p->len)
        return "end of file";
    if (c == '\n' || (c == '\r' && toml_peek_at(p, 1) == '\n'))
        return "end of line";
    if (c == ' ')
        return "a space";
    if (c == '\t')
        return "a tab";
    if (c < 0x20 || c == 0x7F) {
        snprintf(buf, size, "control character U+%04X", c);
        return buf;
    }
    /* The input is valid UTF-8, so a lead byte says how long the character is. */
    snprintf(buf, size, "'%.*s'", (int)mg_utf8_lead_len(c), p->s + p->pos);
    return buf;
}
