/*
 * Rules a one-line edit could break without another test failing (issue 13 #9): who may write
 * the baseline in CI, and a failed write to standard output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"

static char *workdir;

static void enter_tempdir(void)
{
    workdir = mg_tempdir();
    cr_assert_eq(chdir(workdir), 0);
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  update:\n    branches: [main]\n"), 0);
}

static void leave_tempdir(void)
{
    free(workdir);
}

TestSuite(pinned, .init = enter_tempdir, .fini = leave_tempdir);

static int update(const char *const *env)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE), NULL};
    mg_run r = mg_run_memgate(argv, env, NULL);
    int status = r.status;
    mg_run_release(&r);
    unlink(".pmat-metrics/memory-baseline.json");
    unlink(".pmat-metrics/memory-history.jsonl");
    return status;
}

/* Every pull_request* event is refused, pull_request_target included (a prefix rule). */
Test(pinned, github_pull_request_target_never_writes_the_baseline)
{
    const char *push[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push",
                          "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main", NULL};
    const char *target[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request_target",
                            "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main", NULL};
    cr_assert_eq(update(push), 0, "the control run (a push to main) must be approved");
    cr_assert_eq(update(target), 2);
}

/* Only a branch ref counts: a tag named like an allowed branch does not. */
Test(pinned, github_only_branch_refs_are_approved)
{
    const char *tag[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push",
                         "GITHUB_REF=refs/tags/main", "GITHUB_REF_NAME=main", NULL};
    cr_assert_eq(update(tag), 2);
}

/* A merge request pipeline is refused even with a full, otherwise approved environment. */
Test(pinned, gitlab_merge_request_never_writes_the_baseline)
{
    const char *branch[] = {"GITLAB_CI=true", "CI_COMMIT_BRANCH=main", "CI_DEFAULT_BRANCH=main",
                            "CI_PIPELINE_SOURCE=push", NULL};
    const char *mr[] = {"GITLAB_CI=true",         "CI_COMMIT_BRANCH=main",
                        "CI_DEFAULT_BRANCH=main", "CI_PIPELINE_SOURCE=push",
                        "CI_MERGE_REQUEST_IID=5", NULL};
    const char *mr_event[] = {"GITLAB_CI=true", "CI_COMMIT_BRANCH=main", "CI_DEFAULT_BRANCH=main",
                              "CI_PIPELINE_SOURCE=merge_request_event", NULL};
    cr_assert_eq(update(branch), 0, "the control run (a push to main) must be approved");
    cr_assert_eq(update(mr), 2);
    cr_assert_eq(update(mr_event), 2);
}

/* A report that cannot be written to standard output is an error (exit 4), never exit 0. */
Test(pinned, failed_write_to_stdout_exits_non_zero)
{
    char cmd[8192];
    int status;
    snprintf(cmd, sizeof(cmd), "'%s' show '%s' > /dev/full 2>/dev/null", MEMGATE_BIN,
             mg_testdata(BASE));
    status = system(cmd);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 4, "exit %d", WEXITSTATUS(status));
}
