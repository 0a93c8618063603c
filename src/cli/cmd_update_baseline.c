/* memgate update-baseline: record a reviewed profile as the baseline, only where approved. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_policy.h"
#include "cmd.h"
#include "memgate/baseline.h"
#include "memgate/gate.h"

static const char ub_help[] =
    "usage: memgate update-baseline [OPTIONS] PROFILE\n"
    "\n"
    "Write PROFILE's metrics as the new baseline, atomically (temporary file, fsync,\n"
    "rename): an interrupted or failed update leaves the old file byte for byte. Keys\n"
    "memgate does not know are kept. Records measured_at (UTC) and commit.\n"
    "\n"
    "Writes only when approved: --approve (a person, after review), or in GitHub Actions\n"
    "or GitLab CI on the default branch (or an --allow-branch) outside a pull or merge\n"
    "request. Refuses to record a regression (per the limits) unless --allow-regression.\n"
    "\n"
    "options:\n"
    "  --baseline PATH       baseline file (default .pmat-metrics/memory-baseline.json)\n"
    "  --workload NAME       update this workload in the baseline's 'workloads'\n"
    "  --approve             the update was reviewed\n"
    "  --allow-branch NAME   CI branch allowed to update (repeatable; default: the\n"
    "                        repository's default branch)\n"
    "  --allow-regression    record it even when it is worse than the old baseline\n"
    "  --commit SHA          commit to record (default: GITHUB_SHA, CI_COMMIT_SHA, git HEAD)\n"
    "  --input-format NAME   skip detection: dhat-json or dhat-text\n"
    "  --summary N|last      which summary of a log with several\n" CLI_LIMIT_HELP
    "  -h, --help            this text\n";

static const struct option ub_options[] = {
    {"baseline", required_argument, NULL, 'b'},
    {"workload", required_argument, NULL, 'w'},
    {"approve", no_argument, NULL, 'a'},
    {"allow-branch", required_argument, NULL, 'B'},
    {"allow-regression", no_argument, NULL, 'R'},
    {"commit", required_argument, NULL, 'c'},
    {"input-format", required_argument, NULL, 'i'},
    {"summary", required_argument, NULL, 's'},
    {"limit", required_argument, NULL, 'l'},
    {"warn", required_argument, NULL, 'W'},
    {"max", required_argument, NULL, 'm'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define MAX_BRANCHES 16

struct ub_opts {
    const char *baseline_path, *workload, *commit, *profile;
    bool approve, allow_regression;
    const char *branches[MAX_BRANCHES];
    size_t n_branches;
    struct cli_limits limits;
    mg_load_options load;
};

static int parse_one(int c, struct ub_opts *o, mg_error *err)
{
    switch (c) {
    case 'b':
        o->baseline_path = optarg;
        return 0;
    case 'w':
        o->workload = optarg;
        return 0;
    case 'a':
        o->approve = true;
        return 0;
    case 'B':
        if (o->n_branches == MAX_BRANCHES)
            return mg_error_set(err, MG_E_USAGE, "too many --allow-branch options");
        o->branches[o->n_branches++] = optarg;
        return 0;
    case 'R':
        o->allow_regression = true;
        return 0;
    case 'c':
        o->commit = optarg;
        return 0;
    case 'i':
        o->load.format = optarg;
        return 0;
    case 's':
        return cli_parse_summary(optarg, &o->load.summary_index, err);
    case 'l':
    case 'W':
    case 'm':
        return cli_limits_add(&o->limits, c == 'W' ? 'w' : (char)c, optarg, err);
    }
    return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option (see --help)");
}

static int parse_args(int argc, char **argv, struct ub_opts *o, mg_error *err)
{
    int c, rc;
    o->baseline_path = MG_BASELINE_DEFAULT_PATH;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "h", ub_options, NULL)) != -1) {
        if (c == 'h') {
            fputs(ub_help, stdout);
            return 1;
        }
        if (c == '?' || c == ':')
            return mg_error_set(err, MG_E_USAGE, "unknown or incomplete option '%s' (see --help)",
                                argv[optind - 1]);
        if ((rc = parse_one(c, o, err)) < 0)
            return rc;
    }
    if (optind != argc - 1)
        return mg_error_set(err, MG_E_USAGE, "expected one PROFILE argument (see --help)");
    o->profile = argv[optind];
    return 0;
}

static bool env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && !strcmp(v, value);
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* GitHub keeps the default branch only in the event payload. */
static char *github_default_branch(void)
{
    const char *path = getenv("GITHUB_EVENT_PATH");
    json_t *ev, *db;
    char *out = NULL;
    if (!path || !(ev = json_load_file(path, 0, NULL)))
        return NULL;
    db = json_object_get(json_object_get(ev, "repository"), "default_branch");
    if (json_is_string(db))
        out = strdup(json_string_value(db));
    json_decref(ev);
    return out;
}

static bool branch_allowed(const struct ub_opts *o, const char *branch, const char *dflt)
{
    size_t i;
    if (!branch || !*branch)
        return false;
    if (o->n_branches == 0)
        return dflt && !strcmp(branch, dflt);
    for (i = 0; i < o->n_branches; i++)
        if (!strcmp(branch, o->branches[i]))
            return true;
    return false;
}

