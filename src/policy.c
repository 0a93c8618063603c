/* Limits: defaults, the "+5%&+64KiB&<=500MB" grammar, and precedence of their sources. */
#include "memgate/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/num.h"

static void set_default(mg_policy *p, enum mg_level level, enum mg_metric m, mg_limit l)
{
    mg_policy_set(p, level, m, &l, true, MG_SRC_DEFAULT, "built-in default");
}

/* A default: relative AND absolute increase terms, no ceiling. */
static mg_limit increase(uint64_t bp, uint64_t abs)
{
    mg_limit l = {.has_rel = true, .rel_bp = bp, .has_abs = true, .abs = abs};
    return l;
}

void mg_policy_defaults(mg_policy *p)
{
    unsigned m, lv, part;

    memset(p, 0, sizeof(*p));
    for (lv = 0; lv < MG_LEVEL_COUNT; lv++)
        for (m = 0; m < MG_METRIC_COUNT; m++)
            for (part = 0; part < 2; part++)
                snprintf(p->origin[lv][m][part].where, sizeof(p->origin[lv][m][part].where),
                         "built-in default");
    /* exact for a deterministic run: tight */
    set_default(p, MG_LEVEL_FAIL, MG_TOTAL_BYTES, increase(200, 4096));
    set_default(p, MG_LEVEL_FAIL, MG_ALLOC_COUNT, increase(200, 16));
    /* moves with thread timing and allocator decisions: looser */
    set_default(p, MG_LEVEL_FAIL, MG_PEAK_BYTES, increase(1000, 64 * 1024));
    set_default(p, MG_LEVEL_FAIL, MG_PEAK_RSS, increase(1000, 1024 * 1024));
    /* the sum of many accepted steps, measured against the anchor */
    set_default(p, MG_LEVEL_DRIFT, MG_TOTAL_BYTES, increase(1000, 16384));
    set_default(p, MG_LEVEL_DRIFT, MG_ALLOC_COUNT, increase(1000, 64));
    set_default(p, MG_LEVEL_DRIFT, MG_PEAK_BYTES, increase(2500, 256 * 1024));
    set_default(p, MG_LEVEL_DRIFT, MG_PEAK_RSS, increase(2500, 4096 * 1024));
    p->improvement_bp = 500;
    p->missing = MG_MISSING_FAIL;
    snprintf(p->improvement_origin.where, sizeof(p->improvement_origin.where), "built-in default");
    snprintf(p->missing_origin.where, sizeof(p->missing_origin.where), "built-in default");
    snprintf(p->drift_severity_origin.where, sizeof(p->drift_severity_origin.where),
             "built-in default");
}

bool mg_limit_is_set(const mg_limit *l)
{
    return l->has_rel || l->has_abs || l->has_max || l->learn != MG_LEARN_NONE;
}

/* "3sigma", "2.5sigma", "iqr", "auto"; 1 when t is a learned term, 0 when not, <0 on error. */
static int parse_learned(const char *t, size_t n, mg_limit *l, mg_error *err)
{
    uint64_t x100;
    char num[32];
    if (n == 3 && !strcmp(t, "iqr")) {
        l->learn = MG_LEARN_IQR;
        return 1;
    }
    if (n == 4 && !strcmp(t, "auto")) {
        l->learn = MG_LEARN_AUTO;
        return 1;
    }
    if (n <= 5 || strcmp(t + n - 5, "sigma") != 0)
        return 0;
    if (n - 5 >= sizeof(num))
        return mg_error_set(err, MG_E_USAGE, "cannot read '%s': expected Nsigma such as 3sigma", t);
    memcpy(num, t, n - 5);
    num[n - 5] = '\0';
    /* a percentage reader gives hundredths: "2.5" -> 250 */
    if (mg_parse_percent(num, &x100, err) < 0 || x100 == 0 || x100 > 10000) {
        mg_error_init(err);
        return mg_error_set(err, MG_E_USAGE,
                            "cannot read '%s': expected Nsigma with N above 0 and at most 100 "
                            "(up to two decimals), such as 3sigma",
                            t);
    }
    l->learn = MG_LEARN_SIGMA;
    l->sigma_x100 = (uint32_t)x100;
    return 1;
}

static int parse_amount(const char *s, uint64_t *out, mg_error *err)
{
    return mg_parse_size(s, out, err);
}

static bool is_none(const char *t, size_t n);

