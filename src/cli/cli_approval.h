/* Is a baseline write approved here? (update-baseline, and check --missing-baseline bootstrap) */
#ifndef MEMGATE_CLI_APPROVAL_H
#define MEMGATE_CLI_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>

struct cli_approval {
    bool approve;                /* --approve: a person, after review */
    const char *const *branches; /* allowed CI branches (glob patterns); none: the default branch */
    size_t n_branches;
};

/*
 * Approved when --approve was given, or in GitHub Actions / GitLab CI on an
 * allowed branch outside a pull or merge request. When not, why says what
 * was missing.
 */
bool cli_approved(const struct cli_approval *a, char *why, size_t size);

/* GitHub's event payload (GITHUB_EVENT_PATH) parsed, or NULL; json_decref it. */
struct json_t;
struct json_t *cli_github_event(void);

#endif
