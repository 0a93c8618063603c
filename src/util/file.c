/* The one write loop and the one atomic replace (temporary file, fsync, rename, fsync dir). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Test hook: write in small pieces with pauses so a crash test can land inside the write. */
static unsigned long slow_write_us(void)
{
    const char *v = getenv("MEMGATE_TEST_SLOW_WRITE_US");
    unsigned long us = 0;
    for (; v && *v >= '0' && *v <= '9' && us < 1000000; v++)
        us = us * 10 + (unsigned long)(*v - '0');
    return us;
}

int mg_write_all(int fd, const char *data, size_t len)
{
    unsigned long pause = slow_write_us();
    while (len > 0) {
        size_t piece = pause && len > 64 ? 64 : len;
        ssize_t w = write(fd, data, piece);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
        if (pause && len) {
            struct timespec ts = {(time_t)(pause / 1000000), (long)(pause % 1000000) * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return 0;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on directories */
        close(fd);
    }
}

void mg_file_abort(mg_file_staged *s)
{
    if (s->tmp && s->tmp[0])
        unlink(s->tmp);
    free(s->tmp);
    free(s->dir);
    free(s->path);
    memset(s, 0, sizeof(*s));
}

static int write_temp(mg_file_staged *s, const char *data, size_t len, mode_t mode,
                      const char *what, mg_error *err)
{
    int fd = mkstemp(s->tmp);
    if (fd < 0) {
        s->tmp[0] = '\0';
        return mg_error_set_at(err, MG_E_IO, s->path, 0, 0, "cannot create a temporary file: %s",
                               strerror(errno));
    }
    /* mkstemp creates 0600 */
    if (fchmod(fd, mode) != 0 || mg_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return mg_error_set_at(err, MG_E_IO, s->path, 0, 0, "cannot write%s%s: %s", what ? " " : "",
                               what ? what : "", strerror(e));
    }
    if (close(fd) != 0)
        return mg_error_set_at(err, MG_E_IO, s->path, 0, 0, "cannot write%s%s: %s", what ? " " : "",
                               what ? what : "", strerror(errno));
    return 0;
}

int mg_file_stage(mg_file_staged *s, const char *path, const char *data, size_t len, mode_t mode,
                  const char *what, mg_error *err)
{
    char *copy = strdup(path);
    int rc;

    memset(s, 0, sizeof(*s));
    s->path = strdup(path);
    s->dir = copy ? strdup(dirname(copy)) : NULL;
    free(copy);
    if (s->path && asprintf(&s->tmp, "%s.tmp.XXXXXX", path) < 0)
        s->tmp = NULL;
    if (!s->path || !s->dir || !s->tmp)
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    else
        rc = write_temp(s, data, len, mode, what, err);
    if (rc < 0)
        mg_file_abort(s);
    return rc;
}

int mg_file_commit(mg_file_staged *s, const char *what, mg_error *err)
{
    int rc = 0;
    if (rename(s->tmp, s->path) != 0)
        rc = mg_error_set_at(err, MG_E_IO, s->path, 0, 0, "cannot replace%s%s: %s", what ? " " : "",
                             what ? what : "", strerror(errno));
    else
        s->tmp[0] = '\0';
    if (rc == 0)
        fsync_dir(s->dir);
    mg_file_abort(s); /* frees; removes the temporary file only when the rename failed */
    return rc;
}

int mg_file_replace(const char *path, const char *data, size_t len, mode_t mode, mg_error *err)
{
    struct stat st;
    mg_file_staged s;
    int rc;

    /* an edit keeps the file's permissions */
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    rc = mg_file_stage(&s, path, data, len, mode, NULL, err);
    return rc < 0 ? rc : mg_file_commit(&s, NULL, err);
}
