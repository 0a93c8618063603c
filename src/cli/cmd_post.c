/* memgate post: post verdicts computed earlier (the trusted half of the fork-PR pattern, matrix
 * jobs). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_post.h"
#include "cmd.h"
#include "memgate/publish.h"

/* A matrix bigger than this belongs in several comments (--sticky-key). */
#define MAX_RESULTS 64

static const char post_help[] =
    "usage: memgate post [OPTIONS] RESULT.json [RESULT.json ...]\n"
    "\n"
    "Post verdicts written earlier by 'memgate check --format json --output RESULT.json':\n"
    "one sticky PR/MR comment (a table of all workloads when several results are given)\n"
    "and one commit status per workload. Result files are treated as untrusted input:\n"
    "they are validated strictly and nothing in them is executed or posted unescaped.\n"
    "\n"
    "options:\n" CLI_POST_HELP
    "  --dry-run             print the comment Markdown to stdout and post nothing\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status: 0 posted (or nothing to post), 2 usage, 3 bad result file, 5 posting\n"
    "failed. The verdicts themselves do not change the exit status.\n";

enum { OPT_DRY_RUN = 2000 };

static const struct option post_options[] = {
    CLI_POST_OPTIONS,
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct post_opts {
    struct cli_post_opts post;
    bool dry_run;
    char **files;
    int n_files;
};

static int parse_args(int argc, char **argv, struct post_opts *o, mg_error *err)
{
    int c, rc;

    /* this command exists to post: default to the detected CI, and a failure is exit 5 */
    cli_post_defaults(&o->post, MG_POST_AUTO);
    o->post.require = true;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", post_options, NULL)) != -1) {
        if (c == 'h') {
            cli_help_print(stdout, post_help);
            return 1;
        }
        if (c == OPT_DRY_RUN) {
            o->dry_run = true;
            continue;
        }
        rc = cli_post_option(c, optarg, &o->post, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return cli_bad_option(argv[optind - 1], post_options, err);
    }
    o->post.require = true;
    o->files = argv + optind;
    o->n_files = argc - optind;
    if (o->n_files < 1)
        return mg_error_set(err, MG_E_USAGE, "expected at least one RESULT.json (see --help)");
    if (o->n_files > MAX_RESULTS)
        return mg_error_set(err, MG_E_USAGE, "at most %d result files", MAX_RESULTS);
    return 0;
}

static int load_all(const struct post_opts *o, mg_result **results, mg_publish_workload *w,
                    mg_error *err)
{
    for (int i = 0; i < o->n_files; i++) {
        if (mg_result_load(&results[i], o->files[i], err) < 0)
            return -err->code;
        w[i] = *mg_result_workload(results[i]);
        w[i].report_url = o->post.report_url;
        /* two files for one workload would fight over one status context */
        for (int j = 0; j < i; j++)
            if (!strcmp(w[i].name, w[j].name))
                return mg_error_set_at(err, MG_E_INPUT, o->files[i], 0, 0,
                                       "workload '%s' is also in '%s'", w[i].name, o->files[j]);
    }
    return 0;
}

static int dry_run(const struct post_opts *o, const mg_publish_workload *w, mg_error *err)
{
    mg_publish_request req = {0};
    mg_buf out;
    int rc;

    req.workloads = w;
    req.n_workloads = (size_t)o->n_files;
    req.flags = o->post.flags;
    req.sha = o->post.sha;
    mg_buf_init(&out, 0);
    rc = mg_publish_render(&out, &req, err);
    if (rc == 0)
        rc = cli_write("-", &out, err);
    mg_buf_release(&out);
    return rc;
}

int cmd_post(int argc, char **argv, mg_error *err)
{
    struct post_opts o;
    mg_result *results[MAX_RESULTS] = {0};
    mg_publish_workload w[MAX_RESULTS];
    int rc, status = 0;

    memset(&o, 0, sizeof(o));
    if ((rc = parse_args(argc, argv, &o, err)) != 0)
        return rc > 0 ? 0 : mg_error_exit_code(err);
    if (load_all(&o, results, w, err) < 0)
        status = mg_error_exit_code(err);
    else if (o.dry_run)
        status = dry_run(&o, w, err) < 0 ? mg_error_exit_code(err) : 0;
    else if (cli_post_publish(&o.post, w, (size_t)o.n_files, err) < 0)
        status = mg_error_exit_code(err);
    for (int i = 0; i < o.n_files; i++)
        mg_result_free(results[i]);
    return status;
}

/* The help and options as the man page and the shell completions show them (main.c). */
static const char *const post_help_texts[] = {post_help, NULL};
const struct cmd_doc cmd_post_doc = {post_options, post_help_texts};
