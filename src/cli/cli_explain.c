/* check --explain: every limit in force and the source of each part, readable at 80 columns. */
#include <stdio.h>
#include <string.h>

#include "cli_policy.h"

#define SOURCE_COL 50

/*
 * "  LEVEL  LIMIT  SOURCE" under the metric's name (a label line when label is
 * not ""); the source moves to a line of its own when the row would pass 80
 * columns.
 */
static int line(mg_buf *b, const char *label, const char *level, const char *limit,
                const char *source, mg_error *err)
{
    char head[160];
    int rc = 0;
    if (label[0])
        rc = mg_buf_printf(b, err, "%s\n", label);
    snprintf(head, sizeof(head), "  %-6s %-24s", level, limit);
    if (rc == 0 && strlen(head) + 1 + strlen(source) <= 80)
        return mg_buf_printf(b, err, "%s %s\n", head, source);
    while (strlen(head) > 0 && head[strlen(head) - 1] == ' ')
        head[strlen(head) - 1] = '\0';
    return rc == 0 ? mg_buf_printf(b, err, "%s\n%*s%s\n", head, 10, "", source) : rc;
}

/* A setting: "NAME  VALUE  SOURCE" on one line when it fits. */
static int setting(mg_buf *b, const char *name, const char *value, const char *source,
                   mg_error *err)
{
    char head[160];
    snprintf(head, sizeof(head), "%-17s %-16s", name, value);
    if (!source[0])
        return mg_buf_printf(b, err, "%-17s %s\n", name, value);
    if (strlen(head) + 1 + strlen(source) <= 80)
        return mg_buf_printf(b, err, "%s %s\n", head, source);
    return mg_buf_printf(b, err, "%s %s\n%*s%s\n", name, value, 18, "", source);
}

static const char *who(const mg_origin *o)
{
    return o->where[0] ? o->where : mg_limit_source_name(o->src);
}

/* A level of a metric: one line when one source set it all, else increase and ceiling apart. */
static int level_lines(mg_buf *b, const mg_policy *p, enum mg_level lv, enum mg_metric m,
                       const char **label, mg_error *err)
{
    const mg_limit *l = mg_policy_limit(p, lv, m);
    const mg_origin *inc = &p->origin[lv][m][MG_PART_INCREASE];
    const mg_origin *cap = &p->origin[lv][m][MG_PART_CEILING];
    mg_limit only_inc = *l, only_cap = *l;
    char text[64];
    int rc;

    if (!mg_limit_is_set(l) && inc->src == MG_SRC_DEFAULT && cap->src == MG_SRC_DEFAULT)
        return 0; /* nothing here, and nobody said anything about it */
    bool increase = l->has_rel || l->has_abs || l->learn != MG_LEARN_NONE;
    if (!strcmp(who(inc), who(cap)) || !l->has_max || !increase) {
        mg_limit_format(l, m, text, sizeof(text));
        rc =
            line(b, *label, mg_level_name(lv), text, who(l->has_max && !increase ? cap : inc), err);
        *label = "";
        return rc;
    }
    only_inc.has_max = false;
    only_cap.has_rel = only_cap.has_abs = only_cap.has_learned = false;
    only_cap.learn = MG_LEARN_NONE;
    mg_limit_format(&only_inc, m, text, sizeof(text));
    rc = line(b, *label, mg_level_name(lv), text, who(inc), err);
    *label = "";
    mg_limit_format(&only_cap, m, text, sizeof(text));
    return rc == 0 ? line(b, "", "", text, who(cap), err) : rc;
}

static int metric_block(mg_buf *b, const mg_policy *p, enum mg_metric m, mg_error *err)
{
    const char *label = mg_metric_name(m);
    unsigned lv;
    int rc = 0;
    for (lv = 0; rc == 0 && lv < MG_LEVEL_COUNT; lv++)
        rc = level_lines(b, p, (enum mg_level)lv, m, &label, err);
    if (rc == 0 && label[0]) /* no level printed anything */
        rc = line(b, label, "-", "not gated", "(shown in reports only)", err);
    return rc;
}

static int settings(mg_buf *b, const mg_policy *p, const struct cli_setup *s, const char *anchor,
                    const char *anchor_from, mg_error *err)
{
    char pct[32];
    const char *src = mg_config_source(s->cfg);
    mg_limit as_limit = {.has_rel = true,
                         .rel_bp = p->improvement_bp,
                         .has_abs = false,
                         .abs = 0,
                         .has_max = false,
                         .max = 0};
    int rc;
    mg_limit_format(&as_limit, MG_PEAK_BYTES, pct, sizeof(pct));
    pct[0] = '-'; /* a drop, not an increase */
    rc = mg_buf_printf(b, err, "\n");
    if (rc == 0)
        rc = setting(b, "improvement hint", pct, who(&p->improvement_origin), err);
    if (rc == 0)
        rc = setting(b, "missing baseline", mg_missing_name(p->missing), who(&p->missing_origin),
                     err);
    if (rc == 0)
        rc = setting(b, "drift severity", p->drift_warn ? "warn" : "fail",
                     who(&p->drift_severity_origin), err);
    if (rc == 0)
        rc = setting(b, "drift anchor", anchor, anchor_from, err);
    if (rc == 0)
        rc = setting(b, "baseline", s->baseline, s->baseline_from, err);
    if (rc == 0)
        rc = setting(b, "history", s->history, s->history_from, err);
    if (rc == 0)
        rc = setting(b, "configuration", src ? src : "none", src ? "" : "(built-in defaults)", err);
    return rc;
}

int cli_explain(mg_buf *out, const mg_policy *p, const struct cli_setup *s, const char *anchor,
                const char *anchor_from, mg_error *err)
{
    unsigned m;
    int rc = mg_buf_printf(out, err,
                           "limits in force for workload %s; later sources win:\n"
                           "built-in default < .pmat.yaml < MEMORY_THRESHOLD < command line\n\n"
                           "metric\n  %-6s %-24s %s\n",
                           s->workload ? s->workload : "default", "level", "limit", "set by");
    for (m = 0; rc == 0 && m < MG_METRIC_COUNT; m++)
        rc = metric_block(out, p, (enum mg_metric)m, err);
    return rc == 0 ? settings(out, p, s, anchor, anchor_from, err) : rc;
}
