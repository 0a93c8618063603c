/*
 * memgate init for a C/C++ project (docs/c-cpp.md): .pmat.yaml, a Valgrind DHAT or heaptrack
 * profile step for GitHub Actions and GitLab CI, the workload it runs, and with --record the
 * first baseline from running those same commands here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "comply/cisteps.h"
#include "comply/fsutil.h"
#include "comply/onboard_int.h"
#include "memgate/buf.h"

#define GITHUB_FILE ".github/workflows/memgate.yml"
#define GITLAB_FILE ".gitlab/memgate.gitlab-ci.yml"
#define GITLAB_INCLUDE "include:\n  - local: " GITLAB_FILE "\n"
#define NO_PROGRAM "./your-program"

/* The step's file is written whole by --write; an existing one only with --force. */
static int plan_file(onboard_ctx *c, const char *title, const char *rel, const mg_buf *body)
{
    char *fs = fs_join(c->plan->dir, rel);
    onboard_file *f = &c->files[c->n_files];
    bool exists;

    if (!fs)
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    exists = fs_exists(fs);
    if (exists && !c->opts->force) {
        free(fs);
        onboard_add_step(c, title, rel, MG_ONBOARD_KEPT,
                         "exists; left alone (--force replaces it with memgate's)", NULL);
        return 0;
    }
    f->step = onboard_add_step(c, title, rel, MG_ONBOARD_ADD,
                               exists ? "replace it (--force)" : "create it", body->data);
    f->fs = fs;
    f->body = c->plan->steps[f->step].snippet;
    f->existed = exists;
    c->n_files++;
    return 0;
}

/* The project's .gitlab-ci.yml must include the jobs' file; a new one is just that include. */
static int plan_gitlab_include(onboard_ctx *c)
{
    char *fs = fs_join(c->plan->dir, ".gitlab-ci.yml");
    mg_buf text, body;
    mg_error local;
    int rc = 0;

    if (!fs)
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    mg_buf_init(&text, (size_t)1 << 20);
    mg_buf_init(&body, 0);
    mg_error_init(&local);
    if (!fs_exists(fs)) {
        rc = mg_buf_printf(&body, c->err,
                           "# memgate's jobs (written by memgate init, docs/c-cpp.md)\n%s",
                           GITLAB_INCLUDE);
        if (rc == 0)
            rc = plan_file(c, "GitLab CI include", ".gitlab-ci.yml", &body);
    } else if (mg_buf_read_file(&text, fs, &local) == 0 && text.data &&
               strstr(text.data, GITLAB_FILE)) {
        onboard_add_step(c, "GitLab CI include", ".gitlab-ci.yml", MG_ONBOARD_OK,
                         "includes " GITLAB_FILE, NULL);
    } else {
        onboard_add_step(c, "GitLab CI include", ".gitlab-ci.yml", MG_ONBOARD_TODO,
                         "exists, so init leaves it to you: add the include (merge it with an "
                         "include: list the file already has)",
                         GITLAB_INCLUDE);
    }
    mg_buf_release(&text);
    mg_buf_release(&body);
    free(fs);
    return rc;
}

/* What the profile step runs: --run, else the program the build file makes, else a marker. */
static const char *workload(onboard_ctx *c)
{
    if (c->opts->run)
        return c->opts->run;
    return c->cproj.program[0] ? c->cproj.program : NO_PROGRAM;
}

static void plan_workload(onboard_ctx *c)
{
    if (c->opts->run)
        onboard_add_step(c, "workload", c->cproj.marker, MG_ONBOARD_OK,
                         onboard_text(c, "the profile step runs '%s' (--run)", c->opts->run), NULL);
    else if (c->cproj.program[0])
        onboard_add_step(c, "workload", c->cproj.marker, MG_ONBOARD_OK,
                         onboard_text(c,
                                      "runs %s (line %lu); make it a representative run: "
                                      "--run 'PROGRAM ARGS' or edit the profile step",
                                      c->cproj.program, c->cproj.program_line),
                         NULL);
    else
        onboard_add_step(c, "workload", c->cproj.marker, MG_ONBOARD_TODO,
                         "no program found in it: the profile step runs " NO_PROGRAM
                         "; give --run 'PROGRAM ARGS' or edit the profile step",
                         NULL);
}

