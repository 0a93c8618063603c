/* XML escaping shared by the JUnit and SVG writers. */
#include "report_xml.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static int one(mg_buf *b, char c, mg_error *err)
{
    switch (c) {
    case '&':
        return mg_buf_append(b, "&amp;", 5, err);
    case '<':
        return mg_buf_append(b, "&lt;", 4, err);
    case '>':
        return mg_buf_append(b, "&gt;", 4, err);
    case '"':
        return mg_buf_append(b, "&quot;", 6, err);
    case '\'':
        return mg_buf_append(b, "&apos;", 6, err);
    }
    if ((unsigned char)c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        c = '?'; /* not allowed anywhere in XML 1.0 */
    return mg_buf_append(b, &c, 1, err);
}

int rep_xml(mg_buf *b, const char *s, mg_error *err)
{
    char *clean = NULL;
    const char *p;
    int rc = 0;
    if (!mg_utf8_valid(s, strlen(s))) {
        if (!(clean = mg_utf8_sanitize(s, strlen(s))))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        s = clean;
    }
    for (p = s; rc == 0 && *p; p++)
        rc = one(b, *p, err);
    free(clean);
    return rc;
}
