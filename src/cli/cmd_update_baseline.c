/* memgate update-baseline: record a reviewed profile as the baseline, only where approved. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_accept.h"
#include "cli_approval.h"
#include "cli_envprint.h"
#include "cli_learn.h"
#include "cli_policy.h"
#include "cli_record.h"
#include "cli_runs.h"
#include "cmd.h"
#include "memgate/baseline.h"
#include "memgate/history.h"
#include "memgate/num.h"

static const char ub_help[] =
    "usage: memgate update-baseline [OPTIONS] PROFILE...\n"
    "\n"
    "Write PROFILE's metrics and top hotspots as the new baseline, atomically\n"
    "(temporary file, fsync, rename) and under a lock (flock on its directory), so an\n"
    "interrupted or failed update leaves the old file byte for byte and two updates\n"
    "cannot interleave. Keys are written in a fixed order and keys memgate does not\n"
    "know are kept. Records measured_at (UTC, or SOURCE_DATE_EPOCH), commit, the tool,\n"
    "the profile's format and producer and this command line, and appends the entry to\n"
    "the history (memory-history.jsonl beside the baseline).\n"
    "\n"
    "Writes only when approved: --approve (a person, after review), or in GitHub Actions\n"
    "or GitLab CI on the default branch (or an allowed branch) outside a pull or merge\n"
    "request. Refuses to record a regression (per the limits) unless --allow-regression\n"
    "or a reviewed exception (--accept, MEMGATE_ACCEPT, a Memgate-Accept: trailer).\n"
    "\n"
    "options:\n" CLI_PATHS_HELP "  --approve             the update was reviewed\n"
    "  --allow-branch NAME   CI branch allowed to update (repeatable, globs; default:\n"
    "                        memgate.update.branches, else the default branch)\n"
    "  --allow-regression    record it even when it is worse than the old baseline\n"
    "  --accept REASON       a reviewed exception: record the regression with REASON\n"
    "  --pin-anchor          make this baseline the drift budget's anchor (a recorded\n"
    "                        regression, allowed or accepted, always becomes it)\n"
    "  --commit SHA          commit to record (default: GITHUB_SHA, CI_COMMIT_SHA, git HEAD)\n"
    "  --top N               hotspots to store (default memgate.hotspots.top, else 10)\n"
    "  --lock-timeout SEC    wait this long for another update's lock (default 60)\n"
    "  --input-format NAME   skip detection: " CLI_INPUT_FORMATS "\n"
    "  --summary N|last      which summary of a log with several\n"
    "  --combine min|median|max  several runs (PROFILE...) combine per metric (default:\n"
    "                        min for peaks, median for the rest)\n" CLI_HOTSPOT_HELP CLI_LIMIT_HELP;

/* A second string: C99 promises string literals of 4095 bytes, not more. */
static const char ub_help_exit[] =
    "  --env KEY=VALUE       add to the environment fingerprint recorded with the\n"
    "                        baseline (repeatable; replaces a measured key: os, kernel,\n"
    "                        arch, libc, cpus, runner.*, producer)\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status: 0 written, 1 refused because it regressed, 2 usage or not approved,\n"
    "3 bad profile (an empty one too) or baseline, 4 cannot write (the old baseline is\n"
    "intact).\n";

