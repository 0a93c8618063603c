/* Private to baseline*.c: the loaded file and the JSON helpers (baseline_json.c) that baseline.c
 * and baseline_stacks.c share. */
#ifndef MEMGATE_BASELINE_INT_H
#define MEMGATE_BASELINE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "memgate/baseline.h"

struct mg_baseline {
    json_t *root;
    char *text; /* the file as read, to locate keys for error messages */
    size_t text_len;
    char source[sizeof(((mg_error *)0)->source)];
};

/* An error about key's value in workload (NULL: top level), with its line and column. */
int mg_bl_value_error(const mg_baseline *b, const char *workload, const char *key, const char *what,
                      mg_error *err);
/* The object of a workload (NULL or "default": the top level), or NULL. */
json_t *mg_bl_workload(const mg_baseline *b, const char *workload);
/* The same, created when missing. */
json_t *mg_bl_target(mg_baseline *b, const char *workload, mg_error *err);
bool mg_bl_count_ok(json_t *v);
/* v capped at INT64_MAX, the largest count JSON keeps exactly here. */
json_t *mg_bl_count_json(uint64_t v);
/* Set obj[key] = v (stealing v); a NULL v or a failed set is out of memory. */
int mg_bl_set_new(json_t *obj, const char *key, json_t *v, mg_error *err);

/* Validate a workload object's "stacks" and "stacks_other" (baseline_stacks.c). */
int mg_bl_check_stacks(const mg_baseline *b, const char *workload, json_t *obj, mg_error *err);

#endif
