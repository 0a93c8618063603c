/* Private: writing files safely, the one write loop and the one atomic replace. */
#ifndef MEMGATE_UTIL_FILE_H
#define MEMGATE_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "memgate/error.h"

/*
 * Write all of data to fd, retrying short writes and EINTR; -1 with errno set
 * on failure. Test hook: MEMGATE_TEST_SLOW_WRITE_US=N writes in 64-byte pieces
 * N microseconds apart, to widen the window crash tests aim at.
 */
int mg_write_all(int fd, const char *data, size_t len);

/*
 * An atomic replace in two steps, so a caller can do more between them (the
 * baseline writes its history line there): stage writes the new content to a
 * temporary file beside path with mode and fsyncs it; commit renames it over
 * path and fsyncs the directory; abort removes it. Readers see the old file or
 * the new one, never a half-written one. what names the content in messages
 * ("cannot write the new baseline: ..."); NULL for plain "cannot write: ...".
 */
typedef struct mg_file_staged {
    char *path, *tmp, *dir;
} mg_file_staged;

int mg_file_stage(mg_file_staged *s, const char *path, const char *data, size_t len, mode_t mode,
                  const char *what, mg_error *err);
int mg_file_commit(mg_file_staged *s, const char *what, mg_error *err);
/* Remove the temporary file (if any) and free; a zeroed or aborted s is a no-op. */
void mg_file_abort(mg_file_staged *s);

/* stage + commit with the file's current mode kept (mode when it does not exist yet). */
int mg_file_replace(const char *path, const char *data, size_t len, mode_t mode, mg_error *err);

#endif