/* Approved? When not, `why` says what to do. */
static bool approved(const struct ub_opts *o, char *why, size_t size)
{
    if (o->approve)
        return true;
    if (env_is("GITHUB_ACTIONS", "true")) {
        const char *ev = getenv("GITHUB_EVENT_NAME");
        char *dflt;
        bool ok;
        if (ev && !strncmp(ev, "pull_request", 12)) {
            snprintf(why, size, "this GitHub Actions run is a pull request (%s)", ev);
            return false;
        }
        dflt = github_default_branch();
        ok = getenv("GITHUB_REF") && !strncmp(getenv("GITHUB_REF"), "refs/heads/", 11) &&
             branch_allowed(o, getenv("GITHUB_REF_NAME"), dflt);
        snprintf(why, size, "GitHub Actions branch '%s' is not the default branch '%s' or an "
                            "--allow-branch",
                 getenv("GITHUB_REF_NAME") ? getenv("GITHUB_REF_NAME") : "?", dflt ? dflt : "?");
        free(dflt);
        return ok;
    }
    if (env_is("GITLAB_CI", "true")) {
        if (env_set("CI_MERGE_REQUEST_IID") || env_is("CI_PIPELINE_SOURCE", "merge_request_event")) {
            snprintf(why, size, "this GitLab pipeline is for a merge request");
            return false;
        }
        snprintf(why, size, "GitLab branch '%s' is not the default branch '%s' or an "
                            "--allow-branch",
                 getenv("CI_COMMIT_BRANCH") ? getenv("CI_COMMIT_BRANCH") : "?",
                 getenv("CI_DEFAULT_BRANCH") ? getenv("CI_DEFAULT_BRANCH") : "?");
        return branch_allowed(o, getenv("CI_COMMIT_BRANCH"), getenv("CI_DEFAULT_BRANCH"));
    }
    snprintf(why, size, "not running in CI");
    return false;
}

/* --commit, then the CI's variables, then git itself. */
static int resolve_commit(const struct ub_opts *o, char *out, size_t size)
{
    const char *c = o->commit ? o->commit
                    : env_set("GITHUB_SHA") ? getenv("GITHUB_SHA")
                    : env_set("CI_COMMIT_SHA") ? getenv("CI_COMMIT_SHA")
                                                : NULL;
    FILE *git;
    size_t n;

    out[0] = '\0';
    if (c) {
        snprintf(out, size, "%s", c);
        return 0;
    }
    git = popen("git rev-parse HEAD 2>/dev/null", "r");
    if (!git)
        return 0;
    if (fgets(out, (int)size, git)) {
        n = strcspn(out, "\r\n");
        out[n] = '\0';
    } else {
        out[0] = '\0';
    }
    if (pclose(git) != 0)
        out[0] = '\0';
    return 0;
}

static void utc_now(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Load the existing baseline (a malformed one is an error: never overwrite it blindly). */
static int load_existing(const struct ub_opts *o, mg_baseline **b, mg_error *err)
{
    if (access(o->baseline_path, F_OK) != 0)
        return mg_baseline_new(b, err);
    return mg_baseline_load(b, o->baseline_path, err);
}

static int refuse_regression(const struct ub_opts *o, const mg_baseline *b, const mg_profile *p,
                             mg_error *err)
{
    mg_metrics old;
    mg_policy policy;
    mg_verdict v;
    mg_error ignore;
    unsigned i;

    mg_error_init(&ignore);
    if (o->allow_regression || mg_baseline_metrics(b, o->workload, &old, &ignore) < 0)
        return 0; /* no previous numbers for this workload: nothing to regress from */
    mg_policy_defaults(&policy);
    if (cli_policy_build(&policy, &o->limits, err) < 0)
        return -err->code;
    mg_gate_evaluate(&v, &old, mg_profile_metrics(p), &policy);
    if (v.overall != MG_STATUS_FAIL)
        return 0;
    for (i = 0; i < v.n_rows; i++)
        if (v.rows[i].status == MG_STATUS_FAIL)
            break;
    return mg_error_set(err, MG_E_REFUSED,
                        "refusing to record a regression as the baseline (%s grew past its "
                        "limit); pass --allow-regression if this was reviewed",
                        mg_metric_name(v.rows[i].metric));
}

int cmd_update_baseline(int argc, char **argv, mg_error *err)
{
    struct ub_opts o;
    mg_profile *p = NULL;
    mg_baseline *b = NULL;
    char why[256], commit[128], now[32], tool[64];
    int rc, status = 0;

    memset(&o, 0, sizeof(o));
    if ((rc = parse_args(argc, argv, &o, err)) != 0)
        return rc > 0 ? 0 : mg_error_exit_code(err);
    if (!approved(&o, why, sizeof(why))) {
        mg_error_set(err, MG_E_REFUSED,
                     "refusing to update the baseline without approval: %s; pass --approve "
                     "after review, or run on the default branch in CI",
                     why);
        return mg_error_exit_code(err);
    }
    if (mg_profile_load(&p, o.profile, &o.load, err) < 0 || load_existing(&o, &b, err) < 0) {
        status = mg_error_exit_code(err);
        goto done;
    }
    if (refuse_regression(&o, b, p, err) < 0) {
        status = err->code == MG_E_REFUSED ? 1 : mg_error_exit_code(err);
        goto done;
    }
    resolve_commit(&o, commit, sizeof(commit));
    utc_now(now, sizeof(now));
    snprintf(tool, sizeof(tool), "memgate %s", MEMGATE_VERSION);
    {
        mg_baseline_meta meta = {now, commit[0] ? commit : NULL, mg_profile_format(p), tool};
        if (mg_baseline_update(b, o.workload, mg_profile_metrics(p), &meta, err) < 0 ||
            mg_baseline_save(b, o.baseline_path, err) < 0) {
            status = mg_error_exit_code(err);
            goto done;
        }
    }
    printf("memgate: baseline %s updated from %s (measured_at %s%s%s)\n", o.baseline_path,
           mg_profile_source(p), now, commit[0] ? ", commit " : "", commit);
done:
    mg_baseline_free(b);
    mg_profile_free(p);
    return status;
}
