/* History JSONL: tolerant of a torn last line, strict everywhere else; append with O_APPEND +
 * fsync. */
#include "memgate/history.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "memgate/buf.h"
#include "utf8.h"

/* The history grows by one line per accepted baseline; 64 MiB is decades of CI. */
#define HISTORY_MAX_BYTES ((size_t)64 << 20)

void mg_history_init(mg_history *h)
{
    memset(h, 0, sizeof(*h));
}

static void entry_release(mg_history_entry *e)
{
    free(e->workload);
    free(e->measured_at);
    free(e->commit);
    free(e->accepted);
}

void mg_history_release(mg_history *h)
{
    size_t i;
    for (i = 0; i < h->n; i++)
        entry_release(&h->entries[i]);
    free(h->entries);
    mg_history_init(h);
}

static char *dup_string(json_t *o, const char *key)
{
    /* the pull request writes this file: no control character reaches a report (newline, ESC) */
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? mg_utf8_sanitize_display(json_string_value(v), json_string_length(v))
                             : NULL;
}

/* One parsed line into e; errors name the line (column from jansson where it has one). */
static int entry_from_json(json_t *o, mg_history_entry *e, const char *source, unsigned long line,
                           mg_error *err)
{
    unsigned m;
    json_t *wl = json_object_get(o, "workload");
    if (!json_is_object(o))
        return mg_error_set_at(err, MG_E_INPUT, source, line, 1, "expected a JSON object");
    if (wl && !json_is_string(wl))
        return mg_error_set_at(err, MG_E_INPUT, source, line, 1, "'workload' must be a string");
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        json_t *v = json_object_get(o, mg_metric_name((enum mg_metric)m));
        if (!v)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return mg_error_set_at(err, MG_E_INPUT, source, line, 1,
                                   "'%s' must be a whole number >= 0",
                                   mg_metric_name((enum mg_metric)m));
        mg_metrics_set(&e->metrics, (enum mg_metric)m, (uint64_t)json_integer_value(v));
    }
    e->line = line;
    e->anchor = json_is_true(json_object_get(o, "anchor"));
    e->workload = wl ? dup_string(o, "workload") : strdup("default");
    e->measured_at = dup_string(o, "measured_at");
    e->commit = dup_string(o, "commit");
    e->accepted = dup_string(o, "accepted");
    if (!e->workload)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    return 0;
}

