/*
 * Fuzz the Cargo.toml reader. A document that parses is walked through every
 * accessor, and `memgate init`'s manifest edit is applied to it: the edit
 * re-parses its own result, so a candidate the reader cannot read back shows
 * up as a refusal, never as a broken manifest.
 */
#include <stdint.h>

#include "comply/manifest_edit.h"
#include "comply/toml.h"
#include "fuzz_common.h"

#define SOURCE "Cargo.toml"

static void walk(const mg_toml_value *v, unsigned depth)
{
    size_t i, n = mg_toml_len(v), klen;
    int64_t iv;
    double dv;
    bool bv;

    FUZZ_CHECK(depth < 10000, "tree deeper than the input could make");
    (void)mg_toml_line(v);
    (void)mg_toml_column(v);
    (void)mg_toml_origin(v);
    (void)mg_toml_string(v, &klen);
    (void)mg_toml_integer(v, &iv);
    (void)mg_toml_float(v, &dv);
    (void)mg_toml_bool(v, &bv);
    for (i = 0; i < n; i++) {
        if (mg_toml_is(v, MG_TOML_TABLE)) {
            const char *k = mg_toml_key_at(v, i, &klen);
            FUZZ_CHECK(k != NULL && k[klen] == '\0', "table key %zu", i);
        }
        walk(mg_toml_at(v, i), depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const manifest_edit edit = {
        "dhat", "\"0.3\"", "version = \"0.3\"", "dhat_profile", "examples/dhat_profile.rs", true};
    mg_toml_value *root = NULL;
    mg_buf out;
    mg_error err;
    unsigned long line = 0;
    int rc;

    mg_error_init(&err);
    rc = mg_toml_parse(&root, (const char *)data, size, SOURCE, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
        FUZZ_CHECK(root == NULL, "tree left behind on failure");
        return 0;
    }
    walk(root, 0);
    (void)mg_toml_path(root, "dev-dependencies", "dhat", NULL);
    (void)manifest_has_example(root, "dhat_profile");
    mg_toml_free(root);

    mg_buf_init(&out, 0);
    mg_error_init(&err);
    rc = manifest_apply((const char *)data, size, SOURCE, &edit, &out, &line, &err);
    if (rc < 0)
        fuzz_check_error(&err, rc, NULL);
    mg_buf_release(&out);
    return 0;
}
