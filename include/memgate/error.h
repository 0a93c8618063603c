/* memgate error value: one struct carried from where a failure happens back to main. */
#ifndef MEMGATE_ERROR_H
#define MEMGATE_ERROR_H

#include <stddef.h>

/*
 * Error codes. Functions return 0 on success or the negated code; the CLI maps
 * codes to exit statuses (see mg_error_exit_code).
 */
enum mg_code {
    MG_OK = 0,
    MG_E_USAGE = 1,    /* bad command line or configuration (exit 2) */
    MG_E_INPUT = 2,    /* unreadable or malformed profile/baseline (exit 3) */
    MG_E_OVERFLOW = 3, /* a number in the input does not fit (exit 3) */
    MG_E_IO = 4,       /* writing a report or the baseline failed (exit 4) */
    MG_E_NOMEM = 5,    /* out of memory (exit 4) */
    MG_E_POST = 6,     /* talking to the CI API failed (exit 5) */
    MG_E_REFUSED = 7,  /* an operation was refused by policy, e.g. unapproved update (exit 2) */
};

/*
 * Fixed-size buffers so that reporting "out of memory" needs no memory. source holds a whole
 * Linux path (PATH_MAX) and msg a message quoting one of a few hundred bytes: a checkout at a
 * long path must still be named in full. line/column are 1-based; 0 means "not known".
 */
typedef struct mg_error {
    enum mg_code code;
    char msg[1024];
    char source[4096];
    unsigned long line;
    unsigned long column;
} mg_error;

/* Room for mg_error_format's output of any error: source, position and message. */
#define MG_ERROR_TEXT_MAX (sizeof(((mg_error *)0)->source) + sizeof(((mg_error *)0)->msg) + 64)

/* Reset to "no error". */
void mg_error_init(mg_error *err);

/*
 * Record an error. A no-op when err is NULL or already holds an error: the
 * first error wins, so the root cause is what the user sees. Returns -code so
 * callers can write `return mg_error_set(...)`.
 */
int mg_error_set(mg_error *err, enum mg_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like mg_error_set, and also records where in which input it happened. */
int mg_error_set_at(mg_error *err, enum mg_code code, const char *source, unsigned long line,
                    unsigned long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Add context in front of an existing message ("reading baseline: ..."). */
void mg_error_prefix(mg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* memgate's exit statuses: `memgate --help` and the README's table list the same. */
enum mg_exit {
    MG_EXIT_OK = 0,          /* gate passed (warnings allowed), or the command succeeded */
    MG_EXIT_GATE_FAILED = 1, /* a metric regressed past its limit (comply: pieces missing) */
    MG_EXIT_USAGE = 2,       /* usage or configuration error, or an unapproved update */
    MG_EXIT_INPUT = 3,       /* unreadable or malformed input (profile or baseline) */
    MG_EXIT_IO = 4,          /* writing a report or the baseline failed (stdout included) */
    MG_EXIT_POST = 5,        /* posting to the CI API failed (only under --require-post) */
};

/* The exit status for an error code (MG_EXIT_OK when err is NULL or holds no error). */
int mg_error_exit_code(const mg_error *err);

/*
 * Render as one line: "cannot parse 'x.json' line 3 column 7: expected integer".
 * Writes at most size bytes including the NUL.
 */
void mg_error_format(const mg_error *err, char *out, size_t size);

#endif
