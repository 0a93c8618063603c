/* The one write path for baselines (update-baseline and check's bootstrap share it). */
#include "cli_record.h"

#include "cli_blame.h"
#include "cli_pairing.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ci/ci_env.h"
#include "cli_git.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"
#include "memgate/history.h"
#include "memgate/num.h"

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

/* --commit, then the CI's commit (never a PR's merge commit: mg_ci_commit), then git itself. */
static void resolve_commit(const char *flag, char *out, size_t size)
{
    static const char *const args[] = {"rev-parse", "HEAD", NULL};
    mg_buf head;
    mg_error ignore;

    out[0] = '\0';
    if (flag) {
        snprintf(out, size, "%s", flag);
        return;
    }
    if (mg_ci_commit(out, size))
        return;
    mg_buf_init(&head, 4096);
    mg_error_init(&ignore);
    if (cli_git(args, &head, NULL, 0, &ignore) == 0 && head.data)
        snprintf(out, size, "%.*s", (int)strcspn(head.data, "\r\n"), head.data);
    mg_buf_release(&head);
}

/* UTC now, or SOURCE_DATE_EPOCH when set (reproducible output, and deterministic tests). */
static void utc_now(char *out, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    uint64_t secs;
    mg_error ignore;
    time_t t = time(NULL);
    struct tm tm;

    mg_error_init(&ignore);
    if (sde && mg_parse_u64(sde, (uint64_t)253402300799ULL, &secs, &ignore) == 0)
        t = (time_t)secs;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int load_existing(const char *path, mg_baseline **b, mg_error *err)
{
    if (access(path, F_OK) != 0)
        return mg_baseline_new(b, err);
    return mg_baseline_load(b, path, err);
}

/*
 * Refuse a regression unless allowed. An allowed one sets *regressed: the new
 * level was reviewed, so it becomes the drift anchor (the budget restarts there
 * instead of failing every later run against the old anchor).
 */
static int refuse_regression(const struct cli_record *r, const mg_baseline *b, bool *regressed,
                             mg_error *err)
{
    mg_metrics old;
    mg_verdict v;
    mg_error ignore;
    unsigned i;

    mg_error_init(&ignore);
    *regressed = false;
    if (mg_baseline_metrics(b, r->setup->workload, &old, &ignore) < 0)
        return 0; /* no previous numbers for this workload: nothing to regress from */
    mg_gate_evaluate(&v, &old, mg_profile_metrics(r->profile), r->policy);
    if (v.overall != MG_STATUS_FAIL)
        return 0;
    *regressed = true;
    if (r->allow_regression)
        return 0;
    for (i = 0; i < v.n_rows; i++)
        if (v.rows[i].status == MG_STATUS_FAIL)
            break;
    return mg_error_set(err, MG_E_REFUSED,
                        "refusing to record a regression as the baseline (%s grew past its "
                        "limit); pass --allow-regression if this was reviewed",
                        mg_metric_name(v.rows[i].metric));
}

/* The top hotspots and the bytes outside them (0: the list is every function there is). */
static int store_hotspots(const struct cli_record *r, mg_baseline *b, mg_error *err)
{
    size_t n, keep, i;
    const mg_hotspot *h = mg_profile_hotspots(r->profile, &n);
    const mg_metrics *m = mg_profile_metrics(r->profile);
    uint64_t kept = 0, rest = 0;

    if (n == 0)
        return 0;
    keep = n < r->top ? n : r->top;
    for (i = 0; i < n; i++) {
        if (i < keep)
            kept += h[i].total_bytes;
        else
            rest += h[i].total_bytes;
    }
    if (m->present[MG_TOTAL_BYTES] && m->value[MG_TOTAL_BYTES] > kept)
        rest = m->value[MG_TOTAL_BYTES] - kept; /* also counts functions past the loaded list */
    return mg_baseline_set_hotspots(b, r->setup->workload, h, keep, rest, err);
}

/* The heaviest stacks and the rule in force, so a later check can compare by function and line. */
static int store_stacks(const struct cli_record *r, mg_baseline *b, mg_error *err)
{
    mg_load_options defaults;
    mg_stored_stacks s;
    int rc;
    memset(&defaults, 0, sizeof(defaults));
    if ((rc = cli_blame_pick(r->profile, r->load ? r->load : &defaults, &s, err)) < 0)
        return rc;
    if (s.present)
        rc = mg_baseline_set_stacks(b, r->setup->workload, &s, err);
    mg_stored_stacks_release(&s);
    return rc;
}

static int fill(const struct cli_record *r, mg_baseline *b, struct cli_recorded *out, mg_error *err)
{
    const mg_profile *p = r->profile;
    char tool[64];
    mg_baseline_meta meta;
    char build[64];
    mg_baseline_provenance prov = {
        mg_profile_producer(p),   mg_profile_command(p),
        r->command_line,          r->accepted,
        mg_profile_mode_label(p), cli_build_profile(mg_profile_command(p), build, sizeof(build))};
    int rc;

    resolve_commit(r->commit_flag, out->commit, sizeof(out->commit));
    utc_now(out->measured_at, sizeof(out->measured_at));
    snprintf(tool, sizeof(tool), "memgate %s", MEMGATE_VERSION);
    meta.measured_at = out->measured_at;
    meta.commit = out->commit[0] ? out->commit : NULL;
    meta.profile_format = mg_profile_format(p);
    meta.tool = tool;
    rc = mg_baseline_update(b, r->setup->workload, mg_profile_metrics(p), &meta, err);
    if (rc == 0)
        rc = mg_baseline_set_provenance(b, r->setup->workload, &prov, err);
    for (size_t i = 0; rc == 0 && i < 2; i++)
        if (r->strings[i].key && r->strings[i].n)
            rc = mg_baseline_set_strings(b, r->setup->workload, r->strings[i].key,
                                         r->strings[i].names, r->strings[i].values, r->strings[i].n,
                                         err);
    if (rc == 0)
        rc = store_hotspots(r, b, err);
    if (rc == 0)
        rc = store_stacks(r, b, err);
    return rc;
}

/* Stage, append the history line, rename; undo the history line when the rename fails. */
static int write_out(const struct cli_record *r, const mg_baseline *b,
                     const struct cli_recorded *out, bool pin, mg_error *err)
{
    const struct cli_setup *s = r->setup;
    mg_baseline_staged staged;
    mg_history_entry e;
    off_t old_size = 0;
    int rc;

    memset(&e, 0, sizeof(e));
    e.workload = (char *)(s->workload ? s->workload : "default");
    e.measured_at = (char *)out->measured_at;
    e.commit = out->commit[0] ? (char *)out->commit : NULL;
    e.accepted = (char *)r->accepted;
    e.anchor = pin;
    e.metrics = *mg_profile_metrics(r->profile);
    if ((rc = mg_baseline_stage(b, s->baseline, &staged, err)) < 0)
        return rc;
    if ((rc = mg_history_append(s->history, &e, &old_size, err)) < 0) {
        mg_baseline_abort(&staged);
        return rc;
    }
    if ((rc = mg_baseline_commit(&staged, err)) < 0) {
        mg_error undo;
        mg_error_init(&undo);
        mg_history_truncate(s->history, old_size, &undo);
    }
    return rc;
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

int cli_record_baseline(const struct cli_record *r, struct cli_recorded *out, mg_error *err)
{
    mg_baseline *b = NULL;
    bool regressed = false;
    int lock = -1, rc;

    memset(out, 0, sizeof(*out));
    if ((rc = mg_gate_refuse_empty(mg_profile_metrics(r->profile), mg_profile_source(r->profile),
                                   err)) < 0)
        return rc;
    if ((rc = paths_allowed(r->setup, err)) < 0 ||
        (rc = mg_baseline_lock(r->setup->baseline, r->lock_timeout_ms, &lock, err)) < 0)
        return rc;
    out->stale_removed = mg_baseline_clean_stale(r->setup->baseline);
    rc = load_existing(r->setup->baseline, &b, err);
    if (rc == 0)
        rc = refuse_regression(r, b, &regressed, err);
    if (rc == 0)
        rc = fill(r, b, out, err);
    out->anchored = r->pin_anchor || regressed;
    if (rc == 0)
        rc = write_out(r, b, out, out->anchored, err);
    mg_baseline_free(b);
    mg_baseline_unlock(lock);
    return rc;
}
