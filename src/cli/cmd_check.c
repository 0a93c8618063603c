/* memgate check: the CI gate. Profile + baseline + limits -> verdict, reports, exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_accept.h"
#include "cli_approval.h"
#include "cli_blame.h"
#include "cli_basegate.h"
#include "cli_envprint.h"
#include "cli_learn.h"
#include "cli_notice.h"
#include "cli_pairing.h"
#include "cli_policy.h"
#include "cli_post.h"
#include "cli_runs.h"
#include "cli_record.h"
#include "cmd.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"
#include "memgate/history.h"
#include "memgate/hsdiff.h"
#include "memgate/report.h"
#include "memgate/stacks.h"
#include "suggest.h"

static const char check_help[] =
    "usage: memgate check [OPTIONS] PROFILE...\n"
    "       memgate check --explain [OPTIONS] [PROFILE]\n"
    "\n"
    "Compare PROFILE with the reviewed baseline and exit 1 when a metric grew past its\n"
    "limit, or drifted past its budget since the anchor. Metrics the profile's format\n"
    "does not measure are shown as absent and skipped, never taken as zero. Hotspots\n"
    "stored in the baseline are compared by function name: which grew, shrank or\n"
    "appeared.\n"
    "\n"
    "options:\n" CLI_PATHS_HELP CLI_LIMIT_HELP "  --missing-baseline pass|warn|fail|bootstrap\n"
    "                        no baseline (or no such workload in it): pass, warn, fail\n"
    "                        (exit 3, the default), or write a first one where an update\n"
    "                        is approved (--approve, or CI on the default branch)\n"
    "  --approve             approve a bootstrap write outside CI\n"
    "  --anchor first|COMMIT drift anchor: the first (or pinned) history entry, or the\n"
    "                        entry of COMMIT\n"
    "  --accept REASON       a reviewed exception: a regression passes with status\n"
    "                        accepted and REASON in every report (also MEMGATE_ACCEPT,\n"
    "                        a 'Memgate-Accept: REASON' commit trailer, or the PR/MR\n"
    "                        label memgate-accept)\n"
    "  --explain             print every limit in force and where it came from\n"
    "  --format FMT          text, json, markdown, junit, openmetrics, flamegraph or\n"
    "                        html (repeatable, each with its own --output)\n"
    "  --output FILE         write the --format next to it to FILE instead of stdout\n"
    "  --input-format NAME   skip detection: " CLI_INPUT_FORMATS "\n"
    "  --summary N|last      which summary of a log with several (default: last, and say so)\n"
    "  --top N               number of hotspots in reports (default 10)\n" CLI_WEIGHT_HELP
    "  --compare-profile P   the flame graph's earlier side: profile P (default: the\n"
    "                        stacks the baseline records)\n" CLI_HOTSPOT_HELP
    "  -h, --help            this text\n";

/* How the verdict is reached: merge base, pairing, environment, several runs. */
static const char check_help_verdicts[] =
    "verdicts (docs/configuration.md):\n"
    "  --baseline-ref REF|auto|none\n"
    "                        judge by the baseline and .pmat.yaml at the merge base with\n"
    "                        REF (default auto: in a GitHub PR or GitLab MR pipeline)\n"
    "  --require-review      a PR that changes its baseline or limits fails (needs\n"
    "                        review) until a reviewed exception accepts it\n"
    "  --strict-pairing      a profile of another program, command, producer, mode or\n"
    "                        build profile than the baseline recorded is an error (exit 3;\n"
    "                        default: a warning in every report)\n"
    "  PROFILE...            several runs of one workload make one verdict:\n"
    "  --combine min|median|max  how runs combine per metric (default: min for peaks,\n"
    "                        median for the rest; also memgate.runs.combine)\n"
    "  --confirm             fail a metric only when every run is past its limit (the\n"
    "                        minimum of every metric; also memgate.runs.confirm)\n"
    "  --env KEY=VALUE       a key of this run's environment fingerprint (repeatable;\n"
    "                        as update-baseline records it)\n"
    "  --on-env-change warn|fail|ignore\n"
    "                        when the environment differs from the baseline's: a\n"
    "                        regression warns (default), still fails, or no notice\n"
    "                        (also memgate.environment.on_change)\n";

