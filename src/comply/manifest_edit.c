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
    ok = (!e->dep_key || dep) && (!e->example_name || manifest_has_example(t, e->example_name));
    if (dep)
        *dep_line = mg_toml_line(dep);
    mg_toml_free(t);
    return ok;
}

enum dep_place { DEP_AFTER_HEADER, DEP_NEW_TABLE, DEP_SUBTABLE, DEP_NONE };

static int build(const char *text, size_t len, const manifest_edit *e, enum dep_place place,
                 unsigned long header_line, mg_buf *out, mg_error *err)
{
    const char *nl = strstr(text, "\r\n") ? "\r\n" : "\n";
    size_t at = place == DEP_AFTER_HEADER ? line_start(text, len, header_line + 1) : len;
    int rc;

    out->len = 0;
    rc = mg_buf_append(out, text, at, err);
    if (rc == 0 && at > 0 && text[at - 1] != '\n') /* a last line without its newline */
        rc = mg_buf_printf(out, err, "%s", nl);
    if (rc == 0 && place == DEP_AFTER_HEADER)
        rc = mg_buf_printf(out, err, "%s = %s%s", e->dep_key, e->dep_value, nl);
    if (rc == 0)
        rc = mg_buf_append(out, text + at, len - at, err);
    if (rc == 0 && out->len > 0 && out->data[out->len - 1] != '\n')
        rc = mg_buf_printf(out, err, "%s", nl);
    if (rc == 0 && place == DEP_NEW_TABLE)
        rc = mg_buf_printf(out, err, "%s[dev-dependencies]%s%s = %s%s", nl, nl, e->dep_key,
                           e->dep_value, nl);
    if (rc == 0 && place == DEP_SUBTABLE)
        rc = mg_buf_printf(out, err, "%s[dev-dependencies.%s]%s%s%s", nl, e->dep_key, nl,
                           e->dep_table_body, nl);
    if (rc == 0 && e->example_name)
        rc = mg_buf_printf(out, err, "%s[[example]]%sname = \"%s\"%spath = \"%s\"%s", nl, nl,
                           e->example_name, nl, e->example_path, nl);
    return rc;
}

int manifest_apply(const char *text, size_t len, const char *source, const manifest_edit *e,
                   mg_buf *out, unsigned long *dep_line, mg_error *err)
{
    mg_toml_value *t = NULL;
    const mg_toml_value *dev;
    enum dep_place places[3];
    size_t n = 0, i;
    unsigned long header = 0;
    int rc;

    *dep_line = 0;
    if ((rc = mg_toml_parse(&t, text, len, source, err)) < 0)
        return rc;
    dev = mg_toml_get(t, "dev-dependencies");
    if (!e->dep_key) {
        places[n++] = DEP_NONE;
    } else {
        if (mg_toml_origin(dev) == MG_TOML_HEADER && mg_toml_is(dev, MG_TOML_TABLE)) {
            header = mg_toml_line(dev);
            places[n++] = DEP_AFTER_HEADER;
        }
        places[n++] = DEP_NEW_TABLE;
        places[n++] = DEP_SUBTABLE;
    }
    mg_toml_free(t);
    for (i = 0; i < n; i++) {
        if ((rc = build(text, len, e, places[i], header, out, err)) < 0)
            return rc;
        if (verify(out->data, out->len, e, dep_line))
            return 0;
    }
    if (e->dep_key)
        return mg_error_set_at(err, MG_E_REFUSED, source, 0, 0,
                               "cannot add %s to [dev-dependencies] without rewriting the file; "
                               "add '%s = %s' by hand",
                               e->dep_key, e->dep_key, e->dep_value);
    return mg_error_set_at(err, MG_E_REFUSED, source, 0, 0,
                           "cannot append an [[example]] entry (is 'example' not an array of "
                           "tables?); add it by hand");
}
