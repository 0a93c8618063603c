/* The one write path for baselines: update-baseline, check's bootstrap and init share it. */
#include "memgate/record.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ci/ci_env.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"
#include "memgate/history.h"
#include "memgate/num.h"

/* A baseline stays reviewable: its heaviest stacks, not all of them (docs/baseline.md). */
#define RECORD_MAX_STACKS 64

/* The commit given, then the CI's (never a PR's merge commit: mg_ci_commit), then git's. */
static void resolve_commit(const mg_record_request *r, char *out, size_t size)
{
    out[0] = '\0';
    if (r->commit && *r->commit)
        snprintf(out, size, "%s", r->commit);
    else if (!mg_ci_commit(out, size) && r->git_head)
        r->git_head(r->repo_dir ? r->repo_dir : ".", out, size);
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

static int load_existing(const mg_record_request *r, mg_baseline **b, mg_error *err)
{
    if (r->replace || access(r->baseline, F_OK) != 0)
        return mg_baseline_new(b, err);
    return mg_baseline_load(b, r->baseline, err);
}

/*
 * Refuse a regression unless allowed. An allowed one sets *regressed: the new
 * level was reviewed, so it becomes the drift anchor (the budget restarts there
 * instead of failing every later run against the old anchor).
 */
static int refuse_regression(const mg_record_request *r, const mg_baseline *b, bool *regressed,
                             mg_error *err)
{
    mg_metrics old;
    mg_verdict v;
    mg_error ignore;
    unsigned i;

    mg_error_init(&ignore);
    *regressed = false;
    if (!r->policy || mg_baseline_metrics(b, r->workload, &old, &ignore) < 0)
        return 0; /* no limits, or no previous numbers for this workload: nothing to regress from */
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
static int store_hotspots(const mg_record_request *r, mg_baseline *b, mg_error *err)
{
    size_t n, keep, i;
    const mg_hotspot *h = mg_profile_hotspots(r->profile, &n);
    const mg_metrics *m = mg_profile_metrics(r->profile);
    unsigned top = r->top ? r->top : MG_RECORD_DEFAULT_TOP;
    uint64_t kept = 0, rest = 0;

    if (n == 0)
        return 0;
    keep = n < top ? n : top;
    for (i = 0; i < n; i++) {
        if (i < keep)
            kept += h[i].total_bytes;
        else
            rest += h[i].total_bytes;
    }
    if (m->present[MG_TOTAL_BYTES] && m->value[MG_TOTAL_BYTES] > kept)
        rest = m->value[MG_TOTAL_BYTES] - kept; /* also counts functions past the loaded list */
    return mg_baseline_set_hotspots(b, r->workload, h, keep, rest, err);
}

/* The heaviest stacks and the rule in force, so a later check can compare by function and line. */
static int store_stacks(const mg_record_request *r, mg_baseline *b, mg_error *err)
{
    mg_attr_options defaults;
    mg_stored_stacks s;
    int rc;

    memset(&defaults, 0, sizeof(defaults));
    if ((rc = mg_baseline_pick_stacks(r->profile, r->attr ? r->attr : &defaults, RECORD_MAX_STACKS,
                                      &s, err)) < 0)
        return rc;
    if (s.present)
        rc = mg_baseline_set_stacks(b, r->workload, &s, err);
    mg_stored_stacks_release(&s);
    return rc;
}

static int fill(const mg_record_request *r, mg_baseline *b, mg_recorded *out, mg_error *err)
{
    const mg_profile *p = r->profile;
    char tool[64], build[64];
    mg_baseline_meta meta;
    mg_baseline_provenance prov = {
        mg_profile_producer(p),   mg_profile_command(p),
        r->command_line,          r->accepted,
        mg_profile_mode_label(p), mg_build_profile_of(mg_profile_command(p), build, sizeof(build))};
    int rc;

    resolve_commit(r, out->commit, sizeof(out->commit));
    utc_now(out->measured_at, sizeof(out->measured_at));
    snprintf(tool, sizeof(tool), "memgate %s", MEMGATE_VERSION);
    meta.measured_at = out->measured_at;
    meta.commit = out->commit[0] ? out->commit : NULL;
    meta.profile_format = mg_profile_format(p);
    meta.tool = tool;
    rc = mg_baseline_update(b, r->workload, mg_profile_metrics(p), &meta, err);
    if (rc == 0)
        rc = mg_baseline_set_provenance(b, r->workload, &prov, err);
    for (size_t i = 0; rc == 0 && i < 2; i++)
        if (r->strings[i].key && r->strings[i].n)
            rc = mg_baseline_set_strings(b, r->workload, r->strings[i].key, r->strings[i].names,
                                         r->strings[i].values, r->strings[i].n, err);
    if (rc == 0)
        rc = store_hotspots(r, b, err);
    if (rc == 0)
        rc = store_stacks(r, b, err);
    return rc;
}

/* memory-history.jsonl beside the baseline, so a baseline elsewhere keeps its own history. */
static char *history_path(const mg_record_request *r, mg_error *err)
{
    char *copy, *path = NULL;

    if (r->history) {
        path = strdup(r->history);
    } else if ((copy = strdup(r->baseline)) != NULL) {
        if (asprintf(&path, "%s/%s", dirname(copy), MG_HISTORY_FILE) < 0)
            path = NULL;
        free(copy);
    }
    if (!path)
        mg_error_set(err, MG_E_NOMEM, "out of memory");
    return path;
}

/* Stage, append the history line, rename; undo the history line when the rename fails. */
static int write_out(const mg_record_request *r, const mg_baseline *b, const mg_recorded *out,
                     mg_error *err)
{
    mg_baseline_staged staged;
    mg_history_entry e;
    off_t old_size = 0;
    char *history = history_path(r, err);
    int rc;

    if (!history)
        return -err->code;
    memset(&e, 0, sizeof(e));
    e.workload = (char *)(r->workload ? r->workload : "default");
    e.measured_at = (char *)out->measured_at;
    e.commit = out->commit[0] ? (char *)out->commit : NULL;
    e.accepted = (char *)r->accepted;
    e.anchor = out->anchored;
    e.metrics = *mg_profile_metrics(r->profile);
    if ((rc = mg_baseline_stage(b, r->baseline, &staged, err)) < 0)
        goto done;
    if ((rc = mg_history_append(history, &e, &old_size, err)) < 0) {
        mg_baseline_abort(&staged);
        goto done;
    }
    if ((rc = mg_baseline_commit(&staged, err)) < 0) {
        mg_error undo;
        mg_error_init(&undo);
        mg_history_truncate(history, old_size, &undo);
    }
done:
    free(history);
    return rc;
}

int mg_record_baseline(const mg_record_request *r, mg_recorded *out, mg_error *err)
{
    mg_baseline *b = NULL;
    bool regressed = false;
    int lock = -1, rc;

    memset(out, 0, sizeof(*out));
    if ((rc = mg_gate_refuse_empty(mg_profile_metrics(r->profile), mg_profile_source(r->profile),
                                   err)) < 0 ||
        (rc = mg_baseline_lock(r->baseline, r->lock_timeout_ms, &lock, err)) < 0)
        return rc;
    out->stale_removed = mg_baseline_clean_stale(r->baseline);
    rc = load_existing(r, &b, err);
    if (rc == 0)
        rc = refuse_regression(r, b, &regressed, err);
    if (rc == 0)
        rc = fill(r, b, out, err);
    out->anchored = r->pin_anchor || regressed;
    if (rc == 0)
        rc = write_out(r, b, out, err);
    mg_baseline_free(b);
    mg_baseline_unlock(lock);
    return rc;
}
