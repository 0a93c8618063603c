/* memgate init: print, or with --write make, the CB-141 set-up of a Rust or C/C++ project. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_envprint.h"
#include "cli_git.h"
#include "cli_record.h"
#include "cmd.h"
#include "memgate/onboard.h"

static const char init_help[] =
    "usage: memgate init [OPTIONS] [DIR]\n"
    "\n"
    "Put the memory-profiling set-up that check CB-141 (memgate comply) looks for into\n"
    "the project in DIR (default: the current directory). Pieces already in place are\n"
    "left alone; for the others init prints what it would add. A Rust project (DIR has\n"
    "a Cargo.toml) gets:\n"
    "\n"
    "  - dhat = \"0.3\" in [dev-dependencies] of Cargo.toml (dhat = { workspace = true }\n"
    "    when the workspace root lists dhat in [workspace.dependencies])\n"
    "  - examples/dhat_profile.rs, a profile binary that installs dhat::Alloc as the\n"
    "    #[global_allocator] and writes dhat-heap.json (only when no example, bin or\n"
    "    bench does that yet)\n"
    "  - its [[example]] entry (name = \"dhat_profile\") in Cargo.toml\n"
    "  - the first baseline, from a profile run (--profile)\n"
    "\n"
    "A C/C++ project (CMakeLists.txt, meson.build or a Makefile, and no Cargo.toml)\n"
    "gets, for Valgrind DHAT (default) or heaptrack (--profiler heaptrack):\n"
    "\n"
    "  - .pmat.yaml with the CB-141 settings and memgate's limits (when it has none)\n"
    "  - .github/workflows/memgate.yml: build, run the workload under the profiler,\n"
    "    gate it with memgate's action\n"
    "  - .gitlab/memgate.gitlab-ci.yml with the same commands, and .gitlab-ci.yml\n"
    "    including it (an existing .gitlab-ci.yml: init says what to add)\n"
    "  - the first baseline: --record runs the build and profile commands here, or\n"
    "    --profile FILE takes a profile you made\n"
    "The workload is --run 'PROGRAM ARGS', else the program of the build file\n"
    "(add_executable, executable(), the target of all:); the build command is\n"
    "--build 'CMD', else the usual one with optimisation and debug info. See\n"
    "docs/c-cpp.md.\n"
    "\n"
    "With --write it makes those changes. Cargo.toml is only added to: the dependency\n"
    "goes on the line after the [dev-dependencies] header (or a new table is appended)\n"
    "and the [[example]] entry is appended; the result is parsed again before the file\n"
    "is replaced atomically, keeping its line endings and permissions. An existing\n"
    "example file or baseline is never replaced without --force.\n"
    "\n"
    "Typical use:\n"
    "  memgate init --write\n"
    "  cargo run --example dhat_profile --release       # writes dhat-heap.json\n"
    "  memgate init --profile dhat-heap.json            # the first baseline\n"
    "  memgate comply                                   # score 0\n"
    "\n"
    "options:\n"
    "  --write               make the changes (default: only print them)\n"
    "  --force               replace an existing examples/dhat_profile.rs or baseline\n"
    "  --profile FILE        write the first baseline from FILE (dhat JSON or dhat-rs\n"
    "                        output; needs total, peak and count), even without --write\n"
    "  --record              C/C++: run the build and profile commands in DIR and\n"
    "                        write the first baseline from the profile they make\n"
    "  --run 'PROGRAM ARGS'  C/C++: the workload the profile step runs\n"
    "  --build 'CMD'         C/C++: the build command of the steps\n"
    "  --profiler NAME       C/C++: dhat (Valgrind DHAT, the default) or heaptrack\n"
    "  --baseline PATH       baseline file (default: options.baseline_path of\n"
    "                        .pmat.yaml, else .pmat-metrics/memory-baseline.json)\n"
    "  --commit SHA          commit to record in the baseline (default: the CI's, as\n"
    "                        update-baseline records it, else git HEAD of DIR)\n"
    "  --member DIR          in a workspace, the member crate (relative to DIR) that gets\n"
    "                        the dependency and the example; needed for a virtual\n"
    "                        manifest\n"
    "  --config FILE         read the settings from FILE instead of DIR/.pmat.yaml\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status:\n"
    "  0  done (or, without --write, the plan was printed)\n"
    "  2  no Cargo.toml or C/C++ build file, a malformed manifest or .pmat.yaml, a\n"
    "     profiler init cannot set up, or a file in the way that only --force would\n"
    "     replace\n"
    "  3  the --profile file is unreadable or lacks the baseline metrics, or a --record\n"
    "     command failed\n"
    "  4  a file could not be written\n";

static const struct option init_options[] = {
    {"write", no_argument, NULL, 'w'},
    {"force", no_argument, NULL, 'F'},
    {"profile", required_argument, NULL, 'p'},
    {"baseline", required_argument, NULL, 'b'},
    {"commit", required_argument, NULL, 'c'},
    {"member", required_argument, NULL, 'm'},
    {"config", required_argument, NULL, 'C'},
    {"record", no_argument, NULL, 'R'},
    {"run", required_argument, NULL, 'r'},
    {"build", required_argument, NULL, 'B'},
    {"profiler", required_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_one(int c, mg_onboard_options *o)
{
    switch (c) {
    case 'w':
        o->write = true;
        break;
    case 'F':
        o->force = true;
        break;
    case 'p':
        o->profile = optarg;
        break;
    case 'b':
        o->baseline_path = optarg;
        break;
    case 'c':
        o->commit = optarg;
        break;
    case 'm':
        o->member = optarg;
        break;
    case 'C':
        o->config_path = optarg;
        break;
    case 'R':
        o->record = true;
        break;
    case 'r':
        o->run = optarg;
        break;
    case 'B':
        o->build = optarg;
        break;
    case 'P':
        o->profiler = optarg;
        break;
    default:
        return -1;
    }
    return 0;
}

/* 1 when --help was printed, 0 to go on, negative on a usage error. */
static int parse_args(int argc, char **argv, mg_onboard_options *o, mg_error *err)
{
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", init_options, NULL)) != -1) {
        if (c == 'h') {
            cli_help_print(stdout, init_help);
            return 1;
        }
        if (parse_one(c, o) < 0)
            return cli_bad_option(argv[optind - 1], init_options, err);
    }
    if (argc - optind > 1)
        return mg_error_set(err, MG_E_USAGE, "expected at most one DIR argument (see --help)");
    o->dir = optind < argc ? argv[optind] : ".";
    if (o->baseline_path && !*o->baseline_path)
        return mg_error_set(err, MG_E_USAGE, "--baseline needs a file path");
    if ((o->run && !*o->run) || (o->build && !*o->build))
        return mg_error_set(err, MG_E_USAGE, "--run and --build need a command");
    if (o->record && o->profile)
        return mg_error_set(err, MG_E_USAGE,
                            "--record makes the profile that --profile would name: give one");
    return 0;
}

