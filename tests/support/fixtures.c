/* The temporary working directory CLI tests run memgate in. */
#include "fixtures.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "run.h"

static char *workdir;

void mg_enter_tempdir(void)
{
    free(workdir);
    workdir = mg_tempdir();
    cr_assert_not_null(workdir, "cannot make a temporary directory");
    cr_assert_eq(chdir(workdir), 0, "cannot enter %s", workdir);
}

void mg_leave_tempdir(void)
{
    free(workdir);
    workdir = NULL;
}

const char *mg_workdir(void)
{
    return workdir;
}
