/* memgate show: a profile's metrics and top hotspots, as text or JSON, or its flame graph. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "memgate/report.h"

static const char show_help[] =
    "usage: memgate show [OPTIONS] PROFILE\n"
    "\n"
    "Print peak bytes and blocks at t-gmax, total bytes and blocks, bytes and blocks at\n"
    "t-end, the runtime where the profile has one, and for dhat JSON the top allocation\n"
    "hotspots. PROFILE is a file or '-' for standard input; its format is detected by\n"
    "content (dhat JSON, dhat-rs or Valgrind DHAT text also inside a CI log, heaptrack data\n"
    "or heaptrack_print text, massif.out or ms_print text, /usr/bin/time -v, jemalloc\n"
    "stats JSON, pprof heap profiles; .gz and .zst are decompressed). Hotspots are ranked by total "
    "bytes, by\n"
    "bytes at t-gmax and by allocation count.\n"
    "\n"
    "options:\n"
    "  --format FMT          text, json, flamegraph (an SVG of the call stacks) or\n"
    "                        folded (collapsed stacks for flamegraph.pl, inferno,\n"
    "                        speedscope); repeatable, each with its own --output\n"
    "  --output FILE         write the --format next to it to FILE instead of stdout\n"
    "  --input-format NAME   skip detection: " CLI_INPUT_FORMATS "\n"
    "  --summary N|last      which summary of a log with several (default: last, and say so)\n"
    "  --top N               number of hotspots per ranking (default 10)\n"
    "  --workload NAME       name the workload in reports\n" CLI_WEIGHT_HELP CLI_HOTSPOT_HELP
    "  -h, --help            this text\n";

static const struct option show_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"input-format", required_argument, NULL, 'i'},
    {"summary", required_argument, NULL, 's'},
    {"top", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {"workload", required_argument, NULL, 'w'},
    {"weight", required_argument, NULL, CLI_OPT_WEIGHT},
    CLI_HOTSPOT_OPTIONS,
    {NULL, 0, NULL, 0},
};

static const char *const show_formats[] = {"text", "json", "flamegraph", "folded", NULL};

struct show_opts {
    const char *workload; /* only a label here: the report names it */
    struct cli_outputs outputs;
    mg_load_options load;
    struct cli_hotspots hotspots;
    const char *profile;
    int weight; /* enum mg_weight, for --format flamegraph */
};

static int parse_args(int argc, char **argv, struct show_opts *o, mg_error *err)
{
    int c;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", show_options, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'f':
            rc = cli_outputs_add(&o->outputs, optarg, show_formats, err);
            break;
        case 'o':
            rc = cli_outputs_set_path(&o->outputs, optarg, err);
            break;
        case 'i':
            o->load.format = optarg;
            break;
        case 'w':
            o->workload = optarg;
            break;
        case 's':
            rc = cli_parse_summary(optarg, &o->load.summary_index, err);
            break;
        case 't':
            rc = cli_parse_top(optarg, &o->load.top_n, err);
            break;
        case CLI_OPT_WEIGHT:
            rc = cli_parse_weight(optarg, &o->weight, err);
            break;
        case 'h':
            cli_help_print(stdout, show_help);
            fputs("\n", stdout);
            fputs(mg_hotspot_rule_text, stdout);
            return 1;
        default:
            rc = cli_hotspot_option(c, optarg, &o->hotspots, &o->load, err);
            if (rc == 0)
                return cli_bad_option(argv[optind - 1], show_options, err);
        }
        if (rc < 0)
            return rc;
    }
    if (optind != argc - 1)
        return mg_error_set(err, MG_E_USAGE, "expected one PROFILE argument (see --help)");
    o->profile = argv[optind];
    if (cli_outputs_default(&o->outputs, err) < 0)
        return -(int)err->code;
    return cli_hotspots_finish(&o->hotspots, &o->load, err);
}

int cmd_show(int argc, char **argv, mg_error *err)
{
    struct show_opts o;
    mg_profile *p = NULL;
    mg_report_input in;
    int rc;

    memset(&o, 0, sizeof(o));
    rc = parse_args(argc, argv, &o, err);
    if (rc != 0) {
        cli_hotspots_release(&o.hotspots);
        return rc > 0 ? 0 : mg_error_exit_code(err);
    }
    if (mg_profile_load(&p, o.profile, &o.load, err) < 0) {
        cli_hotspots_release(&o.hotspots);
        return mg_error_exit_code(err);
    }
    memset(&in, 0, sizeof(in));
    in.command = "show";
    in.profile = p;
    in.workload = o.workload ? o.workload : "default";
    in.flame_weight = o.weight;
    in.load = &o.load;
    rc = cli_write_outputs(&o.outputs, &in, err);
    mg_profile_free(p);
    cli_hotspots_release(&o.hotspots);
    return rc < 0 ? mg_error_exit_code(err) : 0;
}

/* The help and options as the man page and the shell completions show them (main.c). */
static const char *const show_help_texts[] = {show_help, NULL};
const struct cmd_doc cmd_show_doc = {show_options, show_help_texts};
