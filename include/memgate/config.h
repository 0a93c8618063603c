/* .pmat.yaml, section memgate: limits, workloads, drift, exceptions, update branches, hotspots. */
#ifndef MEMGATE_CONFIG_H
#define MEMGATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/profile.h"

#include "memgate/error.h"
#include "memgate/policy.h"

#define MG_CONFIG_DEFAULT_PATH ".pmat.yaml"

/*
 * A parsed configuration. Opaque; every string it hands out is borrowed and
 * lives as long as the config.
 */
typedef struct mg_config mg_config;

/*
 * Read a .pmat.yaml. When the file does not exist and must_exist is false,
 * *out is an empty configuration (everything at its default). Only the
 * `memgate:` section and comply.checks.cb-141.options.baseline_path are read;
 * other sections belong to other tools and are left alone.
 *
 * Errors are MG_E_USAGE (exit 2) with the file, line and column: a YAML syntax
 * error, an unknown key in the memgate section (with "did you mean" when a
 * known key is close), a bad size or percent, a wrong type, a key given twice.
 * An unreadable file is MG_E_INPUT. The caller owns *out (mg_config_free).
 */
int mg_config_load(mg_config **out, const char *path, bool must_exist, mg_error *err);
int mg_config_parse(mg_config **out, const char *text, size_t len, const char *source,
                    mg_error *err);
void mg_config_free(mg_config *c);

/* The file it was read from, or NULL when there was none. */
const char *mg_config_source(const mg_config *c);

/*
 * Put the configuration's limits over p (source MG_SRC_CONFIG): the global
 * memgate.limits and memgate.drift first, then those of memgate.workloads.NAME
 * when workload is not NULL. Also sets the improvement hint, the
 * missing-baseline policy and the drift severity where the file does.
 */
void mg_config_apply(const mg_config *c, const char *workload, mg_policy *p);

/* true when memgate.workloads names this workload. */
bool mg_config_has_workload(const mg_config *c, const char *workload);

/*
 * A string setting with where it was set ("'.pmat.yaml' line 3 column 13"),
 * or NULL when the file does not set it. Keys: "baseline" (memgate.baseline,
 * else comply.checks.cb-141.options.baseline_path), "history",
 * "accept.trailer", "accept.label", "drift.anchor" (per workload: pass the
 * workload, NULL for the global value; a workload's own value wins), and
 * the verdict settings "merge_base.ref", "merge_base.require_review",
 * "pairing.strict", "environment.on_change", "runs.combine",
 * "runs.confirm", "learn.window", "learn.min_samples", "learn.fallback"
 * (booleans as "true"/"false").
 */
const char *mg_config_string(const mg_config *c, const char *key, const char *workload,
                             const char **where);

/* memgate.update.branches: CI branches allowed to update (glob patterns). */
const char *const *mg_config_branches(const mg_config *c, size_t *count);

/* memgate.accept.allowed (default true): whether reviewed exceptions are honoured at all. */
bool mg_config_accept_allowed(const mg_config *c);

/* Hotspot settings, with their defaults when the file does not set them. */
typedef struct mg_hotspot_settings {
    unsigned top;           /* functions kept in the baseline and compared (default 10) */
    uint64_t min_change_bp; /* smaller relative changes are not listed (default 1%) */
    uint64_t min_bytes;     /* smaller absolute changes are not listed (default 4 KiB) */
    /* memgate.hotspots.skip_frames: more machinery prefixes (your allocation wrappers);
       owned by the config */
    const char *const *skip_frames;
    size_t n_skip_frames;
    /* memgate.hotspots.own_crates: the program's own crates (pinned; owned by the config) */
    const char *const *own_crates;
    size_t n_own_crates;
    /* memgate.hotspots.attribution, when set */
    bool has_attribution;
    enum mg_attribution attribution;
} mg_hotspot_settings;

void mg_config_hotspots(const mg_config *c, mg_hotspot_settings *out);

#endif
