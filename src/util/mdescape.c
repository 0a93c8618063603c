/*
 * Escaping untrusted text (function names, reasons, accept sources, notices)
 * for Markdown and HTML: the one place report/ and ci/ both use, so a fix to
 * what GitHub or GitLab act on reaches every report.
 */
#include "mdescape.h"

#include <string.h>
#include <strings.h>

#include "utf8.h"

int mg_md_code(mg_buf *out, const char *s, size_t max_bytes, bool in_table, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = mg_buf_append(out, "`", 1, err);

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        char c = s[i];
        if (c == '`')
            rc = mg_buf_append(out, "'", 1, err);
        else if (c == '|' && in_table)
            rc = mg_buf_append(out, "\\|", 2, err);
        else if ((unsigned char)c < 0x20 || c == 0x7f)
            rc = mg_buf_append(out, " ", 1, err);
        else
            rc = mg_buf_append(out, &c, 1, err);
    }
    if (rc == 0 && keep < len)
        rc = mg_buf_append(out, "...", 3, err);
    if (rc == 0)
        rc = mg_buf_append(out, "`", 1, err);
    return rc;
}

/* U+200B ZERO WIDTH SPACE: invisible, and no autolink or @mention runs across it. */
#define ZWSP "\xE2\x80\x8B"

/*
 * Whether a zero-width space goes before s[i]: after '@' (a mention, a mail
 * address) and '#' (an issue link), inside "://" (http://, https://, ftp://) and
 * between "www" and '.': GitHub and GitLab link and notify on those even in text
 * that Markdown escapes or HTML entities spell out.
 */
static bool needs_break(const char *s, size_t i)
{
    if (i == 0)
        return false;
    if (s[i - 1] == '@' || s[i - 1] == '#')
        return true;
    if (s[i - 1] == ':' && s[i] == '/')
        return true;
    return s[i] == '.' && i >= 3 && strncasecmp(s + i - 3, "www", 3) == 0;
}

int mg_md_text(mg_buf *out, const char *s, size_t max_bytes, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        if (needs_break(s, i))
            rc = mg_buf_append(out, ZWSP, 3, err);
        if (rc == 0 && strchr("\\`*_[]<>|#@!~&$", s[i]))
            rc = mg_buf_append(out, "\\", 1, err);
        if (rc == 0)
            rc = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? mg_buf_append(out, " ", 1, err)
                                                              : mg_buf_append(out, s + i, 1, err);
    }
    if (rc == 0 && keep < len)
        rc = mg_buf_append(out, "...", 3, err);
    return rc;
}

int mg_md_html(mg_buf *out, const char *s, size_t max_bytes, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        if (needs_break(s, i) && mg_buf_append(out, ZWSP, 3, err) < 0)
            return -MG_E_NOMEM;
        switch (s[i]) {
        case '&':
            rc = mg_buf_append(out, "&amp;", 5, err);
            break;
        case '<':
            rc = mg_buf_append(out, "&lt;", 4, err);
            break;
        case '>':
            rc = mg_buf_append(out, "&gt;", 4, err);
            break;
        case '"':
            rc = mg_buf_append(out, "&quot;", 6, err);
            break;
        case '\'':
            rc = mg_buf_append(out, "&#39;", 5, err);
            break;
        /* '@' would mention a user, '#' link an issue: an entity, then a zero-width space */
        case '@':
            rc = mg_buf_append(out, "&#64;", 5, err);
            break;
        case '#':
            rc = mg_buf_append(out, "&#35;", 5, err);
            break;
        default:
            rc = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? mg_buf_append(out, " ", 1, err)
                                                              : mg_buf_append(out, s + i, 1, err);
        }
    }
    return rc;
}