/* A second string: C99 promises string literals of 4095 bytes, not more. */
static const char check_help_posting[] =
    "posting (default --post none):\n" CLI_POST_HELP "\n"
    "exit status: 0 pass, warn or accepted, 1 regression, 2 usage or configuration,\n"
    "3 bad profile, baseline or history, or no baseline, 4 cannot write a report,\n"
    "5 posting failed (only under --require-post).\n";

static const struct option check_options[] = {
    CLI_PATHS_OPTIONS,
    CLI_LIMIT_OPTIONS,
    {"missing-baseline", required_argument, NULL, CLI_OPT_MISSING},
    {"approve", no_argument, NULL, 'a'},
    {"anchor", required_argument, NULL, CLI_OPT_ANCHOR},
    {"accept", required_argument, NULL, CLI_OPT_ACCEPT},
    {"explain", no_argument, NULL, CLI_OPT_EXPLAIN},
    {"baseline-ref", required_argument, NULL, CLI_OPT_BASELINE_REF},
    {"require-review", no_argument, NULL, CLI_OPT_REQUIRE_REVIEW},
    {"strict-pairing", no_argument, NULL, CLI_OPT_STRICT_PAIRING},
    {"combine", required_argument, NULL, CLI_OPT_COMBINE},
    {"confirm", no_argument, NULL, CLI_OPT_CONFIRM},
    {"env", required_argument, NULL, CLI_OPT_ENV},
    {"on-env-change", required_argument, NULL, CLI_OPT_ON_ENV_CHANGE},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"input-format", required_argument, NULL, 'i'},
    {"summary", required_argument, NULL, 's'},
    {"top", required_argument, NULL, 't'},
    {"weight", required_argument, NULL, CLI_OPT_WEIGHT},
    {"compare-profile", required_argument, NULL, CLI_OPT_COMPARE_PROFILE},
    {"help", no_argument, NULL, 'h'},
    CLI_HOTSPOT_OPTIONS,
    CLI_POST_OPTIONS,
    {NULL, 0, NULL, 0},
};

struct check_opts {
    struct cli_paths paths;
    struct cli_limits limits;
    struct cli_outputs outputs;
    mg_load_options load;
    struct cli_hotspots hotspots;
    const char *profile, *anchor, *accept, *baseline_ref, *combine, *compare_profile;
    const char *on_env_change;
    struct cli_env_user env;
    int weight; /* enum mg_weight, for --format flamegraph */
    const char *profiles[CLI_MAX_RUNS];
    size_t n_profiles;
    bool explain, approve, require_review, strict_pairing, confirm;
    unsigned top;
    char cmdline[2048]; /* as typed, before getopt permutes argv */
    struct cli_post_opts post;
};

/* What one check run holds; released in one place. */
struct check_run {
    struct cli_setup setup;
    mg_policy policy;
    mg_profile *profile;
    mg_baseline *baseline;
    mg_metrics base;
    bool have_base;
    mg_history history;
    const mg_history_entry *anchor;
    mg_hotspot *base_hotspots;
    size_t n_base_hotspots;
    bool base_complete;
    mg_hsdiff changes;
    bool have_changes;
    struct cli_blame blame; /* by function and line from stacks; the culprits */
    mg_verdict verdict;
    char ratchet[2048];
    char bootstrap_note[160];
    struct cli_basegate base_gate; /* the merge base's baseline and limits, in a PR */
    struct cli_notices notices;
    mg_profile *compare;         /* --compare-profile */
    struct cli_envprint env;     /* where this run happened */
    struct cli_envdiff env_diff; /* ... against where the baseline was measured */
    bool env_compared;
    struct cli_learned learned; /* limits learned from the history, and their numbers */
    bool history_loaded;
};

