/* Where a reviewed exception can come from: flag, environment, commit trailer, PR/MR label. */
#include "cli_accept.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ci/ci_env.h"
#include "cli_approval.h"
#include "cli_git.h"
#include "memgate/buf.h"
#include "utf8.h"

/*
 * The message of commit rev, NULL when git fails (cli_git always reaps the
 * child). At most 1 MiB: commit messages, not novels, and memgate's own heap
 * is gated too.
 */
static char *commit_message(const char *rev)
{
    const char *args[] = {"log", "-1", "--format=%B", rev, NULL};
    mg_buf out;
    mg_error ignore;

    mg_buf_init(&out, (size_t)1 << 20);
    mg_error_init(&ignore);
    if (cli_git(args, &out, NULL, 0, &ignore) != 0 || !out.data) {
        mg_buf_release(&out);
        return NULL;
    }
    return out.data; /* the buffer's NUL-terminated storage, handed over */
}

/* The value of "Key: value" in the message's last paragraph (git's trailer block). */
static bool find_trailer(const char *msg, const char *key, char *out, size_t size)
{
    const char *para = msg, *p, *line;
    size_t klen = strlen(key);
    bool found = false;

    for (p = msg; (p = strstr(p, "\n\n")) != NULL; p++) {
        const char *q = p + 2;
        while (*q == '\n')
            q++;
        if (*q)
            para = q;
    }
    for (line = para; *line; line = p + (*p == '\n')) {
        p = line + strcspn(line, "\n");
        if ((size_t)(p - line) > klen && !strncasecmp(line, key, klen) && line[klen] == ':') {
            const char *v = line + klen + 1;
            size_t n;
            while (v < p && (*v == ' ' || *v == '\t'))
                v++;
            n = (size_t)(p - v);
            while (n > 0 && isspace((unsigned char)v[n - 1]))
                n--;
            if (n > 0) {
                snprintf(out, size, "%.*s", (int)n, v);
                found = true; /* the last one wins, as with git interpret-trailers */
            }
        }
    }
    return found;
}

/* A line that cannot be part of a commit message, between the two messages. */

static bool trailer_reason(const char *key, char *reason, size_t rsize, char *src, size_t ssize)
{
    /* HEAD's message and, for a merge commit (a PR checkout on GitHub), the PR head's */
    static const char *const is_merge[] = {"rev-parse", "-q", "--verify", "HEAD^2", NULL};
    char *msg = commit_message("HEAD"), *second = NULL;
    mg_buf ignore_out;
    mg_error ignore;
    bool found;

    mg_buf_init(&ignore_out, 4096);
    mg_error_init(&ignore);
    if (msg && cli_git(is_merge, &ignore_out, NULL, 0, &ignore) == 0)
        second = commit_message("HEAD^2");
    mg_buf_release(&ignore_out);
    found = msg && (find_trailer(msg, key, reason, rsize) ||
                    (second && find_trailer(second, key, reason, rsize)));
    free(msg);
    free(second);
    if (found)
        snprintf(src, ssize, "%s commit trailer", key);
    return found;
}

static bool github_label(const char *label, char *reason, size_t rsize, char *src, size_t ssize)
{
    json_t *ev = cli_github_event(), *pr, *labels, *l;
    size_t i;
    bool found = false;
    if (!ev)
        return false;
    pr = json_object_get(ev, "pull_request");
    labels = json_object_get(pr, "labels");
    json_array_foreach(labels, i, l)
    {
        const char *name = json_string_value(json_object_get(l, "name"));
        if (name && !strcmp(name, label)) {
            snprintf(reason, rsize, "label '%s' on pull request #%lld", label,
                     (long long)json_integer_value(json_object_get(pr, "number")));
            snprintf(src, ssize, "pull request label");
            found = true;
            break;
        }
    }
    json_decref(ev);
    return found;
}

static bool gitlab_label(const char *label, char *reason, size_t rsize, char *src, size_t ssize)
{
    const char *labels = mg_ci_var(MG_CI_GL_MR_LABELS), *p;
    size_t n = strlen(label);
    for (p = labels; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        if (strcspn(p, ",") == n && !strncmp(p, label, n)) {
            snprintf(reason, rsize, "label '%s' on merge request !%s", label,
                     mg_ci_var(MG_CI_GL_MR_IID) ? mg_ci_var(MG_CI_GL_MR_IID) : "?");
            snprintf(src, ssize, "merge request label");
            return true;
        }
    }
    return false;
}

/*
 * A reason comes from a commit message, a label or the environment, all of which
 * the change's author writes: control characters (ESC, BEL, newline) become
 * U+FFFD before any report prints it, and the copy is cut on a UTF-8 boundary.
 */
static void make_displayable(char *s, size_t size)
{
    char *clean = mg_utf8_sanitize_display(s, strlen(s));
    size_t n;
    if (!clean) {
        for (; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                *s = '?';
        return;
    }
    n = strlen(clean);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)clean[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(s, clean, n);
    s[n] = '\0';
    free(clean);
}

static int find_reason(const char *flag_reason, const mg_config *cfg, char *reason, size_t rsize,
                       char *source, size_t ssize, mg_error *err)
{
    const char *trailer = mg_config_string(cfg, "accept.trailer", NULL, NULL);
    const char *label = mg_config_string(cfg, "accept.label", NULL, NULL);
    const char *env = getenv("MEMGATE_ACCEPT");

    if (flag_reason && !*flag_reason)
        return mg_error_set(err, MG_E_USAGE, "--accept needs a reason: who reviewed it and why");
    if (!mg_config_accept_allowed(cfg)) {
        if (flag_reason)
            return mg_error_set(err, MG_E_USAGE,
                                "--accept: reviewed exceptions are disabled by "
                                "memgate.accept.allowed: false");
        return 0;
    }
    if (flag_reason) {
        snprintf(reason, rsize, "%s", flag_reason);
        snprintf(source, ssize, "--accept");
        return 1;
    }
    if (env && *env) {
        snprintf(reason, rsize, "%s", env);
        snprintf(source, ssize, "MEMGATE_ACCEPT");
        return 1;
    }
    if (trailer_reason(trailer ? trailer : CLI_ACCEPT_TRAILER, reason, rsize, source, ssize))
        return 1;
    label = label ? label : CLI_ACCEPT_LABEL;
    return github_label(label, reason, rsize, source, ssize) ||
           gitlab_label(label, reason, rsize, source, ssize);
}

int cli_accept_find(const char *flag_reason, const mg_config *cfg, char *reason, size_t rsize,
                    char *source, size_t ssize, mg_error *err)
{
    int found = find_reason(flag_reason, cfg, reason, rsize, source, ssize, err);
    if (found > 0) {
        make_displayable(reason, rsize);
        make_displayable(source, ssize);
    }
    return found;
}
