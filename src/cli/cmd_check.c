/* memgate check: the CI gate. Profile + baseline + limits -> verdict, reports, exit status. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_policy.h"
#include "cli_post.h"
#include "cmd.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"
#include "memgate/report.h"

static const char check_help[] =
    "usage: memgate check [OPTIONS] PROFILE\n"
    "\n"
    "Compare PROFILE with the reviewed baseline and exit 1 when a metric grew past its\n"
    "limit. Metrics the profile's format does not measure are shown as absent and\n"
    "skipped, never taken as zero.\n"
    "\n"
    "options:\n"
    "  --baseline PATH       baseline file (default .pmat-metrics/memory-baseline.json)\n"
    "  --workload NAME       compare with this workload of the baseline's 'workloads'\n" CLI_LIMIT_HELP
    "  --format text|json    report format (repeatable, each with its own --output)\n"
    "  --output FILE         write the preceding --format to FILE instead of stdout\n"
    "  --input-format NAME   skip detection: " CLI_INPUT_FORMATS "\n"
    "  --summary N|last      which summary of a log with several (default: last, and say so)\n"
    "  --top N               number of hotspots in reports (default 10)\n" CLI_HOTSPOT_HELP
    "  -h, --help            this text\n"
    "posting (default --post none):\n" CLI_POST_HELP
    "\n"
    "exit status: 0 pass or warn, 1 regression, 2 usage, 3 bad profile or baseline,\n"
    "4 cannot write a report, 5 posting failed (only under --require-post).\n";

static const struct option check_options[] = {
    {"baseline", required_argument, NULL, 'b'},     {"workload", required_argument, NULL, 'w'},
    {"limit", required_argument, NULL, 'l'},        {"warn", required_argument, NULL, 'W'},
    {"max", required_argument, NULL, 'm'},          {"improvement", required_argument, NULL, 'I'},
    {"format", required_argument, NULL, 'f'},       {"output", required_argument, NULL, 'o'},
    {"input-format", required_argument, NULL, 'i'}, {"summary", required_argument, NULL, 's'},
    {"top", required_argument, NULL, 't'},          {"help", no_argument, NULL, 'h'},
    CLI_HOTSPOT_OPTIONS,
    CLI_POST_OPTIONS,
    {NULL, 0, NULL, 0},
};

static const char *const check_formats[] = {"text", "json", NULL};

struct check_opts {
    const char *baseline_path;
    const char *workload;
    struct cli_limits limits;
    struct cli_outputs outputs;
    mg_load_options load;
    struct cli_hotspots hotspots;
    const char *profile;
    struct cli_post_opts post;
};

static int parse_one(int c, struct check_opts *o, mg_error *err)
{
    int posting = cli_post_option(c, optarg, &o->post, err);
    if (posting != 0)
        return posting < 0 ? posting : 0;
    switch (c) {
    case 'b':
        o->baseline_path = optarg;
        return 0;
    case 'w':
        o->workload = optarg;
        return 0;
    case 'l':
    case 'W':
    case 'm':
        return cli_limits_add(&o->limits, c == 'W' ? 'w' : (char)c, optarg, err);
    case 'I':
        o->limits.improvement = optarg;
        return 0;
    case 'f':
        return cli_outputs_add(&o->outputs, optarg, check_formats, err);
    case 'o':
        return cli_outputs_set_path(&o->outputs, optarg, err);
    case 'i':
        o->load.format = optarg;
        return 0;
    case 's':
        return cli_parse_summary(optarg, &o->load.summary_index, err);
    case 't':
        return cli_parse_top(optarg, &o->load.top_n, err);
    }
    if (cli_hotspot_option(c, optarg, &o->hotspots, &o->load, err) != 1)
        return err->code ? -err->code : 0;
    return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option (see --help)");
}

static int parse_args(int argc, char **argv, struct check_opts *o, mg_error *err)
{
    int c, rc;
    o->baseline_path = MG_BASELINE_DEFAULT_PATH;
    cli_post_defaults(&o->post, MG_POST_NONE);
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", check_options, NULL)) != -1) {
        if (c == 'h') {
            fputs(check_help, stdout);
            return 1;
        }
        if (c == '?' || c == ':')
            return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option '%s' (see --help)",
                                argv[optind - 1]);
        if ((rc = parse_one(c, o, err)) < 0)
            return rc;
    }
    if (optind != argc - 1)
        return mg_error_set(err, MG_E_USAGE, "expected one PROFILE argument (see --help)");
    o->profile = argv[optind];
    cli_outputs_default(&o->outputs);
    return cli_hotspots_finish(&o->hotspots, &o->load, err);
}

static int load_baseline(const struct check_opts *o, mg_baseline **b, mg_metrics *m,
                         mg_error *err)
{
    if (access(o->baseline_path, F_OK) != 0)
        return mg_error_set_at(err, MG_E_INPUT, o->baseline_path, 0, 0,
                               "no baseline file; record one after review with "
                               "'memgate update-baseline PROFILE --approve'");
    if (mg_baseline_load(b, o->baseline_path, err) < 0)
        return -err->code;
    return mg_baseline_metrics(*b, o->workload, m, err);
}

static int write_reports(const struct check_opts *o, mg_report_input *in, mg_error *err)
{
    size_t i;
    int rc = 0;
    for (i = 0; i < o->outputs.n && rc == 0; i++) {
        mg_buf out;
        mg_buf_init(&out, 0);
        in->color = cli_color_wanted(o->outputs.items[i].path);
        rc = !strcmp(o->outputs.items[i].format, "json") ? mg_report_json(&out, in, err)
                                                         : mg_report_text(&out, in, err);
        if (rc == 0)
            rc = cli_write(o->outputs.items[i].path, &out, err);
        mg_buf_release(&out);
    }
    return rc;
}

int cmd_check(int argc, char **argv, mg_error *err)
{
    struct check_opts o;
    mg_profile *p = NULL;
    mg_baseline *b = NULL;
    mg_metrics base;
    mg_policy policy;
    mg_verdict v;
    int rc, status = 0;

    memset(&o, 0, sizeof(o));
    if ((rc = parse_args(argc, argv, &o, err)) != 0) {
        cli_hotspots_release(&o.hotspots);
        return rc > 0 ? 0 : mg_error_exit_code(err);
    }
    mg_policy_defaults(&policy);
    if (cli_policy_build(&policy, &o.limits, err) < 0 ||
        mg_profile_load(&p, o.profile, &o.load, err) < 0 || load_baseline(&o, &b, &base, err) < 0) {
        status = mg_error_exit_code(err);
        goto done;
    }
    mg_gate_evaluate(&v, &base, mg_profile_metrics(p), &policy);
    if (v.n_compared == 0) {
        /* a copy/ad-hoc profile or the wrong file must not pass by comparing nothing */
        if (mg_profile_gate_note(p))
            mg_error_set_at(err, MG_E_INPUT, mg_profile_source(p), 0, 0,
                            "nothing to compare with the baseline: %s", mg_profile_gate_note(p));
        else
            mg_error_set_at(err, MG_E_INPUT, mg_profile_source(p), 0, 0,
                            "nothing to compare: this %s profile (mode %s) has none of the "
                            "gated metrics the baseline holds",
                            mg_profile_format(p), mg_profile_mode_label(p));
        status = mg_error_exit_code(err);
        goto done;
    }
    {
        mg_report_input in = {"check",
                              p,
                              &v,
                              o.baseline_path,
                              mg_baseline_string(b, o.workload, "measured_at"),
                              mg_baseline_string(b, o.workload, "commit"),
                              &base,
                              o.workload ? o.workload : "default",
                              false};
        if (write_reports(&o, &in, err) < 0) {
            status = mg_error_exit_code(err);
            goto done;
        }
    }
    status = v.overall == MG_STATUS_FAIL ? 1 : 0;
    {
        /* a failed post is reported and leaves the verdict's status, unless --require-post */
        struct cli_post_rows rows;
        mg_publish_workload w;
        cli_post_from_verdict(&w, &rows, &v, p, o.workload ? o.workload : "default");
        if (cli_post_publish(&o.post, &w, 1, err) < 0)
            status = mg_error_exit_code(err);
    }
done:
    mg_baseline_free(b);
    mg_profile_free(p);
    cli_hotspots_release(&o.hotspots);
    return status;
}
