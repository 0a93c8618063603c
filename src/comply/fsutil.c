/* Paths, sorted directory listings and atomic writes (temporary file, fsync, rename). */
#include "comply/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_join(const char *dir, const char *rel)
{
    char *out = NULL;
    size_t dl;

    if (rel[0] == '/' || !dir[0] || !strcmp(dir, "."))
        return strdup(rel);
    if (!rel[0] || !strcmp(rel, "."))
        return strdup(dir);
    dl = strlen(dir);
    if (asprintf(&out, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", rel) < 0)
        return NULL;
    return out;
}

bool fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fs_list(const char *dir, strlist *out, mg_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = out->n;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!strlist_take(out, strdup(e->d_name), err)) {
            closedir(d);
            return -(int)MG_E_NOMEM;
        }
    }
    closedir(d);
    /* readdir order depends on the file system; sorted output keeps reports stable */
    if (out->n - first > 1)
        qsort(out->v + first, out->n - first, sizeof(*out->v), by_name);
    return 0;
}

int fs_mkdirs(const char *dir, mg_error *err)
{
    char *copy = strdup(dir);
    char *p;
    int rc = 0;

    if (!copy)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (p = copy + 1; rc == 0; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST)
            rc = mg_error_set_at(err, MG_E_IO, copy, 0, 0, "cannot create directory: %s",
                                 strerror(errno));
        else if (!fs_is_dir(copy))
            rc = mg_error_set_at(err, MG_E_IO, copy, 0, 0, "exists and is not a directory");
        if (end)
            break;
        *p = '/';
    }
    free(copy);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static void fsync_parent(const char *path)
{
    char *copy = strdup(path);
    char *slash = copy ? strrchr(copy, '/') : NULL;
    int fd;

    if (!copy)
        return;
    if (slash)
        *(slash == copy ? slash + 1 : slash) = '\0';
    fd = open(slash ? copy : ".", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on a directory */
        close(fd);
    }
    free(copy);
}

/* mkstemp creates 0600; fchmod restores the old file's mode so an edit does not change it. */
int fs_write_atomic(const char *path, const char *data, size_t len, mode_t mode, mg_error *err)
{
    struct stat st;
    char *tmp = NULL;
    int fd = -1, rc = 0;

    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot create a temporary file: %s",
                             strerror(errno));
        goto done;
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot replace: %s", strerror(errno));
        goto done;
    }
    fsync_parent(path);
done:
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