/* The fingerprint update-baseline records (no --env here), for the first baseline. */
static void fingerprint(const mg_profile *p, mg_record_strings *out)
{
    /* static: some 20 KiB of fixed-size strings, once per process */
    static struct cli_envprint env;
    cli_envprint_collect(&env, p, NULL);
    out->key = "environment";
    out->names = env.names;
    out->values = env.values;
    out->n = env.n;
}

int cmd_init(int argc, char **argv, mg_error *err)
{
    mg_onboard_options o;
    mg_onboard_plan *plan = NULL;
    mg_buf out;
    char cmdline[2048];
    int rc;

    memset(&o, 0, sizeof(o));
    cli_command_line(argc, argv, cmdline, sizeof(cmdline)); /* before getopt permutes argv */
    rc = parse_args(argc, argv, &o, err);
    if (rc != 0)
        return rc > 0 ? 0 : mg_error_exit_code(err);
    o.command_line = cmdline;
    o.git_head = cli_git_head;
    o.environment = fingerprint;
    if (mg_onboard_run(&plan, &o, err) < 0)
        return mg_error_exit_code(err);
    /* the plan is rendered after the run, so it reports what was really written */
    mg_buf_init(&out, 0);
    rc = mg_onboard_render_text(plan, &out, err);
    if (rc == 0)
        rc = cli_write("-", &out, err);
    mg_buf_release(&out);
    mg_onboard_free(plan);
    return rc < 0 ? mg_error_exit_code(err) : 0;
}

/* The help and options as the man page and the shell completions show them (main.c). */
static const char *const init_help_texts[] = {init_help, NULL};
const struct cmd_doc cmd_init_doc = {init_options, init_help_texts};
