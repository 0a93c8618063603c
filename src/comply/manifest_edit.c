/* Editing Cargo.toml by insertion and appending only, each result verified by parsing it again. */
#include "comply/manifest_edit.h"

#include <string.h>

/* Byte offset where line `line` (1-based) begins, or len when the text is shorter. */
static size_t line_start(const char *text, size_t len, unsigned long line)
{
    size_t i;
    unsigned long at = 1;
    for (i = 0; i < len && at < line; i++)
        if (text[i] == '\n')
            at++;
    return at == line ? i : len;
}

bool manifest_has_example(const mg_toml_value *root, const char *name)
{
    const mg_toml_value *arr = mg_toml_get(root, "example");
    size_t i;
    for (i = 0; i < mg_toml_len(arr); i++) {
        const char *n = mg_toml_string(mg_toml_get(mg_toml_at(arr, i), "name"), NULL);
        if (n && !strcmp(n, name))
            return true;
    }
    return false;
}

/* Does text parse, and hold everything the edit adds? */
static bool verify(const char *text, size_t len, const manifest_edit *e, unsigned long *dep_line)
{
    mg_toml_value *t = NULL;
    const mg_toml_value *dep;
    bool ok;

    if (mg_toml_parse(&t, text, len, "(edited manifest)", NULL) < 0)
        return false;
    dep = e->dep_key ? mg_toml_path(t, "dev-dependencies", e->dep_key, NULL) : NULL;
    ok = (!e->dep_key || dep) && (!e->example_name || manifest_has_example(t, e->example_name)) &&
         (!e->release_debug || mg_toml_path(t, "profile", "release", "debug", NULL));
    if (dep)
        *dep_line = mg_toml_line(dep);
    mg_toml_free(t);
    return ok;
}

enum dep_place { DEP_AFTER_HEADER, DEP_NEW_TABLE, DEP_SUBTABLE, DEP_NONE };
enum prof_place { PROF_AFTER_HEADER, PROF_NEW_TABLE, PROF_NONE };

typedef struct plan {
    enum dep_place dep;
    enum prof_place prof;
    unsigned long dep_header, prof_header; /* lines of the headers to insert after */
} plan;

/* One line inserted after a header line; at most two, emitted in file order. */
typedef struct insert {
    size_t at;
    int what; /* 0 the dependency, 1 debug = 1 */
} insert;

static int emit_insert(mg_buf *out, const manifest_edit *e, int what, const char *nl, mg_error *err)
{
    if (what == 0)
        return mg_buf_printf(out, err, "%s = %s%s", e->dep_key, e->dep_value, nl);
    return mg_buf_printf(out, err, "debug = 1%s", nl);
}