static int parse_one(int c, const char *arg, void *ctx, mg_error *err)
{
    struct check_opts *o = ctx;
    int rc;
    int posting = cli_post_option(c, arg, &o->post, err);
    if (posting != 0)
        return posting < 0 ? posting : 0;
    if ((rc = cli_gate_option(c, arg, &o->paths, &o->limits, &o->hotspots, &o->load, err)) != 0)
        return rc < 0 ? rc : 0;
    switch (c) {
    case CLI_OPT_MISSING:
        o->limits.missing = arg;
        return 0;
    case 'a':
        o->approve = true;
        return 0;
    case CLI_OPT_ANCHOR:
        o->anchor = arg;
        return 0;
    case CLI_OPT_ACCEPT:
        o->accept = arg;
        return 0;
    case CLI_OPT_EXPLAIN:
        o->explain = true;
        return 0;
    case CLI_OPT_BASELINE_REF:
        o->baseline_ref = arg;
        return 0;
    case CLI_OPT_REQUIRE_REVIEW:
        o->require_review = true;
        return 0;
    case CLI_OPT_STRICT_PAIRING:
        o->strict_pairing = true;
        return 0;
    case CLI_OPT_COMBINE:
        o->combine = arg;
        return 0;
    case CLI_OPT_CONFIRM:
        o->confirm = true;
        return 0;
    case CLI_OPT_ENV:
        return cli_env_option(&o->env, arg, err);
    case CLI_OPT_ON_ENV_CHANGE: {
        enum cli_env_policy unused;
        o->on_env_change = arg;
        return cli_env_policy_choose(arg, NULL, &unused, err);
    }
    case 'f':
        return cli_outputs_add(&o->outputs, arg, cli_report_formats, err);
    case 'o':
        return cli_outputs_set_path(&o->outputs, arg, err);
    case 'i':
        o->load.format = arg;
        return 0;
    case 's':
        return cli_parse_summary(arg, &o->load.summary_index, err);
    case 't':
        return cli_parse_top(arg, &o->top, err);
    case CLI_OPT_WEIGHT:
        return cli_parse_weight(arg, &o->weight, err);
    case CLI_OPT_COMPARE_PROFILE:
        o->compare_profile = arg;
        return 0;
    }
    return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option (see --help)");
}

static const char *const check_help_texts[] = {check_help, check_help_verdicts, check_help_posting,
                                               NULL};

static int parse_args(int argc, char **argv, struct check_opts *o, mg_error *err)
{
    int rc;
    cli_post_defaults(&o->post, MG_POST_NONE);
    if ((rc = cli_getopt(argc, argv, check_options, check_help_texts, parse_one, o, err)) != 0)
        return rc;
    if (optind == argc && o->explain)
        return 0; /* --explain alone: the limits, no profile */
    if (optind == argc || argc - optind > CLI_MAX_RUNS)
        return mg_error_set(err, MG_E_USAGE, "expected 1 to %d PROFILE arguments (see --help)",
                            CLI_MAX_RUNS);
    for (; optind < argc; optind++)
        o->profiles[o->n_profiles++] = argv[optind];
    o->profile = o->profiles[0];
    o->load.top_n = 1000; /* every function: a hotspot that went away is really gone */
    if (cli_outputs_default(&o->outputs, err) < 0)
        return -(int)err->code;
    return cli_hotspots_finish(&o->hotspots, &o->load, err);
}

/* The drift anchor from --anchor, else memgate.drift.anchor, else "first". */
static const char *anchor_pin(const struct check_opts *o, const struct check_run *run,
                              const char **from)
{
    const char *where = NULL;
    const char *cfg = mg_config_string(run->setup.cfg, "drift.anchor", run->setup.workload, &where);
    if (o->anchor) {
        *from = "--anchor";
        return o->anchor;
    }
    if (cfg) {
        *from = where;
        return cfg;
    }
    *from = "default: newest pinned, else first";
    return "first";
}

