/* Private: read lines from bytes already in memory, then from a FILE, with a line-length cap. */
#ifndef MEMGATE_LINEREADER_H
#define MEMGATE_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "memgate/error.h"

typedef struct mg_linereader {
    const char *head; /* bytes to deliver first (not owned) */
    size_t head_len, head_pos;
    FILE *f;   /* then the rest of the input, or NULL */
    char *buf; /* chunk buffer for f */
    size_t buf_len, buf_pos;
    char *line; /* current line, NUL-terminated, without "\n" / "\r\n" */
    size_t line_len, line_cap;
    size_t max_line;
    unsigned long no;
    bool eof;
} mg_linereader;

void mg_linereader_init(mg_linereader *r, const char *head, size_t head_len, FILE *f,
                        size_t max_line);
void mg_linereader_release(mg_linereader *r);
/* 1 = a line in r->line, 0 = end of input, < 0 = error (too long, read error, no memory). */
int mg_linereader_next(mg_linereader *r, const char *source, mg_error *err);

#endif
