/* Capped growable buffer; whole-file reading for the small-input parsers. */
#include "memgate/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

void mg_buf_init(mg_buf *buf, size_t cap)
{
    buf->data = NULL;
    buf->len = 0;
    buf->alloc = 0;
    buf->cap = cap ? cap : MG_BUF_DEFAULT_CAP;
}

void mg_buf_release(mg_buf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->alloc = 0;
}

int mg_grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t first, mg_error *err)
{
    size_t ncap = *cap ? *cap : (first ? first : 1);
    void *p;
    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem || !(p = realloc(*arr, ncap * elem)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    *arr = p;
    *cap = ncap;
    return 0;
}

static int reserve(mg_buf *buf, size_t extra, mg_error *err)
{
    size_t need, want;
    char *p;

    if (extra > buf->cap || buf->len > buf->cap - extra)
        return mg_error_set(err, MG_E_INPUT, "input is larger than the limit of %zu MiB",
                            buf->cap >> 20);
    need = buf->len + extra + 1;
    if (need <= buf->alloc)
        return 0;
    want = buf->alloc ? buf->alloc : 4096;
    while (want < need)
        want = want > SIZE_MAX / 2 ? need : want * 2;
    p = realloc(buf->data, want);
    if (!p)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    buf->data = p;
    buf->alloc = want;
    return 0;
}

int mg_buf_append(mg_buf *buf, const void *data, size_t len, mg_error *err)
{
    int rc = reserve(buf, len, err);
    if (rc < 0)
        return rc;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

int mg_buf_vprintf(mg_buf *buf, mg_error *err, const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    int rc;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return mg_error_set(err, MG_E_IO, "cannot format text");
    rc = reserve(buf, (size_t)n, err);
    if (rc < 0)
        return rc;
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return 0;
}

int mg_buf_printf(mg_buf *buf, mg_error *err, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = mg_buf_vprintf(buf, err, fmt, ap);
    va_end(ap);
    return rc;
}

int mg_buf_read_file(mg_buf *buf, const char *path, mg_error *err)
{
    FILE *f = NULL;
    struct stat st;
    char chunk[65536];
    size_t n;
    int rc = 0;
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;

    if (strcmp(path, "-") == 0) {
        f = stdin;
    } else {
        f = fopen(path, "rb");
        if (!f)
            return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0, "cannot open: %s",
                                   strerror(errno));
        if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
            fclose(f);
            return mg_error_set_at(err, MG_E_INPUT, shown, 0, 0,
                                   "is a directory, expected a profile file");
        }
    }
    /* one more byte to make the terminator always present, even for an empty file */
    rc = mg_buf_append(buf, "", 0, err);
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = mg_buf_append(buf, chunk, n, err);
    if (rc == 0 && ferror(f))
        rc = mg_error_set(err, MG_E_INPUT, "read error: %s", strerror(errno));
    if (rc < 0 && err && !err->source[0])
        snprintf(err->source, sizeof(err->source), "%s", shown);
    if (f != stdin)
        fclose(f);
    return rc;
}
