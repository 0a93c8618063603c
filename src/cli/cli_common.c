/* Helpers shared by the commands: report outputs, colour choice, small option parsers. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "suggest.h"
#include "memgate/num.h"
#include "memgate/flame.h"
#include "memgate/report.h"

const char *const cli_report_formats[] = {"text",       "json", "markdown", "junit", "openmetrics",
                                          "flamegraph", "html", "folded",   NULL};

int cli_render(const char *format, mg_buf *out, const mg_report_input *in, mg_error *err)
{
    if (!strcmp(format, "json"))
        return mg_report_json(out, in, err);
    if (!strcmp(format, "markdown"))
        return mg_report_markdown(out, in, err);
    if (!strcmp(format, "junit"))
        return mg_report_junit(out, in, err);
    if (!strcmp(format, "openmetrics"))
        return mg_report_openmetrics(out, in, err);
    if (!strcmp(format, "flamegraph"))
        return mg_report_flamegraph(out, in, err);
    if (!strcmp(format, "folded"))
        return mg_report_folded(out, in, err);
    if (!strcmp(format, "html"))
        return mg_report_html(out, in, err);
    return mg_report_text(out, in, err);
}

int cli_write_outputs(const struct cli_outputs *outs, mg_report_input *in, mg_error *err)
{
    size_t i;
    int rc = 0;
    for (i = 0; i < outs->n && rc == 0; i++) {
        mg_buf out;
        mg_buf_init(&out, 0);
        in->color = cli_color_wanted(outs->items[i].path);
        rc = cli_render(outs->items[i].format, &out, in, err);
        if (rc == 0)
            rc = cli_write(outs->items[i].path, &out, err);
        mg_buf_release(&out);
    }
    return rc;
}

int cli_outputs_add(struct cli_outputs *o, const char *format, const char *const *known,
                    mg_error *err)
{
    const char *const *k;
    const char *hint;
    for (k = known; *k; k++)
        if (!strcmp(*k, format))
            break;
    if (!*k) {
        hint = mg_suggest(format, known);
        return mg_error_set(err, MG_E_USAGE, "unknown report format '%s'%s%s%s", format,
                            hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    }
    if (o->n == CLI_MAX_OUTPUTS)
        return mg_error_set(err, MG_E_USAGE, "too many --format options (at most %d)",
                            CLI_MAX_OUTPUTS);
    o->items[o->n].format = format;
    o->items[o->n].path = o->pending ? o->pending : "-";
    o->pending = NULL;
    o->n++;
    return 0;
}

/*
 * --output FILE goes with the --format right before it; when that one has its file already (or
 * there is none yet) it waits for the next --format, so "--output x.json --format json" writes
 * JSON to x.json as "--format json --output x.json" does.
 */
int cli_outputs_set_path(struct cli_outputs *o, const char *path, mg_error *err)
{
    if (o->n > 0 && !strcmp(o->items[o->n - 1].path, "-") && !o->pending) {
        o->items[o->n - 1].path = path;
        return 0;
    }
    if (o->pending)
        return mg_error_set(err, MG_E_USAGE,
                            "--output '%s' and --output '%s' with no --format between them",
                            o->pending, path);
    o->pending = path;
    return 0;
}

int cli_outputs_default(struct cli_outputs *o, mg_error *err)
{
    size_t i, j;
    if (o->pending && o->n > 0)
        return mg_error_set(err, MG_E_USAGE,
                            "--output '%s' belongs to no --format (each --format takes the "
                            "--output right after or right before it)",
                            o->pending);
    if (o->n == 0) {
        o->items[0].format = "text";
        o->items[0].path = o->pending ? o->pending : "-";
        o->n = 1;
    }
    o->pending = NULL;
    for (i = 0; i < o->n; i++)
        for (j = i + 1; j < o->n; j++)
            if (strcmp(o->items[i].path, "-") && !strcmp(o->items[i].path, o->items[j].path))
                return mg_error_set(err, MG_E_USAGE,
                                    "--format %s and --format %s both write to '%s'",
                                    o->items[i].format, o->items[j].format, o->items[i].path);
    return 0;
}

