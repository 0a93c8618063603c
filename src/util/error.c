/* mg_error: set once, prefix with context, render for the user. */
#include "memgate/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mg_error_init(mg_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

/* the attribute makes clang's -Wformat-nonliteral check callers instead of this vsnprintf */
static void set_msg(mg_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void set_msg(mg_error *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int mg_error_set(mg_error *err, enum mg_code code, const char *fmt, ...)
{
    if (err && err->code == MG_OK) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        set_msg(err, fmt, ap);
        va_end(ap);
    }
    return -(int)code;
}

int mg_error_set_at(mg_error *err, enum mg_code code, const char *source, unsigned long line,
                    unsigned long column, const char *fmt, ...)
{
    if (err && err->code == MG_OK) {
        va_list ap;
        err->code = code;
        snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
        err->line = line;
        err->column = column;
        va_start(ap, fmt);
        set_msg(err, fmt, ap);
        va_end(ap);
    }
    return -(int)code;
}

void mg_error_prefix(mg_error *err, const char *fmt, ...)
{
    char prefix[128];
    char old[sizeof(err->msg)];
    va_list ap;

    if (!err || err->code == MG_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
}

int mg_error_exit_code(const mg_error *err)
{
    if (!err)
        return MG_EXIT_OK;
    switch (err->code) {
    case MG_OK:
        return MG_EXIT_OK;
    case MG_E_USAGE:
    case MG_E_REFUSED:
        return MG_EXIT_USAGE;
    case MG_E_INPUT:
    case MG_E_OVERFLOW:
        return MG_EXIT_INPUT;
    case MG_E_IO:
    case MG_E_NOMEM:
        return MG_EXIT_IO;
    case MG_E_POST:
        return MG_EXIT_POST;
    }
    return MG_EXIT_IO;
}

void mg_error_format(const mg_error *err, char *out, size_t size)
{
    if (!err || size == 0)
        return;
    if (err->source[0] && err->line && err->column)
        snprintf(out, size, "'%s' line %lu column %lu: %s", err->source, err->line, err->column,
                 err->msg);
    else if (err->source[0] && err->line)
        snprintf(out, size, "'%s' line %lu: %s", err->source, err->line, err->msg);
    else if (err->source[0])
        snprintf(out, size, "'%s': %s", err->source, err->msg);
    else
        snprintf(out, size, "%s", err->msg);
    /* messages quote input: keep them one line, with no escape sequence or CI command */
    for (; *out; out++)
        if ((unsigned char)*out < 0x20 || *out == 0x7F)
            *out = '?';
}
