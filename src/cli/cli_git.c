/* git as a child process: posix_spawnp with an argument vector, so no word is ever a shell's. */
#include "cli_git.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define GIT_MAX_ARGS 32

/* Drain both pipes together: a child blocked on a full stderr pipe would never finish stdout. */
static int drain(int outfd, int errfd, mg_buf *out, char *errtext, size_t errsize, mg_error *err)
{
    struct pollfd p[2] = {{outfd, POLLIN, 0}, {errfd, POLLIN, 0}};
    size_t errlen = 0;
    char chunk[8192];
    int open_fds = 2, rc = 0;

    while (open_fds > 0) {
        int i;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return mg_error_set(err, MG_E_IO, "git: poll: %s", strerror(errno));
        }
        for (i = 0; i < 2; i++) {
            ssize_t n;
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(p[i].fd, chunk, sizeof(chunk));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                p[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 0 && rc == 0)
                rc = mg_buf_append(out, chunk, (size_t)n, err);
            else if (i == 1 && errtext && errlen + 1 < errsize) {
                size_t keep = (size_t)n < errsize - 1 - errlen ? (size_t)n : errsize - 1 - errlen;
                memcpy(errtext + errlen, chunk, keep);
                errlen += keep;
                errtext[errlen] = '\0';
            }
        }
    }
    return rc;
}

int cli_git(const char *const *args, mg_buf *out, char *errtext, size_t errsize, mg_error *err)
{
    const char *argv[GIT_MAX_ARGS + 2] = {"git"};
    posix_spawn_file_actions_t fa;
    int ofd[2], efd[2], st = 0, rc;
    size_t n = 1;
    pid_t pid;

    for (; *args && n <= GIT_MAX_ARGS; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    if (errtext && errsize)
        errtext[0] = '\0';
    if (pipe(ofd) != 0)
        return mg_error_set(err, MG_E_IO, "git: pipe: %s", strerror(errno));
    if (pipe(efd) != 0) {
        close(ofd[0]);
        close(ofd[1]);
        return mg_error_set(err, MG_E_IO, "git: pipe: %s", strerror(errno));
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, ofd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, efd[1], 2);
    posix_spawn_file_actions_addclose(&fa, ofd[0]);
    posix_spawn_file_actions_addclose(&fa, efd[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    rc = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(ofd[1]);
    close(efd[1]);
    if (rc != 0) {
        close(ofd[0]);
        close(efd[0]);
        return mg_error_set(err, MG_E_IO, "cannot run git: %s", strerror(rc));
    }
    rc = drain(ofd[0], efd[0], out, errtext, errsize, err);
    close(ofd[0]);
    close(efd[0]);
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return mg_error_set(err, MG_E_IO, "git: waitpid: %s", strerror(errno));
    if (rc < 0)
        return rc;
    if (errtext)
        errtext[strcspn(errtext, "\n")] = '\0'; /* the first line says what went wrong */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return mg_error_set(err, MG_E_IO, "cannot run git (not installed?)");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void cli_git_head(const char *dir, char *out, size_t size)
{
    const char *const args[] = {"-C", dir, "rev-parse", "HEAD", NULL};
    mg_buf head;
    mg_error ignore;

    out[0] = '\0';
    mg_buf_init(&head, 4096);
    mg_error_init(&ignore);
    if (cli_git(args, &head, NULL, 0, &ignore) == 0 && head.data)
        snprintf(out, size, "%.*s", (int)strcspn(head.data, "\r\n"), head.data);
    mg_buf_release(&head);
}