/* The history the drift anchor and learned limits come from: the merge base's in a PR. */
static int load_history(struct check_run *run, mg_error *err)
{
    int rc;
    if (run->history_loaded)
        return 0;
    rc = run->base_gate.mb.active
             ? cli_basegate_history(&run->base_gate, &run->setup, &run->history, err)
             : mg_history_load(&run->history, run->setup.history, err);
    run->history_loaded = rc == 0;
    return rc;
}

/* peak=3sigma, iqr, auto: computed from the history before anything is judged or explained. */
static int learn(struct check_run *run, mg_error *err)
{
    if (!mg_learn_wanted(&run->policy))
        return 0;
    if (load_history(run, err) < 0)
        return -err->code;
    return cli_learn_apply(&run->learned, &run->policy, run->setup.cfg, &run->history,
                           run->setup.workload, &run->notices, err);
}

static int load_anchor(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    const char *from;
    const char *pin = anchor_pin(o, run, &from);
    int rc = load_history(run, err);
    if (rc == 0)
        rc = mg_history_anchor(&run->history, run->setup.workload, pin, &run->anchor, err);
    return rc;
}

static int explain(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    mg_buf out;
    const char *from, *pin = anchor_pin(o, run, &from);
    int rc;
    mg_buf_init(&out, 0);
    rc = cli_explain(&out, &run->policy, &run->setup, pin, from, err);
    if (rc == 0)
        rc = cli_learn_explain(&out, &run->learned, err);
    if (rc == 0 && o->profile)
        rc = mg_buf_printf(&out, err, "\n");
    if (rc == 0)
        rc = cli_write("-", &out, err);
    mg_buf_release(&out);
    return rc;
}

/* Is there a baseline for this workload? A file that is there but malformed is an error. */
static int load_baseline(struct check_run *run, mg_error *err)
{
    mg_error probe;
    int rc;
    if (run->base_gate.mb.active) {
        if ((rc = cli_basegate_baseline(&run->base_gate, &run->setup, &run->baseline, &run->notices,
                                        err)) < 0)
            return rc;
        if (!run->baseline)
            return 0;
    } else {
        if (access(run->setup.baseline, F_OK) != 0)
            return 0;
        if ((rc = mg_baseline_load(&run->baseline, run->setup.baseline, err)) < 0)
            return rc;
    }
    mg_error_init(&probe);
    run->have_base =
        mg_baseline_metrics(run->baseline, run->setup.workload, &run->base, &probe) == 0;
    if ((rc = cli_blame_load(&run->blame, run->baseline, run->setup.workload, err)) < 0)
        return rc;
    return mg_baseline_hotspots(run->baseline, run->setup.workload, &run->base_hotspots,
                                &run->n_base_hotspots, &run->base_complete, err);
}

static int bootstrap(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    struct cli_approval a = {o->approve, NULL, 0};
    mg_recorded done;
    struct cli_record r;
    mg_hotspot_settings hs;
    char why[256];

    a.branches = mg_config_branches(run->setup.cfg, &a.n_branches);
    if (!cli_approved(&a, why, sizeof(why))) {
        snprintf(run->bootstrap_note, sizeof(run->bootstrap_note), "bootstrap: not written (%s)",
                 why);
        return 0;
    }
    mg_config_hotspots(run->setup.cfg, &hs);
    memset(&r, 0, sizeof(r));
    r.setup = &run->setup;
    r.profile = run->profile;
    r.policy = &run->policy;
    r.allow_regression = true;
    r.load = &o->load;
    r.command_line = o->cmdline;
    r.top = hs.top;
    r.lock_timeout_ms = 60000;
    cli_envprint_collect(&run->env, run->profile, &o->env);
    r.strings[1].key = "environment";
    r.strings[1].names = run->env.names;
    r.strings[1].values = run->env.values;
    r.strings[1].n = run->env.n;
    if (cli_record_baseline(&r, &done, err) < 0)
        return -err->code;
    snprintf(run->bootstrap_note, sizeof(run->bootstrap_note),
             "bootstrap: wrote the first baseline to %s", run->setup.baseline);
    if (run->verdict.overall == MG_STATUS_WARN && !run->verdict.n_warn)
        run->verdict.overall = MG_STATUS_OK; /* this run is the baseline now: nothing to warn of */
    return 0;
}

