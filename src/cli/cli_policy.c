/* Build the policy from defaults, .pmat.yaml, the environment and the limit flags, in precedence
 * order. */
#include "cli_policy.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "memgate/baseline.h"
#include "memgate/history.h"
#include "memgate/num.h"

int cli_limits_add(struct cli_limits *l, char kind, const char *value, mg_error *err)
{
    if (kind == 'm') {
        /* --max M=SIZE is --limit M=<=SIZE, kept with the other fail limits in order */
        const char *eq = strchr(value, '=');
        if (!eq || l->n_ceilings == CLI_MAX_LIMITS)
            return mg_error_set(err, MG_E_USAGE, "--max expects METRIC=SIZE, found '%s'", value);
        snprintf(l->ceilings[l->n_ceilings], sizeof(l->ceilings[0]), "%.*s=<=%s", (int)(eq - value),
                 value, eq + 1);
        l->ceiling_flags[l->n_ceilings] = value;
        value = l->ceilings[l->n_ceilings++];
        kind = 'l';
    }
    if (kind == 'd') {
        if (l->n_drift == CLI_MAX_LIMITS)
            return mg_error_set(err, MG_E_USAGE, "too many --drift options");
        l->drift[l->n_drift++] = value;
    } else if (kind == 'l') {
        if (l->n_fail == CLI_MAX_LIMITS)
            return mg_error_set(err, MG_E_USAGE, "too many --limit options");
        l->fail[l->n_fail++] = value;
    } else {
        if (l->n_warn == CLI_MAX_LIMITS)
            return mg_error_set(err, MG_E_USAGE, "too many --warn options");
        l->warn[l->n_warn++] = value;
    }
    return 0;
}

static int apply_env(mg_policy *p, mg_error *err)
{
    const char *v = getenv("MEMORY_THRESHOLD");
    char where[128];
    mg_limit l = {
        .has_rel = false, .rel_bp = 0, .has_abs = false, .abs = 0, .has_max = true, .max = 0};
    if (!v || !*v)
        return 0;
    if (mg_parse_size(v, &l.max, err) < 0) {
        mg_error_prefix(err, "MEMORY_THRESHOLD");
        return -err->code;
    }
    snprintf(where, sizeof(where), "MEMORY_THRESHOLD=%s", v);
    mg_policy_set(p, MG_LEVEL_FAIL, MG_PEAK_BYTES, &l, false, MG_SRC_ENV, where);
    return 0;
}

/* --drift METRIC=SPEC: mg_policy_apply's grammar at the drift level. */
static int apply_drift(mg_policy *p, const char *assignment, mg_error *err)
{
    mg_policy scratch;
    char where[128];
    enum mg_metric m;
    const char *eq = strchr(assignment, '=');
    char name[64];

    if (!eq || (size_t)(eq - assignment) >= sizeof(name))
        return mg_error_set(err, MG_E_USAGE, "--drift expects METRIC=LIMIT, found '%s'",
                            assignment);
    memcpy(name, assignment, (size_t)(eq - assignment));
    name[eq - assignment] = '\0';
    /* parse and validate through the fail level of a scratch policy, then move it */
    memset(&scratch, 0, sizeof(scratch));
    if (mg_policy_apply(&scratch, assignment, false, MG_SRC_FLAG, err) < 0) {
        mg_error_prefix(err, "--drift");
        return -err->code;
    }
    mg_metric_from_name(name, &m);
    snprintf(where, sizeof(where), "--drift %s", assignment);
    mg_policy_set(p, MG_LEVEL_DRIFT, m, &scratch.fail[m], mg_limit_spec_clears(eq + 1), MG_SRC_FLAG,
                  where);
    return 0;
}

static int apply_flags(mg_policy *p, const struct cli_limits *l, mg_error *err)
{
    size_t i;
    int rc;
    for (i = 0; i < l->n_fail; i++)
        if ((rc = mg_policy_apply(p, l->fail[i], false, MG_SRC_FLAG, err)) < 0)
            return rc;
    for (i = 0; i < l->n_warn; i++)
        if ((rc = mg_policy_apply(p, l->warn[i], true, MG_SRC_FLAG, err)) < 0)
            return rc;
    for (i = 0; i < l->n_drift; i++)
        if ((rc = apply_drift(p, l->drift[i], err)) < 0)
            return rc;
    /* --max keeps its own spelling in --explain */
    for (i = 0; i < l->n_ceilings; i++) {
        enum mg_metric m;
        char name[64];
        const char *eq = strchr(l->ceiling_flags[i], '=');
        snprintf(name, sizeof(name), "%.*s", (int)(eq - l->ceiling_flags[i]), l->ceiling_flags[i]);
        if (mg_metric_from_name(name, &m))
            snprintf(p->origin[MG_LEVEL_FAIL][m][MG_PART_CEILING].where,
                     sizeof(p->origin[0][0][0].where), "--max %s", l->ceiling_flags[i]);
    }
    return 0;
}

