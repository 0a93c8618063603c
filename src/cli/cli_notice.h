/* Notices a command collects for its reports (mg_report_notice), in fixed storage. */
#ifndef MEMGATE_CLI_NOTICE_H
#define MEMGATE_CLI_NOTICE_H

#include <stddef.h>

#include "memgate/report.h"

#define CLI_NOTICES 8
#define CLI_NOTICE_LINES 16

struct cli_notices {
    mg_report_notice items[CLI_NOTICES];
    char title[CLI_NOTICES][200];
    char text[CLI_NOTICES][CLI_NOTICE_LINES][256];
    const char *lines[CLI_NOTICES][CLI_NOTICE_LINES];
    size_t n;
};

/*
 * Start a notice (kind is a static string); returns its index, or -1 when
 * all are in use (the notice is dropped: reports stay bounded).
 */
int cli_notice_add(struct cli_notices *n, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add a line to notice i (ignored when i < 0 or the notice is full). */
void cli_notice_line(struct cli_notices *n, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Is there a notice of this kind? */
int cli_notice_find(const struct cli_notices *n, const char *kind);

#endif
