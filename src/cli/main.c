/* memgate entry point: dispatch to a command, print its error, check stdout, return the status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "suggest.h"
#include "memgate/profile.h"

const struct cmd_spec cli_commands[] = {
    {"show", cmd_show, "print a profile's metrics and top allocation hotspots", &cmd_show_doc},
    {"check", cmd_check, "compare a profile with the baseline and gate on the limits",
     &cmd_check_doc},
    {"update-baseline", cmd_update_baseline, "record a profile as the new reviewed baseline",
     &cmd_update_baseline_doc},
    {"diff", cmd_diff, "compare two profiles directly: metrics and hotspot changes", &cmd_diff_doc},
    {"trend", cmd_trend, "draw the baseline history of peak, total and count as SVG",
     &cmd_trend_doc},
    {"comply", cmd_comply, "check CB-141: dhat dependency, profile binary, baseline file",
     &cmd_comply_doc},
    {"init", cmd_init, "add CB-141's dhat dependency, profile example and first baseline",
     &cmd_init_doc},
    {"post", cmd_post, "post verdicts from result files to the PR/MR (comment, statuses)",
     &cmd_post_doc},
    {NULL, NULL, NULL, NULL},
};

const char cli_usage_text[] =
    "usage: memgate COMMAND [OPTIONS] ...\n"
    "\n"
    "memgate stops heap-memory regressions in CI: it reads a profile (dhat-rs, Valgrind\n"
    "DHAT, ...), compares it with the reviewed baseline in\n"
    ".pmat-metrics/memory-baseline.json and fails the build when memory grew past the limits.\n"
    "\n"
    "commands:\n";

/* The same list as enum mg_exit (memgate/error.h) and the README's table. */
const char cli_exit_text[] =
    "\n"
    "exit status:\n"
    "  0  gate passed (warnings allowed), or the command succeeded\n"
    "  1  gate failed: a metric regressed past its limit (comply: CB-141 pieces are\n"
    "     missing and its severity is error)\n"
    "  2  usage or configuration error, or an update that was not approved\n"
    "  3  unreadable or malformed input (profile or baseline)\n"
    "  4  I/O error writing a report or the baseline (including standard output)\n"
    "  5  posting to the CI API failed (only under --require-post)\n"
    "\n"
    "Run 'memgate COMMAND --help' for a command's options, 'memgate --help-hotspots'\n"
    "for how allocation hotspots are attributed to functions.\n";

void cli_usage(FILE *f)
{
    const struct cmd_spec *c;
    cli_help_print(f, cli_usage_text);
    for (c = cli_commands; c->name; c++) {
        char line[256];
        snprintf(line, sizeof(line), "  %-16s %s", c->name, c->summary);
        cli_help_print(f, line);
    }
    cli_help_print(f, cli_exit_text);
}

static int finish_stdout(int status)
{
    /* like git: a report that could not be written (full disk, closed pipe) is an error */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "memgate: cannot write to standard output: %s\n", strerror(errno));
        return MG_EXIT_IO;
    }
    return status;
}

int main(int argc, char **argv)
{
    const struct cmd_spec *c;
    mg_error err;
    int status;

    if (argc < 2) {
        cli_usage(stderr);
        return MG_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cli_usage(stdout);
        return finish_stdout(MG_EXIT_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("memgate %s\n", MEMGATE_VERSION);
        return finish_stdout(MG_EXIT_OK);
    }
    /* not in the usage: what the build runs to write memgate.1 and the completion scripts */
    if (!strcmp(argv[1], "--help-man"))
        return finish_stdout(cli_man_print(stdout));
    if (!strcmp(argv[1], "--completion") && argc == 3) {
        mg_error_init(&err);
        if (cli_completion_print(stdout, argv[2], &err) < 0) {
            char line[MG_ERROR_TEXT_MAX];
            mg_error_format(&err, line, sizeof(line));
            fprintf(stderr, "memgate: %s\n", line);
            return mg_error_exit_code(&err);
        }
        return finish_stdout(MG_EXIT_OK);
    }
    if (!strcmp(argv[1], "--help-hotspots")) {
        cli_help_print(stdout, mg_hotspot_rule_text);
        return finish_stdout(MG_EXIT_OK);
    }
    for (c = cli_commands; c->name; c++)
        if (!strcmp(c->name, argv[1]))
            break;
    if (!c->name) {
        const char *names[16], *hint;
        size_t n = 0;
        for (c = cli_commands; c->name && n + 1 < sizeof(names) / sizeof(names[0]); c++)
            names[n++] = c->name;
        names[n] = NULL;
        hint = mg_suggest(argv[1], names);
        if (hint) /* a typo: the one line that helps, not the whole usage */
            fprintf(stderr, "memgate: unknown command '%s' (did you mean '%s'?)\n", argv[1], hint);
        else {
            fprintf(stderr, "memgate: unknown command '%s'\n\n", argv[1]);
            cli_usage(stderr);
        }
        return MG_EXIT_USAGE;
    }
    mg_error_init(&err);
    status = c->fn(argc - 1, argv + 1, &err);
    if (err.code != MG_OK) {
        char line[MG_ERROR_TEXT_MAX];
        mg_error_format(&err, line, sizeof(line));
        fprintf(stderr, "memgate %s: %s\n", c->name, line);
        if (status == 0)
            status = mg_error_exit_code(&err);
    }
    return finish_stdout(status);
}
