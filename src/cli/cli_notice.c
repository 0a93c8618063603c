/* Fixed-size notice storage: reports borrow it, so it lives in the command's run state. */
#include "cli_notice.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_notice_add(struct cli_notices *n, const char *kind, const char *fmt, ...)
{
    va_list ap;
    size_t i = n->n;
    if (i == CLI_NOTICES)
        return -1;
    va_start(ap, fmt);
    vsnprintf(n->title[i], sizeof(n->title[i]), fmt, ap);
    va_end(ap);
    n->items[i].kind = kind;
    n->items[i].title = n->title[i];
    n->items[i].lines = n->lines[i];
    n->items[i].n_lines = 0;
    n->n++;
    return (int)i;
}

void cli_notice_line(struct cli_notices *n, int i, const char *fmt, ...)
{
    va_list ap;
    mg_report_notice *it;
    if (i < 0 || (size_t)i >= n->n || n->items[i].n_lines == CLI_NOTICE_LINES)
        return;
    it = &n->items[i];
    va_start(ap, fmt);
    vsnprintf(n->text[i][it->n_lines], sizeof(n->text[i][0]), fmt, ap);
    va_end(ap);
    n->lines[i][it->n_lines] = n->text[i][it->n_lines];
    it->n_lines++;
}

int cli_notice_find(const struct cli_notices *n, const char *kind)
{
    size_t i;
    for (i = 0; i < n->n; i++)
        if (!strcmp(n->items[i].kind, kind))
            return (int)i;
    return -1;
}
