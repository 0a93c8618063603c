/*
 * LD_PRELOAD shim for the fault-injection tests (test_fault_injection, test_crash): durability
 * cannot be seen from outside a process, so this records it. Every fsync, fdatasync and rename
 * of the process is appended to $MG_SHIM_LOG ("fsync PATH", "rename FROM TO"); fsync fails
 * with EIO on a file whose path contains $MG_SHIM_FSYNC_EIO, write with ENOSPC on one whose
 * path contains $MG_SHIM_WRITE_ENOSPC (a full disk where no tmpfs can be mounted).
 * Built without sanitizers; under ASan the tests set ASAN_OPTIONS=verify_asan_link_order=0,
 * since a preloaded library comes before the ASan runtime (its write interceptor is reached
 * through RTLD_NEXT all the same).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fsync(int fd);
int fdatasync(int fd);
int rename(const char *from, const char *to);
ssize_t write(int fd, const void *buf, size_t n);

static void log_line(const char *what, const char *a, const char *b)
{
    const char *path = getenv("MG_SHIM_LOG");
    char line[8400];
    int n, fd;
    if (!path)
        return;
    n = snprintf(line, sizeof(line), "%s %s%s%s\n", what, a, b ? " " : "", b ? b : "");
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)n) != n) {
        /* the test then misses a line and fails: nothing better to do here */
    }
    close(fd);
}

static void fd_path(int fd, char *out, size_t size)
{
    char link[64];
    ssize_t n;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, out, size - 1);
    out[n < 0 ? 0 : n] = '\0';
}

/* Log the call; nonzero when it is to fail with EIO. */
static int observe(const char *what, int fd)
{
    const char *eio = getenv("MG_SHIM_FSYNC_EIO");
    char path[4096];
    int saved = errno;
    fd_path(fd, path, sizeof(path));
    log_line(what, path, NULL);
    errno = saved;
    return eio && *eio && strstr(path, eio) != NULL;
}

typedef int (*fd_fn)(int);
typedef int (*rename_fn)(const char *, const char *);
typedef ssize_t (*write_fn)(int, const void *, size_t);

/* The libc function this one stands in for (memcpy: ISO C has no object-to-function cast). */
static void next_fn(const char *name, void *fn, size_t size)
{
    void *p = dlsym(RTLD_NEXT, name);
    memcpy(fn, &p, size);
}

int fsync(int fd)
{
    fd_fn real;
    next_fn("fsync", &real, sizeof(real));
    if (observe("fsync", fd)) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

int fdatasync(int fd)
{
    fd_fn real;
    next_fn("fdatasync", &real, sizeof(real));
    if (observe("fsync", fd)) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

int rename(const char *from, const char *to)
{
    rename_fn real;
    char a[4096], b[4096];
    int rc;
    next_fn("rename", &real, sizeof(real));
    /* absolute paths, so the test compares them with what /proc/self/fd shows */
    if (!realpath(from, a))
        snprintf(a, sizeof(a), "%s", from);
    rc = real(from, to);
    if (!realpath(to, b))
        snprintf(b, sizeof(b), "%s", to);
    log_line("rename", a, b);
    return rc;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    const char *full = getenv("MG_SHIM_WRITE_ENOSPC");
    write_fn real;
    next_fn("write", &real, sizeof(real));
    if (full && *full && fd > 2) {
        char path[4096];
        fd_path(fd, path, sizeof(path));
        if (strstr(path, full)) {
            errno = ENOSPC;
            return -1;
        }
    }
    return real(fd, buf, n);
}
