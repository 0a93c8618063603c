/* Spawns the memgate binary with pipes for stdout/stderr and a scrubbed environment. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const scrubbed_prefixes[] = {
    "GITHUB_",   "GITLAB_",   "CI_",        "CI=",          "MEMGATE_",   "MEMORY_THRESHOLD",
    "RUNNER_",   "NO_COLOR",  "http_proxy", "https_proxy",  "HTTP_PROXY", "HTTPS_PROXY",
    "ALL_PROXY", "all_proxy", "ImageOS",    "ImageVersion", NULL};

static int scrubbed(const char *kv)
{
    for (const char *const *p = scrubbed_prefixes; *p; p++)
        if (strncmp(kv, *p, strlen(*p)) == 0)
            return 1;
    return 0;
}

static char **build_env(const char *const *extra)
{
    size_t n = 0, m = 0, i;
    char **env;
    for (i = 0; environ[i]; i++)
        n++;
    for (i = 0; extra && extra[i]; i++)
        m++;
    env = calloc(n + m + 2, sizeof(*env));
    n = 0;
    for (i = 0; environ[i]; i++)
        if (!scrubbed(environ[i]))
            env[n++] = environ[i];
    env[n++] = "NO_COLOR=1";
    for (i = 0; extra && extra[i]; i++)
        env[n++] = (char *)extra[i];
    env[n] = NULL;
    return env;
}

static void drain(int fd, char **buf, size_t *len, size_t *cap, int *open_)
{
    char chunk[8192];
    ssize_t r = read(fd, chunk, sizeof(chunk));
    if (r <= 0) {
        *open_ = 0;
        return;
    }
    if (*len + (size_t)r + 1 > *cap) {
        while (*len + (size_t)r + 1 > *cap)
            *cap = *cap ? *cap * 2 : 16384;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, chunk, (size_t)r);
    *len += (size_t)r;
    (*buf)[*len] = '\0';
}

/*
 * MEMGATE_WRAPPER="valgrind --error-exitcode=99 ..." runs every invocation
 * under that command (ci/memcheck.sh). Words are split on spaces; the array
 * and its one string buffer are malloc'd (free wrap[0], then wrap).
 */
static char **wrapper_words(size_t *n)
{
    const char *w = getenv("MEMGATE_WRAPPER");
    char *copy, *p, **words;
    size_t cap = 1;

    *n = 0;
    while (w && *w == ' ')
        w++;
    if (!w || !*w)
        return NULL;
    for (p = (char *)w; *p; p++)
        cap += *p == ' ';
    copy = strdup(w); /* starts with the first word: wrap[0] == copy */
    words = calloc(cap + 1, sizeof(*words));
    if (!copy || !words)
        abort();
    for (p = copy; *p;) {
        words[(*n)++] = p;
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            *p++ = '\0';
    }
    return words;
}

/* Whether the binary runs under a wrapper such as valgrind (tests of huge inputs skip then). */
int mg_run_wrapped(void)
{
    const char *w = getenv("MEMGATE_WRAPPER");
    return w && *w;
}

mg_run_child mg_run_start(const char *const *argv, const char *const *envp_extra,
                          const char *stdin_path)
{
    mg_run_child c;
    int outp[2], errp[2];
    posix_spawn_file_actions_t fa;
    size_t argc = 0, i;
    char **args, **env;
    char **wrap;
    size_t nwrap;

    while (argv[argc])
        argc++;
    wrap = wrapper_words(&nwrap);
    args = calloc(nwrap + argc + 2, sizeof(*args));
    for (i = 0; i < nwrap; i++)
        args[i] = wrap[i];
    args[nwrap] = (char *)MEMGATE_BIN;
    for (i = 0; i < argc; i++)
        args[nwrap + i + 1] = (char *)argv[i];
    env = build_env(envp_extra);
    if (pipe(outp) != 0 || pipe(errp) != 0)
        abort();
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, stdin_path ? stdin_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    posix_spawn_file_actions_addclose(&fa, outp[0]);
    posix_spawn_file_actions_addclose(&fa, errp[0]);
    if (posix_spawnp(&c.pid, args[0], &fa, NULL, args, env) != 0)
        abort();
    close(outp[1]);
    close(errp[1]);
    c.out_fd = outp[0];
    c.err_fd = errp[0];
    posix_spawn_file_actions_destroy(&fa);
    free(args);
    free(env);
    if (wrap)
        free(wrap[0]);
    free(wrap);
    return c;
}

