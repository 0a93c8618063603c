/* Baseline file: strict reading with positions, in-place updates that keep unknown keys, atomic writes. */
#include "memgate/baseline.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/jsonpull.h"
#include "memgate/buf.h"

struct mg_baseline {
    json_t *root;
    char *text; /* the file as read, to locate keys for error messages */
    size_t text_len;
    char source[128];
};

/* Order of keys in a freshly written baseline: the spec's three first. */
static const enum mg_metric write_order[MG_METRIC_COUNT] = {
    MG_TOTAL_BYTES, MG_PEAK_BYTES, MG_ALLOC_COUNT, MG_PEAK_BLOCKS,
    MG_END_BYTES,   MG_END_BLOCKS, MG_RUNTIME_US,  MG_PEAK_RSS,
};

/*
 * Find where `key` (inside workload `workload`, or at top level) sits in the
 * text so an error about its value can name line and column.
 */
static void locate(const mg_baseline *b, const char *workload, const char *key,
                   unsigned long *line, unsigned long *col)
{
    mg_jp jp;
    mg_error e;
    enum mg_jp_tok tok;
    bool in_workloads = false, in_target = workload == NULL;
    unsigned target_depth = workload ? 3 : 1;
    char last_key[128] = "";

    *line = *col = 0;
    if (!b->text)
        return;
    mg_error_init(&e);
    mg_jp_init_mem(&jp, b->text, b->text_len, b->source);
    while (mg_jp_next(&jp, &tok, &e) == 0 && tok != MG_JP_EOF) {
        if (tok != MG_JP_STRING || mg_jp_next(&jp, &tok, &e) < 0)
            continue;
        if (tok != MG_JP_COLON)
            continue;
        /* jp.depth is the depth of the object holding this key */
        snprintf(last_key, sizeof(last_key), "%s", jp.str.data ? jp.str.data : "");
        if (jp.depth == 1)
            in_workloads = !strcmp(last_key, "workloads");
        if (workload && jp.depth == 2)
            in_target = in_workloads && !strcmp(last_key, workload);
        if (in_target && jp.depth == target_depth && !strcmp(last_key, key)) {
            if (mg_jp_next(&jp, &tok, &e) == 0) {
                *line = (unsigned long)jp.tok_line;
                *col = (unsigned long)jp.tok_col;
            }
            break;
        }
    }
    mg_jp_release(&jp);
}

static int value_error(const mg_baseline *b, const char *workload, const char *key,
                       const char *what, mg_error *err)
{
    unsigned long line, col;
    locate(b, workload, key, &line, &col);
    return mg_error_set_at(err, MG_E_INPUT, b->source, line, col, "'%s' %s", key, what);
}

static json_t *workload_object(const mg_baseline *b, const char *workload)
{
    json_t *wl;
    if (!workload || !strcmp(workload, "default"))
        return b->root;
    wl = json_object_get(b->root, "workloads");
    return json_is_object(wl) ? json_object_get(wl, workload) : NULL;
}

