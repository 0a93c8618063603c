/* Private to the config module: the parsed form and the YAML walker's helpers. */
#ifndef MEMGATE_CONFIG_INT_H
#define MEMGATE_CONFIG_INT_H

#include <yaml.h>

#include "memgate/config.h"

#define CFG_WHERE 128

/* One limit the file sets: mg_policy_set(level, metric, limit, clear) from `where`. */
typedef struct cfg_rule {
    enum mg_level level;
    enum mg_metric metric;
    bool clear;
    mg_limit limit;
    char where[CFG_WHERE];
} cfg_rule;

/* A string setting and where it was set. */
typedef struct cfg_setting {
    char *value; /* NULL when not set */
    char where[CFG_WHERE];
} cfg_setting;

/* The global memgate section, or one of memgate.workloads. */
typedef struct cfg_scope {
    char *name; /* NULL for the global scope */
    cfg_rule *rules;
    size_t n_rules, cap;
    bool has_improvement;
    uint64_t improvement_bp;
    char improvement_where[CFG_WHERE];
    bool has_missing;
    enum mg_missing_baseline missing;
    char missing_where[CFG_WHERE];
    bool has_drift_severity;
    bool drift_warn;
    char drift_severity_where[CFG_WHERE];
    cfg_setting drift_anchor;
} cfg_scope;

/* How a verdict is reached (config_verdict.c); values normalised ("true", "min", ...). */
typedef struct cfg_verdict {
    cfg_setting merge_base_ref, require_review, strict_pairing, env_on_change, runs_combine,
        runs_confirm, learn_window, learn_min_samples, learn_fallback;
} cfg_verdict;

struct mg_config {
    char *source; /* NULL: no file */
    cfg_scope global;
    cfg_scope *workloads;
    size_t n_workloads;
    cfg_setting baseline, cb141_baseline, history, accept_trailer, accept_label;
    bool accept_allowed;
    char **branches;
    size_t n_branches;
    char **skip_frames; /* memgate.hotspots.skip_frames */
    char **own_crates;  /* memgate.hotspots.own_crates */
    size_t n_own_crates;
    size_t n_skip_frames;
    mg_hotspot_settings hotspots;
    cfg_verdict verdict;
};

/* A limit given as a mapping, while its keys are walked. */
typedef struct cfg_collect {
    mg_limit limit;
    bool severity_warn;             /* severity: warn */
    const yaml_node_t *severity_at; /* where severity was given, or NULL */
    const yaml_node_t *warn_at;     /* where a separate warn level was given, or NULL */
} cfg_collect;

/* The walker: the document, where we are in it (dotted key path) and the error sink. */
typedef struct cfg_walker {
    yaml_document_t *doc;
    const char *source;
    mg_config *cfg;
    mg_error *err;
    char path[192]; /* "memgate.limits.peak" */
    /* context for the limit handlers */
    cfg_scope *scope;
    enum mg_metric metric;
    enum mg_level level;
    cfg_collect *collect;
} cfg_walker;

typedef int (*cfg_key_fn)(cfg_walker *w, const yaml_node_t *value);

/* One known key of a mapping and its handler. */
typedef struct cfg_key {
    const char *name;
    cfg_key_fn fn;
} cfg_key;

/*
 * Walk a mapping: every key must be in keys (else an unknown-key error with a
 * suggestion), no key twice; null values are skipped as if absent.
 */
int cfg_walk_map(cfg_walker *w, const yaml_node_t *map, const cfg_key *keys);

/* An error positioned at node n, message prefixed with the key path. */
int cfg_fail(const cfg_walker *w, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "PATH:LINE:COL KEYPATH" for node n into out. */
void cfg_where(const cfg_walker *w, const yaml_node_t *n, char *out, size_t size);

/* The text of a scalar node, or an error "expected WHAT". */
int cfg_scalar(cfg_walker *w, const yaml_node_t *n, const char *what, const char **out);
/* true/false, yes/no, on/off (any case); anything else is an error at the node. */
int cfg_bool(cfg_walker *w, const yaml_node_t *v, bool *out);
/* A whole number from lo to hi; anything else is an error at the node naming the range. */
int cfg_number(cfg_walker *w, const yaml_node_t *v, uint64_t lo, uint64_t hi, uint64_t *out);
/* "5%" or "5" (and "+5%" when plus_ok) -> basis points. */
int cfg_percent(cfg_walker *w, const yaml_node_t *v, bool plus_ok, uint64_t *bp);

bool cfg_is_null(const yaml_node_t *n);
const char *cfg_node_kind(const yaml_node_t *n);

/* memgate.limits / memgate.drift.budget and the per-workload copies (config_limits.c). */
int cfg_limits(cfg_walker *w, const yaml_node_t *map);
int cfg_budget(cfg_walker *w, const yaml_node_t *map);

/* memgate.merge_base, .pairing, .environment, .runs, .learn (config_verdict.c). */
int cfg_merge_base(cfg_walker *w, const yaml_node_t *v);
int cfg_pairing(cfg_walker *w, const yaml_node_t *v);
int cfg_environment(cfg_walker *w, const yaml_node_t *v);
int cfg_runs(cfg_walker *w, const yaml_node_t *v);
int cfg_learn(cfg_walker *w, const yaml_node_t *v);
void cfg_verdict_release(cfg_verdict *v);
/* The setting behind a key such as "merge_base.ref", or NULL for another key. */
const cfg_setting *cfg_verdict_setting(const mg_config *c, const char *key);

/* Append a rule to the walker's scope. */
int cfg_add_rule(cfg_walker *w, enum mg_level level, bool clear, const mg_limit *l,
                 const yaml_node_t *at);

#endif