mg_run mg_run_finish(mg_run_child *c)
{
    mg_run r = {-1, NULL, NULL};
    size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
    int oopen = 1, eopen = 1, st = 0;

    r.out = calloc(1, 1);
    r.err = calloc(1, 1);
    while (oopen || eopen) {
        struct pollfd pf[2] = {{c->out_fd, POLLIN, 0}, {c->err_fd, POLLIN, 0}};
        if (!oopen)
            pf[0].fd = -1;
        if (!eopen)
            pf[1].fd = -1;
        if (poll(pf, 2, -1) < 0 && errno != EINTR)
            break;
        if (oopen && (pf[0].revents & (POLLIN | POLLHUP)))
            drain(c->out_fd, &r.out, &olen, &ocap, &oopen);
        if (eopen && (pf[1].revents & (POLLIN | POLLHUP)))
            drain(c->err_fd, &r.err, &elen, &ecap, &eopen);
    }
    close(c->out_fd);
    close(c->err_fd);
    waitpid(c->pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

mg_run mg_run_memgate(const char *const *argv, const char *const *envp_extra,
                      const char *stdin_path)
{
    mg_run_child c = mg_run_start(argv, envp_extra, stdin_path);
    return mg_run_finish(&c);
}

void mg_run_release(mg_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *mg_testdata(const char *rel)
{
    /* a ring, so one argv can hold several paths */
    static char paths[MG_TESTDATA_PATHS][4096];
    static unsigned next;
    char *path = paths[next++ % MG_TESTDATA_PATHS];
    snprintf(path, sizeof(paths[0]), "%s/%s", TESTDATA_DIR, rel);
    return path;
}

/*
 * Directories made by mg_tempdir in this process, removed when it exits, so a suite run leaves
 * nothing in /tmp. Only the process that made them removes them (a forked child must not).
 */
#define TEMPDIRS_MAX 64
static char *tempdirs[TEMPDIRS_MAX];
static size_t n_tempdirs;
static pid_t tempdirs_owner;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path); /* best effort: keep going */
    return 0;
}

static void remove_tempdirs(void)
{
    size_t i;
    if (getpid() != tempdirs_owner)
        return;
    for (i = 0; i < n_tempdirs; i++)
        nftw(tempdirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *mg_tempdir(void)
{
    char tmpl[] = "/tmp/memgate-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d)
        return NULL;
    if (n_tempdirs == 0) {
        tempdirs_owner = getpid();
        atexit(remove_tempdirs);
    }
    if (n_tempdirs < TEMPDIRS_MAX && getpid() == tempdirs_owner)
        tempdirs[n_tempdirs++] = strdup(d);
    return strdup(d);
}

const char *mg_preload_path(const char *lib)
{
    static char link[4200], linked[4200];
    const char *base = strrchr(lib, '/');
    char *dir;
    if (!strpbrk(lib, " \t:"))
        return lib;
    if (link[0] && !strcmp(linked, lib) && access(link, F_OK) == 0)
        return link;
    snprintf(linked, sizeof(linked), "%s", lib);
    dir = mg_tempdir();
    if (!dir)
        return NULL;
    snprintf(link, sizeof(link), "%s/%s", dir, base ? base + 1 : lib);
    free(dir);
    return symlink(lib, link) == 0 ? link : NULL;
}

void mg_remove_tempdir(char *dir)
{
    if (!dir)
        return;
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
    free(dir);
}

char *mg_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, r;
    char chunk[65536];
    if (!f)
        return NULL;
    buf = malloc(1);
    while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (n + r + 1 > cap) {
            cap = (n + r + 1) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + n, chunk, r);
        n += r;
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

int mg_spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}