static int push_line(mg_history *h, size_t *cap, const char *text, size_t len, const char *source,
                     unsigned long line, mg_error *err)
{
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    mg_history_entry e;
    int rc;

    if (!o)
        return mg_error_set_at(err, MG_E_INPUT, source, line,
                               je.column > 0 ? (unsigned long)je.column : 1, "%s", je.text);
    if (h->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        mg_history_entry *g = realloc(h->entries, nc * sizeof(*g));
        if (!g) {
            json_decref(o);
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        h->entries = g;
        *cap = nc;
    }
    memset(&e, 0, sizeof(e));
    rc = entry_from_json(o, &e, source, line, err);
    json_decref(o);
    if (rc < 0) {
        entry_release(&e);
        return rc;
    }
    h->entries[h->n++] = e;
    return 0;
}

static bool blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

int mg_history_parse(mg_history *h, const char *text, size_t len, const char *source, mg_error *err)
{
    size_t pos = 0, cap = 0;
    unsigned long line = 0;
    int rc = 0;

    mg_history_init(h);
    while (rc == 0 && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        line++;
        if (!blank(text + pos, n)) {
            mg_error probe;
            mg_error_init(&probe);
            rc = push_line(h, &cap, text + pos, n, source, line, nl ? err : &probe);
            if (rc < 0 && !nl) {
                /* no newline and unreadable: the tail of an interrupted append */
                h->torn_tail = true;
                rc = 0;
            }
        }
        pos += n + (nl != NULL);
    }
    if (rc < 0)
        mg_history_release(h);
    return rc;
}

int mg_history_load(mg_history *h, const char *path, mg_error *err)
{
    mg_buf buf;
    int rc;

    mg_history_init(h);
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    mg_buf_init(&buf, HISTORY_MAX_BYTES);
    rc = mg_buf_read_file(&buf, path, err);
    if (rc == 0)
        rc = mg_history_parse(h, buf.data ? buf.data : "", buf.len, path, err);
    mg_buf_release(&buf);
    return rc;
}

static bool commit_matches(const char *commit, const char *pin)
{
    size_t n = strlen(pin);
    return commit && n >= 4 && !strncmp(commit, pin, n);
}

int mg_history_anchor(const mg_history *h, const char *workload, const char *pin,
                      const mg_history_entry **out, mg_error *err)
{
    const char *wl = workload ? workload : "default";
    const mg_history_entry *first = NULL, *marked = NULL, *match = NULL;
    size_t i;
    bool by_commit = pin && strcmp(pin, "first") != 0;

    *out = NULL;
    for (i = 0; i < h->n; i++) {
        const mg_history_entry *e = &h->entries[i];
        if (strcmp(e->workload, wl) != 0)
            continue;
        if (!first)
            first = e;
        if (e->anchor)
            marked = e;
        if (by_commit && commit_matches(e->commit, pin))
            match = e;
    }
    if (by_commit && !match)
        return mg_error_set(err, MG_E_USAGE,
                            "the pinned drift anchor '%s' is not a commit in the history of "
                            "workload '%s'",
                            pin, wl);
    *out = by_commit ? match : marked ? marked : first;
    return 0;
}

size_t mg_history_select(const mg_history *h, const char *workload, const mg_history_entry **out,
                         size_t max)
{
    const char *wl = workload ? workload : "default";
    size_t i, n = 0, skip, k = 0;

    for (i = 0; i < h->n; i++)
        n += !strcmp(h->entries[i].workload, wl);
    /* a chart ends at the newest entries: the oldest ones are what does not fit */
    skip = n > max ? n - max : 0;
    for (i = 0; i < h->n && k < n; i++)
        if (!strcmp(h->entries[i].workload, wl) && k++ >= skip)
            out[k - 1 - skip] = &h->entries[i];
    return n;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

char *mg_history_format(const mg_history_entry *e, mg_error *err)
{
    json_t *o = json_object();
    char *text = NULL, *line = NULL;
    unsigned m;
    int bad = !o;

    bad = bad ||
          json_object_set_new(o, "workload", json_string(e->workload ? e->workload : "default"));
    bad = bad || set_str(o, "measured_at", e->measured_at) || set_str(o, "commit", e->commit);
    for (m = 0; !bad && m < MG_METRIC_COUNT; m++)
        if (e->metrics.present[m] && e->metrics.value[m] <= (uint64_t)INT64_MAX)
            bad = json_object_set_new(o, mg_metric_name((enum mg_metric)m),
                                      json_integer((json_int_t)e->metrics.value[m]));
    if (!bad && e->anchor)
        bad = json_object_set_new(o, "anchor", json_true());
    bad = bad || set_str(o, "accepted", e->accepted);
    if (!bad)
        text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (text && (line = malloc(strlen(text) + 2)) != NULL) {
        memcpy(line, text, strlen(text));
        memcpy(line + strlen(text), "\n", 2);
    }
    free(text);
    if (!line)
        mg_error_set(err, MG_E_NOMEM, "cannot serialise a history entry");
    return line;
}

/* Cut a torn last line (no newline) so the next append starts on a line of its own. */
static int repair_tail(int fd, off_t *size)
{
    char c;
    off_t end = *size;
    while (end > 0) {
        if (pread(fd, &c, 1, end - 1) != 1)
            return -1;
        if (c == '\n')
            break;
        end--;
    }
    if (end != *size && ftruncate(fd, end) != 0)
        return -1;
    *size = end;
    return 0;
}

int mg_history_append(const char *path, const mg_history_entry *e, off_t *old_size, mg_error *err)
{
    char *line = mg_history_format(e, err);
    struct stat st;
    int fd = -1, rc = 0;

    if (!line)
        return -err->code;
    /* read: the torn-tail check; never through a symlink, whose target the repair would cut */
    fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == ELOOP) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0,
                             "the history is a symbolic link: memgate does not write through one");
        goto done;
    }
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot open the history: %s",
                             strerror(errno));
        goto done;
    }
    *old_size = st.st_size;
    if (repair_tail(fd, old_size) != 0 || mg_write_all(fd, line, strlen(line)) != 0 ||
        fsync(fd) != 0) {
        int e2 = errno;
        if (ftruncate(fd, *old_size) != 0) {
            /* the torn line that stays is skipped by the reader */
        }
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot append to the history: %s",
                             strerror(e2));
    }
done:
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot append to the history: %s",
                             strerror(errno));
    free(line);
    return rc;
}

int mg_history_truncate(const char *path, off_t size, mg_error *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || ftruncate(fd, size) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return mg_error_set_at(err, MG_E_IO, path, 0, 0, "cannot undo the history append: %s",
                               strerror(e));
    }
    close(fd);
    return 0;
}
