/* Posting options and printing what the poster did; a tolerated failure never changes the status.
 */
#include "cli_post.h"

#include <stdio.h>
#include <string.h>

#include "memgate/num.h"

void cli_post_defaults(struct cli_post_opts *o, enum mg_post_target target)
{
    memset(o, 0, sizeof(*o));
    o->target = target;
    o->comment = MG_COMMENT_ALWAYS;
}

static int parse_comment(const char *arg, enum mg_comment_mode *out, mg_error *err)
{
    if (!strcmp(arg, "always"))
        *out = MG_COMMENT_ALWAYS;
    else if (!strcmp(arg, "not-pass"))
        *out = MG_COMMENT_NOT_PASS;
    else if (!strcmp(arg, "never"))
        *out = MG_COMMENT_NEVER;
    else
        return mg_error_set(err, MG_E_USAGE, "--comment must be always, not-pass or never");
    return 0;
}

static int parse_pr(const char *arg, uint64_t *out, mg_error *err)
{
    mg_error e;
    mg_error_init(&e);
    /* it may come from an artifact the PR wrote: digits only, no sign, no junk */
    if (mg_parse_u64(arg, 1000000000, out, &e) < 0 || *out == 0)
        return mg_error_set(err, MG_E_USAGE, "--pr must be a positive number, not '%.20s'", arg);
    return 0;
}

int cli_post_option(int c, const char *arg, struct cli_post_opts *o, mg_error *err)
{
    int rc = 0;
    switch (c) {
    case CLI_OPT_POST:
        rc = mg_post_target_parse(arg, &o->target, err);
        break;
    case CLI_OPT_REQUIRE_POST:
        o->require = true;
        break;
    case CLI_OPT_INFORMATIONAL:
        o->flags |= MG_PUBLISH_INFORMATIONAL;
        break;
    case CLI_OPT_COMMENT:
        rc = parse_comment(arg, &o->comment, err);
        break;
    case CLI_OPT_CHECK_RUN:
        o->flags |= MG_PUBLISH_CHECK_RUN;
        break;
    case CLI_OPT_NO_STATUS:
        o->flags |= MG_PUBLISH_NO_STATUS;
        break;
    case CLI_OPT_STICKY_KEY:
        o->sticky_key = arg;
        break;
    case CLI_OPT_PR:
        rc = parse_pr(arg, &o->pr, err);
        break;
    case CLI_OPT_SHA:
        o->sha = arg;
        break;
    case CLI_OPT_VERBOSE:
        o->verbose = true;
        break;
    case CLI_OPT_REPORT_URL:
        o->report_url = arg;
        break;
    default:
        return 0;
    }
    return rc < 0 ? rc : 1;
}

static void trace_to_stderr(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

int cli_post_publish(const struct cli_post_opts *o, const mg_publish_workload *w, size_t n,
                     mg_error *err)
{
    mg_publish_request req = {0};
    mg_publish_outcome out;
    mg_error e;
    int rc;

    if (o->target == MG_POST_NONE)
        return 0;
    req.target = o->target;
    req.workloads = w;
    req.n_workloads = n;
    req.flags = o->flags;
    req.comment = o->comment;
    req.sticky_key = o->sticky_key;
    req.number = o->pr;
    req.sha = o->sha;
    req.trace = o->verbose ? trace_to_stderr : NULL;
    mg_error_init(&e);
    mg_publish_outcome_init(&out);
    rc = mg_publish_verdict(&out, &req, &e);
    fflush(stderr);
    if (out.stdout_text.len)
        fwrite(out.stdout_text.data, 1, out.stdout_text.len, stdout);
    fflush(stdout);
    if (out.notes.len)
        fputs(out.notes.data, stderr);
    if (out.platform == MG_POST_NONE && o->require)
        fprintf(stderr, "memgate: not running in GitHub Actions or GitLab CI: nothing posted "
                        "(use --post github or --post gitlab)\n");
    if (rc < 0 && o->require) {
        /* main prints err; the notes above already listed every failure */
        mg_error_set(err, MG_E_POST, "posting failed (%u of %u steps)", out.n_failed,
                     out.n_failed + out.n_posted);
    } else if (rc < 0) {
        fprintf(stderr, "memgate: posting failed; the verdict stands (use --require-post to "
                        "make this an error)\n");
        rc = 0;
    }
    mg_publish_outcome_release(&out);
    return rc < 0 ? -MG_E_POST : 0;
}
