/* memgate diff A B: two profiles compared directly (metrics under the limits, hotspots by name). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_blame.h"
#include "cli_policy.h"
#include "cmd.h"
#include "memgate/gate.h"
#include "memgate/num.h"
#include "memgate/hsdiff.h"
#include "memgate/report.h"

static const char diff_help[] =
    "usage: memgate diff [OPTIONS] OLD NEW\n"
    "\n"
    "Compare profile NEW with profile OLD, no baseline file needed: every metric with\n"
    "its change and status under the limits (OLD plays the baseline), and the\n"
    "functions whose allocations grew, shrank, appeared or went away (matched by\n"
    "function name, never by frame index). Exit 1 when NEW regressed past a limit.\n"
    "\n"
    "options:\n"
    "  --config FILE         configuration (default .pmat.yaml when it exists)\n"
    "  --no-config           ignore .pmat.yaml\n"
    "  --workload NAME       use this workload's limits from the configuration\n" CLI_LIMIT_HELP
    "  --format FMT          text, json, markdown, junit, openmetrics, html,\n"
    "                        flamegraph (a differential flame graph: widths from NEW,\n"
    "                        red grew, blue shrank) or folded (\"stack OLD NEW\" per\n"
    "                        line, for flamegraph.pl/inferno; --weight); repeatable\n"
    "  --output FILE         write the --format next to it to FILE instead of stdout\n"
    "  --input-format NAME   skip detection for both files\n"
    "  --top N               hotspots shown and compared (default 10)\n"
    "  --min-change PCT      hide hotspot changes smaller than this (default 1%)\n" CLI_WEIGHT_HELP
        CLI_HOTSPOT_HELP "  -h, --help            this text\n"
    "\n"
    "exit status: 0 no regression, 1 NEW regressed, 2 usage, 3 bad profile, 4 I/O.\n";

enum { OPT_MIN_CHANGE = 3000 };

static const struct option diff_options[] = {
    {"config", required_argument, NULL, CLI_OPT_CONFIG},
    {"no-config", no_argument, NULL, CLI_OPT_NO_CONFIG},
    {"workload", required_argument, NULL, 'w'},
    CLI_LIMIT_OPTIONS,
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"input-format", required_argument, NULL, 'i'},
    {"top", required_argument, NULL, 't'},
    {"min-change", required_argument, NULL, OPT_MIN_CHANGE},
    {"weight", required_argument, NULL, CLI_OPT_WEIGHT},
    CLI_HOTSPOT_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct diff_opts {
    struct cli_paths paths;
    struct cli_limits limits;
    struct cli_outputs outputs;
    mg_load_options load;
    const char *old_path, *new_path, *min_change;
    unsigned top;
    int weight;
    struct cli_hotspots hotspots;
};

static int parse_one(int c, const char *arg, void *ctx, mg_error *err)
{
    struct diff_opts *o = ctx;
    int rc;
    if ((rc = cli_gate_option(c, arg, &o->paths, &o->limits, &o->hotspots, &o->load, err)) != 0)
        return rc < 0 ? rc : 0;
    switch (c) {
    case 'f':
        return cli_outputs_add(&o->outputs, arg, cli_report_formats, err);
    case 'o':
        return cli_outputs_set_path(&o->outputs, arg, err);
    case 'i':
        o->load.format = arg;
        return 0;
    case 't':
        return cli_parse_top(arg, &o->top, err);
    case OPT_MIN_CHANGE:
        o->min_change = arg;
        return 0;
    case CLI_OPT_WEIGHT:
        return cli_parse_weight(arg, &o->weight, err);
    }
    return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option (see --help)");
}

static const char *const diff_help_texts[] = {diff_help, NULL};

static int parse_args(int argc, char **argv, struct diff_opts *o, mg_error *err)
{
    int rc;
    if ((rc = cli_getopt(argc, argv, diff_options, diff_help_texts, parse_one, o, err)) != 0)
        return rc;
    if (optind != argc - 2)
        return mg_error_set(err, MG_E_USAGE, "expected two profiles, OLD and NEW (see --help)");
    o->old_path = argv[optind];
    o->new_path = argv[optind + 1];
    o->load.top_n = 1000; /* every function, so "gone" and "appeared" are exact */
    if (cli_outputs_default(&o->outputs, err) < 0)
        return -(int)err->code;
    return cli_hotspots_finish(&o->hotspots, &o->load, err);
}

