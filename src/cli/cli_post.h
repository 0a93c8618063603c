/* Posting options shared by `check --post` and `memgate post`, and the call into
 * mg_publish_verdict. */
#ifndef MEMGATE_CLI_POST_H
#define MEMGATE_CLI_POST_H

#include <getopt.h>
#include <stdbool.h>

#include "memgate/error.h"
#include "memgate/gate.h"
#include "memgate/profile.h"
#include "memgate/publish.h"

/* getopt_long codes above every short option, so commands can mix them with their own. */
enum cli_post_opt {
    CLI_OPT_POST = 1000,
    CLI_OPT_REQUIRE_POST,
    CLI_OPT_INFORMATIONAL,
    CLI_OPT_COMMENT,
    CLI_OPT_CHECK_RUN,
    CLI_OPT_NO_STATUS,
    CLI_OPT_STICKY_KEY,
    CLI_OPT_PR,
    CLI_OPT_SHA,
    CLI_OPT_VERBOSE,
    CLI_OPT_REPORT_URL,
};

/* struct option entries, to splice into a command's option table. */
#define CLI_POST_OPTIONS                                                                           \
    {"post", required_argument, NULL, CLI_OPT_POST},                                               \
        {"require-post", no_argument, NULL, CLI_OPT_REQUIRE_POST},                                 \
        {"informational", no_argument, NULL, CLI_OPT_INFORMATIONAL},                               \
        {"comment", required_argument, NULL, CLI_OPT_COMMENT},                                     \
        {"check-run", no_argument, NULL, CLI_OPT_CHECK_RUN},                                       \
        {"no-status", no_argument, NULL, CLI_OPT_NO_STATUS},                                       \
        {"sticky-key", required_argument, NULL, CLI_OPT_STICKY_KEY},                               \
        {"pr", required_argument, NULL, CLI_OPT_PR},                                               \
        {"sha", required_argument, NULL, CLI_OPT_SHA},                                             \
        {"verbose", no_argument, NULL, CLI_OPT_VERBOSE},                                           \
    {                                                                                              \
        "report-url", required_argument, NULL, CLI_OPT_REPORT_URL                                  \
    }

#define CLI_POST_HELP                                                                              \
    "  --post auto|github|gitlab|none  where to post the verdict (auto: detect the CI)\n"          \
    "  --require-post        a failed post is an error (exit 5); otherwise it is reported\n"       \
    "                        and the exit status stays the verdict's\n"                            \
    "  --informational       statuses and check runs never fail (report only)\n"                   \
    "  --comment always|not-pass|never  sticky PR/MR comment (not-pass: create one only\n"         \
    "                        for warn/fail; an existing one is always kept up to date)\n"          \
    "  --check-run           GitHub: also a check run per workload (needs checks: write)\n"        \
    "  --no-status           no commit status\n"                                                   \
    "  --sticky-key KEY      which sticky comment to keep updated (default: the workload)\n"       \
    "  --pr N                PR/MR number (default: from the CI environment)\n"                    \
    "  --sha SHA             commit for statuses (default: the PR head from the CI)\n"             \
    "  --verbose             print the HTTP exchange (credentials redacted) to stderr\n"           \
    "  --report-url URL      link the full report (check --format html, uploaded as a CI\n"        \
    "                        artifact) from the comment\n"                                         \
    "tokens (environment only): MEMGATE_GITHUB_TOKEN or GITHUB_TOKEN; MEMGATE_GITLAB_TOKEN\n"      \
    "or GITLAB_TOKEN (a project access token: CI_JOB_TOKEN cannot post)\n"

struct cli_post_opts {
    enum mg_post_target target;
    bool require;
    bool verbose;
    unsigned flags; /* enum mg_publish_flags */
    enum mg_comment_mode comment;
    const char *sticky_key;
    uint64_t pr;
    const char *sha;
    const char *report_url; /* the uploaded HTML report, linked from the comment */
};

void cli_post_defaults(struct cli_post_opts *o, enum mg_post_target target);

/* Handle one getopt code (option helper convention: cmd.h). */
int cli_post_option(int c, const char *arg, struct cli_post_opts *o, mg_error *err);

/*
 * Post and print: workflow commands to stdout, notes and the --verbose trace to
 * stderr. Returns 0, or -MG_E_POST with err set when the post failed and
 * o->require is set; a tolerated failure is only reported.
 */
int cli_post_publish(const struct cli_post_opts *o, const mg_publish_workload *w, size_t n,
                     mg_error *err);

#endif
