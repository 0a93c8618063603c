/* Checked arithmetic and bounded number parsing; the only place numbers are read from text. */
#include "memgate/num.h"

#include <stdio.h>
#include <string.h>

bool mg_u64_add(uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool mg_u64_mul(uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

static int digit_value(char c, unsigned base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_base(const char *str, unsigned base, uint64_t max, uint64_t *out, mg_error *err)
{
    uint64_t v = 0;
    const char *p = str;

    if (!str || !*str)
        return mg_error_set(err, MG_E_INPUT, "expected a number, found nothing");
    for (; *p; p++) {
        int d = digit_value(*p, base);
        if (d < 0)
            return mg_error_set(err, MG_E_INPUT, "expected %s digit, found '%c'",
                                base == 16 ? "a hexadecimal" : "a decimal", *p);
        if (!mg_u64_mul(v, base, &v) || !mg_u64_add(v, (uint64_t)d, &v) || v > max)
            return mg_error_set(err, MG_E_OVERFLOW, "number '%.40s' is too large (maximum %llu)",
                                str, (unsigned long long)max);
    }
    *out = v;
    return 0;
}

int mg_parse_u64(const char *str, uint64_t max, uint64_t *out, mg_error *err)
{
    return parse_base(str, 10, max, out, err);
}

int mg_parse_hex_u64(const char *str, uint64_t max, uint64_t *out, mg_error *err)
{
    return parse_base(str, 16, max, out, err);
}

int mg_parse_grouped_u64(const char *s, size_t len, uint64_t *out, mg_error *err)
{
    uint64_t v = 0;
    size_t i, group = 0;
    bool grouped = memchr(s, ',', len) != NULL;

    if (len == 0 || s[0] == ',' || s[len - 1] == ',')
        return mg_error_set(err, MG_E_INPUT, "expected a number");
    for (i = 0; i < len; i++) {
        if (s[i] == ',') {
            /* the first group has 1-3 digits, every later one exactly 3 */
            if ((i != group && group != 3) || (group == 0))
                return mg_error_set(err, MG_E_INPUT, "misplaced thousands separator in '%.*s'",
                                    (int)len, s);
            group = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return mg_error_set(err, MG_E_INPUT, "expected a digit, found '%c'", s[i]);
        if (!mg_u64_mul(v, 10, &v) || !mg_u64_add(v, (uint64_t)(s[i] - '0'), &v))
            return mg_error_set(err, MG_E_OVERFLOW, "number '%.*s' does not fit in 64 bits",
                                (int)(len > 40 ? 40 : len), s);
        group++;
        if (grouped && group > 3)
            return mg_error_set(err, MG_E_INPUT, "misplaced thousands separator in '%.*s'",
                                (int)len, s);
    }
    if (grouped && group != 3)
        return mg_error_set(err, MG_E_INPUT, "misplaced thousands separator in '%.*s'", (int)len,
                            s);
    *out = v;
    return 0;
}

/*
 * Split "12.34" into integer part and up to `scale_digits` decimals scaled by 10^scale_digits.
 * Only sizes and percentages from flags, .pmat.yaml and the environment come here, so every
 * failure, overflow included, is a usage error (exit 2), not bad profile input (exit 3).
 */
static int parse_decimal(const char **pp, unsigned scale_digits, uint64_t *out, mg_error *err)
{
    const char *p = *pp;
    uint64_t v = 0;
    unsigned frac = 0;
    bool any = false;

    for (; *p >= '0' && *p <= '9'; p++, any = true)
        if (!mg_u64_mul(v, 10, &v) || !mg_u64_add(v, (uint64_t)(*p - '0'), &v))
            return mg_error_set(err, MG_E_USAGE, "number too large");
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++, any = true) {
            if (frac == scale_digits)
                return mg_error_set(err, MG_E_USAGE, "too many decimals (at most %u)",
                                    scale_digits);
            if (!mg_u64_mul(v, 10, &v) || !mg_u64_add(v, (uint64_t)(*p - '0'), &v))
                return mg_error_set(err, MG_E_USAGE, "number too large");
            frac++;
        }
    }
    if (!any)
        return mg_error_set(err, MG_E_USAGE, "expected a number");
    for (; frac < scale_digits; frac++)
        if (!mg_u64_mul(v, 10, &v))
            return mg_error_set(err, MG_E_USAGE, "number too large");
    *pp = p;
    *out = v;
    return 0;
}

struct unit {
    const char *name;
    uint64_t factor;
};

static const struct unit size_units[] = {
    {"", 1},
    {"B", 1},
    {"K", 1000ULL},
    {"KB", 1000ULL},
    {"M", 1000000ULL},
    {"MB", 1000000ULL},
    {"G", 1000000000ULL},
    {"GB", 1000000000ULL},
    {"T", 1000000000000ULL},
    {"TB", 1000000000000ULL},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
};

static bool unit_equal(const char *a, const char *b)
{
    /* unit letters compare case-insensitively except the 'i' of binary units */
    size_t i;
    for (i = 0; a[i] && b[i]; i++) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z' && x != 'i')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z' && y != 'i')
            y = (char)(y - 'a' + 'A');
        if (x != y)
            return false;
    }
    return a[i] == b[i];
}