/* "no workload 'pasre' in the baseline (did you mean 'parse'?)" */
static int unknown_workload(struct check_run *run, mg_error *err)
{
    const char *names[65];
    size_t n = mg_baseline_workloads(run->baseline, names, 64);
    const char *hint;
    names[n < 64 ? n : 64] = NULL;
    hint = mg_suggest(run->setup.workload, names);
    if (hint)
        return mg_error_set_at(err, MG_E_INPUT, run->setup.baseline, 0, 0,
                               "no workload '%s' in the baseline (did you mean '%s'?)",
                               run->setup.workload, hint);
    return mg_baseline_metrics(run->baseline, run->setup.workload, &run->base, err);
}

/* No baseline for this workload: what --missing-baseline says to do. */
static int missing(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    mg_policy *p = &run->policy;
    if (p->missing == MG_MISSING_FAIL) {
        if (run->baseline)
            return unknown_workload(run, err);
        return mg_error_set_at(err, MG_E_INPUT, run->setup.baseline, 0, 0,
                               "no baseline file; record one after review with 'memgate "
                               "update-baseline PROFILE --approve', or choose "
                               "--missing-baseline pass|warn|bootstrap");
    }
    mg_gate_no_baseline(&run->verdict, mg_profile_metrics(run->profile), p);
    if (p->missing == MG_MISSING_BOOTSTRAP)
        return bootstrap(o, run, err);
    return 0;
}

static int compare_hotspots(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    mg_hotspot_settings hs;
    mg_hsdiff_options opts;
    size_t n;
    const mg_hotspot *cur = mg_profile_hotspots(run->profile, &n);
    int rc;

    mg_config_hotspots(run->setup.cfg, &hs);
    opts.top = o->top ? o->top : hs.top;
    opts.min_change_bp = hs.min_change_bp;
    opts.min_bytes = hs.min_bytes;
    opts.max_items = 10;
    /* from stacks when the profile has them: by function and line, total and peak, culprits */
    if ((rc = cli_blame_run(&run->blame, run->profile, &o->load, &opts, &run->verdict, err)) < 0)
        return rc;
    if (mg_profile_stacks(run->profile) || !run->base_hotspots || n == 0)
        return 0;
    rc = mg_hsdiff_compute(&run->changes, run->base_hotspots, run->n_base_hotspots,
                           run->base_complete, cur, n, n < 1000, &opts, err);
    run->have_changes = rc == 0;
    return rc;
}

static void limit_words(char *out, size_t size, const char *flag, const char *const *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        cli_append_word(out, size, flag);
        cli_append_word(out, size, v[i]);
    }
}

/* The update-baseline command that locks an improvement in, with the options that matter. */
static void ratchet_command(const struct check_opts *o, struct check_run *run)
{
    char *out = run->ratchet;
    size_t size = sizeof(run->ratchet);
    size_t i;
    snprintf(out, size, "memgate update-baseline");
    for (i = 0; i < o->n_profiles; i++)
        cli_append_word(out, size, o->profiles[i]);
    if (o->paths.config) {
        cli_append_word(out, size, "--config");
        cli_append_word(out, size, o->paths.config);
    }
    if (o->paths.baseline) {
        cli_append_word(out, size, "--baseline");
        cli_append_word(out, size, o->paths.baseline);
    }
    if (run->setup.workload) {
        cli_append_word(out, size, "--workload");
        cli_append_word(out, size, run->setup.workload);
    }
    if (o->combine) {
        cli_append_word(out, size, "--combine");
        cli_append_word(out, size, o->combine);
    }
    /* the same limits, or update-baseline would judge the new numbers by others */
    limit_words(out, size, "--limit", o->limits.fail, o->limits.n_fail);
    limit_words(out, size, "--warn", o->limits.warn, o->limits.n_warn);
    cli_append_word(out, size, "--approve");
}