static int build(const char *text, size_t len, const manifest_edit *e, const plan *p, mg_buf *out,
                 mg_error *err)
{
    /* memmem, not strstr: text is len bytes and need not end in a NUL */
    const char *nl = memmem(text, len, "\r\n", 2) ? "\r\n" : "\n";
    insert ins[2];
    size_t n = 0, i, from = 0;
    int rc = 0;

    if (p->dep == DEP_AFTER_HEADER)
        ins[n++] = (insert){line_start(text, len, p->dep_header + 1), 0};
    if (p->prof == PROF_AFTER_HEADER)
        ins[n++] = (insert){line_start(text, len, p->prof_header + 1), 1};
    if (n == 2 && ins[1].at < ins[0].at) {
        insert t = ins[0];
        ins[0] = ins[1];
        ins[1] = t;
    }
    out->len = 0;
    for (i = 0; rc == 0 && i < n; i++) {
        rc = mg_buf_append(out, text + from, ins[i].at - from, err);
        if (rc == 0 && ins[i].at > 0 && text[ins[i].at - 1] != '\n') /* a last line without \n */
            rc = mg_buf_printf(out, err, "%s", nl);
        if (rc == 0)
            rc = emit_insert(out, e, ins[i].what, nl, err);
        from = ins[i].at;
    }
    if (rc == 0)
        rc = mg_buf_append(out, text + from, len - from, err);
    if (rc == 0 && out->len > 0 && out->data[out->len - 1] != '\n')
        rc = mg_buf_printf(out, err, "%s", nl);
    if (rc == 0 && p->dep == DEP_NEW_TABLE)
        rc = mg_buf_printf(out, err, "%s[dev-dependencies]%s%s = %s%s", nl, nl, e->dep_key,
                           e->dep_value, nl);
    if (rc == 0 && p->dep == DEP_SUBTABLE)
        rc = mg_buf_printf(out, err, "%s[dev-dependencies.%s]%s%s%s", nl, e->dep_key, nl,
                           e->dep_table_body, nl);
    if (rc == 0 && e->example_name)
        rc = mg_buf_printf(out, err, "%s[[example]]%sname = \"%s\"%spath = \"%s\"%s", nl, nl,
                           e->example_name, nl, e->example_path, nl);
    /* line tables, so the profile's frames name files and lines (memgate init) */
    if (rc == 0 && p->prof == PROF_NEW_TABLE)
        rc = mg_buf_printf(out, err, "%s[profile.release]%sdebug = 1%s", nl, nl, nl);
    return rc;
}

/* The header line of a [table] defined by a header, or 0. */
static unsigned long header_of(const mg_toml_value *v)
{
    return mg_toml_origin(v) == MG_TOML_HEADER && mg_toml_is(v, MG_TOML_TABLE) ? mg_toml_line(v)
                                                                               : 0;
}

int manifest_apply(const char *text, size_t len, const char *source, const manifest_edit *e,
                   mg_buf *out, unsigned long *dep_line, mg_error *err)
{
    mg_toml_value *t = NULL;
    enum dep_place deps[3];
    enum prof_place profs[2];
    size_t nd = 0, np = 0, i, k;
    plan p = {DEP_NONE, PROF_NONE, 0, 0};
    int rc;

    *dep_line = 0;
    if ((rc = mg_toml_parse(&t, text, len, source, err)) < 0)
        return rc;
    p.dep_header = header_of(mg_toml_get(t, "dev-dependencies"));
    p.prof_header = header_of(mg_toml_path(t, "profile", "release", NULL));
    mg_toml_free(t);
    if (!e->dep_key) {
        deps[nd++] = DEP_NONE;
    } else {
        if (p.dep_header)
            deps[nd++] = DEP_AFTER_HEADER;
        deps[nd++] = DEP_NEW_TABLE;
        deps[nd++] = DEP_SUBTABLE;
    }
    if (!e->release_debug) {
        profs[np++] = PROF_NONE;
    } else {
        if (p.prof_header)
            profs[np++] = PROF_AFTER_HEADER;
        profs[np++] = PROF_NEW_TABLE;
    }
    for (k = 0; k < np; k++)
        for (i = 0; i < nd; i++) {
            p.dep = deps[i];
            p.prof = profs[k];
            if ((rc = build(text, len, e, &p, out, err)) < 0)
                return rc;
            if (verify(out->data, out->len, e, dep_line))
                return 0;
        }
    if (e->release_debug)
        return mg_error_set_at(err, MG_E_REFUSED, source, 0, 0,
                               "cannot add debug = 1 to [profile.release] without rewriting the "
                               "file; add it by hand");
    if (e->dep_key)
        return mg_error_set_at(err, MG_E_REFUSED, source, 0, 0,
                               "cannot add %s to [dev-dependencies] without rewriting the file; "
                               "add '%s = %s' by hand",
                               e->dep_key, e->dep_key, e->dep_value);
    return mg_error_set_at(err, MG_E_REFUSED, source, 0, 0,
                           "cannot append an [[example]] entry (is 'example' not an array of "
                           "tables?); add it by hand");
}