static int parse_term(const char *t, mg_limit *l, mg_error *err)
{
    size_t n = strlen(t);
    int rc;
    if (is_none(t, n)) {
        memset(l, 0, sizeof(*l));
        return 0;
    }
    if ((rc = parse_learned(t, n, l, err)) != 0)
        return rc < 0 ? rc : 0;
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
    if (l.learn != MG_LEARN_NONE && (l.has_rel || l.has_abs))
        return mg_error_set(err, MG_E_USAGE,
                            "limit '%s': a learned term (Nsigma, iqr, auto) stands for the "
                            "increase terms; it combines only with a ceiling (<=SIZE)",
                            spec);
    *out = l;
    return 0;
}

void mg_limit_merge(mg_limit *dst, const mg_limit *src, bool clear)
{
    if (clear)
        memset(dst, 0, sizeof(*dst));
    if (src->has_rel || src->has_abs || src->learn != MG_LEARN_NONE) {
        dst->has_rel = src->has_rel;
        dst->rel_bp = src->rel_bp;
        dst->has_abs = src->has_abs;
        dst->abs = src->abs;
        dst->learn = src->learn;
        dst->sigma_x100 = src->sigma_x100;
        dst->has_learned = src->has_learned;
        dst->learned_max = src->learned_max;
    }
    if (src->has_max) {
        dst->has_max = true;
        dst->max = src->max;
    }
}

static bool is_none(const char *t, size_t n)
{
    return (n == 4 && !memcmp(t, "none", 4)) || (n == 3 && !memcmp(t, "off", 3));
}

bool mg_limit_spec_clears(const char *spec)
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

static void set_origin(mg_origin *o, enum mg_limit_source src, const char *where)
{
    o->src = src;
    snprintf(o->where, sizeof(o->where), "%s", where ? where : "");
}

static mg_limit *level_limit(mg_policy *p, enum mg_level level, enum mg_metric m)
{
    return level == MG_LEVEL_WARN    ? &p->warn[m]
           : level == MG_LEVEL_DRIFT ? &p->drift[m]
                                     : &p->fail[m];
}

const mg_limit *mg_policy_limit(const mg_policy *p, enum mg_level level, enum mg_metric m)
{
    return level == MG_LEVEL_WARN    ? &p->warn[m]
           : level == MG_LEVEL_DRIFT ? &p->drift[m]
                                     : &p->fail[m];
}

void mg_policy_set(mg_policy *p, enum mg_level level, enum mg_metric m, const mg_limit *l,
                   bool clear, enum mg_limit_source src, const char *where)
{
    mg_origin *o = p->origin[level][m];
    mg_limit_merge(level_limit(p, level, m), l, clear);
    if (clear || l->has_rel || l->has_abs || l->learn != MG_LEARN_NONE)
        set_origin(&o[MG_PART_INCREASE], src, where);
    if (clear || l->has_max)
        set_origin(&o[MG_PART_CEILING], src, where);
    if (level == MG_LEVEL_WARN)
        p->warn_src[m] = src;
    else if (level == MG_LEVEL_DRIFT)
        p->drift_src[m] = src;
    else
        p->fail_src[m] = src;
}

int mg_policy_apply(mg_policy *p, const char *assignment, bool warn, enum mg_limit_source src,
                    mg_error *err)
{
    const char *eq = strchr(assignment, '=');
    char name[64], where[128];
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
    snprintf(where, sizeof(where), "%s %s", warn ? "--warn" : "--limit", assignment);
    mg_policy_set(p, warn ? MG_LEVEL_WARN : MG_LEVEL_FAIL, m, &l, mg_limit_spec_clears(eq + 1), src,
                  where);
    return 0;
}

const char *mg_level_name(enum mg_level level)
{
    return level == MG_LEVEL_WARN ? "warn" : level == MG_LEVEL_DRIFT ? "drift" : "fail";
}

static const char *const missing_names[] = {"fail", "warn", "pass", "bootstrap"};

int mg_missing_parse(const char *s, enum mg_missing_baseline *out, mg_error *err)
{
    unsigned i;
    for (i = 0; i < 4; i++)
        if (!strcmp(s, missing_names[i])) {
            *out = (enum mg_missing_baseline)i;
            return 0;
        }
    return mg_error_set(err, MG_E_USAGE,
                        "unknown missing-baseline policy '%s' (use pass, warn, fail or bootstrap)",
                        s);
}

const char *mg_missing_name(enum mg_missing_baseline m)
{
    return (unsigned)m < 4 ? missing_names[m] : "?";
}

static void amount(uint64_t v, enum mg_metric m, char *out, size_t size)
{
    if (mg_metric_is_bytes(m))
        mg_format_size(v, out, size);
    else
        mg_format_count(v, out, size);
}

/*
 * A ceiling as its author evidently wrote it: the largest unit in which it is exactly a number
 * >= 1 of at most four significant digits (a ceiling is typed, not measured); else like any
 * amount.
 */
