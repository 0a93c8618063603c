/* Limits learned from the history: the settings, the numbers behind each, and where they show. */
#include "cli_learn.h"

#include <stdio.h>
#include <string.h>

#include "memgate/num.h"

static int setting_number(const mg_config *cfg, const char *key, unsigned *out, mg_error *err)
{
    const char *where = NULL, *s = mg_config_string(cfg, key, NULL, &where);
    uint64_t v;
    if (!s)
        return 0;
    /* the configuration checked the range when it read the file */
    if (mg_parse_u64(s, MG_LEARN_WINDOW_MAX, &v, err) < 0)
        return -err->code;
    *out = (unsigned)v;
    return 0;
}

int cli_learn_settings(const mg_config *cfg, mg_learn_settings *s, mg_error *err)
{
    const char *fb;
    mg_learn_defaults(s);
    if (!cfg)
        return 0;
    if (setting_number(cfg, "learn.window", &s->window, err) < 0 ||
        setting_number(cfg, "learn.min_samples", &s->min_samples, err) < 0)
        return -err->code;
    fb = mg_config_string(cfg, "learn.fallback", NULL, NULL);
    if (fb) {
        if (mg_limit_parse(fb, &s->fallback, err) < 0)
            return -err->code;
        s->has_fallback = true;
    }
    return 0;
}

/* "606 KiB (620,835 B)" for bytes, "1,234" for counts. */
static void amount(enum mg_metric m, uint64_t v, char *out, size_t size)
{
    char human[32], exact[32];
    mg_metric_format(m, v, human, sizeof(human));
    mg_format_count(v, exact, sizeof(exact));
    if (mg_metric_is_bytes(m))
        snprintf(out, size, "%s (%s B)", human, exact);
    else
        snprintf(out, size, "%s", exact);
}

void cli_learn_describe(const mg_learned *l, char *out, size_t size)
{
    char rule[32], bound[64], fb[64];
    const char *level = mg_level_name(l->level);
    mg_learn_name(&l->rule, rule, sizeof(rule));
    if (l->fallback) {
        mg_limit_format(&l->fallback_limit, l->metric, fb, sizeof(fb));
        snprintf(out, size,
                 "%s %s %s: %zu sample%s in the history, fewer than min_samples %u: the "
                 "fallback %s",
                 mg_metric_name(l->metric), level, rule, l->n, l->n == 1 ? "" : "s", l->min_samples,
                 fb);
        return;
    }
    amount(l->metric, l->bound, bound, sizeof(bound));
    if (l->rule.learn == MG_LEARN_SIGMA)
        snprintf(out, size, "%s %s %s: %zu samples, mean %.1f, sd %.1f: %s above %s",
                 mg_metric_name(l->metric), level, rule, l->n, l->mean, l->sd, level, bound);
    else if (l->rule.learn == MG_LEARN_IQR)
        snprintf(out, size,
                 "%s %s iqr: %zu samples, q1 %.1f, median %.1f, q3 %.1f, iqr %.1f: %s "
                 "above %s",
                 mg_metric_name(l->metric), level, l->n, l->q1, l->median, l->q3, l->q3 - l->q1,
                 level, bound);
    else
        snprintf(out, size,
                 "%s %s auto: %zu samples, mean %.1f, sd %.1f, 3sigma %llu; q1 %.1f, q3 %.1f, iqr "
                 "%llu; the larger: %s above %s",
                 mg_metric_name(l->metric), level, l->n, l->mean, l->sd,
                 (unsigned long long)l->sigma_bound, l->q1, l->q3, (unsigned long long)l->iqr_bound,
                 level, bound);
}

int cli_learn_apply(struct cli_learned *l, mg_policy *p, const mg_config *cfg, const mg_history *h,
                    const char *workload, struct cli_notices *n, mg_error *err)
{
    char line[400];
    int at;
    memset(l, 0, sizeof(*l));
    if (cli_learn_settings(cfg, &l->settings, err) < 0)
        return -err->code;
    l->n = mg_learn_resolve(p, h, workload, &l->settings, l->items,
                            sizeof(l->items) / sizeof(l->items[0]));
    if (!l->n || !n)
        return 0;
    at = cli_notice_add(n, "learned",
                        "limits learned from the history (the newest %u entries of this workload)",
                        l->settings.window);
    for (size_t i = 0; i < l->n; i++) {
        cli_learn_describe(&l->items[i], line, sizeof(line));
        cli_notice_line(n, at, "%s", line);
    }
    return 0;
}

/* text at 80 columns: the first line indented by 2, the rest by 4, broken at spaces. */
static int wrapped(mg_buf *out, const char *text, mg_error *err)
{
    unsigned indent = 2;
    int rc = 0;
    while (rc == 0 && *text) {
        size_t room = 80 - indent, len = strlen(text), cut = len;
        if (len > room) {
            for (cut = room; cut > 0 && text[cut] != ' ';)
                cut--;
            if (cut == 0)
                cut = strcspn(text, " ");
        }
        rc = mg_buf_printf(out, err, "%*s%.*s\n", (int)indent, "", (int)cut, text);
        text += cut;
        while (*text == ' ')
            text++;
        indent = 4;
    }
    return rc;
}

int cli_learn_explain(mg_buf *out, const struct cli_learned *l, mg_error *err)
{
    char line[400];
    int rc;
    if (!l->n)
        return 0;
    rc = mg_buf_printf(out, err, "\nlearned from the history (window %u, min_samples %u):\n",
                       l->settings.window, l->settings.min_samples);
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        cli_learn_describe(&l->items[i], line, sizeof(line));
        rc = wrapped(out, line, err);
    }
    return rc;
}
