/* Line reader over "head bytes, then a FILE": used by parsers of huge line-oriented inputs. */
#include "ingest/linereader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 16 };

void mg_linereader_init(mg_linereader *r, const char *head, size_t head_len, FILE *f,
                        size_t max_line)
{
    memset(r, 0, sizeof(*r));
    r->head = head;
    r->head_len = head_len;
    r->f = f;
    r->max_line = max_line;
}

void mg_linereader_release(mg_linereader *r)
{
    free(r->buf);
    free(r->line);
    r->buf = r->line = NULL;
}

/* Next window of input: returns its bytes via p and n; 0 at the end. */
static int window(mg_linereader *r, const char **p, size_t *n, const char *source, mg_error *err)
{
    if (r->head_pos < r->head_len) {
        *p = r->head + r->head_pos;
        *n = r->head_len - r->head_pos;
        return 1;
    }
    if (!r->f)
        return 0;
    if (r->buf_pos < r->buf_len) {
        *p = r->buf + r->buf_pos;
        *n = r->buf_len - r->buf_pos;
        return 1;
    }
    if (!r->buf && !(r->buf = malloc(CHUNK)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    r->buf_pos = 0;
    r->buf_len = fread(r->buf, 1, CHUNK, r->f);
    if (r->buf_len == 0) {
        if (ferror(r->f))
            return mg_error_set_at(err, MG_E_INPUT, source, r->no + 1, 0, "read error: %s",
                                   strerror(errno));
        return 0;
    }
    *p = r->buf;
    *n = r->buf_len;
    return 1;
}

static void advance(mg_linereader *r, size_t k)
{
    if (r->head_pos < r->head_len)
        r->head_pos += k;
    else
        r->buf_pos += k;
}

static int append(mg_linereader *r, const char *p, size_t k, const char *source, mg_error *err)
{
    if (r->line_len + k + 1 > r->max_line)
        return mg_error_set_at(err, MG_E_INPUT, source, r->no + 1, 0,
                               "line is longer than %zu bytes", r->max_line);
    if (r->line_len + k + 1 > r->line_cap) {
        size_t cap = r->line_cap ? r->line_cap : 256;
        char *nl;
        while (cap < r->line_len + k + 1)
            cap *= 2;
        if (!(nl = realloc(r->line, cap)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        r->line = nl;
        r->line_cap = cap;
    }
    memcpy(r->line + r->line_len, p, k);
    r->line_len += k;
    r->line[r->line_len] = '\0';
    return 0;
}

int mg_linereader_next(mg_linereader *r, const char *source, mg_error *err)
{
    const char *p = NULL;
    size_t n = 0;
    int rc;
    bool any = false;

    if (r->eof)
        return 0;
    r->line_len = 0;
    if ((rc = append(r, "", 0, source, err)) < 0)
        return rc;
    while ((rc = window(r, &p, &n, source, err)) > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) : n;
        any = true;
        if ((rc = append(r, p, k, source, err)) < 0)
            return rc;
        advance(r, nl ? k + 1 : k);
        if (nl)
            break;
    }
    if (rc < 0)
        return rc;
    if (rc == 0 && !any) {
        r->eof = true;
        return 0;
    }
    if (r->line_len && r->line[r->line_len - 1] == '\r')
        r->line[--r->line_len] = '\0';
    r->no++;
    return 1;
}
