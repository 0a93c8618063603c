/* Test support: run the built memgate binary and capture what it printed. */
#ifndef MEMGATE_TEST_RUN_H
#define MEMGATE_TEST_RUN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct mg_run {
    int status; /* exit status, or 128+signal */
    char *out;  /* captured stdout, NUL-terminated, owned */
    char *err;  /* captured stderr */
} mg_run;

/*
 * Run MEMGATE_BIN (behind $MEMGATE_WRAPPER when set) with argv (NULL-terminated, argv[0] not
 * included) in the current directory, with stdin from stdin_path (NULL = /dev/null). envp_extra
 * entries ("NAME=value", NULL-terminated, may be NULL) are added to a
 * cleaned environment (CI variables of the outer run are removed).
 */
mg_run mg_run_memgate(const char *const *argv, const char *const *envp_extra,
                      const char *stdin_path);
void mg_run_release(mg_run *r);

/* The same in two steps, for a test that acts while memgate runs (holds its lock, say). */
typedef struct mg_run_child {
    pid_t pid;
    int out_fd, err_fd; /* read ends of its stdout and stderr */
} mg_run_child;
mg_run_child mg_run_start(const char *const *argv, const char *const *envp_extra,
                          const char *stdin_path);
/* Read what it prints until it exits, and reap it. */
mg_run mg_run_finish(mg_run_child *c);
/*
 * Set MEMGATE_WRAPPER (e.g. "valgrind --error-exitcode=99 --log-file=...") to
 * run every invocation under that command; ci/memcheck.sh does. Nonzero when set.
 */
int mg_run_wrapped(void);

/* Path of a file under testdata/ (static buffer, valid for the next MG_TESTDATA_PATHS - 1 calls).
 */
#define MG_TESTDATA_PATHS 8
const char *mg_testdata(const char *rel);
/* Make a fresh temporary directory; returns a malloc'd path. */
char *mg_tempdir(void);
/* A path for LD_PRELOAD that names `lib`: ld.so splits LD_PRELOAD at spaces and colons, so
   a library in a checkout whose path holds one is reached through a link in a temporary
   directory. Static buffer; NULL if the link cannot be made. */
const char *mg_preload_path(const char *lib);
/* Remove a directory mg_tempdir made, with all it holds, and free its path; NULL is a no-op. */
void mg_remove_tempdir(char *dir);
/* Read a whole file into a malloc'd NUL-terminated string (NULL if unreadable). */
char *mg_slurp(const char *path, size_t *len);
/* Write a string to a file; returns 0 on success. */
int mg_spit(const char *path, const char *text);

#endif
