/*
 * --group-by crate in check and diff: diff compares libraries (the rows of show --group-by
 * crate); check against a baseline compares functions and says so, never a mix of both;
 * update-baseline refuses it.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static char paths[3][4096];

static const char *prof(int slot, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "profiles/%s.json", name);
    snprintf(paths[slot], sizeof(paths[slot]), "%s", mg_testdata(rel));
    return paths[slot];
}

static json_t *run_json(const char *const *argv, bool verdict)
{
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *j;
    if (verdict)
        cr_assert(r.status == 0 || r.status == 1, "%s %s: exit %d: %s", argv[0], argv[1], r.status,
                  r.err);
    else
        cr_assert_eq(r.status, 0, "%s: %s", argv[0], r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s: JSON", argv[0]);
    mg_run_release(&r);
    return j;
}

/* The libraries show --group-by crate names in either profile. */
static bool is_library(const char *name, json_t *a, json_t *b)
{
    json_t *rows[2] = {json_object_get(json_object_get(a, "profile"), "hotspots"),
                       json_object_get(json_object_get(b, "profile"), "hotspots")};
    json_t *h;
    size_t i, k;
    for (k = 0; k < 2; k++)
        json_array_foreach(rows[k], i, h)
        {
            if (!strcmp(json_string_value(json_object_get(h, "function")), name))
                return true;
        }
    return false;
}

static void changes_are_libraries(json_t *result, json_t *a, json_t *b, const char *what)
{
    json_t *ch = json_object_get(result, "hotspot_changes"), *c, *cul, *f;
    size_t i, k;
    cr_assert_gt(json_array_size(ch), 0, "%s: changes listed", what);
    json_array_foreach(ch, i, c)
    {
        const char *fn = json_string_value(json_object_get(c, "function"));
        cr_expect(is_library(fn, a, b), "%s: '%s' is no library row", what, fn);
        /* a library has no lines of its own: only "(no line)" rows would be listed */
        cr_expect_eq(json_array_size(json_object_get(c, "lines")), 0, "%s: lines of '%s'", what,
                     fn);
    }
    json_array_foreach(json_object_get(result, "culprits"), i, cul)
    {
        json_array_foreach(json_object_get(cul, "functions"), k, f)
        {
            const char *fn = json_string_value(json_object_get(f, "function"));
            cr_expect(is_library(fn, a, b), "%s: culprit '%s' is no library row", what, fn);
        }
    }
}

Test(groupby, diff_and_check_compare_libraries)
{
    const char *base = prof(0, "dhatrs-jsondoc-baseline-release"),
               *reg = prof(1, "dhatrs-jsondoc-regressed-release");
    const char *show_a[] = {"show",     "--group-by", "crate", "--top", "100",
                            "--format", "json",       base,    NULL};
    const char *show_b[] = {"show",     "--group-by", "crate", "--top", "100",
                            "--format", "json",       reg,     NULL};
    const char *diff[] = {"diff", "--group-by", "crate", "--no-config", "--format",
                          "json", base,         reg,     NULL};
    char *dir = mg_tempdir(), bl[4200];
    json_t *a = run_json(show_a, false), *b = run_json(show_b, false), *d, *c;
    mg_run r;

    cr_expect(is_library("serde_json", a, b) && is_library("jsondoc", a, b));
    d = run_json(diff, true);
    changes_are_libraries(d, a, b, "diff");
    json_decref(d);
    {
        /* the text report heads the list as what it is */
        const char *text[] = {"diff", "--group-by", "crate", "--no-config", base, reg, NULL};
        r = mg_run_memgate(text, NULL, NULL);
        cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
        cr_expect(strstr(r.out, "where memory changed (by library") != NULL, "%s", r.out);
        cr_expect(strstr(r.out, "by function") == NULL && strstr(r.out, "(no line)") == NULL, "%s",
                  r.out);
        mg_run_release(&r);
    }

    /* against a baseline check compares functions (its stored stacks are cut to what
       attribution needs), never a mix of function and library names */
    snprintf(bl, sizeof(bl), "%s/memory-baseline.json", dir);
    {
        const char *up[] = {"update-baseline", base,          "--baseline", bl,
                            "--approve",       "--no-config", NULL};
        r = mg_run_memgate(up, NULL, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        mg_run_release(&r);
    }
    {
        json_t *ch, *x;
        size_t i;
        const char *chk[] = {"check",          reg,    "--baseline", bl,      "--no-config",
                             "--baseline-ref", "none", "--group-by", "crate", "--format",
                             "json",           NULL};
        c = run_json(chk, true);
        ch = json_object_get(c, "hotspot_changes");
        cr_assert_gt(json_array_size(ch), 0, "check: changes listed");
        json_array_foreach(ch, i, x)
        {
            const char *fn = json_string_value(json_object_get(x, "function"));
            cr_expect(!is_library(fn, a, b), "check: library '%s' among function changes", fn);
        }
        x = json_object_get(c, "hotspot_note");
        cr_expect(json_is_string(x) && strstr(json_string_value(x), "by function"),
                  "check says its changes are by function");
        json_decref(c);
    }
    {
        const char *up[] = {"update-baseline", base,         "--baseline", bl,  "--approve",
                            "--no-config",     "--group-by", "crate",      NULL};
        r = mg_run_memgate(up, NULL, NULL);
        cr_expect_eq(r.status, 2, "update-baseline --group-by crate: usage error");
        cr_expect(strstr(r.err, "--group-by crate") != NULL, "%s", r.err);
        mg_run_release(&r);
    }
    json_decref(a);
    json_decref(b);
    free(dir);
}
