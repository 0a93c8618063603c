/* Private: the platforms mg_publish_verdict dispatches to (github.c, gitlab.c). */
#ifndef MEMGATE_CI_PLATFORM_H
#define MEMGATE_CI_PLATFORM_H

#include "ci/post.h"

/* Post the whole verdict (statuses, sticky comment, ...); failures are noted in run. */
int mg_github_publish(mg_post_run *run);
int mg_gitlab_publish(mg_post_run *run);

#endif
