/* The merge base's baseline and limits for check, and what the PR changes in them. */
#include "cli_basegate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci/ci_env.h"
#include "cli_prchange.h"

/* In a PR/MR pipeline the PR's own configuration must not turn the comparison off. */
static const char *mode_of(const char *flag, const mg_config *head)
{
    const char *cfg = mg_config_string(head, "merge_base.ref", NULL, NULL);
    if (flag)
        return flag;
    if (cfg && !strcmp(cfg, "none") &&
        (mg_ci_var(MG_CI_GH_BASE_REF) || mg_ci_var(MG_CI_GL_MR_DIFF_BASE_SHA)))
        return NULL;
    return cfg;
}

int cli_basegate_config(struct cli_basegate *g, const char *flag, bool require_flag,
                        struct cli_setup *s, const struct cli_paths *p, mg_error *err)
{
    const char *path = p->config ? p->config : MG_CONFIG_DEFAULT_PATH;
    const char *mode = mode_of(flag, s->cfg), *base_mode;
    char source[4200];
    mg_config *base = NULL;
    mg_buf text;
    bool exists = false;
    int rc;

    memset(g, 0, sizeof(*g));
    if ((rc = cli_mergebase_resolve(&g->mb, mode, err)) < 0 || !g->mb.active)
        return rc;
    mg_buf_init(&text, (size_t)4 << 20);
    if (!p->no_config)
        rc = cli_mergebase_read(&g->mb, path, &text, &exists, err);
    snprintf(source, sizeof(source), "%s at merge base %s", path, g->mb.short_sha);
    if (rc == 0)
        rc = mg_config_parse(&base, exists && text.data ? text.data : "", exists ? text.len : 0,
                             exists ? source : NULL, err);
    mg_buf_release(&text);
    if (rc < 0)
        return rc;
    base_mode = mg_config_string(base, "merge_base.ref", NULL, NULL);
    if (!flag && base_mode && !strcmp(base_mode, "none")) {
        mg_config_free(base); /* the target branch turned it off: its choice, not the PR's */
        g->mb.active = false;
        return 0;
    }
    {
        const char *req = mg_config_string(base, "merge_base.require_review", NULL, NULL);
        g->require_review = require_flag || (req && !strcmp(req, "true"));
    }
    snprintf(g->head_baseline, sizeof(g->head_baseline), "%s", s->baseline);
    g->head_cfg = s->cfg;
    s->cfg = NULL; /* kept for comparison; the merge base's takes its place */
    cli_setup_reconfigure(s, p, base);
    return 0;
}

void cli_basegate_policy(struct cli_basegate *g, const mg_policy *base, const mg_policy *head,
                         struct cli_notices *n)
{
    if (g->mb.active && cli_prchange_policy(n, g->mb.sha, base, head))
        g->changes = true;
}

static int load_head(const char *path, mg_baseline **out, mg_error *err)
{
    *out = NULL;
    if (access(path, F_OK) != 0)
        return 0;
    return mg_baseline_load(out, path, err);
}

int cli_basegate_baseline(struct cli_basegate *g, const struct cli_setup *s, mg_baseline **out,
                          struct cli_notices *n, mg_error *err)
{
    mg_baseline *base = NULL, *head = NULL;
    mg_metrics bm, hm;
    mg_error probe;
    mg_buf text;
    char source[4200];
    bool exists = false, in_base, in_head;
    int rc, at;

    *out = NULL;
    mg_buf_init(&text, (size_t)256 << 20);
    rc = cli_mergebase_read(&g->mb, s->baseline, &text, &exists, err);
    snprintf(source, sizeof(source), "%s at merge base %s", s->baseline, g->mb.short_sha);
    if (rc == 0 && exists)
        rc = mg_baseline_parse(&base, text.data ? text.data : "", text.len, source, err);
    mg_buf_release(&text);
    if (rc == 0)
        rc = load_head(g->head_baseline, &head, err);
    if (rc < 0) {
        mg_baseline_free(base);
        return rc;
    }
    mg_error_init(&probe);
    in_base = base && mg_baseline_metrics(base, s->workload, &bm, &probe) == 0;
    mg_error_init(&probe);
    in_head = head && mg_baseline_metrics(head, s->workload, &hm, &probe) == 0;
    if (strcmp(g->head_baseline, s->baseline) != 0) {
        at = cli_notice_add(n, "baseline_change",
                            "this PR moves the baseline file; the verdict uses the merge base's");
        cli_notice_line(n, at, "%s → %s", s->baseline, g->head_baseline);
        g->changes = true;
    }
    if (in_base) {
        if (cli_prchange_baseline(n, g->mb.sha, &bm, in_head ? &hm : NULL))
            g->changes = true;
        mg_baseline_free(head);
        *out = base;
        return 0;
    }
    mg_baseline_free(base);
    if (in_head) {
        /* nothing older to judge by: the PR's own baseline, and reviewers are told */
        at = cli_notice_add(n, "baseline_change",
                            "this PR adds the baseline (the merge base %.12s has none for this "
                            "workload); it is compared with the PR's own",
                            g->mb.sha);
        (void)at;
        g->changes = true;
    }
    *out = head;
    return 0;
}

int cli_basegate_history(const struct cli_basegate *g, const struct cli_setup *s, mg_history *h,
                         mg_error *err)
{
    char source[4200];
    bool exists = false;
    mg_buf text;
    int rc;
    mg_buf_init(&text, (size_t)256 << 20);
    rc = cli_mergebase_read(&g->mb, s->history, &text, &exists, err);
    snprintf(source, sizeof(source), "%s at merge base %s", s->history, g->mb.short_sha);
    if (rc == 0 && exists)
        rc = mg_history_parse(h, text.data ? text.data : "", text.len, source, err);
    mg_buf_release(&text);
    return rc;
}

void cli_basegate_release(struct cli_basegate *g)
{
    mg_config_free(g->head_cfg);
    g->head_cfg = NULL;
}
