/* Private: paths and directory listings for comply and init. */
#ifndef MEMGATE_COMPLY_FSUTIL_H
#define MEMGATE_COMPLY_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "comply/strlist.h"
#include "memgate/error.h"

/*
 * dir/rel as a new string (caller frees). An absolute rel is returned as is;
 * dir "" or "." is left out so paths stay short. NULL when out of memory.
 */
char *fs_join(const char *dir, const char *rel);

bool fs_is_file(const char *path); /* a regular file (after symlinks) */
bool fs_is_dir(const char *path);
bool fs_exists(const char *path); /* anything, even a dangling symlink */

/*
 * Names in dir (not "." or ".."), sorted bytewise, appended to out. A missing
 * or unreadable directory adds nothing.
 */
int fs_list(const char *dir, strlist *out, mg_error *err);

/* mkdir -p; MG_E_IO naming the directory. */
int fs_mkdirs(const char *dir, mg_error *err);

#endif
