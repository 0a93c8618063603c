/* Drops root's capabilities for permission tests (see privilege.h). */
#include "privilege.h"

#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <criterion/criterion.h>

#define SETPRIV "setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --"

void mg_unprivileged_children(void)
{
    const char *old = getenv("MEMGATE_WRAPPER");
    char wrap[4096];
    if (geteuid() != 0)
        return;
    snprintf(wrap, sizeof(wrap), "%s%s%s", SETPRIV, old && *old ? " " : "", old ? old : "");
    cr_assert_eq(setenv("MEMGATE_WRAPPER", wrap, 1), 0);
}

void mg_unprivileged_here(void)
{
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
    int cap;
    if (geteuid() != 0)
        return;
    /* the bounding set first (needs CAP_SETPCAP, dropped last with the rest) */
    for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        cr_assert_eq(prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), 0, "cannot drop capability %d", cap);
    memset(none, 0, sizeof(none));
    cr_assert_eq(syscall(SYS_capset, &head, none), 0, "cannot drop the capabilities");
}
