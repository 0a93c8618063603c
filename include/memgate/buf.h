/* mg_buf: a growable byte buffer with a hard size cap, and whole-file reading into one. */
#ifndef MEMGATE_BUF_H
#define MEMGATE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "memgate/error.h"

/* Default cap for text inputs and rendered reports: 256 MiB. */
#define MG_BUF_DEFAULT_CAP ((size_t)256 << 20)

/*
 * data is always NUL-terminated (when non-NULL) so text parsers can use it as
 * a C string; len excludes the terminator. A stack value: init/release.
 */
typedef struct mg_buf {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap; /* growth beyond this many bytes fails with MG_E_INPUT */
} mg_buf;

void mg_buf_init(mg_buf *buf, size_t cap);
void mg_buf_release(mg_buf *buf);

/* Append bytes; fails (MG_E_INPUT when over the cap, MG_E_NOMEM) without changing buf. */
int mg_buf_append(mg_buf *buf, const void *data, size_t len, mg_error *err);
int mg_buf_printf(mg_buf *buf, mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int mg_buf_vprintf(mg_buf *buf, mg_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Read a whole file ("-" = standard input, which may be a pipe) into buf.
 * A missing file, a directory or an over-cap file is MG_E_INPUT with the path
 * as the error source.
 */
int mg_buf_read_file(mg_buf *buf, const char *path, mg_error *err);

/*
 * Make room for need elements of elem bytes in the array *arr of *cap
 * elements: doubles from `first` on (MG_E_NOMEM when that fails or would
 * overflow; *arr and *cap unchanged then). Nothing happens when it fits.
 */
int mg_grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t first, mg_error *err);

#endif
