/* A growable list of owned strings. */
#include "comply/strlist.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strlist_init(strlist *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

void strlist_release(strlist *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    strlist_init(l);
}

char *strlist_take(strlist *l, char *s, mg_error *err)
{
    if (!s) {
        mg_error_set(err, MG_E_NOMEM, "out of memory");
        return NULL;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        char **nv = ncap <= SIZE_MAX / sizeof(*nv) ? realloc(l->v, ncap * sizeof(*nv)) : NULL;
        if (!nv) {
            free(s);
            mg_error_set(err, MG_E_NOMEM, "out of memory");
            return NULL;
        }
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n++] = s;
    return s;
}

char *strlist_vprintf(strlist *l, mg_error *err, const char *fmt, va_list ap)
{
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    return strlist_take(l, n < 0 ? NULL : s, err);
}

char *strlist_printf(strlist *l, mg_error *err, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = strlist_vprintf(l, err, fmt, ap);
    va_end(ap);
    return s;
}

int strlist_has(const strlist *l, const char *s)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}
