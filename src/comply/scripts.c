/* Finding the scripts that run a profiler: a word match on the files CI and people run. */
#include "comply/scripts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "comply/fsutil.h"
#include "memgate/buf.h"

#define SCRIPT_MAX_BYTES ((size_t)1 << 20)

/* word as a command word on a line that is not a # comment (and holding also, when given). */
static bool runs(const char *text, const char *word, const char *also)
{
    size_t wl = strlen(word);

    const char *line = text;

    while (line && *line) {
        const char *end = strchr(line, '\n'), *p = line, *hit;
        size_t len = end ? (size_t)(end - line) : strlen(line);
        while (*p == ' ' || *p == '\t')
            p++;
        for (hit = line;
             *p != '#' && (hit = memmem(hit, len - (size_t)(hit - line), word, wl)) != NULL;
             hit += wl) {
            char before = hit > line ? hit[-1] : ' ', after = hit[wl];
            /* not my-heaptrack-wrapper or heaptrack_print; a path (/usr/bin/heaptrack) is fine */
            if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                        before) &&
                (after == ' ' || after == '\t') && (!also || memmem(line, len, also, strlen(also))))
                return true;
        }
        line = end ? end + 1 : NULL;
    }
    return false;
}

static int scan(const char *dir, const char *rel, enum script_tool tool, strlist *found,
                mg_error *err)
{
    char *fs = fs_join(dir, rel);
    mg_buf text;
    mg_error local;
    int rc = 0;

    if (!fs)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_buf_init(&text, SCRIPT_MAX_BYTES);
    mg_error_init(&local);
    if (fs_is_file(fs) && mg_buf_read_file(&text, fs, &local) == 0 && text.data &&
        (tool == SCRIPT_HEAPTRACK ? runs(text.data, "heaptrack", NULL)
                                  : runs(text.data, "valgrind", "--tool=dhat")) &&
        !strlist_take(found, strdup(rel), err))
        rc = -(int)MG_E_NOMEM;
    mg_buf_release(&text);
    free(fs);
    return rc;
}

/* Every file directly in sub (relative to dir), or *.sh files when sh_only. */
static int scan_dir(const char *dir, const char *sub, bool sh_only, enum script_tool tool,
                    strlist *found, mg_error *err)
{
    char *fs = fs_join(dir, sub);
    strlist names;
    size_t i;
    int rc;

    if (!fs)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    strlist_init(&names);
    rc = fs_list(fs, &names, err);
    for (i = 0; rc == 0 && i < names.n; i++) {
        size_t n = strlen(names.v[i]);
        char *rel;
        if (sh_only && !(n > 3 && !strcmp(names.v[i] + n - 3, ".sh")))
            continue;
        rel = fs_join(sub, names.v[i]);
        rc =
            rel ? scan(dir, rel, tool, found, err) : mg_error_set(err, MG_E_NOMEM, "out of memory");
        free(rel);
    }
    strlist_release(&names);
    free(fs);
    return rc;
}

int scripts_find(const char *dir, enum script_tool tool, strlist *found, mg_error *err)
{
    static const char *const files[] = {"Makefile", "makefile",  "GNUmakefile",    "justfile",
                                        "Justfile", ".justfile", ".gitlab-ci.yml", NULL};
    static const char *const dirs[] = {"scripts", "ci",     ".github/workflows",
                                       ".gitlab", ".cargo", NULL};
    const char *const *f;
    int rc = 0;

    for (f = files; *f && rc == 0; f++)
        rc = scan(dir, *f, tool, found, err);
    if (rc == 0)
        rc = scan_dir(dir, ".", true, tool, found, err);
    for (f = dirs; *f && rc == 0; f++)
        rc = scan_dir(dir, *f, false, tool, found, err);
    return rc;
}