static void ceiling_amount(uint64_t v, enum mg_metric m, char *out, size_t size)
{
    static const struct {
        const char *name;
        uint64_t factor;
    } units[] = {{"TiB", 1ULL << 40},   {"TB", 1000000000000ULL}, {"GiB", 1ULL << 30},
                 {"GB", 1000000000ULL}, {"MiB", 1ULL << 20},      {"MB", 1000000ULL},
                 {"KiB", 1ULL << 10},   {"KB", 1000ULL}};
    size_t i;
    uint64_t milli;
    for (i = 0;
         mg_metric_is_bytes(m) && v < UINT64_MAX / 1000 && i < sizeof(units) / sizeof(units[0]);
         i++) {
        uint64_t digits;
        if (v < units[i].factor || (v * 1000) % units[i].factor != 0)
            continue;
        milli = v * 1000 / units[i].factor;
        for (digits = milli; digits % 10 == 0;)
            digits /= 10;
        if (digits >= 10000)
            continue; /* "123456.789 KB" was typed as bytes, not in KB */
        if (milli % 1000 == 0)
            snprintf(out, size, "%llu %s", (unsigned long long)(milli / 1000), units[i].name);
        else if (milli % 100 == 0)
            snprintf(out, size, "%llu.%llu %s", (unsigned long long)(milli / 1000),
                     (unsigned long long)(milli % 1000 / 100), units[i].name);
        else if (milli % 10 == 0)
            snprintf(out, size, "%llu.%02llu %s", (unsigned long long)(milli / 1000),
                     (unsigned long long)(milli % 1000 / 10), units[i].name);
        else
            snprintf(out, size, "%llu.%03llu %s", (unsigned long long)(milli / 1000),
                     (unsigned long long)(milli % 1000), units[i].name);
        return;
    }
    amount(v, m, out, size);
}

void mg_limit_format_part(const mg_limit *l, enum mg_metric m, enum mg_limit_part part, char *out,
                          size_t size)
{
    mg_limit only = *l;
    if (part == MG_PART_CEILING) {
        only.has_rel = only.has_abs = only.has_learned = false;
        only.learn = MG_LEARN_NONE;
    } else
        only.has_max = false;
    mg_limit_format(&only, m, out, size);
}

/* "3sigma", "2.5sigma", "iqr", "auto" */
void mg_learn_name(const mg_limit *l, char *out, size_t size)
{
    if (l->learn == MG_LEARN_SIGMA && l->sigma_x100 % 100 == 0)
        snprintf(out, size, "%usigma", l->sigma_x100 / 100);
    else if (l->learn == MG_LEARN_SIGMA && l->sigma_x100 % 10 == 0)
        snprintf(out, size, "%u.%usigma", l->sigma_x100 / 100, l->sigma_x100 % 100 / 10);
    else if (l->learn == MG_LEARN_SIGMA)
        snprintf(out, size, "%u.%02usigma", l->sigma_x100 / 100, l->sigma_x100 % 100);
    else
        snprintf(out, size, "%s", l->learn == MG_LEARN_IQR ? "iqr" : "auto");
}

void mg_limit_format(const mg_limit *l, enum mg_metric m, char *out, size_t size)
{
    char a[32];
    size_t used = 0;

    out[0] = '\0';
    if (l->learn != MG_LEARN_NONE) {
        char name[32];
        mg_learn_name(l, name, sizeof(name));
        if (l->has_learned) {
            amount(l->learned_max, m, a, sizeof(a));
            used += (size_t)snprintf(out, size, "%s (<=%s)", name, a);
        } else {
            used += (size_t)snprintf(out, size, "%s", name);
        }
    }
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
        ceiling_amount(l->max, m, a, sizeof(a));
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

bool mg_limit_bound(const mg_limit *l, bool has_base, uint64_t base, uint64_t *out)
{
    uint64_t best = UINT64_MAX;
    bool any = false;
    /* an increase fails only when it exceeds every increase bound that is set */
    if (has_base && (l->has_rel || l->has_abs)) {
        uint64_t inc = 0;
        if (l->has_rel) /* base * bp / 10000 without overflowing 64 bits */
            inc = base / 10000 * l->rel_bp + (base % 10000) * l->rel_bp / 10000;
        if (l->has_abs && l->abs > inc)
            inc = l->abs;
        best = base + inc < base ? UINT64_MAX : base + inc;
        any = true;
    }
    if (l->has_learned) {
        best = l->learned_max < best ? l->learned_max : best;
        any = true;
    }
    if (l->has_max) {
        best = l->max < best ? l->max : best;
        any = true;
    }
    *out = best;
    return any;
}