/* A profile of another program must not pass (or fail) silently against this baseline. */
static int pairing(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    const char *cfg = mg_config_string(run->setup.cfg, "pairing.strict", NULL, NULL);
    bool strict = o->strict_pairing || (cfg && !strcmp(cfg, "true"));
    int rc = cli_pairing_check(run->baseline, run->setup.workload, run->profile, strict,
                               &run->notices, err);
    return rc < 0 ? rc : 0;
}

/* Measured elsewhere than the baseline: say what changed, and by default only warn. */
static int environment(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    enum cli_env_policy policy;
    if (cli_env_policy_choose(o->on_env_change, run->setup.cfg, &policy, err) < 0)
        return -err->code;
    cli_envprint_collect(&run->env, run->profile, &o->env);
    cli_envprint_compare(&run->env_diff, run->baseline, run->setup.workload, &run->env, policy,
                         &run->notices);
    run->env_compared = true;
    if (run->env_diff.recorded && run->env_diff.n && policy != CLI_ENV_IGNORE)
        mg_gate_environment_changed(&run->verdict, policy == CLI_ENV_WARN);
    return 0;
}

static int gate(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    char reason[256], source[64], label[96];
    int found;

    if (pairing(o, run, err) < 0)
        return -err->code;
    mg_gate_evaluate(&run->verdict, &run->base, mg_profile_metrics(run->profile), &run->policy);
    if (run->verdict.n_compared == 0 && mg_profile_gate_note(run->profile))
        return mg_error_set_at(err, MG_E_INPUT, mg_profile_source(run->profile), 0, 0,
                               "nothing to compare with the baseline: %s",
                               mg_profile_gate_note(run->profile));
    if (run->verdict.n_compared == 0)
        /* a copy/ad-hoc profile or the wrong file must not pass by comparing nothing */
        return mg_error_set_at(err, MG_E_INPUT, mg_profile_source(run->profile), 0, 0,
                               "nothing to compare: this %s profile (mode %s) has none of the "
                               "gated metrics the baseline holds",
                               mg_profile_format(run->profile),
                               mg_profile_mode_label(run->profile));
    if (load_anchor(o, run, err) < 0)
        return -err->code;
    if (run->anchor) {
        snprintf(label, sizeof(label), "%.12s (%s)",
                 run->anchor->commit ? run->anchor->commit : "no commit",
                 run->anchor->measured_at ? run->anchor->measured_at : "?");
        mg_gate_apply_drift(&run->verdict, &run->anchor->metrics, &run->policy, label);
    }
    if (environment(o, run, err) < 0)
        return -err->code;
    /* only a failing verdict needs an exception: no git process for a passing one */
    found = run->verdict.n_fail || o->accept ||
                    (run->base_gate.changes && run->base_gate.require_review)
                ? cli_accept_find(o->accept, run->setup.cfg, reason, sizeof(reason), source,
                                  sizeof(source), err)
                : 0;
    if (found < 0)
        return found;
    if (found && run->verdict.n_fail)
        mg_gate_accept(&run->verdict, reason, source);
    if (run->base_gate.changes)
        mg_gate_needs_review(&run->verdict, run->base_gate.require_review && !found);
    ratchet_command(o, run);
    return compare_hotspots(o, run, err);
}

