/* Axis arithmetic shared by every chart memgate draws. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Bytes in binary units, runtime in seconds (or ms/µs), counts as they are. */
static void pick_unit(mg_axis *a, enum mg_metric m, uint64_t max)
{
    static const char *const bytes[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    a->unit = 1;
    a->unit_name = "";
    if (mg_metric_is_bytes(m)) {
        unsigned i = 0;
        while (i < 4 && (double)max >= a->unit * 1024.0) {
            a->unit *= 1024.0;
            i++;
        }
        a->unit_name = bytes[i];
    } else if (m == MG_RUNTIME_US) {
        a->unit = max >= 1000000 ? 1e6 : max >= 1000 ? 1e3 : 1;
        a->unit_name = max >= 1000000 ? "s" : max >= 1000 ? "ms" : "\xC2\xB5s";
    }
}

void mg_axis_nice(mg_axis *a, enum mg_metric m, uint64_t max)
{
    double span, raw, mag, norm;
    pick_unit(a, m, max);
    span = (double)max / a->unit;
    /* about five ticks: the largest of 1, 2, 5 x 10^n that keeps at least four */
    raw = span > 0 ? span / 5.0 : 1.0;
    mag = pow(10.0, floor(log10(raw)));
    norm = raw / mag;
    a->step = (norm <= 1.0 ? 1.0 : norm <= 2.0 ? 2.0 : norm <= 5.0 ? 5.0 : 10.0) * mag;
    if (a->unit_name[0] == '\0' && a->step < 1.0)
        a->step = 1.0; /* counts are whole */
    a->top = ceil(span / a->step - 1e-9) * a->step;
    if (a->top < a->step)
        a->top = a->step;
    a->decimals = a->step >= 1.0 ? 0 : (unsigned)ceil(-log10(a->step) - 1e-9);
}

double mg_axis_value(const mg_axis *a, uint64_t raw)
{
    return (double)raw / a->unit;
}

void mg_axis_label(const mg_axis *a, double v, char *out, size_t size)
{
    if (a->unit_name[0] == '\0') {
        /* a count with thousands separators */
        char digits[32], grouped[48];
        size_t n, i, j = 0;
        snprintf(digits, sizeof(digits), "%.0f", v);
        n = strlen(digits);
        for (i = 0; i < n && j + 2 < sizeof(grouped); i++) {
            if (i && (n - i) % 3 == 0)
                grouped[j++] = ',';
            grouped[j++] = digits[i];
        }
        grouped[j] = '\0';
        snprintf(out, size, "%s", grouped);
        return;
    }
    snprintf(out, size, "%.*f %s", (int)a->decimals, v, a->unit_name);
}

static bool safe_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '.' || c == '_' || c == ':';
}

/* "2026-12-01T..." -> "2026-12-01"; anything that is not a date -> "". */
static void iso_date(const char *at, char *out, size_t size)
{
    out[0] = '\0';
    if (!at || strlen(at) < 10 || at[4] != '-' || at[7] != '-')
        return;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (at[i] < '0' || at[i] > '9'))
            return;
    snprintf(out, size, "%.10s", at);
}

void mg_chart_x_label(const char *commit, const char *measured_at, size_t index, char *out,
                      size_t size)
{
    char date[12], sha[8];
    size_t n = 0;
    iso_date(measured_at, date, sizeof(date));
    for (; commit && commit[n] && n < 7 && safe_char(commit[n]); n++)
        sha[n] = commit[n];
    sha[n] = '\0';
    /* with a commit the month and day suffice; alone, the date names the entry in full */
    if (date[0] && sha[0])
        snprintf(out, size, "%s %s", date + 5, sha);
    else if (date[0] || sha[0])
        snprintf(out, size, "%s", date[0] ? date : sha);
    else
        snprintf(out, size, "#%zu", index + 1);
}