static const struct option ub_options[] = {
    CLI_PATHS_OPTIONS,
    {"approve", no_argument, NULL, 'a'},
    {"allow-branch", required_argument, NULL, 'B'},
    {"allow-regression", no_argument, NULL, 'R'},
    {"accept", required_argument, NULL, CLI_OPT_ACCEPT},
    {"pin-anchor", no_argument, NULL, CLI_OPT_PIN_ANCHOR},
    {"commit", required_argument, NULL, 'c'},
    {"top", required_argument, NULL, 't'},
    {"lock-timeout", required_argument, NULL, CLI_OPT_LOCK_TIMEOUT},
    {"input-format", required_argument, NULL, 'i'},
    {"summary", required_argument, NULL, 's'},
    {"combine", required_argument, NULL, CLI_OPT_COMBINE},
    {"env", required_argument, NULL, CLI_OPT_ENV},
    CLI_HOTSPOT_OPTIONS,
    CLI_LIMIT_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define MAX_BRANCHES 16

struct ub_opts {
    struct cli_paths paths;
    const char *commit, *profile, *accept, *combine;
    const char *profiles[CLI_MAX_RUNS];
    size_t n_profiles;
    bool approve, allow_regression, pin_anchor;
    const char *branches[MAX_BRANCHES];
    size_t n_branches;
    unsigned top, lock_timeout_s;
    struct cli_limits limits;
    mg_load_options load;
    struct cli_hotspots hotspots;
    struct cli_env_user env;
};

static int parse_lock_timeout(const char *arg, unsigned *out, mg_error *err)
{
    uint64_t v;
    if (mg_parse_u64(arg, 86400, &v, err) < 0) {
        mg_error_init(err);
        return mg_error_set(err, MG_E_USAGE, "--lock-timeout takes seconds from 0 to 86400");
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_one(int c, const char *arg, void *ctx, mg_error *err)
{
    struct ub_opts *o = ctx;
    int rc;
    if ((rc = cli_gate_option(c, arg, &o->paths, &o->limits, &o->hotspots, &o->load, err)) != 0)
        return rc < 0 ? rc : 0;
    switch (c) {
    case 'a':
        o->approve = true;
        return 0;
    case 'B':
        if (o->n_branches == MAX_BRANCHES)
            return mg_error_set(err, MG_E_USAGE, "too many --allow-branch options");
        o->branches[o->n_branches++] = arg;
        return 0;
    case 'R':
        o->allow_regression = true;
        return 0;
    case CLI_OPT_ACCEPT:
        o->accept = arg;
        return 0;
    case CLI_OPT_PIN_ANCHOR:
        o->pin_anchor = true;
        return 0;
    case 'c':
        o->commit = arg;
        return 0;
    case 't':
        return cli_parse_top(arg, &o->top, err);
    case CLI_OPT_LOCK_TIMEOUT:
        return parse_lock_timeout(arg, &o->lock_timeout_s, err);
    case 'i':
        o->load.format = arg;
        return 0;
    case 's':
        return cli_parse_summary(arg, &o->load.summary_index, err);
    case CLI_OPT_COMBINE:
        o->combine = arg;
        return 0;
    case CLI_OPT_ENV:
        return cli_env_option(&o->env, arg, err);
    }
    return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option (see --help)");
}

static const char *const ub_help_texts[] = {ub_help, ub_help_exit, NULL};

static int parse_args(int argc, char **argv, struct ub_opts *o, mg_error *err)
{
    int rc;
    o->lock_timeout_s = 60;
    if ((rc = cli_getopt(argc, argv, ub_options, ub_help_texts, parse_one, o, err)) != 0)
        return rc;
    if (optind == argc || argc - optind > CLI_MAX_RUNS)
        return mg_error_set(err, MG_E_USAGE, "expected 1 to %d PROFILE arguments (see --help)",
                            CLI_MAX_RUNS);
    for (; optind < argc; optind++)
        o->profiles[o->n_profiles++] = argv[optind];
    o->profile = o->profiles[0];
    o->load.top_n = 1000; /* every function, so the bytes outside the stored top N are exact */
    if (o->load.group_by == MG_GROUP_CRATE)
        return mg_error_set(err, MG_E_USAGE,
                            "--group-by crate is a view for show, check and diff: the baseline "
                            "records functions and stacks, from which check groups by library");
    return cli_hotspots_finish(&o->hotspots, &o->load, err);
}

static int check_approval(const struct ub_opts *o, const struct cli_setup *s, mg_error *err)
{
    struct cli_approval a = {o->approve, o->branches, o->n_branches};
    char why[256];
    if (o->n_branches == 0)
        a.branches = mg_config_branches(s->cfg, &a.n_branches);
    if (cli_approved(&a, why, sizeof(why)))
        return 0;
    return mg_error_set(err, MG_E_REFUSED,
                        "refusing to update the baseline without approval: %s; pass --approve "
                        "after review, or run on the default branch in CI",
                        why);
}

static int record(const struct ub_opts *o, const struct cli_setup *s, const mg_profile *p,
                  const mg_policy *policy, const char *accepted, const char *cmdline, mg_error *err)
{
    static const char *const run_keys[] = {"count", "combine"};
    char count[16];
    const char *run_values[] = {count,
                                o->combine ? o->combine : "min for peaks, median for the rest"};
    mg_hotspot_settings hs;
    mg_recorded done;
    struct cli_record r;
    /* static: some 10 KiB of fingerprint text, once per process */
    static struct cli_envprint env;
    int rc;

    mg_config_hotspots(s->cfg, &hs);
    memset(&r, 0, sizeof(r));
    r.setup = s;
    r.profile = p;
    r.policy = policy;
    r.allow_regression = o->allow_regression || accepted;
    r.accepted = accepted;
    r.commit_flag = o->commit;
    r.command_line = cmdline;
    r.pin_anchor = o->pin_anchor;
    r.top = o->top ? o->top : hs.top;
    r.load = &o->load;
    r.lock_timeout_ms = o->lock_timeout_s * 1000;
    snprintf(count, sizeof(count), "%zu", o->n_profiles);
    if (o->n_profiles > 1) {
        r.strings[0].key = "runs";
        r.strings[0].names = run_keys;
        r.strings[0].values = run_values;
        r.strings[0].n = 2;
    }
    cli_envprint_collect(&env, p, &o->env);
    r.strings[1].key = "environment";
    r.strings[1].names = env.names;
    r.strings[1].values = env.values;
    r.strings[1].n = env.n;
    if ((rc = cli_record_baseline(&r, &done, err)) < 0)
        return rc;
    printf("memgate: baseline %s%s%s updated from %s (measured_at %s%s%s)\n", s->baseline,
           s->workload ? " workload " : "", s->workload ? s->workload : "", mg_profile_source(p),
           done.measured_at, done.commit[0] ? ", commit " : "", done.commit);
    if (accepted)
        printf("memgate: recorded as a reviewed exception: %s\n", accepted);
    if (done.anchored)
        printf("memgate: this baseline is the drift anchor from now on%s\n",
               o->pin_anchor ? "" : " (a reviewed regression restarts the budget)");
    if (done.stale_removed)
        printf("memgate: removed %u temporary file%s left by an interrupted update\n",
               done.stale_removed, done.stale_removed == 1 ? "" : "s");
    return 0;
}

/* Learned limits (peak=3sigma, ...) judge the new numbers by the history so far. */
static int learn(const struct cli_setup *s, mg_policy *policy, mg_error *err)
{
    static struct cli_learned learned;
    mg_history h;
    int rc;
    if (!mg_learn_wanted(policy))
        return 0;
    mg_history_init(&h);
    rc = mg_history_load(&h, s->history, err);
    if (rc == 0)
        rc = cli_learn_apply(&learned, policy, s->cfg, &h, s->workload, NULL, err);
    mg_history_release(&h);
    return rc;
}

/* What several runs combined to, before the write. */
static void print_runs(const struct cli_notices *n)
{
    size_t i, j;
    for (i = 0; i < n->n; i++) {
        printf("memgate: %s\n", n->items[i].title);
        for (j = 0; j < n->items[i].n_lines; j++)
            printf("  %s\n", n->items[i].lines[j]);
    }
}

int cmd_update_baseline(int argc, char **argv, mg_error *err)
{
    struct ub_opts o;
    struct cli_setup s;
    mg_profile *p = NULL;
    mg_policy policy;
    char reason[256], source[64], cmdline[2048];
    int rc, status = 0, found;
    enum cli_combine how;
    /* static: some 35 KiB of fixed-size notice text, once per process */
    static struct cli_notices runs;

    memset(&o, 0, sizeof(o));
    memset(&s, 0, sizeof(s));
    cli_command_line(argc, argv, cmdline, sizeof(cmdline)); /* before getopt permutes argv */
    if ((rc = parse_args(argc, argv, &o, err)) != 0) {
        cli_hotspots_release(&o.hotspots);
        return rc > 0 ? 0 : mg_error_exit_code(err);
    }
    if (cli_setup_open(&s, &o.paths, err) < 0 || check_approval(&o, &s, err) < 0 ||
        cli_hotspots_config(&o.hotspots, s.cfg, &o.load, err) < 0)
        goto fail;
    mg_policy_defaults(&policy);
    if (cli_policy_build(&policy, s.cfg, s.workload, &o.limits, err) < 0 ||
        learn(&s, &policy, err) < 0 ||
        (found = cli_accept_find(o.accept, s.cfg, reason, sizeof(reason), source, sizeof(source),
                                 err)) < 0 ||
        cli_combine_choose(o.combine, false, s.cfg, &how, err) < 0 ||
        cli_runs_load(&p, o.profiles, o.n_profiles, &o.load, how, &runs, err) < 0)
        goto fail;
    print_runs(&runs);
    if (record(&o, &s, p, &policy, found ? reason : NULL, cmdline, err) < 0) {
        status = err->code == MG_E_REFUSED ? 1 : mg_error_exit_code(err);
        goto done;
    }
    goto done;
fail:
    status = mg_error_exit_code(err);
done:
    mg_profile_free(p);
    cli_setup_close(&s);
    cli_hotspots_release(&o.hotspots);
    return status;
}

/* The help and options as the man page and the shell completions show them (main.c). */
const struct cmd_doc cmd_update_baseline_doc = {ub_options, ub_help_texts};
