/* update-baseline and check's bootstrap record through mg_record_baseline; this adds the CLI's
 * part. */
#include "cli_record.h"

#include "cli_blame.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_git.h"

void cli_append_word(char *out, size_t size, const char *word)
{
    size_t used = strlen(out);
    const char *p;
    bool plain = *word != '\0';
    for (p = word; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+@%-", *p))
            plain = false;
    if (used && used < size)
        used += (size_t)snprintf(out + used, size - used, " ");
    if (plain) {
        snprintf(out + used, used < size ? size - used : 0, "%s", word);
        return;
    }
    /* 'it'\''s' */
    if (used < size)
        used += (size_t)snprintf(out + used, size - used, "'");
    for (p = word; *p && used < size; p++)
        used += (size_t)snprintf(out + used, size - used, *p == '\'' ? "'\\''" : "%c", *p);
    if (used < size)
        snprintf(out + used, size - used, "'");
}

void cli_command_line(int argc, char **argv, char *out, size_t size)
{
    int i;
    snprintf(out, size, "memgate");
    for (i = 0; i < argc; i++)
        cli_append_word(out, size, argv[i]);
}

/* Whether path has a ".." component. */
static bool climbs(const char *path)
{
    for (const char *p = path; *p; p += strcspn(p, "/"), p += *p == '/')
        if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
            return true;
    return false;
}

/*
 * A path that .pmat.yaml names, or the default, is written only inside the
 * repository (the current directory): a pull request can edit .pmat.yaml, and a
 * wide update.branches may approve a write on its own branch. The deepest part of
 * the path that exists is resolved, so a symlinked directory cannot lead out
 * either. A path given on the command line is the caller's choice.
 */
static int inside_repository(const char *path, const char *what, const char *from, mg_error *err)
{
    char root[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
    size_t n;

    if (climbs(path))
        return mg_error_set(err, MG_E_USAGE,
                            "%s %s (from %s) is outside the repository: '..' is not allowed; "
                            "give a path outside on the command line",
                            what, path, from);
    if (!realpath(".", root))
        return mg_error_set(err, MG_E_IO, "cannot resolve the current directory: %s",
                            strerror(errno));
    snprintf(dir, sizeof(dir), "%s", path);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            snprintf(dir, sizeof(dir), ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        if (realpath(dir, real) || !strcmp(dir, ".") || !strcmp(dir, "/"))
            break;
    }
    n = strlen(root);
    if (!realpath(dir, real) ||
        !(strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0' || n == 1)))
        return mg_error_set(err, MG_E_USAGE,
                            "%s %s (from %s) is outside the repository %s; give a path "
                            "outside on the command line",
                            what, path, from, root);
    return 0;
}

static int paths_allowed(const struct cli_setup *s, mg_error *err)
{
    bool base_cli = !strcmp(s->baseline_from, "--baseline");
    bool hist_cli = !strcmp(s->history_from, "--history") ||
                    (base_cli && !strcmp(s->history_from, "beside the baseline"));
    int rc = base_cli ? 0 : inside_repository(s->baseline, "the baseline", s->baseline_from, err);
    if (rc == 0 && !hist_cli)
        rc = inside_repository(s->history, "the history", s->history_from, err);
    return rc;
}

int cli_record_baseline(const struct cli_record *r, mg_recorded *out, mg_error *err)
{
    mg_attr_options attr = cli_attr_options(r->load);
    mg_record_request q;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = paths_allowed(r->setup, err)) < 0)
        return rc;
    memset(&q, 0, sizeof(q));
    q.baseline = r->setup->baseline;
    q.history = r->setup->history;
    q.workload = r->setup->workload;
    q.profile = r->profile;
    q.policy = r->policy;
    q.allow_regression = r->allow_regression;
    q.pin_anchor = r->pin_anchor;
    q.accepted = r->accepted;
    q.commit = r->commit_flag;
    q.git_head = cli_git_head;
    q.command_line = r->command_line;
    q.top = r->top;
    q.attr = &attr;
    memcpy(q.strings, r->strings, sizeof(q.strings));
    q.lock_timeout_ms = r->lock_timeout_ms;
    return mg_record_baseline(&q, out, err);
}
