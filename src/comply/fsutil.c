/* Paths and sorted directory listings for comply and init (atomic writes: util/file.c). */
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
