/* UTF-8 validation and repair, so reports and JSON output never carry invalid sequences. */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t mg_utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len, i;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07u;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    /* overlong forms, surrogates and code points past U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool mg_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    while (i < len) {
        if (!(k = mg_utf8_seq_len(p + i, len - i)))
            return false;
        i += k;
    }
    return true;
}

/* A C0 or C1 control character, or DEL, at the valid sequence p[0..k). */
static bool is_control(const unsigned char *p, size_t k)
{
    if (k == 1)
        return p[0] < 0x20 || p[0] == 0x7F;
    return k == 2 && p[0] == 0xC2 && p[1] < 0xA0; /* U+0080..U+009F */
}

static char *sanitize(const char *s, size_t len, bool display)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, k;
    char *out;

    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(len * 3 + 1); /* each bad byte becomes 3 bytes of U+FFFD */
    if (!out)
        return NULL;
    while (i < len) {
        k = mg_utf8_seq_len(p + i, len - i);
        if (k && !(k == 1 && p[i] == 0) && !(display && is_control(p + i, k))) {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += k ? k : 1; /* a control character is replaced whole, a bad byte alone */
        }
    }
    out[o] = '\0';
    return out;
}

char *mg_utf8_sanitize(const char *s, size_t len)
{
    return sanitize(s, len, false);
}

char *mg_utf8_sanitize_display(const char *s, size_t len)
{
    return sanitize(s, len, true);
}

size_t mg_utf8_prefix(const char *s, size_t len)
{
    size_t i = len, lead;
    unsigned char c;

    /* step back over continuation bytes to the lead byte of the last sequence */
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && len - i < 3)
        i--;
    if (i == 0)
        return 0;
    c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return len;
    lead = mg_utf8_lead_len(c);
    return (len - (i - 1) >= lead) ? len : i - 1;
}

void mg_utf8_fit(const char *s, size_t width, char *out, size_t size)
{
    size_t len = strlen(s), head, from;

    if (width < 9 || len <= width) {
        snprintf(out, size, "%s", s);
        return;
    }
    /* keep the head and the tail, "..." in between, on character boundaries */
    head = mg_utf8_prefix(s, (width - 3) / 2);
    from = len - (width - 3 - head);
    while (from < len && ((unsigned char)s[from] & 0xC0) == 0x80)
        from++;
    snprintf(out, size, "%.*s...%s", (int)head, s, s + from);
}

size_t mg_utf8_lead_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

size_t mg_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
