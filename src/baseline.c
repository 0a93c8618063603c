/* Baseline file: strict reading with positions, in-place updates that keep unknown keys, atomic
 * writes. */
#include "memgate/baseline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline_int.h"
#include "file.h"
#include "memgate/buf.h"
#include "utf8.h"

/* Order of keys in a freshly written baseline: the spec's three first. */
static const enum mg_metric write_order[MG_METRIC_COUNT] = {
    MG_TOTAL_BYTES, MG_PEAK_BYTES, MG_ALLOC_COUNT, MG_PEAK_BLOCKS,
    MG_END_BYTES,   MG_END_BLOCKS, MG_RUNTIME_US,  MG_PEAK_RSS,
};

/* "hotspots": [{"function": "...", "total_bytes": N, ...}], all counts whole and >= 0. */
static int check_hotspots(const mg_baseline *b, const char *wl, json_t *obj, mg_error *err)
{
    static const char *const counts[] = {"total_bytes", "total_blocks", "peak_bytes"};
    json_t *hs = json_object_get(obj, "hotspots"), *h;
    json_t *other = json_object_get(obj, "hotspots_other_bytes");
    size_t i, k;

    if (other && !mg_bl_count_ok(other))
        return mg_bl_value_error(b, wl, "hotspots_other_bytes", "must be a whole number >= 0", err);
    if (!hs)
        return 0;
    if (!json_is_array(hs))
        return mg_bl_value_error(b, wl, "hotspots",
                                 "must be a list of {function, total_bytes, ...}", err);
    json_array_foreach(hs, i, h)
    {
        if (!json_is_object(h) || !json_is_string(json_object_get(h, "function")))
            return mg_bl_value_error(b, wl, "hotspots", "entries need a string 'function'", err);
        for (k = 0; k < 3; k++)
            if (json_object_get(h, counts[k]) && !mg_bl_count_ok(json_object_get(h, counts[k])))
                return mg_bl_value_error(b, wl, "hotspots",
                                         "entries' byte and block counts must be "
                                         "whole numbers >= 0",
                                         err);
    }
    return 0;
}

static int check_object(const mg_baseline *b, const char *workload, json_t *obj, mg_error *err)
{
    const char *wl = workload && strcmp(workload, "default") ? workload : NULL;
    unsigned m;
    int rc = check_hotspots(b, wl, obj, err);
    if (rc == 0)
        rc = mg_bl_check_stacks(b, wl, obj, err);
    if (rc < 0)
        return rc;
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        json_t *v = json_object_get(obj, mg_metric_name((enum mg_metric)m));
        if (!v)
            continue;
        if (!json_is_integer(v))
            return mg_bl_value_error(b, wl, mg_metric_name((enum mg_metric)m),
                                     "must be a whole number of bytes or blocks", err);
        if (json_integer_value(v) < 0)
            return mg_bl_value_error(b, wl, mg_metric_name((enum mg_metric)m),
                                     "is negative, expected a count >= 0", err);
    }
    return 0;
}

static int validate(const mg_baseline *b, mg_error *err)
{
    json_t *wls, *obj;
    const char *name;
    int rc;

    if (!json_is_object(b->root))
        return mg_error_set_at(err, MG_E_INPUT, b->source, 1, 1,
                               "expected a JSON object at the top level");
    if ((rc = check_object(b, NULL, b->root, err)) < 0)
        return rc;
    wls = json_object_get(b->root, "workloads");
    if (!wls)
        return 0;
    if (!json_is_object(wls))
        return mg_bl_value_error(b, NULL, "workloads", "must be an object of workload names", err);
    json_object_foreach(wls, name, obj)
    {
        if (!json_is_object(obj))
            return mg_bl_value_error(b, NULL, "workloads", "entries must be objects", err);
        if ((rc = check_object(b, name, obj, err)) < 0)
            return rc;
    }
    return 0;
}

/*
 * Every string of a baseline is the pull request's to write: control characters
 * (newline, ESC, BEL, C1) become U+FFFD as soon as the file is read, so no
 * report can print a workflow command ("::error ...::" at a line start) or a
 * terminal escape from it. Keys (workload names) are rewritten the same way.
 */
