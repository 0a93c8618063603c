/*
 * .pmat.yaml settings of how a verdict is reached: memgate.merge_base,
 * memgate.pairing, memgate.environment, memgate.runs and memgate.learn
 * (docs/configuration.md). Each is kept as normalised text with where it
 * was set, and read back through mg_config_string.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "memgate/num.h"
#include "suggest.h"

static int keep(cfg_walker *w, const yaml_node_t *v, cfg_setting *dst, const char *text)
{
    free(dst->value);
    if (!(dst->value = strdup(text)))
        return mg_error_set(w->err, MG_E_NOMEM, "out of memory");
    cfg_where(w, v, dst->where, sizeof(dst->where));
    return 0;
}

/* One of names (NULL-terminated), with a suggestion for a near miss. */
static int choice(cfg_walker *w, const yaml_node_t *v, cfg_setting *dst, const char *const *names,
                  const char *what)
{
    const char *s, *hint;
    size_t i;
    int rc = cfg_scalar(w, v, what, &s);
    if (rc < 0)
        return rc;
    for (i = 0; names[i]; i++)
        if (!strcasecmp(s, names[i]))
            return keep(w, v, dst, names[i]);
    hint = mg_suggest(s, names);
    if (hint)
        return cfg_fail(w, v, "expected %s, found '%s' (did you mean '%s'?)", what, s, hint);
    return cfg_fail(w, v, "expected %s, found '%s'", what, s);
}

/* true/false (yes/no, on/off), kept as "true" or "false". */
static int flag(cfg_walker *w, const yaml_node_t *v, cfg_setting *dst)
{
    bool b;
    int rc = cfg_bool(w, v, &b);
    if (rc < 0)
        return rc;
    return keep(w, v, dst, b ? "true" : "false");
}

static int number(cfg_walker *w, const yaml_node_t *v, cfg_setting *dst, uint64_t lo, uint64_t hi)
{
    uint64_t n;
    char text[32];
    int rc = cfg_number(w, v, lo, hi, &n);
    if (rc < 0)
        return rc;
    snprintf(text, sizeof(text), "%llu", (unsigned long long)n);
    return keep(w, v, dst, text);
}

static int on_ref(cfg_walker *w, const yaml_node_t *v)
{
    const char *s;
    int rc = cfg_scalar(w, v, "auto, none or a git revision", &s);
    if (rc < 0)
        return rc;
    if (!*s || *s == '-' || strpbrk(s, " \t\n"))
        return cfg_fail(w, v, "expected auto, none or a git revision, found '%s'", s);
    return keep(w, v, &w->cfg->verdict.merge_base_ref, s);
}

static int on_require_review(cfg_walker *w, const yaml_node_t *v)
{
    return flag(w, v, &w->cfg->verdict.require_review);
}

static const cfg_key merge_base_keys[] = {
    {"ref", on_ref}, {"require_review", on_require_review}, {NULL, NULL}};

int cfg_merge_base(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, merge_base_keys);
}

static int on_strict(cfg_walker *w, const yaml_node_t *v)
{
    return flag(w, v, &w->cfg->verdict.strict_pairing);
}

static const cfg_key pairing_keys[] = {{"strict", on_strict}, {NULL, NULL}};

int cfg_pairing(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, pairing_keys);
}

static int on_env_change(cfg_walker *w, const yaml_node_t *v)
{
    static const char *const names[] = {"warn", "fail", "ignore", NULL};
    return choice(w, v, &w->cfg->verdict.env_on_change, names, "warn, fail or ignore");
}

static const cfg_key environment_keys[] = {{"on_change", on_env_change}, {NULL, NULL}};

int cfg_environment(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, environment_keys);
}

static int on_combine(cfg_walker *w, const yaml_node_t *v)
{
    static const char *const names[] = {"min", "median", "max", NULL};
    return choice(w, v, &w->cfg->verdict.runs_combine, names, "min, median or max");
}

static int on_confirm(cfg_walker *w, const yaml_node_t *v)
{
    return flag(w, v, &w->cfg->verdict.runs_confirm);
}

static const cfg_key runs_keys[] = {{"combine", on_combine}, {"confirm", on_confirm}, {NULL, NULL}};

int cfg_runs(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, runs_keys);
}

static int on_window(cfg_walker *w, const yaml_node_t *v)
{
    return number(w, v, &w->cfg->verdict.learn_window, 2, 1000);
}

static int on_min_samples(cfg_walker *w, const yaml_node_t *v)
{
    return number(w, v, &w->cfg->verdict.learn_min_samples, 2, 1000);
}

static int on_fallback(cfg_walker *w, const yaml_node_t *v)
{
    const char *s;
    mg_limit l;
    mg_error e;
    int rc = cfg_scalar(w, v, "a limit such as +10%", &s);
    if (rc < 0)
        return rc;
    mg_error_init(&e);
    if (mg_limit_parse(s, &l, &e) < 0)
        return cfg_fail(w, v, "%s", e.msg);
    return keep(w, v, &w->cfg->verdict.learn_fallback, s);
}

static const cfg_key learn_keys[] = {{"window", on_window},
                                     {"min_samples", on_min_samples},
                                     {"fallback", on_fallback},
                                     {NULL, NULL}};

int cfg_learn(cfg_walker *w, const yaml_node_t *v)
{
    return cfg_walk_map(w, v, learn_keys);
}

void cfg_verdict_release(cfg_verdict *v)
{
    cfg_setting *all[] = {&v->merge_base_ref, &v->require_review,    &v->strict_pairing,
                          &v->env_on_change,  &v->runs_combine,      &v->runs_confirm,
                          &v->learn_window,   &v->learn_min_samples, &v->learn_fallback};
    size_t i;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        free(all[i]->value);
        all[i]->value = NULL;
    }
}

const cfg_setting *cfg_verdict_setting(const mg_config *c, const char *key)
{
    static const struct {
        const char *key;
        size_t offset;
    } keys[] = {
        {"merge_base.ref", offsetof(cfg_verdict, merge_base_ref)},
        {"merge_base.require_review", offsetof(cfg_verdict, require_review)},
        {"pairing.strict", offsetof(cfg_verdict, strict_pairing)},
        {"environment.on_change", offsetof(cfg_verdict, env_on_change)},
        {"runs.combine", offsetof(cfg_verdict, runs_combine)},
        {"runs.confirm", offsetof(cfg_verdict, runs_confirm)},
        {"learn.window", offsetof(cfg_verdict, learn_window)},
        {"learn.min_samples", offsetof(cfg_verdict, learn_min_samples)},
        {"learn.fallback", offsetof(cfg_verdict, learn_fallback)},
    };
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(key, keys[i].key))
            return (const cfg_setting *)((const char *)&c->verdict + keys[i].offset);
    return NULL;
}
