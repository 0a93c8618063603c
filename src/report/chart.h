/*
 * Private: the axis rules every chart follows (Mermaid in Markdown, the trend and HTML SVGs):
 * y from zero, ticks at 1, 2 or 5 x 10^n in the metric's display unit, x labels by date.
 */
#ifndef MEMGATE_REPORT_CHART_H
#define MEMGATE_REPORT_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "memgate/profile.h"

typedef struct mg_axis {
    double unit;           /* raw units per display unit: 1, 1024, 1048576, 1e6 (µs -> s), ... */
    const char *unit_name; /* "B", "KiB", "MiB", "GiB", "s", "ms", "µs", "" (counts) */
    double step;           /* tick distance in display units: 1, 2 or 5 x 10^n */
    double top;            /* the axis end in display units: a multiple of step, >= the max */
    unsigned decimals;     /* digits a tick label needs */
} mg_axis;

/* The axis for values 0..max (raw units) of metric m. */
void mg_axis_nice(mg_axis *a, enum mg_metric m, uint64_t max);

/* A tick label: "2.5 MiB", "200,000", "1.5 s". v is in display units. */
void mg_axis_label(const mg_axis *a, double v, char *out, size_t size);

/* A raw value in display units. */
double mg_axis_value(const mg_axis *a, uint64_t raw);

/*
 * The x label of a history entry: "12-01 aaaa111" (date and short commit), the
 * full date (2026-12-01) when there is no commit, the commit alone when there is no date,
 * "#N" (1-based) when neither. Only characters a quoted Mermaid label or SVG
 * text can hold are kept.
 */
void mg_chart_x_label(const char *commit, const char *measured_at, size_t index, char *out,
                      size_t size);

#endif
