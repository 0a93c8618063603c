/* Build the policy from defaults, the environment and the limit flags, in precedence order. */
#include "cli_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/num.h"

int cli_limits_add(struct cli_limits *l, char kind, const char *value, mg_error *err)
{
    if (kind == 'm') {
        /* --max M=SIZE is --limit M=<=SIZE, kept with the other fail limits in order */
        const char *eq = strchr(value, '=');
        if (!eq || l->n_ceilings == CLI_MAX_LIMITS)
            return mg_error_set(err, MG_E_USAGE, "--max expects METRIC=SIZE, found '%s'", value);
        snprintf(l->ceilings[l->n_ceilings], sizeof(l->ceilings[0]), "%.*s=<=%s",
                 (int)(eq - value), value, eq + 1);
        value = l->ceilings[l->n_ceilings++];
        kind = 'l';
    }
    if (kind == 'l') {
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
    uint64_t bytes;
    if (!v || !*v)
        return 0;
    if (mg_parse_size(v, &bytes, err) < 0) {
        mg_error_prefix(err, "MEMORY_THRESHOLD");
        return -err->code;
    }
    p->fail[MG_PEAK_BYTES].has_max = true;
    p->fail[MG_PEAK_BYTES].max = bytes;
    p->fail_src[MG_PEAK_BYTES] = MG_SRC_ENV;
    return 0;
}

int cli_policy_build(mg_policy *p, const struct cli_limits *l, mg_error *err)
{
    size_t i;
    int rc;

    if ((rc = apply_env(p, err)) < 0)
        return rc;
    for (i = 0; i < l->n_fail; i++)
        if ((rc = mg_policy_apply(p, l->fail[i], false, MG_SRC_FLAG, err)) < 0)
            return rc;
    for (i = 0; i < l->n_warn; i++)
        if ((rc = mg_policy_apply(p, l->warn[i], true, MG_SRC_FLAG, err)) < 0)
            return rc;
    if (l->improvement && mg_parse_percent(l->improvement, &p->improvement_bp, err) < 0) {
        mg_error_prefix(err, "--improvement");
        return -err->code;
    }
    return 0;
}
