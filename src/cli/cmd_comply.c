/* memgate comply: run check CB-141 on a Rust project and print what is missing and how to fix it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "memgate/comply.h"

static const char comply_help[] =
    "usage: memgate comply [OPTIONS] [DIR]\n"
    "\n"
    "Run compliance check CB-141 on the Rust project in DIR (default: the current\n"
    "directory): is the memory-profiling set-up in place? Three pieces, points off for\n"
    "each one missing (0 is compliant):\n"
    "\n"
    "  -5  dependency: dhat in [dev-dependencies] of Cargo.toml, also as\n"
    "      [dev-dependencies.dhat], under [target.'cfg(...)'.dev-dependencies], renamed\n"
    "      (package = \"dhat\"), or as dhat.workspace = true resolved through the\n"
    "      workspace root's [workspace.dependencies]. In a workspace any package counts\n"
    "      (the root package and every workspace.members match, minus exclude).\n"
    "  -3  profile binary: an example, bin or bench whose source installs dhat::Alloc\n"
    "      as the #[global_allocator] (static NAME: dhat::Alloc = ...). Looked at:\n"
    "      examples/*.rs, examples/*/main.rs, src/main.rs, src/bin/*.rs,\n"
    "      src/bin/*/main.rs, benches/*.rs, benches/*/main.rs and the path of every\n"
    "      [[example]], [[bin]] and [[bench]] entry.\n"
    "  -2  baseline: the file at comply.checks.cb-141.options.baseline_path of\n"
    "      .pmat.yaml (default .pmat-metrics/memory-baseline.json) parses as a baseline\n"
    "      with total_allocations_bytes, peak_memory_bytes and allocation_count as\n"
    "      non-negative integers.\n"
    "\n"
    "With options.profiler: jemalloc the dependency is tikv-jemallocator or\n"
    "jemallocator in [dependencies] or [dev-dependencies], and the profile binary is\n"
    "a source that installs its Jemalloc as the #[global_allocator]. With heaptrack\n"
    "there is no dependency to check (n/a, no points off), and the profile binary is\n"
    "a script that runs heaptrack: a line invoking `heaptrack ...` (not a # comment)\n"
    "in Makefile, justfile, *.sh in DIR, or a file in scripts/, ci/,\n"
    ".github/workflows/, .cargo/, or .gitlab-ci.yml.\n"
    "\n"
    "A C/C++ project (CMakeLists.txt, meson.build or a Makefile in DIR, and no\n"
    "Cargo.toml) has no crate to depend on: the dependency is n/a, the profile binary\n"
    "is a CI file or script that runs valgrind --tool=dhat (profiler dhat) or\n"
    "heaptrack, and the baseline is the same (0 to -5; docs/c-cpp.md).\n"
    "\n"
    "Settings come from DIR/.pmat.yaml (comply: checks: cb-141:): enabled (true),\n"
    "severity (warning or error), options.profiler (dhat, jemalloc or heaptrack) and\n"
    "options.baseline_path. See docs/comply.md.\n"
    "\n"
    "options:\n"
    "  --format text|json    report format (repeatable, each with its own --output);\n"
    "                        json is the memgate/comply/v1 schema in docs/comply.md\n"
    "  --output FILE         write the --format next to it to FILE instead of stdout\n"
    "  --config FILE         read the settings from FILE instead of DIR/.pmat.yaml\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status:\n"
    "  0  compliant, or pieces are missing and severity is warning (the default)\n"
    "  1  pieces are missing and severity is error\n"
    "  2  DIR has no Cargo.toml nor C/C++ build file, or a manifest or .pmat.yaml is\n"
    "     malformed (the message names file, line and column), or bad options\n"
    "  4  the report could not be written\n";

static const struct option comply_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"config", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char *const comply_formats[] = {"text", "json", NULL};

struct comply_opts {
    struct cli_outputs outputs;
    mg_comply_options run;
};

/* 1 when --help was printed, 0 to go on, negative on a usage error. */
static int parse_args(int argc, char **argv, struct comply_opts *o, mg_error *err)
{
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", comply_options, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'f':
            rc = cli_outputs_add(&o->outputs, optarg, comply_formats, err);
            break;
        case 'o':
            rc = cli_outputs_set_path(&o->outputs, optarg, err);
            break;
        case 'c':
            o->run.config_path = optarg;
            break;
        case 'h':
            cli_help_print(stdout, comply_help);
            return 1;
        default:
            return cli_bad_option(argv[optind - 1], comply_options, err);
        }
        if (rc < 0)
            return rc;
    }
    if (argc - optind > 1)
        return mg_error_set(err, MG_E_USAGE, "expected at most one DIR argument (see --help)");
    o->run.dir = optind < argc ? argv[optind] : ".";
    return cli_outputs_default(&o->outputs, err);
}

int cmd_comply(int argc, char **argv, mg_error *err)
{
    struct comply_opts o;
    mg_comply_report *r = NULL;
    mg_buf out;
    size_t i;
    int rc;

    memset(&o, 0, sizeof(o));
    rc = parse_args(argc, argv, &o, err);
    if (rc != 0)
        return rc > 0 ? 0 : mg_error_exit_code(err);
    if (mg_comply_run(&r, &o.run, err) < 0)
        return mg_error_exit_code(err);
    for (i = 0; i < o.outputs.n && rc == 0; i++) {
        mg_buf_init(&out, 0);
        rc = !strcmp(o.outputs.items[i].format, "json") ? mg_comply_render_json(r, &out, err)
                                                        : mg_comply_render_text(r, &out, err);
        if (rc == 0)
            rc = cli_write(o.outputs.items[i].path, &out, err);
        mg_buf_release(&out);
    }
    /* 1 is the only "negative result" status, as for a memory regression in memgate check */
    rc = rc < 0 ? mg_error_exit_code(err) : mg_comply_failed(r) ? MG_EXIT_GATE_FAILED : MG_EXIT_OK;
    mg_comply_report_free(r);
    return rc;
}

/* The help and options as the man page and the shell completions show them (main.c). */
static const char *const comply_help_texts[] = {comply_help, NULL};
const struct cmd_doc cmd_comply_doc = {comply_options, comply_help_texts};
