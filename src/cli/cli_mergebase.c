/* Find the merge base of a PR/MR and read files there with git (docs/configuration.md, "Merge
 * base"). */
#include "cli_mergebase.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/ci_env.h"
#include "cli_git.h"

/* One line of git's output (the first), or "" */
static int git_line(const char *const *args, char *out, size_t size, char *errtext, size_t errsize,
                    mg_error *err)
{
    mg_buf b;
    int rc;
    mg_buf_init(&b, (size_t)1 << 20);
    rc = cli_git(args, &b, errtext, errsize, err);
    out[0] = '\0';
    if (rc == 0 && b.data)
        snprintf(out, size, "%.*s", (int)strcspn(b.data, "\r\n"), b.data);
    mg_buf_release(&b);
    return rc;
}

static int git_quiet(const char *const *args, mg_error *err)
{
    char line[8];
    return git_line(args, line, sizeof(line), NULL, 0, err);
}

/* A git command whose output does not matter (fetch); why gets its first stderr line. */
static int git_run(const char *const *args, char *why, size_t size, mg_error *err)
{
    char line[8];
    return git_line(args, line, sizeof(line), why, size, err);
}

static bool shallow(mg_error *err)
{
    const char *args[] = {"rev-parse", "--is-shallow-repository", NULL};
    char line[16];
    return git_line(args, line, sizeof(line), NULL, 0, err) == 0 && !strcmp(line, "true");
}

/* Is the commit here? */
static int have_commit(const char *rev, mg_error *err)
{
    char spec[300];
    const char *args[] = {"cat-file", "-e", spec, NULL};
    snprintf(spec, sizeof(spec), "%s^{commit}", rev);
    return git_quiet(args, err);
}

/* A commit a shallow CI checkout lacks: fetch it (and a little history) from origin. */
static int fetch_commit(const char *sha, mg_error *err)
{
    const char *args[] = {"fetch", "--quiet", "--no-tags", "--depth=50", "origin", sha, NULL};
    char why[512];
    int rc = have_commit(sha, err);
    if (rc <= 0)
        return rc;
    rc = git_run(args, why, sizeof(why), err);
    if (rc < 0)
        return rc;
    if (rc != 0 || have_commit(sha, err) != 0)
        return mg_error_set(err, MG_E_INPUT,
                            "merge base %.12s is not in this checkout and 'git fetch origin %.12s' "
                            "failed%s%s; fetch more history (actions/checkout fetch-depth: 0, "
                            "GIT_DEPTH: 0) or pass --baseline-ref none",
                            sha, sha, why[0] ? ": " : "", why);
    return 0;
}

/* origin/BRANCH, fetched when a single-branch checkout does not have it. */
static int remote_branch(const char *branch, char *ref, size_t size, mg_error *err)
{
    char refspec[600], why[512];
    const char *fetch[] = {"fetch", "--quiet", "--no-tags", "--depth=50", "origin", refspec, NULL};
    int rc;
    snprintf(ref, size, "refs/remotes/origin/%s", branch);
    if ((rc = have_commit(ref, err)) <= 0)
        return rc;
    snprintf(refspec, sizeof(refspec), "+refs/heads/%s:refs/remotes/origin/%s", branch, branch);
    rc = git_run(fetch, why, sizeof(why), err);
    if (rc < 0)
        return rc;
    if (rc != 0)
        return mg_error_set(err, MG_E_INPUT,
                            "cannot fetch the base branch '%s' from origin%s%s; pass "
                            "--baseline-ref REF or --baseline-ref none",
                            branch, why[0] ? ": " : "", why);
    return 0;
}

/* git merge-base HEAD REF, deepening a shallow clone until the two histories meet. */
static int merge_base(const char *ref, char *out, size_t size, mg_error *err)
{
    static const char *const deepen[] = {"--deepen=50", "--deepen=500", "--unshallow", NULL};
    const char *args[] = {"merge-base", "HEAD", ref, NULL};
    char why[512];
    size_t i;
    int rc;

    for (i = 0;; i++) {
        if ((rc = git_line(args, out, size, why, sizeof(why), err)) < 0)
            return rc;
        if (rc == 0 && out[0])
            return 0;
        if (!deepen[i] || !shallow(err))
            break;
        {
            const char *fetch[] = {"fetch", "--quiet", "--no-tags", deepen[i], "origin", NULL};
            if (git_run(fetch, NULL, 0, err) < 0)
                return -err->code;
        }
    }
    return mg_error_set(err, MG_E_INPUT,
                        "no merge base of HEAD and '%s'%s%s; fetch more history "
                        "(actions/checkout fetch-depth: 0) or pass --baseline-ref none",
                        ref, why[0] ? ": " : "", why);
}

