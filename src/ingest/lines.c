/* Line walking and digit scanning for the text formats (heaptrack_print, massif, time, ...). */
#include "ingest/lines.h"

#include <string.h>

#include "memgate/num.h"

void mg_lines_init(mg_lines *it, const char *data, size_t len)
{
    it->data = data;
    it->len = len;
    it->pos = 0;
    it->no = 0;
}

bool mg_lines_next(mg_lines *it, mg_line *out)
{
    const char *nl;
    size_t end;

    if (it->pos >= it->len)
        return false;
    nl = memchr(it->data + it->pos, '\n', it->len - it->pos);
    end = nl ? (size_t)(nl - it->data) : it->len;
    out->s = it->data + it->pos;
    out->len = end - it->pos;
    if (out->len && out->s[out->len - 1] == '\r')
        out->len--;
    out->no = ++it->no;
    it->pos = end + 1;
    return true;
}

bool mg_line_starts(const mg_line *l, const char *prefix)
{
    size_t k = strlen(prefix);
    return l->len >= k && memcmp(l->s, prefix, k) == 0;
}

const char *mg_line_find(const mg_line *l, const char *needle)
{
    return memmem(l->s, l->len, needle, strlen(needle));
}

unsigned long mg_line_col(const mg_line *l, const char *p)
{
    return (unsigned long)(p - l->s) + 1;
}

bool mg_text_has_line_start(const char *data, size_t len, const char *prefix)
{
    mg_lines it;
    mg_line l;
    mg_lines_init(&it, data, len);
    while (mg_lines_next(&it, &l))
        if (mg_line_starts(&l, prefix))
            return true;
    return false;
}

static bool scan_base(const char *s, size_t n, unsigned base, bool commas, size_t *used,
                      uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0, digits = 0;

    for (; i < n; i++) {
        unsigned d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else if (commas && c == ',' && digits && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
            continue;
        else
            break;
        if (!mg_u64_mul(v, base, &v) || !mg_u64_add(v, d, &v))
            return false;
        digits++;
    }
    *used = digits ? i : 0;
    *out = v;
    return true;
}

bool mg_scan_u64(const char *s, size_t n, size_t *used, uint64_t *out)
{
    return scan_base(s, n, 10, false, used, out);
}

bool mg_scan_grouped_u64(const char *s, size_t n, size_t *used, uint64_t *out)
{
    return scan_base(s, n, 10, true, used, out);
}

bool mg_scan_hex_u64(const char *s, size_t n, size_t *used, uint64_t *out)
{
    return scan_base(s, n, 16, false, used, out);
}

bool mg_scan_decimal_scaled(const char *s, size_t n, unsigned scale, size_t *used, uint64_t *out)
{
    uint64_t ip, v;
    size_t k, i;
    unsigned f = 0;

    if (!mg_scan_u64(s, n, &k, &ip) || k == 0)
        return false;
    v = ip;
    i = k;
    if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (f < scale) {
                if (!mg_u64_mul(v, 10, &v) || !mg_u64_add(v, (uint64_t)(s[i] - '0'), &v))
                    return false;
                f++;
            }
        }
    }
    for (; f < scale; f++)
        if (!mg_u64_mul(v, 10, &v))
            return false;
    *used = i;
    *out = v;
    return true;
}
