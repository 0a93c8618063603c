/* Limit options shared by check, diff and update-baseline; the configuration and paths they share.
 */
#ifndef MEMGATE_CLI_POLICY_H
#define MEMGATE_CLI_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/config.h"
#include "memgate/error.h"
#include "memgate/policy.h"

#define CLI_MAX_LIMITS 32

/* getopt_long codes for long-only options, above every short option and the posting codes. */
enum cli_policy_opt {
    CLI_OPT_CONFIG = 2000,
    CLI_OPT_NO_CONFIG,
    CLI_OPT_HISTORY,
    CLI_OPT_DRIFT,
    CLI_OPT_ANCHOR,
    CLI_OPT_MISSING,
    CLI_OPT_ACCEPT,
    CLI_OPT_EXPLAIN,
    CLI_OPT_LOCK_TIMEOUT,
    CLI_OPT_PIN_ANCHOR,
    CLI_OPT_NO_HOTSPOTS,
    CLI_OPT_BASELINE_REF,
    CLI_OPT_REQUIRE_REVIEW,
    CLI_OPT_STRICT_PAIRING,
    CLI_OPT_ENV,
    CLI_OPT_COMBINE,
    CLI_OPT_CONFIRM,
    CLI_OPT_ON_ENV_CHANGE,
};

/* Raw --limit/--warn/--max/--drift/--improvement/--missing-baseline values, in command-line order.
 */
struct cli_limits {
    const char *fail[CLI_MAX_LIMITS];
    size_t n_fail;
    const char *warn[CLI_MAX_LIMITS];
    size_t n_warn;
    const char *drift[CLI_MAX_LIMITS];
    size_t n_drift;
    const char *improvement;
    const char *missing;
    char ceilings[CLI_MAX_LIMITS][160];        /* --max M=S rewritten as M=<=S */
    const char *ceiling_flags[CLI_MAX_LIMITS]; /* ... and as given, for --explain */
    size_t n_ceilings;
};

/* Record one option; 'l' = --limit, 'w' = --warn, 'm' = --max (METRIC=SIZE ceiling), 'd' = --drift.
 */
int cli_limits_add(struct cli_limits *l, char kind, const char *value, mg_error *err);
/* Handle --limit, --warn, --max, --drift, --improvement (option helper convention: cmd.h). */
int cli_limits_option(int c, const char *arg, struct cli_limits *l, mg_error *err);

/*
 * Over defaults already in p: .pmat.yaml (global, then the workload's own
 * section) < MEMORY_THRESHOLD (the spec's peak ceiling, bytes) < flags.
 * cfg may be NULL.
 */
int cli_policy_build(mg_policy *p, const mg_config *cfg, const char *workload,
                     const struct cli_limits *l, mg_error *err);

/* Options every command that reads the configuration or the baseline shares. */
struct cli_paths {
    const char *config;   /* --config (must exist) */
    bool no_config;       /* --no-config */
    const char *baseline; /* --baseline */
    const char *history;  /* --history */
    const char *workload; /* --workload; NULL or "default" = the top level */
};

/* The configuration and the paths, resolved: flags < .pmat.yaml < built-in defaults. */
struct cli_setup {
    mg_config *cfg; /* never NULL once opened (an empty configuration when there is no file) */
    char baseline[4096];
    char baseline_from[192]; /* "--baseline", "'.pmat.yaml' ... (memgate.baseline)", "default" */
    char history[4096];
    char history_from[192];
    const char *workload; /* NULL for the default workload */
};

int cli_setup_open(struct cli_setup *s, const struct cli_paths *p, mg_error *err);
void cli_setup_close(struct cli_setup *s);
/* Use cfg (owned from now on) instead of the file's, and resolve the paths from it again. */
void cli_setup_reconfigure(struct cli_setup *s, const struct cli_paths *p, mg_config *cfg);

/* Handle one shared getopt code (config, baseline, history, workload): 1 handled, 0 not mine. */
int cli_paths_option(int c, const char *arg, struct cli_paths *p);

/*
 * What check, diff and update-baseline share: the paths, limit and hotspot
 * options in turn (option helper convention: cmd.h).
 */
struct cli_hotspots;
struct mg_load_options;
int cli_gate_option(int c, const char *arg, struct cli_paths *p, struct cli_limits *l,
                    struct cli_hotspots *h, struct mg_load_options *load, mg_error *err);

/*
 * Every limit in force and where each part came from, one metric per block,
 * for `check --explain`; also the improvement hint, the missing-baseline
 * policy, the drift severity and anchor, and the files in use.
 */
int cli_explain(mg_buf *out, const mg_policy *p, const struct cli_setup *s, const char *anchor,
                const char *anchor_from, mg_error *err);

#define CLI_LIMIT_HELP                                                                             \
    "  --limit METRIC=SPEC   fail level; SPEC joins terms with '&': +5% (relative),\n"             \
    "                        +64KiB (absolute increase), <=500MB (ceiling), none.\n"               \
    "                        An increase fails only when it exceeds every increase term.\n"        \
    "  --warn METRIC=SPEC    warning level, same grammar (exit 0, status warn)\n"                  \
    "  --max METRIC=SIZE     shorthand for a ceiling: --limit METRIC=<=SIZE\n"                     \
    "  --drift METRIC=SPEC   drift budget against the anchor (the first baseline of the\n"         \
    "                        history, or a pinned one), same grammar\n"                            \
    "  --improvement PCT     a drop larger than this is reported as improved (default 5%)\n"       \
    "  METRIC is peak, total, count, rss, runtime, end, peak-blocks, end-blocks or a\n"            \
    "  canonical name. Defaults: peak +10%&+64KiB, total +2%&+4KiB, count +2%&+16,\n"              \
    "  rss +10%&+1MiB; drift: peak +25%&+256KiB, total and count +10%; others are\n"               \
    "  shown, not gated. Precedence: defaults < .pmat.yaml < MEMORY_THRESHOLD (bytes,\n"           \
    "  a ceiling on peak, as in the spec's CI snippet) < flags.\n"

#define CLI_PATHS_HELP                                                                             \
    "  --config FILE         configuration (default .pmat.yaml when it exists)\n"                  \
    "  --no-config           ignore .pmat.yaml\n"                                                  \
    "  --baseline PATH       baseline file (default: memgate.baseline or comply's\n"               \
    "                        cb-141 baseline_path in .pmat.yaml, else\n"                           \
    "                        .pmat-metrics/memory-baseline.json)\n"                                \
    "  --history PATH        baseline history (default memory-history.jsonl beside the\n"          \
    "                        baseline)\n"                                                          \
    "  --workload NAME       this workload of the baseline's 'workloads'\n"

/* struct option entries of what cli_limits_option handles, to splice into an option table. */
#define CLI_LIMIT_OPTIONS                                                                          \
    {"limit", required_argument, NULL, 'l'}, {"warn", required_argument, NULL, 'W'},               \
        {"max", required_argument, NULL, 'm'}, {"drift", required_argument, NULL, CLI_OPT_DRIFT},  \
    {                                                                                              \
        "improvement", required_argument, NULL, 'I'                                                \
    }

#define CLI_PATHS_OPTIONS                                                                          \
    {"config", required_argument, NULL, CLI_OPT_CONFIG},                                           \
        {"no-config", no_argument, NULL, CLI_OPT_NO_CONFIG},                                       \
        {"history", required_argument, NULL, CLI_OPT_HISTORY},                                     \
        {"baseline", required_argument, NULL, 'b'},                                                \
    {                                                                                              \
        "workload", required_argument, NULL, 'w'                                                   \
    }

#endif