/* origin's default branch: CI_DEFAULT_BRANCH, else origin/HEAD. */
static int default_branch(char *out, size_t size, mg_error *err)
{
    const char *args[] = {"symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", NULL};
    char line[256];
    int rc;
    if (mg_ci_var(MG_CI_GL_DEFAULT_BRANCH))
        return remote_branch(mg_ci_var(MG_CI_GL_DEFAULT_BRANCH), out, size, err);
    if ((rc = git_line(args, line, sizeof(line), NULL, 0, err)) < 0)
        return rc;
    if (rc != 0 || strncmp(line, "origin/", 7) != 0)
        return mg_error_set(err, MG_E_USAGE,
                            "--baseline-ref auto: cannot tell origin's default branch (no "
                            "origin/HEAD); pass --baseline-ref origin/main or similar");
    snprintf(out, size, "%s", line);
    return 0;
}

int cli_mergebase_resolve(struct cli_mergebase *mb, const char *mode, mg_error *err)
{
    char ref[512];
    int rc;

    memset(mb, 0, sizeof(*mb));
    if (mode && !strcmp(mode, "none"))
        return 0;
    if (!mode || !strcmp(mode, "auto")) {
        if (mg_ci_var(MG_CI_GL_MR_DIFF_BASE_SHA)) {
            snprintf(mb->sha, sizeof(mb->sha), "%s", mg_ci_var(MG_CI_GL_MR_DIFF_BASE_SHA));
            snprintf(mb->from, sizeof(mb->from), "CI_MERGE_REQUEST_DIFF_BASE_SHA");
            if ((rc = fetch_commit(mb->sha, err)) < 0)
                return rc;
            mb->active = true;
            snprintf(mb->short_sha, sizeof(mb->short_sha), "%.12s", mb->sha);
            return 0;
        }
        if (mg_ci_var(MG_CI_GH_BASE_REF)) {
            snprintf(mb->from, sizeof(mb->from), "GITHUB_BASE_REF=%s",
                     mg_ci_var(MG_CI_GH_BASE_REF));
            rc = remote_branch(mg_ci_var(MG_CI_GH_BASE_REF), ref, sizeof(ref), err);
        } else if (mode) {
            rc = default_branch(ref, sizeof(ref), err);
            snprintf(mb->from, sizeof(mb->from), "--baseline-ref auto (%s)", ref);
        } else {
            return 0; /* not a PR/MR pipeline: the files as they are */
        }
    } else {
        snprintf(ref, sizeof(ref), "%s", mode);
        snprintf(mb->from, sizeof(mb->from), "--baseline-ref %s", mode);
        rc = have_commit(ref, err) > 0
                 ? mg_error_set(err, MG_E_USAGE, "--baseline-ref: no commit '%s' here", mode)
                 : 0;
    }
    if (rc < 0 || (rc = merge_base(ref, mb->sha, sizeof(mb->sha), err)) < 0)
        return rc;
    mb->active = true;
    snprintf(mb->short_sha, sizeof(mb->short_sha), "%.12s", mb->sha);
    return 0;
}

/* "SHA:./rel" for a relative path, "SHA:from/top" for an absolute one inside the work tree. */
static int object_name(const struct cli_mergebase *mb, const char *path, char *out, size_t size,
                       mg_error *err)
{
    const char *args[] = {"rev-parse", "--show-toplevel", NULL};
    char top[PATH_MAX], real_top[PATH_MAX], real[PATH_MAX];
    int rc;

    if (path[0] != '/') {
        snprintf(out, size, "%s:./%s", mb->sha, path);
        return 0;
    }
    if ((rc = git_line(args, top, sizeof(top), NULL, 0, err)) < 0)
        return rc;
    if (rc != 0 || !realpath(top, real_top) || !realpath(path, real) ||
        strncmp(real, real_top, strlen(real_top)) != 0 || real[strlen(real_top)] != '/')
        return mg_error_set(err, MG_E_USAGE,
                            "%s is outside the git work tree: it cannot be read at the merge base "
                            "(pass --baseline-ref none)",
                            path);
    snprintf(out, size, "%s:%s", mb->sha, real + strlen(real_top) + 1);
    return 0;
}

int cli_mergebase_read(const struct cli_mergebase *mb, const char *path, mg_buf *out, bool *exists,
                       mg_error *err)
{
    char spec[PATH_MAX + 80];
    const char *probe[] = {"cat-file", "-e", spec, NULL};
    const char *show[] = {"cat-file", "blob", spec, NULL};
    char why[512];
    int rc;

    out->len = 0;
    *exists = false;
    if ((rc = object_name(mb, path, spec, sizeof(spec), err)) < 0)
        return rc;
    if ((rc = git_quiet(probe, err)) != 0)
        return rc < 0 ? rc : 0; /* not there at the merge base */
    if ((rc = cli_git(show, out, why, sizeof(why), err)) < 0)
        return rc;
    if (rc != 0)
        return mg_error_set(err, MG_E_IO, "cannot read %s at the merge base %.12s: %s", path,
                            mb->sha, why);
    *exists = true;
    return 0;
}