int cli_policy_build(mg_policy *p, const mg_config *cfg, const char *workload,
                     const struct cli_limits *l, mg_error *err)
{
    int rc;

    if (cfg)
        mg_config_apply(cfg, workload, p);
    if ((rc = apply_env(p, err)) < 0 || (rc = apply_flags(p, l, err)) < 0)
        return rc;
    if (l->improvement) {
        if (mg_parse_percent(l->improvement, &p->improvement_bp, err) < 0) {
            mg_error_prefix(err, "--improvement");
            return -err->code;
        }
        p->improvement_origin.src = MG_SRC_FLAG;
        snprintf(p->improvement_origin.where, sizeof(p->improvement_origin.where),
                 "--improvement %s", l->improvement);
    }
    if (l->missing) {
        if (mg_missing_parse(l->missing, &p->missing, err) < 0)
            return -err->code;
        p->missing_origin.src = MG_SRC_FLAG;
        snprintf(p->missing_origin.where, sizeof(p->missing_origin.where), "--missing-baseline %s",
                 l->missing);
    }
    return 0;
}

int cli_limits_option(int c, const char *arg, struct cli_limits *l, mg_error *err)
{
    int rc;
    switch (c) {
    case 'l':
    case 'W':
    case 'm':
        rc = cli_limits_add(l, c == 'W' ? 'w' : (char)c, arg, err);
        return rc < 0 ? rc : 1;
    case CLI_OPT_DRIFT:
        rc = cli_limits_add(l, 'd', arg, err);
        return rc < 0 ? rc : 1;
    case 'I':
        l->improvement = arg;
        return 1;
    }
    return 0;
}

int cli_paths_option(int c, const char *arg, struct cli_paths *p)
{
    switch (c) {
    case CLI_OPT_CONFIG:
        p->config = arg;
        return 1;
    case CLI_OPT_NO_CONFIG:
        p->no_config = true;
        return 1;
    case CLI_OPT_HISTORY:
        p->history = arg;
        return 1;
    case 'b':
        p->baseline = arg;
        return 1;
    case 'w':
        p->workload = arg;
        return 1;
    }
    return 0;
}

int cli_gate_option(int c, const char *arg, struct cli_paths *p, struct cli_limits *l,
                    struct cli_hotspots *h, mg_load_options *load, mg_error *err)
{
    int rc;
    if (cli_paths_option(c, arg, p))
        return 1;
    if ((rc = cli_limits_option(c, arg, l, err)) != 0)
        return rc;
    return cli_hotspot_option(c, arg, h, load, err);
}

static void resolve_baseline(struct cli_setup *s, const struct cli_paths *p)
{
    const char *where = NULL;
    const char *cfg = mg_config_string(s->cfg, "baseline", NULL, &where);
    if (p->baseline) {
        snprintf(s->baseline, sizeof(s->baseline), "%s", p->baseline);
        snprintf(s->baseline_from, sizeof(s->baseline_from), "--baseline");
    } else if (cfg) {
        snprintf(s->baseline, sizeof(s->baseline), "%s", cfg);
        snprintf(s->baseline_from, sizeof(s->baseline_from), "%s", where);
    } else {
        snprintf(s->baseline, sizeof(s->baseline), "%s", MG_BASELINE_DEFAULT_PATH);
        snprintf(s->baseline_from, sizeof(s->baseline_from), "built-in default");
    }
}

static void resolve_history(struct cli_setup *s, const struct cli_paths *p)
{
    const char *where = NULL;
    const char *cfg = mg_config_string(s->cfg, "history", NULL, &where);
    char *copy;
    if (p->history) {
        snprintf(s->history, sizeof(s->history), "%s", p->history);
        snprintf(s->history_from, sizeof(s->history_from), "--history");
    } else if (cfg) {
        snprintf(s->history, sizeof(s->history), "%s", cfg);
        snprintf(s->history_from, sizeof(s->history_from), "%s", where);
    } else if ((copy = strdup(s->baseline)) != NULL) {
        /* beside the baseline, so a --baseline elsewhere keeps its own history */
        snprintf(s->history, sizeof(s->history), "%s/%s", dirname(copy), MG_HISTORY_FILE);
        snprintf(s->history_from, sizeof(s->history_from), "beside the baseline");
        free(copy);
    }
}

int cli_setup_open(struct cli_setup *s, const struct cli_paths *p, mg_error *err)
{
    int rc;
    memset(s, 0, sizeof(*s));
    if (p->no_config && p->config)
        return mg_error_set(err, MG_E_USAGE, "--config and --no-config contradict each other");
    if (p->no_config)
        rc = mg_config_parse(&s->cfg, "", 0, NULL, err); /* everything at its default */
    else
        rc = mg_config_load(&s->cfg, p->config ? p->config : MG_CONFIG_DEFAULT_PATH,
                            p->config != NULL, err);
    if (rc < 0)
        return rc;
    s->workload = p->workload && strcmp(p->workload, "default") ? p->workload : NULL;
    resolve_baseline(s, p);
    resolve_history(s, p);
    return 0;
}

void cli_setup_reconfigure(struct cli_setup *s, const struct cli_paths *p, mg_config *cfg)
{
    mg_config_free(s->cfg);
    s->cfg = cfg;
    resolve_baseline(s, p);
    resolve_history(s, p);
}

void cli_setup_close(struct cli_setup *s)
{
    mg_config_free(s->cfg);
    s->cfg = NULL;
}
