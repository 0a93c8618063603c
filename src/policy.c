/* Limits: defaults, the "+5%&+64KiB&<=500MB" grammar, and precedence of their sources. */
#include "memgate/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/num.h"

void mg_policy_defaults(mg_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->fail[MG_PEAK_BYTES] = (mg_limit){true, 1000, true, 64 * 1024, false, 0};
    p->fail[MG_TOTAL_BYTES] = (mg_limit){true, 200, true, 4096, false, 0};
    p->fail[MG_ALLOC_COUNT] = (mg_limit){true, 200, true, 16, false, 0};
    p->fail[MG_PEAK_RSS] = (mg_limit){true, 1000, true, 1024 * 1024, false, 0};
    p->improvement_bp = 500;
}

bool mg_limit_is_set(const mg_limit *l)
{
    return l->has_rel || l->has_abs || l->has_max;
}

static int parse_amount(const char *s, uint64_t *out, mg_error *err)
{
    return mg_parse_size(s, out, err);
}

static bool is_none(const char *t, size_t n)
{
    return (n == 4 && !memcmp(t, "none", 4)) || (n == 3 && !memcmp(t, "off", 3));
}

static int parse_term(const char *t, mg_limit *l, mg_error *err)
{
    size_t n = strlen(t);
    if (is_none(t, n)) {
        memset(l, 0, sizeof(*l));
        return 0;
    }
    if (t[0] == '+' && n > 1 && t[n - 1] == '%') {
        l->has_rel = true;
        return mg_parse_percent(t + 1, &l->rel_bp, err);
    }
    if (t[0] == '+') {
        l->has_abs = true;
        return parse_amount(t + 1, &l->abs, err);
    }
    if (!strncmp(t, "<=", 2) || !strncmp(t, "max=", 4) || !strncmp(t, "max:", 4)) {
        l->has_max = true;
        return parse_amount(t + (t[0] == '<' ? 2 : 4), &l->max, err);
    }
    if (n > 0 && t[n - 1] == '%') {
        l->has_rel = true;
        return mg_parse_percent(t, &l->rel_bp, err);
    }
    return mg_error_set(err, MG_E_USAGE,
                        "cannot read limit term '%s': expected +N%%, +SIZE or <=SIZE", t);
}

int mg_limit_parse(const char *spec, mg_limit *out, mg_error *err)
{
    char buf[256];
    char *term, *next;
    mg_limit l;

    memset(&l, 0, sizeof(l));
    if (!spec || !*spec || strlen(spec) >= sizeof(buf))
        return mg_error_set(err, MG_E_USAGE, "empty or overlong limit");
    snprintf(buf, sizeof(buf), "%s", spec);
    for (term = buf; term; term = next) {
        char *amp = strchr(term, '&');
        next = amp ? amp + 1 : NULL;
        if (amp)
            *amp = '\0';
        while (*term == ' ')
            term++;
        for (char *e = term + strlen(term); e > term && e[-1] == ' ';)
            *--e = '\0';
        if (parse_term(term, &l, err) < 0) {
            mg_error_prefix(err, "limit '%s'", spec);
            return -err->code;
        }
    }
    *out = l;
    return 0;
}

void mg_limit_merge(mg_limit *dst, const mg_limit *src, bool clear)
{
    if (clear)
        memset(dst, 0, sizeof(*dst));
    if (src->has_rel || src->has_abs) {
        dst->has_rel = src->has_rel;
        dst->rel_bp = src->rel_bp;
        dst->has_abs = src->has_abs;
        dst->abs = src->abs;
    }
    if (src->has_max) {
        dst->has_max = true;
        dst->max = src->max;
    }
}

/* Does one of the '&'-separated terms say "none" (or "off"): start from no limit at all? */
static bool clears(const char *spec)
{
    const char *t = spec;
    for (;;) {
        size_t n;
        while (*t == ' ')
            t++;
        n = strcspn(t, "&");
        while (n > 0 && t[n - 1] == ' ')
            n--;
        if (is_none(t, n))
            return true;
        if (!(t = strchr(t, '&')))
            return false;
        t++;
    }
}

int mg_policy_apply(mg_policy *p, const char *assignment, bool warn, enum mg_limit_source src,
                    mg_error *err)
{
    const char *eq = strchr(assignment, '=');
    char name[64];
    enum mg_metric m;
    mg_limit l;

    if (!eq || eq == assignment || (size_t)(eq - assignment) >= sizeof(name))
        return mg_error_set(err, MG_E_USAGE, "expected METRIC=LIMIT, found '%s'", assignment);
    memcpy(name, assignment, (size_t)(eq - assignment));
    name[eq - assignment] = '\0';
    if (!mg_metric_from_name(name, &m))
        return mg_error_set(err, MG_E_USAGE,
                            "unknown metric '%s' (use peak, total, count, rss, runtime, end, "
                            "peak-blocks, end-blocks or a canonical name)",
                            name);
    if (mg_limit_parse(eq + 1, &l, err) < 0)
        return -err->code;
    mg_limit_merge(warn ? &p->warn[m] : &p->fail[m], &l, clears(eq + 1));
    if (warn)
        p->warn_src[m] = src;
    else
        p->fail_src[m] = src;
    return 0;
}

static void amount(uint64_t v, enum mg_metric m, char *out, size_t size)
{
    if (mg_metric_is_bytes(m))
        mg_format_size(v, out, size);
    else
        mg_format_count(v, out, size);
}

void mg_limit_format(const mg_limit *l, enum mg_metric m, char *out, size_t size)
{
    char a[32];
    size_t used = 0;

    out[0] = '\0';
    if (l->has_rel) {
        unsigned long long whole = l->rel_bp / 100, frac = l->rel_bp % 100;
        if (frac == 0)
            used += (size_t)snprintf(out, size, "+%llu%%", whole);
        else if (frac % 10 == 0)
            used += (size_t)snprintf(out, size, "+%llu.%llu%%", whole, frac / 10);
        else
            used += (size_t)snprintf(out, size, "+%llu.%02llu%%", whole, frac);
    }
    if (l->has_abs && used < size) {
        amount(l->abs, m, a, sizeof(a));
        used += (size_t)snprintf(out + used, size - used, "%s+%s", used ? " & " : "", a);
    }
    if (l->has_max && used < size) {
        amount(l->max, m, a, sizeof(a));
        used += (size_t)snprintf(out + used, size - used, "%s<=%s", used ? " & " : "", a);
    }
    if (!used)
        snprintf(out, size, "-");
}

const char *mg_limit_source_name(enum mg_limit_source s)
{
    switch (s) {
    case MG_SRC_DEFAULT:
        return "default";
    case MG_SRC_CONFIG:
        return ".pmat.yaml";
    case MG_SRC_ENV:
        return "MEMORY_THRESHOLD";
    case MG_SRC_FLAG:
        return "command line";
    }
    return "?";
}