int mg_parse_size(const char *str, uint64_t *out, mg_error *err)
{
    const char *p = str;
    uint64_t scaled = 0, whole; /* = 0: gcc -O3 cannot see parse_decimal sets it */
    size_t i;

    if (!str || !*str)
        return mg_error_set(err, MG_E_USAGE, "expected a size such as 64KiB or 500MB");
    if (parse_decimal(&p, 3, &scaled, err) < 0) {
        mg_error_prefix(err, "size '%.40s'", str);
        return -err->code;
    }
    while (*p == ' ')
        p++;
    for (i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
        if (!unit_equal(p, size_units[i].name))
            continue;
        if (!mg_u64_mul(scaled, size_units[i].factor, &whole))
            return mg_error_set(err, MG_E_USAGE, "size '%.40s' is too large", str);
        *out = whole / 1000;
        return 0;
    }
    return mg_error_set(err, MG_E_USAGE,
                        "size '%.40s' has an unknown unit (use B, KB, MB, GB, KiB, MiB or GiB)",
                        str);
}

int mg_parse_percent(const char *str, uint64_t *out_bp, mg_error *err)
{
    const char *p = str;
    uint64_t bp = 0; /* = 0: gcc -O3 cannot see parse_decimal sets it */

    if (!str || !*str)
        return mg_error_set(err, MG_E_USAGE, "expected a percentage such as 5%%");
    if (parse_decimal(&p, 2, &bp, err) < 0) {
        mg_error_prefix(err, "percentage '%.40s'", str);
        return -err->code;
    }
    if (*p == '%')
        p++;
    if (*p)
        return mg_error_set(err, MG_E_USAGE, "percentage '%.40s' has trailing characters", str);
    *out_bp = bp;
    return 0;
}

void mg_format_size(uint64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)bytes;
    unsigned u = 0;

    if (bytes < 1024) {
        snprintf(out, size, "%llu B", (unsigned long long)bytes);
        return;
    }
    while (v >= 1024.0 && u < 6) {
        v /= 1024.0;
        u++;
    }
    /*
     * Choose the precision by the value as it will be rounded, so 1048575 B
     * (1023.999 KiB) prints "1.00 MiB", not "1024 KiB", and 9.999 KiB "10.0 KiB".
     */
    if (v >= 1023.5 && u < 6) {
        v /= 1024.0;
        u++;
    }
    if (v >= 99.95)
        snprintf(out, size, "%.0f %s", v, units[u]);
    else if (v >= 9.995)
        snprintf(out, size, "%.1f %s", v, units[u]);
    else
        snprintf(out, size, "%.2f %s", v, units[u]);
}

void mg_format_count(uint64_t n, char *out, size_t size)
{
    char digits[32];
    char grouped[48];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    int i, j = 0;

    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[j++] = ',';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    snprintf(out, size, "%s", grouped);
}
