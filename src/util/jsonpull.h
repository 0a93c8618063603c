/* Private: a streaming JSON tokenizer that reads in chunks and knows line and column. */
#ifndef MEMGATE_JSONPULL_H
#define MEMGATE_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memgate/buf.h"
#include "memgate/error.h"

enum mg_jp_tok {
    MG_JP_EOF,
    MG_JP_OBJ_BEGIN,
    MG_JP_OBJ_END,
    MG_JP_ARR_BEGIN,
    MG_JP_ARR_END,
    MG_JP_COLON,
    MG_JP_COMMA,
    MG_JP_STRING, /* decoded text in jp->str (raw bytes >= 0x80 kept as they are) */
    MG_JP_NUMBER, /* literal text in jp->num */
    MG_JP_TRUE,
    MG_JP_FALSE,
    MG_JP_NULL,
};

/* Zero bytes after every stream window, so scanners may read ahead without bound checks. */
#define MG_JP_PAD 32

/* Hostile-input limits; each gives a clear error when exceeded. */
#define MG_JP_MAX_DEPTH 64
#define MG_JP_MAX_STRING ((size_t)1 << 20) /* one frame string: 1 MiB */

/*
 * The reader either streams from f (after first consuming `head`, bytes the
 * caller already read for format detection; head[head_len .. + MG_JP_PAD)
 * must be readable and zero) or walks a memory buffer (f NULL).
 */
typedef struct mg_jp {
    FILE *f;
    const char *src; /* current window: head, then chunk buffer */
    size_t len, pos;
    bool in_head, eof;
    char *chunk;
    size_t chunk_cap;
    uint64_t consumed;   /* bytes of input before the current window */
    uint64_t line;       /* 1-based line of the current position */
    uint64_t line_start; /* absolute offset of the first byte of that line */
    uint64_t tok_line, tok_col;
    uint64_t tok_off; /* absolute offset of the last token's first byte */
    const char *source;
    mg_buf str;
    char num[72];
    size_t num_len;
    unsigned depth;
    bool padded; /* src[len .. len + MG_JP_PAD) is readable and zero (stream modes) */
    int fd;      /* pread mode (fd >= 0 and f NULL): read the file from fd_off on */
    uint64_t fd_off;
} mg_jp;

void mg_jp_init_stream(mg_jp *jp, FILE *f, const char *head, size_t head_len, const char *source);
void mg_jp_init_mem(mg_jp *jp, const char *data, size_t len, const char *source);
void mg_jp_release(mg_jp *jp);
/* Read a seekable file with pread from offset on, without moving any FILE position. */
void mg_jp_init_pread(mg_jp *jp, int fd, uint64_t offset, const char *source);

/*
 * Make at least want bytes available at jp->src + jp->pos (fewer only at the
 * end of input) by moving the unread rest to the front of the chunk buffer
 * and reading more. Returns the bytes available, or a negative code.
 */
long mg_jp_ensure(mg_jp *jp, size_t want, mg_error *err);

/*
 * Continue at absolute offset off of a seekable stream (fseeko), which lies
 * lines newlines further on than the current position and whose line starts
 * at absolute offset line_start.
 */
int mg_jp_seek(mg_jp *jp, uint64_t off, uint64_t lines, uint64_t line_start, mg_error *err);

/* Absolute offset of the next unread byte. */
static inline uint64_t mg_jp_offset(const mg_jp *jp)
{
    return jp->consumed + jp->pos;
}

/* Next token. Syntax errors are MG_E_INPUT with source, line and column set. */
int mg_jp_next(mg_jp *jp, enum mg_jp_tok *tok, mg_error *err);

/* Expect a specific token; `what` completes "expected ...". */
int mg_jp_expect(mg_jp *jp, enum mg_jp_tok want, const char *what, mg_error *err);

/* Skip one whole value whose first token `first` was already read. */
int mg_jp_skip_value(mg_jp *jp, enum mg_jp_tok first, mg_error *err);

/*
 * Interpret the number token just read as a uint64_t: negative numbers,
 * fractions, exponents and values above 2^64-1 are errors naming `key`.
 */
int mg_jp_number_u64(mg_jp *jp, const char *key, uint64_t *out, mg_error *err);

/* Raise an error at the position of the last token. Returns the negative code. */
int mg_jp_error(mg_jp *jp, mg_error *err, enum mg_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Name of a token kind for messages ("'{'", "a string", "end of file"). */
const char *mg_jp_tok_name(enum mg_jp_tok tok);

#endif