int cli_write(const char *path, const mg_buf *buf, mg_error *err)
{
    FILE *f;
    size_t len = buf->len;

    if (!strcmp(path, "-")) {
        if (len && fwrite(buf->data, 1, len, stdout) != len)
            return mg_error_set(err, MG_E_IO, "cannot write to standard output: %s",
                                strerror(errno));
        return 0;
    }
    f = fopen(path, "wb");
    if (!f)
        return mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write report: %s",
                               strerror(errno));
    if ((len && fwrite(buf->data, 1, len, f) != len) || fflush(f) != 0) {
        int e = errno;
        fclose(f);
        return mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write report: %s", strerror(e));
    }
    if (fclose(f) != 0)
        return mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write report: %s",
                               strerror(errno));
    return 0;
}

bool cli_color_wanted(const char *path)
{
    if (getenv("NO_COLOR"))
        return false;
    return !strcmp(path, "-") && isatty(STDOUT_FILENO);
}

int cli_parse_summary(const char *arg, unsigned *out, mg_error *err)
{
    uint64_t v;
    if (!strcmp(arg, "last")) {
        *out = 0;
        return 0;
    }
    if (mg_parse_u64(arg, 100000, &v, err) < 0 || v == 0) {
        mg_error_init(err);
        return mg_error_set(err, MG_E_USAGE, "--summary takes a number from 1 or 'last'");
    }
    *out = (unsigned)v;
    return 0;
}

int cli_parse_top(const char *arg, unsigned *out, mg_error *err)
{
    uint64_t v;
    if (mg_parse_u64(arg, 1000, &v, err) < 0 || v == 0) {
        mg_error_init(err);
        return mg_error_set(err, MG_E_USAGE, "--top takes a number from 1 to 1000");
    }
    *out = (unsigned)v;
    return 0;
}

int cli_bad_option(const char *arg, const struct option *options, mg_error *err)
{
    const char *names[128];
    char name[64];
    size_t n = 0, len;
    const char *hint;

    if (strncmp(arg, "--", 2) != 0)
        return mg_error_set(err, MG_E_USAGE, "unknown option '%s' (see --help)", arg);
    len = strcspn(arg + 2, "=");
    snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
    for (; options->name && n + 1 < sizeof(names) / sizeof(names[0]); options++) {
        if (!strcmp(options->name, name) && options->has_arg == required_argument)
            return mg_error_set(err, MG_E_USAGE, "option '--%s' needs a value (see --help)", name);
        names[n++] = options->name;
    }
    names[n] = NULL;
    hint = mg_suggest(name, names);
    if (hint)
        return mg_error_set(err, MG_E_USAGE, "unknown option '%s' (did you mean '--%s'?)", arg,
                            hint);
    return mg_error_set(err, MG_E_USAGE, "unknown option '%s' (see --help)", arg);
}

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt's internal state */
    opterr = 0;
}

int cli_getopt(int argc, char **argv, const struct option *options, const char *const *help,
               int (*one)(int c, const char *arg, void *ctx, mg_error *err), void *ctx,
               mg_error *err)
{
    int c, rc;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            for (; *help; help++)
                cli_help_print(stdout, *help);
            return 1;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(argv[optind - 1], options, err);
        if ((rc = one(c, optarg, ctx, err)) < 0)
            return rc;
    }
    return 0;
}

int cli_parse_weight(const char *arg, int *out, mg_error *err)
{
    enum mg_weight w;
    if (!mg_flame_weight_from_name(arg, &w))
        return mg_error_set(err, MG_E_USAGE, "--weight must be total, peak or count, not '%.40s'",
                            arg);
    *out = (int)w;
    return 0;
}
