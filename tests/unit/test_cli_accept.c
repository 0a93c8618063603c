/* cli_accept: the commit-trailer lookup runs git and always reaps it (issue 11). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_accept.h"
#include "memgate/config.h"
#include "run.h"

/* A repository whose HEAD message is bigger than the 1 MiB memgate reads of it. */
static void repo_with_huge_message(void)
{
    char *dir = mg_tempdir();
    FILE *f;

    cr_assert_not_null(dir);
    cr_assert_eq(chdir(dir), 0);
    free(dir);
    f = fopen("msg.txt", "w");
    cr_assert_not_null(f);
    fputs("A huge message\n\n", f);
    for (int i = 0; i < 40000; i++)
        fputs("0123456789012345678901234567890123456789012345678901234567890123\n", f);
    fputs("\nMemgate-Accept: too far down to be read\n", f);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(system("git init -q . && git -c user.name=t -c user.email=t@example.com "
                        "commit -q --allow-empty -F msg.txt"),
                 0, "git is needed for this test");
}

Test(cli_accept, git_is_reaped_when_its_output_cannot_be_kept)
{
    char reason[256], source[128];
    mg_config *cfg = NULL;
    mg_error err;
    int found, st;

    unsetenv("MEMGATE_ACCEPT");
    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITHUB_EVENT_PATH");
    unsetenv("GITLAB_CI");
    repo_with_huge_message();
    mg_error_init(&err);
    cr_assert_eq(mg_config_load(&cfg, "no-such-config.yaml", false, &err), 0, "%s", err.msg);
    found = cli_accept_find(NULL, cfg, reason, sizeof(reason), source, sizeof(source), &err);
    cr_expect_eq(found, 0, "a message over the cap is not read: %s", reason);
    errno = 0;
    cr_expect_eq(waitpid(-1, &st, WNOHANG), -1, "a child process was left unreaped");
    cr_expect_eq(errno, ECHILD);
    mg_config_free(cfg);
}