static int make_displayable(json_t *v, mg_error *err)
{
    size_t i;
    json_t *x;
    const char *k;
    void *tmp;

    if (json_is_string(v)) {
        char *clean = mg_utf8_sanitize_display(json_string_value(v), json_string_length(v));
        int rc = clean ? json_string_set(v, clean) : -1;
        free(clean);
        return rc == 0 ? 0 : mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    json_array_foreach(v, i, x)
    {
        if (make_displayable(x, err) < 0)
            return -(int)err->code;
    }
    json_object_foreach_safe(v, tmp, k, x)
    {
        char *clean = mg_utf8_sanitize_display(k, strlen(k));
        if (!clean || make_displayable(x, err) < 0) {
            free(clean);
            return clean ? -(int)err->code : mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        if (strcmp(clean, k) != 0) {
            json_incref(x);
            json_object_del(v, k);
            if (json_object_set_new(v, clean, x) != 0) {
                free(clean);
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
            }
        }
        free(clean);
    }
    return 0;
}

int mg_baseline_parse(mg_baseline **out, const char *text, size_t len, const char *source,
                      mg_error *err)
{
    mg_baseline *b = calloc(1, sizeof(*b));
    json_error_t je;
    int rc;

    *out = NULL;
    if (!b || !(b->text = malloc(len + 1))) {
        free(b);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    memcpy(b->text, text, len);
    b->text[len] = '\0';
    b->text_len = len;
    snprintf(b->source, sizeof(b->source), "%s", source);
    /* a UTF-8 BOM (some editors add one) is not JSON; skipped and not counted, as in jsonpull */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    b->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!b->root) {
        enum json_error_code jc = json_error_code(&je);
        rc = mg_error_set_at(err, jc == json_error_numeric_overflow ? MG_E_OVERFLOW : MG_E_INPUT,
                             source, je.line > 0 ? (unsigned long)je.line : 0,
                             je.column > 0 ? (unsigned long)je.column : 0, "%s", je.text);
    } else if ((rc = validate(b, err)) == 0) {
        rc = make_displayable(b->root, err);
    }
    if (rc < 0) {
        mg_baseline_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

/*
 * A baseline is a few hundred bytes, a few KiB with workloads and hotspots.
 * jansson holds about 50 bytes per byte of a file of tiny values, and a pull
 * request can change the baseline, so the cap keeps that under 200 MiB.
 */
#define MG_BASELINE_MAX_SIZE ((size_t)4 << 20)

int mg_baseline_load(mg_baseline **out, const char *path, mg_error *err)
{
    mg_buf buf;
    int rc;

    mg_buf_init(&buf, MG_BASELINE_MAX_SIZE);
    rc = mg_buf_read_file(&buf, path, err);
    if (rc == 0 && buf.len == 0)
        rc = mg_error_set_at(err, MG_E_INPUT, path, 0, 0, "baseline file is empty");
    if (rc == 0)
        rc = mg_baseline_parse(out, buf.data, buf.len, path, err);
    mg_buf_release(&buf);
    return rc;
}

int mg_baseline_new(mg_baseline **out, mg_error *err)
{
    mg_baseline *b = calloc(1, sizeof(*b));
    if (!b || !(b->root = json_object())) {
        free(b);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    snprintf(b->source, sizeof(b->source), "(new baseline)");
    *out = b;
    return 0;
}

void mg_baseline_free(mg_baseline *b)
{
    if (!b)
        return;
    json_decref(b->root);
    free(b->text);
    free(b);
}

int mg_baseline_metrics(const mg_baseline *b, const char *workload, mg_metrics *out, mg_error *err)
{
    json_t *obj = mg_bl_workload(b, workload);
    unsigned m;

    memset(out, 0, sizeof(*out));
    if (!obj)
        return mg_error_set_at(err, MG_E_INPUT, b->source, 0, 0, "no workload '%s' in the baseline",
                               workload);
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        json_t *v = json_object_get(obj, mg_metric_name((enum mg_metric)m));
        if (json_is_integer(v))
            mg_metrics_set(out, (enum mg_metric)m, (uint64_t)json_integer_value(v));
    }
    return 0;
}

size_t mg_baseline_workloads(const mg_baseline *b, const char **out, size_t max)
{
    json_t *wls = json_object_get(b->root, "workloads"), *v;
    const char *name;
    size_t n = 0;
    unsigned m;
    for (m = 0; m < MG_METRIC_COUNT; m++)
        if (json_object_get(b->root, mg_metric_name((enum mg_metric)m))) {
            if (n < max)
                out[n] = "default";
            n++;
            break;
        }
    json_object_foreach(wls, name, v)
    {
        (void)v;
        if (n < max)
            out[n] = name;
        n++;
    }
    return n;
}

const char *mg_baseline_string(const mg_baseline *b, const char *workload, const char *key)
{
    json_t *obj = mg_bl_workload(b, workload);
    return obj ? json_string_value(json_object_get(obj, key)) : NULL;
}

/*
 * A field of this measurement; an unknown one (NULL) removes the old value, so
 * new numbers never sit next to the commit or format of the previous run.
 */
static int set_meta(json_t *obj, const char *key, const char *value, mg_error *err)
{
    if (!value) {
        json_object_del(obj, key);
        return 0;
    }
    return mg_bl_set_new(obj, key, json_string(value), err);
}

int mg_baseline_set_hotspots(mg_baseline *b, const char *workload, const mg_hotspot *h, size_t n,
                             uint64_t other_bytes, mg_error *err)
{
    json_t *obj = mg_bl_target(b, workload, err), *a;
    size_t i;

    if (!obj)
        return -err->code;
    if (!(a = json_array()))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:o, s:o, s:o}", "function", h[i].function, "total_bytes",
                              mg_bl_count_json(h[i].total_bytes), "total_blocks",
                              mg_bl_count_json(h[i].total_blocks), "peak_bytes",
                              mg_bl_count_json(h[i].peak_bytes));
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
    }
    if (mg_bl_set_new(obj, "hotspots", a, err) < 0)
        return -err->code;
    return mg_bl_set_new(obj, "hotspots_other_bytes", mg_bl_count_json(other_bytes), err);
}

int mg_baseline_set_strings(mg_baseline *b, const char *workload, const char *key,
                            const char *const *names, const char *const *values, size_t n,
                            mg_error *err)
{
    json_t *obj = mg_bl_target(b, workload, err), *o;
    size_t i;
    if (!obj)
        return -err->code;
    if (n == 0) {
        json_object_del(obj, key);
        return 0;
    }
    if (!(o = json_object()))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        if (json_object_set_new(o, names[i], json_string(values[i])) != 0) {
            json_decref(o);
            return mg_error_set(err, MG_E_INPUT, "'%s' is not UTF-8 text", names[i]);
        }
    return mg_bl_set_new(obj, key, o, err);
}

size_t mg_baseline_strings(const mg_baseline *b, const char *workload, const char *key,
                           const char **names, const char **values, size_t max)
{
    json_t *obj = mg_bl_workload(b, workload);
    json_t *o = obj ? json_object_get(obj, key) : NULL, *v;
    const char *k;
    size_t n = 0;
    if (!json_is_object(o))
        return 0;
    json_object_foreach(o, k, v)
    {
        if (!json_is_string(v) || n == max)
            continue;
        names[n] = k;
        values[n++] = json_string_value(v);
    }
    return n;
}

/* Keys that describe one measurement and go when its numbers are replaced. */
static const char *const per_run_keys[] = {
    "producer",      "profiled_command", "command_line", "accepted", "profile_mode",
    "build_profile", "environment",      "runs",         "hotspots", "hotspots_other_bytes",
    "attribution",   "stacks",           "stacks_other"};

int mg_baseline_set_provenance(mg_baseline *b, const char *workload,
                               const mg_baseline_provenance *p, mg_error *err)
{
    json_t *obj = mg_bl_target(b, workload, err);
    const char *vals[] = {p->producer, p->profiled_command, p->command_line,
                          p->accepted, p->profile_mode,     p->build_profile};
    size_t i;
    int rc = 0;
    if (!obj)
        return -err->code;
    for (i = 0; rc == 0 && i < sizeof(vals) / sizeof(vals[0]); i++)
        rc = set_meta(obj, per_run_keys[i], vals[i], err);
    return rc;
}

static int set_all_meta(json_t *obj, const mg_baseline_meta *meta, mg_error *err)
{
    const char *keys[] = {"measured_at", "commit", "tool", "profile_format"};
    const char *vals[] = {meta->measured_at, meta->commit, meta->tool, meta->profile_format};
    size_t i;
    int rc = 0;
    for (i = 0; i < sizeof(per_run_keys) / sizeof(per_run_keys[0]); i++)
        json_object_del(obj, per_run_keys[i]);
    for (i = 0; rc == 0 && i < sizeof(keys) / sizeof(keys[0]); i++)
        rc = set_meta(obj, keys[i], vals[i], err);
    return rc;
}

int mg_baseline_update(mg_baseline *b, const char *workload, const mg_metrics *m,
                       const mg_baseline_meta *meta, mg_error *err)
{
    json_t *obj = mg_bl_target(b, workload, err);
    unsigned i;
    int rc = 0;

    if (!obj)
        return -err->code;
    for (i = 0; i < MG_METRIC_COUNT && rc == 0; i++) {
        enum mg_metric k = write_order[i];
        if (!m->present[k]) {
            json_object_del(obj, mg_metric_name(k));
            continue;
        }
        if (m->value[k] > (uint64_t)INT64_MAX)
            return mg_error_set(err, MG_E_OVERFLOW, "'%s' is too large to store as JSON",
                                mg_metric_name(k));
        rc = mg_bl_set_new(obj, mg_metric_name(k), json_integer((json_int_t)m->value[k]), err);
    }
    return rc == 0 ? set_all_meta(obj, meta, err) : rc;
}

int mg_baseline_hotspots(const mg_baseline *b, const char *workload, mg_hotspot **out, size_t *n,
                         bool *complete, mg_error *err)
{
    json_t *obj = mg_bl_workload(b, workload);
    json_t *hs = obj ? json_object_get(obj, "hotspots") : NULL, *h;
    size_t i;

    *out = NULL;
    *n = 0;
    *complete = json_integer_value(json_object_get(obj, "hotspots_other_bytes")) == 0 &&
                json_object_get(obj, "hotspots_other_bytes") != NULL;
    if (!json_is_array(hs) || json_array_size(hs) == 0)
        return 0;
    if (!(*out = calloc(json_array_size(hs), sizeof(**out))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    json_array_foreach(hs, i, h)
    {
        mg_hotspot *x = &(*out)[i];
        if (!(x->function = strdup(json_string_value(json_object_get(h, "function"))))) {
            mg_hotspots_free(*out, i);
            *out = NULL;
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        x->total_bytes = (uint64_t)json_integer_value(json_object_get(h, "total_bytes"));
        x->total_blocks = (uint64_t)json_integer_value(json_object_get(h, "total_blocks"));
        x->peak_bytes = (uint64_t)json_integer_value(json_object_get(h, "peak_bytes"));
        *n = i + 1;
    }
    return 0;
}

/* Keys in the order a freshly written workload object lists them (after the metrics). */
static const char *const meta_order[] = {
    "measured_at",      "commit",       "tool",        "profile_format",       "producer",
    "profiled_command", "command_line", "accepted",    "profile_mode",         "build_profile",
    "environment",      "runs",         "attribution", "hotspots_other_bytes", "hotspots",
    "stacks_other",     "stacks",
};

static bool known_key(const char *k)
{
    size_t i;
    for (i = 0; i < MG_METRIC_COUNT; i++)
        if (!strcmp(k, mg_metric_name((enum mg_metric)i)))
            return true;
    for (i = 0; i < sizeof(meta_order) / sizeof(meta_order[0]); i++)
        if (!strcmp(k, meta_order[i]))
            return true;
    return !strcmp(k, "workloads");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of obj that canonical() does not place itself, sorted; caller frees the array. */
static const char **sorted_keys(json_t *obj, bool unknown_only, size_t *n)
{
    const char **keys = malloc((json_object_size(obj) + 1) * sizeof(*keys));
    const char *k;
    json_t *v;
    *n = 0;
    if (!keys)
        return NULL;
    json_object_foreach(obj, k, v)
    {
        (void)v;
        if (!unknown_only || !known_key(k))
            keys[(*n)++] = k;
    }
    qsort(keys, *n, sizeof(*keys), by_name);
    return keys;
}

static int copy_key(json_t *dst, json_t *src, const char *key)
{
    json_t *v = json_object_get(src, key);
    return v ? json_object_set(dst, key, v) : 0;
}

static json_t *canonical(json_t *obj, bool top);

static int copy_workloads(json_t *dst, json_t *wls)
{
    json_t *out = json_object();
    size_t n, i;
    const char **names = sorted_keys(wls, false, &n);
    int bad = !out || !names;
    for (i = 0; !bad && i < n; i++) {
        json_t *w = json_object_get(wls, names[i]);
        json_t *c = json_is_object(w) ? canonical(w, false) : json_incref(w);
        bad = !c || json_object_set_new(out, names[i], c) != 0;
    }
    free(names);
    if (bad || json_object_set_new(dst, "workloads", out) != 0) {
        json_decref(out);
        return -1;
    }
    return 0;
}

/* A copy of a workload object (or the root) with its keys in the documented order. */
static json_t *canonical(json_t *obj, bool top)
{
    json_t *out = json_object();
    const char **rest;
    size_t i, n;
    int bad = !out;

    for (i = 0; !bad && i < MG_METRIC_COUNT; i++)
        bad = copy_key(out, obj, mg_metric_name(write_order[i]));
    for (i = 0; !bad && i < sizeof(meta_order) / sizeof(meta_order[0]); i++)
        bad = copy_key(out, obj, meta_order[i]);
    rest = sorted_keys(obj, true, &n);
    bad = bad || !rest;
    for (i = 0; !bad && i < n; i++)
        bad = copy_key(out, obj, rest[i]);
    free(rest);
    if (!bad && json_object_get(obj, "workloads"))
        bad = top && json_is_object(json_object_get(obj, "workloads"))
                  ? copy_workloads(out, json_object_get(obj, "workloads"))
                  : copy_key(out, obj, "workloads");
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

char *mg_baseline_dump(const mg_baseline *b, mg_error *err)
{
    json_t *ordered = canonical(b->root, true);
    char *s = ordered ? json_dumps(ordered, JSON_INDENT(2)) : NULL;
    char *withnl = NULL;
    size_t n;

    json_decref(ordered);
    if (!s) {
        mg_error_set(err, MG_E_NOMEM, "cannot serialise the baseline");
        return NULL;
    }
    n = strlen(s);
    withnl = malloc(n + 2);
    if (withnl) {
        memcpy(withnl, s, n);
        withnl[n] = '\n';
        withnl[n + 1] = '\0';
    } else {
        mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    free(s);
    return withnl;
}

/* The staged baseline's files, handed to util/file.c (s is left empty). */
static mg_file_staged take(mg_baseline_staged *s)
{
    mg_file_staged f = {s->path, s->tmp, s->dir};
    memset(s, 0, sizeof(*s));
    return f;
}

void mg_baseline_abort(mg_baseline_staged *s)
{
    mg_file_staged f = take(s);
    mg_file_abort(&f);
}

/* One level, like `git init` makes .git: a missing grandparent is the caller's mistake. */
/*
 * The baseline's directory and any missing parents (mkdir -p: "--baseline new/sub/x.json" on a
 * first run), then whether it can be written: a failure names the directory that is the cause,
 * not the lock or temporary file that could not be made in it.
 */
static int make_dir(const char *dir, mg_error *err)
{
    char path[4096];
    struct stat st;
    size_t i, n = strlen(dir);

    if (n >= sizeof(path))
        return mg_error_set_at(err, MG_E_IO, dir, 0, 0, "directory name too long");
    memcpy(path, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot create directory: %s",
                                   strerror(errno));
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return mg_error_set_at(err, MG_E_IO, path, 0, 0,
                                   "is not a directory, so the baseline cannot go under it");
        path[i] = i < n ? '/' : '\0';
    }
    if (access(dir, W_OK | X_OK) != 0)
        return mg_error_set_at(err, MG_E_IO, dir, 0, 0,
                               "directory is not writable (%s): the baseline and its history "
                               "go there",
                               strerror(errno));
    return 0;
}

/* rename() would replace a symlink, not write through it; refusing says so instead. */
static int refuse_symlink(const char *path, const char *what, mg_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return mg_error_set_at(err, MG_E_IO, path, 0, 0,
                               "%s is a symbolic link: memgate does not write through one", what);
    return 0;
}

int mg_baseline_stage(const mg_baseline *b, const char *path, mg_baseline_staged *out,
                      mg_error *err)
{
    char *text = mg_baseline_dump(b, err);
    char *copy = NULL;
    mg_file_staged f;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!text)
        return -err->code;
    copy = strdup(path);
    if (!copy)
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    else if ((rc = refuse_symlink(path, "the baseline", err)) == 0 &&
             (rc = make_dir(dirname(copy), err)) == 0 &&
             (rc = mg_file_stage(&f, path, text, strlen(text), 0644, "the new baseline", err)) == 0)
        *out = (mg_baseline_staged){f.path, f.tmp, f.dir};
    free(copy);
    free(text);
    return rc;
}

int mg_baseline_commit(mg_baseline_staged *s, mg_error *err)
{
    mg_file_staged f = take(s);
    return mg_file_commit(&f, "the baseline", err);
}

int mg_baseline_save(const mg_baseline *b, const char *path, mg_error *err)
{
    mg_baseline_staged s;
    int rc = mg_baseline_stage(b, path, &s, err);
    return rc < 0 ? rc : mg_baseline_commit(&s, err);
}

/*
 * The lock is the baseline's directory itself (flock on a directory descriptor):
 * no lock file to create through a planted symlink, none left in the work tree.
 * Every update of a baseline in that directory (and its history) waits its turn.
 */
int mg_baseline_lock(const char *path, unsigned timeout_ms, int *out_fd, mg_error *err)
{
    char *copy = strdup(path);
    const char *dir;
    unsigned waited = 0;
    int fd = -1, rc = 0;

    *out_fd = -1;
    if (!copy)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    dir = dirname(copy);
    if ((rc = make_dir(dir, err)) < 0)
        goto done;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        rc = mg_error_set_at(err, MG_E_IO, dir, 0, 0, "cannot open the directory to lock it: %s",
                             strerror(errno));
        goto done;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        if (errno != EWOULDBLOCK && errno != EINTR) {
            rc = mg_error_set_at(err, MG_E_IO, dir, 0, 0, "cannot lock: %s", strerror(errno));
            goto done;
        }
        if (waited >= timeout_ms) {
            rc = mg_error_set_at(err, MG_E_IO, dir, 0, 0,
                                 "another update holds the lock (waited %u ms)", waited);
            goto done;
        }
        nanosleep(&ts, NULL);
        waited += 10;
    }
    *out_fd = fd;
    fd = -1;
done:
    if (fd >= 0)
        close(fd);
    free(copy);
    return rc;
}

void mg_baseline_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the last descriptor releases the flock */
}

unsigned mg_baseline_clean_stale(const char *path)
{
    char *copy = strdup(path), *copy2 = strdup(path), prefix[512], full[4096];
    const char *dir, *base;
    struct dirent *de;
    unsigned removed = 0;
    DIR *d;

    if (!copy || !copy2)
        goto done;
    dir = dirname(copy);
    base = basename(copy2);
    snprintf(prefix, sizeof(prefix), "%s.tmp.", base);
    if (!(d = opendir(dir)))
        goto done;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
        removed += unlink(full) == 0;
    }
    closedir(d);
done:
    free(copy);
    free(copy2);
    return removed;
}
