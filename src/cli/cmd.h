/* The command table and the helpers every command shares. */
#ifndef MEMGATE_CLI_CMD_H
#define MEMGATE_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/profile.h"

/*
 * A command gets its own argv (argv[0] is the command name) and returns the
 * process exit status. When it fails it fills err and main prints it.
 */
typedef int (*cmd_fn)(int argc, char **argv, mg_error *err);

/*
 * What --help prints and getopt takes, in one place: the man page and the shell completions are
 * generated from it (cli_man.c, cli_completion.c), so they cannot drift from the command.
 */
struct option;
struct cmd_doc {
    const struct option *options; /* getopt_long's table, {NULL} terminated */
    const char *const *help;      /* the --help texts, NULL terminated */
};

struct cmd_spec {
    const char *name;
    cmd_fn fn;
    const char *summary;
    const struct cmd_doc *doc;
};

extern const struct cmd_spec cli_commands[];
extern const struct cmd_doc cmd_show_doc, cmd_check_doc, cmd_update_baseline_doc, cmd_diff_doc,
    cmd_trend_doc, cmd_comply_doc, cmd_init_doc, cmd_post_doc;

/* The top-level texts of 'memgate --help' (main.c), shared with the man page. */
extern const char cli_usage_text[], cli_exit_text[];
void cli_usage(FILE *f);

/* The man page memgate.1 in roff, from the command table and the --help texts (--help-man). */
int cli_man_print(FILE *f);
/* A completion script for shell "bash" or "zsh" from the command and option tables
 * (--completion SHELL); another shell is a usage error. */
int cli_completion_print(FILE *f, const char *shell, mg_error *err);

int cmd_show(int argc, char **argv, mg_error *err);
int cmd_check(int argc, char **argv, mg_error *err);
int cmd_update_baseline(int argc, char **argv, mg_error *err);
int cmd_comply(int argc, char **argv, mg_error *err);
int cmd_init(int argc, char **argv, mg_error *err);
int cmd_diff(int argc, char **argv, mg_error *err);
int cmd_trend(int argc, char **argv, mg_error *err);
int cmd_post(int argc, char **argv, mg_error *err);

/*
 * Option helpers (cli_*_option: hotspots, limits, paths, posting) share the
 * options of several commands. Each takes one getopt code and returns 1 when
 * the code was its own and is handled, 0 when it is not its own (the command
 * tries its next handler), or a negative mg_error code for a bad value.
 */

/* Report outputs: each --format adds one; --output FILE redirects the latest. */
#define CLI_MAX_OUTPUTS 8
struct cli_output {
    const char *format; /* "text", "json", ... */
    const char *path;   /* "-" = stdout */
};
struct cli_outputs {
    struct cli_output items[CLI_MAX_OUTPUTS];
    size_t n;
    const char *pending; /* an --output that waits for the next --format */
};

int cli_outputs_add(struct cli_outputs *o, const char *format, const char *const *known,
                    mg_error *err);
int cli_outputs_set_path(struct cli_outputs *o, const char *path, mg_error *err);
/*
 * After the options: with no --format, one text report (on stdout, or to the lone --output); an
 * --output that no --format took, or two reports to one file, is a usage error.
 */
int cli_outputs_default(struct cli_outputs *o, mg_error *err);

/* Report formats of check and diff: text, json, markdown, junit, openmetrics, flamegraph. */
extern const char *const cli_report_formats[];

struct mg_report_input;
/* Render in->verdict (or the profile, for show) in one of cli_report_formats. */
int cli_render(const char *format, mg_buf *out, const struct mg_report_input *in, mg_error *err);

/* Write a rendered report to a path ("-" = stdout); failures are MG_E_IO. */
int cli_write(const char *path, const mg_buf *buf, mg_error *err);
/* Render in to every requested output (colour only where it goes to a terminal). */
int cli_write_outputs(const struct cli_outputs *outs, struct mg_report_input *in, mg_error *err);

/* Colour only on a terminal, and never when NO_COLOR is set (any value). */
bool cli_color_wanted(const char *path);

/* Parse --summary N|last and --top N. */
int cli_parse_summary(const char *arg, unsigned *out, mg_error *err);
int cli_parse_top(const char *arg, unsigned *out, mg_error *err);