static int check_object(const mg_baseline *b, const char *workload, json_t *obj, mg_error *err)
{
    const char *wl = workload && strcmp(workload, "default") ? workload : NULL;
    unsigned m;
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        json_t *v = json_object_get(obj, mg_metric_name((enum mg_metric)m));
        if (!v)
            continue;
        if (!json_is_integer(v))
            return value_error(b, wl, mg_metric_name((enum mg_metric)m),
                               "must be a whole number of bytes or blocks", err);
        if (json_integer_value(v) < 0)
            return value_error(b, wl, mg_metric_name((enum mg_metric)m),
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
        return value_error(b, NULL, "workloads", "must be an object of workload names", err);
    json_object_foreach(wls, name, obj) {
        if (!json_is_object(obj))
            return value_error(b, NULL, "workloads", "entries must be objects", err);
        if ((rc = check_object(b, name, obj, err)) < 0)
            return rc;
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
    } else {
        rc = validate(b, err);
    }
    if (rc < 0) {
        mg_baseline_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

int mg_baseline_load(mg_baseline **out, const char *path, mg_error *err)
{
    mg_buf buf;
    int rc;

    mg_buf_init(&buf, 64u << 20);
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

int mg_baseline_metrics(const mg_baseline *b, const char *workload, mg_metrics *out,
                        mg_error *err)
{
    json_t *obj = workload_object(b, workload);
    unsigned m;

    memset(out, 0, sizeof(*out));
    if (!obj)
        return mg_error_set_at(err, MG_E_INPUT, b->source, 0, 0,
                               "no workload '%s' in the baseline", workload);
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        json_t *v = json_object_get(obj, mg_metric_name((enum mg_metric)m));
        if (json_is_integer(v))
            mg_metrics_set(out, (enum mg_metric)m, (uint64_t)json_integer_value(v));
    }
    return 0;
}

const char *mg_baseline_string(const mg_baseline *b, const char *workload, const char *key)
{
    json_t *obj = workload_object(b, workload);
    return obj ? json_string_value(json_object_get(obj, key)) : NULL;
}

static int set_new(json_t *obj, const char *key, json_t *v, mg_error *err)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    return 0;
}

static json_t *target_object(mg_baseline *b, const char *workload, mg_error *err)
{
    json_t *wls, *obj;
    if (!workload || !strcmp(workload, "default"))
        return b->root;
    wls = json_object_get(b->root, "workloads");
    if (!wls && set_new(b->root, "workloads", json_object(), err) < 0)
        return NULL;
    wls = json_object_get(b->root, "workloads");
    obj = json_object_get(wls, workload);
    if (!obj && set_new(wls, workload, json_object(), err) < 0)
        return NULL;
    return json_object_get(wls, workload);
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
    return set_new(obj, key, json_string(value), err);
}

int mg_baseline_update(mg_baseline *b, const char *workload, const mg_metrics *m,
                       const mg_baseline_meta *meta, mg_error *err)
{
    json_t *obj = target_object(b, workload, err);
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
        rc = set_new(obj, mg_metric_name(k), json_integer((json_int_t)m->value[k]), err);
    }
    if (rc == 0)
        rc = set_meta(obj, "measured_at", meta->measured_at, err);
    if (rc == 0)
        rc = set_meta(obj, "commit", meta->commit, err);
    if (rc == 0)
        rc = set_meta(obj, "tool", meta->tool, err);
    if (rc == 0)
        rc = set_meta(obj, "profile_format", meta->profile_format, err);
    return rc;
}

char *mg_baseline_dump(const mg_baseline *b, mg_error *err)
{
    char *s = json_dumps(b->root, JSON_INDENT(2));
    char *withnl;
    size_t n;
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

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on directories */
        close(fd);
    }
}

int mg_baseline_save(const mg_baseline *b, const char *path, mg_error *err)
{
    char *text = mg_baseline_dump(b, err);
    char *dircopy = NULL, *tmp = NULL;
    const char *dir;
    int fd = -1, rc = 0;

    if (!text)
        return -err->code;
    dircopy = strdup(path);
    tmp = malloc(strlen(path) + 16);
    if (!dircopy || !tmp) {
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        goto done;
    }
    dir = dirname(dircopy);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = mg_error_set_at(err, MG_E_IO, dir, 0, 0, "cannot create directory: %s",
                             strerror(errno));
        goto done;
    }
    snprintf(tmp, strlen(path) + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot create a temporary file: %s",
                             strerror(errno));
        tmp[0] = '\0';
        goto done;
    }
    if (fchmod(fd, 0644) != 0 || write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write the new baseline: %s",
                             strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot write the new baseline: %s",
                             strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot replace the baseline: %s",
                             strerror(errno));
        goto done;
    }
    tmp[0] = '\0';
    fsync_dir(dir);
done:
    if (fd >= 0)
        close(fd);
    if (tmp && tmp[0])
        unlink(tmp);
    free(tmp);
    free(dircopy);
    free(text);
    return rc;
}
