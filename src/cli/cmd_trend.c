/* memgate trend: an SVG chart of peak, total and count over a workload's baseline history. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_policy.h"
#include "cmd.h"
#include "memgate/history.h"
#include "memgate/report.h"

static const char trend_help[] =
    "usage: memgate trend [OPTIONS] [PROFILE]\n"
    "\n"
    "Draw peak_memory_bytes, total_allocations_bytes and allocation_count over the\n"
    "baseline history (one panel each, axes from zero) as SVG; a PROFILE is added as\n"
    "the last point, 'this run'. The fail limit over the newest baseline (as check\n"
    "would apply it: .pmat.yaml and the defaults) is a dashed line; entries are named\n"
    "by date and commit. At most the last 500 entries are drawn.\n"
    "\n"
    "options:\n" CLI_PATHS_HELP
    "  --output FILE         write the SVG to FILE (default: standard output)\n"
    "  --input-format NAME   skip detection for PROFILE\n"
    "  -h, --help            this text\n";

static const struct option trend_options[] = {
    CLI_PATHS_OPTIONS,
    {"output", required_argument, NULL, 'o'},
    {"input-format", required_argument, NULL, 'i'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define TREND_MAX 500

struct trend_opts {
    struct cli_paths paths;
    const char *output, *profile;
    mg_load_options load;
};

static int parse_args(int argc, char **argv, struct trend_opts *o, mg_error *err)
{
    int c;
    cli_reset_getopt();
    o->output = "-";
    while ((c = getopt_long(argc, argv, "h", trend_options, NULL)) != -1) {
        if (cli_paths_option(c, optarg, &o->paths))
            continue;
        if (c == 'h') {
            cli_help_print(stdout, trend_help);
            return 1;
        }
        if (c == 'o')
            o->output = optarg;
        else if (c == 'i')
            o->load.format = optarg;
        else
            return cli_bad_option(argv[optind - 1], trend_options, err);
    }
    if (optind < argc - 1)
        return mg_error_set(err, MG_E_USAGE, "expected at most one PROFILE (see --help)");
    o->profile = optind == argc - 1 ? argv[optind] : NULL;
    return 0;
}

/* The fail limit of each metric over the newest baseline, as check would apply it. */
static int limits_over(const struct cli_setup *s, const mg_history_entry *newest, mg_metrics *out,
                       mg_error *err)
{
    struct cli_limits none;
    mg_policy policy;
    memset(&none, 0, sizeof(none));
    memset(out, 0, sizeof(*out));
    mg_policy_defaults(&policy);
    if (cli_policy_build(&policy, s->cfg, s->workload, &none, err) < 0)
        return -err->code;
    for (unsigned m = 0; m < MG_METRIC_COUNT; m++)
        out->present[m] = mg_limit_bound(&policy.fail[m], newest && newest->metrics.present[m],
                                         newest ? newest->metrics.value[m] : 0, &out->value[m]);
    return 0;
}

static int draw(const struct trend_opts *o, const struct cli_setup *s, const mg_history *h,
                const mg_profile *p, mg_error *err)
{
    const mg_history_entry **all;
    mg_metrics limits;
    size_t n, skip;
    mg_buf out;
    int rc;

    n = mg_history_select(h, s->workload, NULL, 0);
    if (!(all = calloc(n ? n : 1, sizeof(*all))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_history_select(h, s->workload, all, n);
    skip = n > TREND_MAX ? n - TREND_MAX : 0;
    mg_buf_init(&out, 0);
    rc = limits_over(s, n ? all[n - 1] : NULL, &limits, err);
    if (rc == 0)
        rc = mg_report_trend_svg(&out, all + skip, n - skip, s->workload,
                                 p ? mg_profile_metrics(p) : NULL, &limits, err);
    if (rc < 0 && n == 0)
        mg_error_prefix(err, "'%s'", s->history);
    if (rc == 0)
        rc = cli_write(o->output, &out, err);
    mg_buf_release(&out);
    free(all);
    return rc;
}

int cmd_trend(int argc, char **argv, mg_error *err)
{
    struct trend_opts o;
    struct cli_setup s;
    mg_history h;
    mg_profile *p = NULL;
    int rc;

    memset(&o, 0, sizeof(o));
    memset(&s, 0, sizeof(s));
    mg_history_init(&h);
    if ((rc = parse_args(argc, argv, &o, err)) != 0)
        return rc > 0 ? 0 : mg_error_exit_code(err);
    rc = cli_setup_open(&s, &o.paths, err);
    if (rc == 0)
        rc = mg_history_load(&h, s.history, err);
    if (rc == 0 && o.profile)
        rc = mg_profile_load(&p, o.profile, &o.load, err);
    if (rc == 0)
        rc = draw(&o, &s, &h, p, err);
    mg_profile_free(p);
    mg_history_release(&h);
    cli_setup_close(&s);
    return rc < 0 ? mg_error_exit_code(err) : 0;
}

/* The help and options as the man page and the shell completions show them (main.c). */
static const char *const trend_help_texts[] = {trend_help, NULL};
const struct cmd_doc cmd_trend_doc = {trend_options, trend_help_texts};
