/*
 * What the CI says about the machine a job runs on, for the environment
 * fingerprint a baseline records (docs/configuration.md, "The environment").
 */
#include <stdlib.h>
#include <string.h>

#include "ci/ci_env.h"

/* Runner variables and the fingerprint key each becomes; the first one set wins a key. */
static const struct {
    const char *var, *key;
} runner_vars[] = {
    /* GitHub-hosted runners: the image and its weekly version */
    {"ImageOS", "runner.image"},
    {"ImageVersion", "runner.image_version"},
    {"RUNNER_OS", "runner.os"},
    {"RUNNER_ARCH", "runner.arch"},
    /* GitLab: the runner and the job's container image */
    {"CI_JOB_IMAGE", "runner.image"},
    {"CI_RUNNER_DESCRIPTION", "runner.description"},
    {"CI_RUNNER_VERSION", "runner.version"},
    {"CI_RUNNER_EXECUTABLE_ARCH", "runner.arch"},
};

static bool taken(const char *const *names, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], key))
            return true;
    return false;
}

size_t mg_ci_runner(const char **names, const char **values, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(runner_vars) / sizeof(runner_vars[0]) && n < max; i++) {
        const char *v = getenv(runner_vars[i].var);
        if (!v || !*v || taken(names, n, runner_vars[i].key))
            continue;
        names[n] = runner_vars[i].key;
        values[n++] = v;
    }
    return n;
}