static int change_options(const struct diff_opts *o, const struct cli_setup *s,
                          mg_hsdiff_options *out, mg_error *err)
{
    mg_hotspot_settings hs;
    mg_hsdiff_options opts;

    mg_config_hotspots(s->cfg, &hs);
    opts.top = o->top ? o->top : hs.top;
    opts.min_change_bp = hs.min_change_bp;
    opts.min_bytes = hs.min_bytes;
    opts.max_items = 15;
    if (o->min_change && mg_parse_percent(o->min_change, &opts.min_change_bp, err) < 0) {
        mg_error_prefix(err, "--min-change");
        return -err->code;
    }
    *out = opts;
    return 0;
}

/* By name, for formats without stacks (both runs attributed alike, so names compare). */
static int hotspot_diff(const mg_hsdiff_options *opts, const mg_profile *a, const mg_profile *b,
                        mg_hsdiff *out, mg_error *err)
{
    size_t na, nb;
    const mg_hotspot *ha = mg_profile_hotspots(a, &na), *hb = mg_profile_hotspots(b, &nb);
    return mg_hsdiff_compute(out, ha, na, na < 1000, hb, nb, nb < 1000, opts, err);
}

static int run_diff(struct diff_opts *o, mg_profile **a, mg_profile **b, int *status, mg_error *err)
{
    struct cli_setup s;
    mg_policy policy;
    mg_verdict v;
    mg_hsdiff changes;
    mg_hsdiff_options opts;
    struct cli_blame blame;
    mg_report_input in;
    char label[4200];
    int rc;

    memset(&changes, 0, sizeof(changes));
    memset(&blame, 0, sizeof(blame));
    mg_policy_defaults(&policy);
    if ((rc = cli_setup_open(&s, &o->paths, err)) < 0)
        return rc;
    if ((rc = cli_policy_build(&policy, s.cfg, s.workload, &o->limits, err)) == 0 &&
        (rc = cli_hotspots_config(&o->hotspots, s.cfg, &o->load, err)) == 0 &&
        (rc = mg_profile_load(a, o->old_path, &o->load, err)) == 0 &&
        (rc = mg_profile_load(b, o->new_path, &o->load, err)) == 0 &&
        (rc = change_options(o, &s, &opts, err)) == 0)
        rc = hotspot_diff(&opts, *a, *b, &changes, err);
    if (rc == 0) {
        mg_gate_evaluate(&v, mg_profile_metrics(*a), mg_profile_metrics(*b), &policy);
        /* from stacks when both have them: by function and line, total and peak, culprits */
        rc = cli_blame_profiles(&blame, *a, *b, &o->load, &opts, &v, err);
    }
    if (rc == 0) {
        snprintf(label, sizeof(label), "profile %s", o->old_path);
        memset(&in, 0, sizeof(in));
        in.command = "diff";
        in.profile = *b;
        in.verdict = &v;
        in.baseline_path = o->old_path;
        in.baseline_label = label;
        in.baseline_metrics = mg_profile_metrics(*a);
        in.workload = s.workload ? s.workload : "default";
        in.hotspot_changes = blame.have_changes ? &blame.changes : &changes;
        in.culprits = blame.culprits.n ? &blame.culprits : NULL;
        in.top_n = o->top ? o->top : 10;
        in.before_profile = *a;
        in.flame_weight = o->weight;
        in.load = &o->load;
        rc = cli_write_outputs(&o->outputs, &in, err);
        *status = v.overall == MG_STATUS_FAIL ? MG_EXIT_GATE_FAILED : MG_EXIT_OK;
    }
    mg_hsdiff_release(&changes);
    cli_blame_release(&blame);
    cli_setup_close(&s);
    return rc;
}

int cmd_diff(int argc, char **argv, mg_error *err)
{
    struct diff_opts o;
    mg_profile *a = NULL, *b = NULL;
    int rc, status = 0;

    memset(&o, 0, sizeof(o));
    if ((rc = parse_args(argc, argv, &o, err)) == 0 && run_diff(&o, &a, &b, &status, err) < 0)
        status = mg_error_exit_code(err);
    else if (rc != 0)
        status = rc > 0 ? 0 : mg_error_exit_code(err);
    mg_profile_free(a);
    mg_profile_free(b);
    cli_hotspots_release(&o.hotspots);
    return status;
}

/* The help and options as the man page and the shell completions show them (main.c). */
const struct cmd_doc cmd_diff_doc = {diff_options, diff_help_texts};
