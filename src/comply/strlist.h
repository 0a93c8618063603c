/* Private: a growable list of owned strings (notes, manifests, paths, the report's text pool). */
#ifndef MEMGATE_COMPLY_STRLIST_H
#define MEMGATE_COMPLY_STRLIST_H

#include <stdarg.h>
#include <stddef.h>

#include "memgate/error.h"

typedef struct strlist {
    char **v; /* owned strings */
    size_t n, cap;
} strlist;

void strlist_init(strlist *l);
void strlist_release(strlist *l);

/* Take over s (freed on failure too). Returns s, or NULL with MG_E_NOMEM. */
char *strlist_take(strlist *l, char *s, mg_error *err);
/* Append a formatted copy; returns it (borrowed from the list) or NULL with MG_E_NOMEM. */
char *strlist_printf(strlist *l, mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with a va_list, for callers that format their own variadic arguments. */
char *strlist_vprintf(strlist *l, mg_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* true when an equal string is in the list */
int strlist_has(const strlist *l, const char *s);

#endif