/* What every report of this run shows; hist holds MG_HISTORY_SHOWN entries. */
static void report_input(const struct check_opts *o, struct check_run *run,
                         const mg_history_entry **hist, mg_report_input *in_out)
{
    size_t n = mg_history_select(&run->history, run->setup.workload, hist, MG_HISTORY_SHOWN);
    mg_report_input in;

    memset(&in, 0, sizeof(in));
    in.command = "check";
    in.profile = run->profile;
    in.verdict = &run->verdict;
    in.baseline_path = run->setup.baseline;
    if (run->have_base) {
        in.baseline_measured_at =
            mg_baseline_string(run->baseline, run->setup.workload, "measured_at");
        in.baseline_commit = mg_baseline_string(run->baseline, run->setup.workload, "commit");
        in.baseline_metrics = &run->base;
    }
    in.workload = run->setup.workload ? run->setup.workload : "default";
    in.hotspot_changes = run->blame.have_changes ? &run->blame.changes
                         : run->have_changes     ? &run->changes
                                                 : NULL;
    in.culprits = run->blame.culprits.n ? &run->blame.culprits : NULL;
    in.hotspot_note = run->blame.note[0] ? run->blame.note : NULL;
    in.history = hist;
    in.n_history = n < MG_HISTORY_SHOWN ? n : MG_HISTORY_SHOWN;
    in.ratchet_command = run->ratchet[0] ? run->ratchet : NULL;
    in.top_n = o->top ? o->top : 10;
    in.note = run->bootstrap_note[0] ? run->bootstrap_note : NULL;
    in.report_url = o->post.report_url;
    in.notices = run->notices.items;
    in.n_notices = run->notices.n;
    in.environment = run->env_compared ? &run->env_diff.report : NULL;
    in.learned = run->learned.items;
    in.n_learned = run->learned.n;
    if (mg_config_accept_allowed(run->setup.cfg)) {
        in.accept_trailer = mg_config_string(run->setup.cfg, "accept.trailer", NULL, NULL);
        in.accept_label = mg_config_string(run->setup.cfg, "accept.label", NULL, NULL);
        in.accept_trailer = in.accept_trailer ? in.accept_trailer : CLI_ACCEPT_TRAILER;
        in.accept_label = in.accept_label ? in.accept_label : CLI_ACCEPT_LABEL;
    }
    *in_out = in;
}

/* What a flame graph draws the profile against: the baseline's stacks, or --compare-profile. */
static int flame_sides(const struct check_opts *o, struct check_run *run, mg_report_input *in,
                       mg_error *err)
{
    bool wanted = false;
    for (size_t i = 0; i < o->outputs.n; i++)
        wanted |= !strcmp(o->outputs.items[i].format, "flamegraph") ||
                  !strcmp(o->outputs.items[i].format, "html");
    in->flame_weight = o->weight;
    in->load = &o->load;
    if (!wanted)
        return 0;
    if (o->compare_profile) {
        if (mg_profile_load(&run->compare, o->compare_profile, &o->load, err) < 0)
            return -err->code;
        in->before_profile = run->compare;
    } else if (run->baseline) {
        in->base_stacks = &run->blame.base; /* loaded with the baseline (load_baseline) */
    }
    return 0;
}

static int report(const struct check_opts *o, struct check_run *run, mg_error *err)
{
    const mg_history_entry *hist[MG_HISTORY_SHOWN];
    mg_report_input in;
    report_input(o, run, hist, &in);
    if (flame_sides(o, run, &in, err) < 0)
        return -err->code;
    return cli_write_outputs(&o->outputs, &in, err);
}

static void release(struct check_run *run)
{
    mg_hsdiff_release(&run->changes);
    mg_profile_free(run->compare);
    cli_blame_release(&run->blame);
    mg_hotspots_free(run->base_hotspots, run->n_base_hotspots);
    mg_history_release(&run->history);
    mg_baseline_free(run->baseline);
    mg_profile_free(run->profile);
    cli_basegate_release(&run->base_gate);
    cli_setup_close(&run->setup);
}