static void fill_steps(onboard_ctx *c, cisteps *s)
{
    s->profiler = c->config.profiler;
    s->proj = &c->cproj;
    s->build = c->opts->build ? c->opts->build : cproject_build_command(&c->cproj);
    s->run = workload(c);
    s->baseline_path = c->config.baseline_path;
}

int onboard_plan_c(onboard_ctx *c)
{
    cisteps s;
    mg_buf body;
    int rc = 0;

    if (c->config.profiler == MG_CB141_JEMALLOC)
        return mg_error_set_at(c->err, MG_E_USAGE, c->config.source, 0, 0,
                               "selects profiler 'jemalloc', which is for Rust projects; a "
                               "C/C++ project uses dhat (Valgrind DHAT) or heaptrack");
    fill_steps(c, &s);
    mg_buf_init(&body, 0);
    if (c->config.source[0]) {
        onboard_add_step(c, "settings", c->config.source, MG_ONBOARD_OK,
                         onboard_text(c, "profiler %s, baseline %s",
                                      mg_cb141_profiler_name(c->config.profiler),
                                      c->config.baseline_path),
                         NULL);
    } else {
        rc = cisteps_pmat_yaml(&s, &body, c->err);
        if (rc == 0)
            rc = plan_file(c, "settings", ".pmat.yaml", &body);
    }
    body.len = 0;
    if (rc == 0)
        rc = cisteps_github(&s, &body, c->err);
    if (rc == 0)
        rc = plan_file(c, "GitHub Actions profile step", GITHUB_FILE, &body);
    body.len = 0;
    if (rc == 0)
        rc = cisteps_gitlab(&s, &body, c->err);
    if (rc == 0)
        rc = plan_file(c, "GitLab CI profile job", GITLAB_FILE, &body);
    if (rc == 0)
        rc = plan_gitlab_include(c);
    if (rc == 0)
        plan_workload(c);
    mg_buf_release(&body);
    return rc;
}

/* ---- --record: the same commands, here ---- */

/* Run cmd with /bin/sh in the project directory; its output goes to stderr, not the plan. */
static int run_shell(onboard_ctx *c, const char *cmd)
{
    int status;
    pid_t pid;

    fprintf(stderr, "memgate init --record: running in '%s': %s\n", c->plan->dir, cmd);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0)
        return mg_error_set(c->err, MG_E_IO, "--record: cannot start /bin/sh: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(c->plan->dir) != 0)
            _exit(126);
        dup2(2, 1);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return mg_error_set(c->err, MG_E_IO, "--record: waiting for /bin/sh: %s",
                                strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return mg_error_set(c->err, MG_E_INPUT,
                        "--record: '%s' (run in '%s') failed with %s %d; fix it or give --run "
                        "and --build",
                        cmd, c->plan->dir, WIFEXITED(status) ? "exit status" : "signal",
                        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int onboard_c_record(onboard_ctx *c, const char **profile)
{
    cisteps s;
    mg_buf cmd;
    int rc;

    fill_steps(c, &s);
    if (!c->opts->run && !c->cproj.program[0])
        return mg_error_set_at(c->err, MG_E_USAGE, c->cproj.marker, 0, 0,
                               "names no program to profile; give --record the workload with "
                               "--run 'PROGRAM ARGS'");
    if (!(c->recorded = fs_join(c->plan->dir, cisteps_output(s.profiler))))
        return mg_error_set(c->err, MG_E_NOMEM, "out of memory");
    /* a profile left from an earlier run must not pass for this one */
    if (remove(c->recorded) != 0 && errno != ENOENT)
        return mg_error_set_at(c->err, MG_E_IO, c->recorded, 0, 0, "cannot remove: %s",
                               strerror(errno));
    mg_buf_init(&cmd, 0);
    rc = run_shell(c, s.build);
    if (rc == 0)
        rc = cisteps_profile_command(&s, &cmd, c->err);
    if (rc == 0)
        rc = run_shell(c, cmd.data);
    mg_buf_release(&cmd);
    if (rc == 0 && !fs_is_file(c->recorded))
        rc = mg_error_set_at(c->err, MG_E_INPUT, c->recorded, 0, 0,
                             "--record: the profile step did not write it");
    *profile = c->recorded;
    return rc;
}