/* --weight total|peak|count (flame graphs) -> an enum mg_weight. */
int cli_parse_weight(const char *arg, int *out, mg_error *err);
#define CLI_OPT_WEIGHT 4100
#define CLI_OPT_COMPARE_PROFILE 4101
#define CLI_WEIGHT_HELP                                                                            \
    "  --weight W            flame graph widths: total (bytes allocated, default), peak\n"         \
    "                        (bytes live at the peak) or count (allocations)\n"

/* Hotspot options shared by show and check (short codes K, G, A, O, X). */
#define CLI_MAX_SKIP 64
#define CLI_HOTSPOT_OPTIONS                                                                        \
    {"skip-frame", required_argument, NULL, 'K'}, {"group-by", required_argument, NULL, 'G'},      \
        {"attribution", required_argument, NULL, 'A'},                                             \
        {"own-crate", required_argument, NULL, 'O'},                                               \
    {                                                                                              \
        "exclude-tests", no_argument, NULL, 'X'                                                    \
    }
#define CLI_HOTSPOT_HELP                                                                           \
    "  --skip-frame PREFIX   treat frames starting with PREFIX as allocator machinery\n"           \
    "                        (repeatable; also MEMGATE_SKIP_FRAMES=A,B)\n"                         \
    "  --group-by function|stack|crate  by function (default), stack or library\n"                 \
    "  --attribution own|skip-std|alloc-site|first-frame  hotspot naming (own code)\n"             \
    "  --own-crate NAME      a crate of the program's own code (repeatable)\n"                     \
    "  --exclude-tests       leave program points with a frame in a test file out\n"
#define CLI_INPUT_FORMATS                                                                          \
    "dhat-json, dhat-text, heaptrack, heaptrack-print,\n"                                          \
    "                        massif, ms-print, time, jemalloc-json, pprof"

struct cli_hotspots {
    const char *skip[CLI_MAX_SKIP];
    size_t n;
    const char *own[CLI_MAX_SKIP]; /* --own-crate, then the config's own_crates */
    size_t n_own;
    bool attribution_set; /* --attribution given: it wins over the config */
    char *env;            /* owned copy of MEMGATE_SKIP_FRAMES, split in place */
};

/* Handle one hotspot option (option helper convention: above). */
int cli_hotspot_option(int c, const char *arg, struct cli_hotspots *h, mg_load_options *load,
                       mg_error *err);
/* Add MEMGATE_SKIP_FRAMES and point load at the list (h must outlive load's use). */
int cli_hotspots_finish(struct cli_hotspots *h, mg_load_options *load, mg_error *err);
/*
 * Add .pmat.yaml's memgate.hotspots.skip_frames (after the flags' and the
 * environment's prefixes); the config must outlive load's use.
 */
struct mg_config;
int cli_hotspots_config(struct cli_hotspots *h, const struct mg_config *cfg, mg_load_options *load,
                        mg_error *err);
void cli_hotspots_release(struct cli_hotspots *h);

/*
 * Print a help text to f with every line of it at most CLI_HELP_WIDTH columns: a longer line
 * is broken at blanks, continuing under its option's description (man page and --help share
 * the texts, and a terminal or CI log of 80 columns shows them whole).
 */
#define CLI_HELP_WIDTH 80
void cli_help_print(FILE *f, const char *text);

/*
 * The usage error for an option getopt_long refused (arg as given): a known option without its
 * value, or an unknown one with the closest option name as a suggestion ("--limt": did you mean
 * '--limit'?).
 */
struct option;
int cli_bad_option(const char *arg, const struct option *options, mg_error *err);

/* getopt_long state is global; every command starts from a clean slate. */
void cli_reset_getopt(void);

/*
 * The option loop of a command: -h/--help prints the help texts (a
 * NULL-terminated list) and returns 1; an unknown or incomplete option is a
 * usage error naming it; every other option goes to one(c, optarg, ctx, err),
 * which returns 0 or a negative code. Leaves optind at the first operand.
 */
struct option;
int cli_getopt(int argc, char **argv, const struct option *options, const char *const *help,
               int (*one)(int c, const char *arg, void *ctx, mg_error *err), void *ctx,
               mg_error *err);

#endif