/* In a PR/MR: the merge base's configuration, and what the PR's own would change. */
static int merge_base_policy_compare(const struct check_opts *o, struct check_run *run,
                                     mg_error *err)
{
    mg_policy head;
    int rc;
    mg_policy_defaults(&head);
    if ((rc = cli_policy_build(&head, run->base_gate.head_cfg, run->setup.workload, &o->limits,
                               err)) < 0)
        return rc;
    cli_basegate_policy(&run->base_gate, &run->policy, &head, &run->notices);
    return 0;
}

static int run_check(struct check_opts *o, struct check_run *run, mg_error *err)
{
    enum cli_combine how;
    mg_policy_defaults(&run->policy);
    if (cli_setup_open(&run->setup, &o->paths, err) < 0 ||
        (o->profile && cli_basegate_config(&run->base_gate, o->baseline_ref, o->require_review,
                                           &run->setup, &o->paths, err) < 0) ||
        cli_policy_build(&run->policy, run->setup.cfg, run->setup.workload, &o->limits, err) < 0)
        return -err->code;
    if (run->base_gate.mb.active && merge_base_policy_compare(o, run, err) < 0)
        return -err->code;
    if (learn(run, err) < 0)
        return -err->code;
    if (o->explain && explain(o, run, err) < 0)
        return -err->code;
    if (!o->profile)
        return 0;
    if (cli_hotspots_config(&o->hotspots, run->setup.cfg, &o->load, err) < 0 ||
        cli_combine_choose(o->combine, o->confirm, run->setup.cfg, &how, err) < 0 ||
        cli_runs_load(&run->profile, o->profiles, o->n_profiles, &o->load, how, &run->notices,
                      err) < 0 ||
        load_baseline(run, err) < 0)
        return -err->code;
    if (!run->have_base ? missing(o, run, err) < 0 : gate(o, run, err) < 0)
        return -err->code;
    return report(o, run, err);
}

/* A failed post is reported and leaves the verdict's status, unless --require-post. */
static int post(const struct check_opts *o, struct check_run *run, int status, mg_error *err)
{
    const mg_history_entry *hist[MG_HISTORY_SHOWN];
    mg_report_input in;
    mg_report_view view; /* what --format markdown renders: the comment is the same report */
    int rc;

    if (o->post.target == MG_POST_NONE)
        return status;
    report_input(o, run, hist, &in);
    mg_report_view_build(&view, &in);
    rc = cli_post_publish(&o->post, &view.w, 1, err);
    return rc < 0 ? mg_error_exit_code(err) : status;
}

int cmd_check(int argc, char **argv, mg_error *err)
{
    struct check_opts o;
    /* on the stack (some 25 KiB): memgate gates its own heap, and this is fixed-size state */
    struct check_run run;
    int rc, status;

    memset(&o, 0, sizeof(o));
    cli_command_line(argc, argv, o.cmdline, sizeof(o.cmdline));
    if ((rc = parse_args(argc, argv, &o, err)) != 0) {
        cli_hotspots_release(&o.hotspots);
        return rc > 0 ? 0 : mg_error_exit_code(err);
    }
    memset(&run, 0, sizeof(run));
    mg_history_init(&run.history);
    if (run_check(&o, &run, err) < 0)
        status = mg_error_exit_code(err);
    else if (!o.profile)
        status = 0; /* --explain alone */
    else
        status =
            post(&o, &run, run.verdict.overall == MG_STATUS_FAIL ? MG_EXIT_GATE_FAILED : MG_EXIT_OK,
                 err);
    release(&run);
    cli_hotspots_release(&o.hotspots);
    return status;
}

/* The help and options as the man page and the shell completions show them (main.c). */
const struct cmd_doc cmd_check_doc = {check_options, check_help_texts};
