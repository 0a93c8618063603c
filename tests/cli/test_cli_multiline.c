/*
 * Valgrind captures whose command or options hold a newline (testdata/multiline/capture.sh):
 * massif.out spreads cmd:/desc: over several lines, DHAT's JSON escapes the newline, DHAT's
 * stderr shows it as '_', ms_print refuses the file. Expected numbers are read from the
 * captures by the simple scans below, not by memgate's readers.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static json_t *show(const char *rel, json_t **root)
{
    json_error_t je;
    const char *argv[] = {"show", "--format", "json", NULL, NULL};
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata(rel));
    argv[3] = path;
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "show %s exited %d: %s", rel, r.status, r.err);
    *root = json_loads(r.out, 0, &je);
    cr_assert_not_null(*root, "show %s: not JSON: %s", rel, je.text);
    mg_run_release(&r);
    return json_object_get(*root, "profile");
}

static long long metric(json_t *profile, const char *key)
{
    json_t *v = json_object_get(json_object_get(profile, "metrics"), key);
    cr_assert(json_is_integer(v), "metric %s missing", key);
    return json_integer_value(v);
}

/* Highest and last "mem_heap_B=" value of a massif.out, by a plain line scan. */
static void massif_heap(const char *rel, long long *peak, long long *last)
{
    size_t len;
    char *text = mg_slurp(mg_testdata(rel), &len), *p = text;
    cr_assert_not_null(text);
    *peak = -1;
    *last = -1;
    while ((p = strstr(p, "\nmem_heap_B=")) != NULL) {
        p += 12;
        *last = strtoll(p, NULL, 10);
        if (*last > *peak)
            *peak = *last;
    }
    cr_assert_geq(*last, 0, "%s has no mem_heap_B= lines", rel);
    free(text);
}

/* The command as displayed: the newline must not survive raw (it would forge log lines). */
static void expect_two_line_command(json_t *profile, const char *first, const char *second)
{
    const char *c = json_string_value(json_object_get(profile, "command"));
    cr_assert_not_null(c, "command missing");
    cr_expect_eq(strncmp(c, first, strlen(first)), 0, "command '%s'", c);
    cr_expect(strlen(c) > strlen(second) && !strcmp(c + strlen(c) - strlen(second), second),
              "command '%s' should end with '%s'", c, second);
    cr_expect_null(strchr(c, '\n'), "raw newline in the displayed command");
}

Test(multiline, massif_command_over_two_lines)
{
    long long peak, last;
    json_t *root, *p = show("multiline/massif-sh-c.massif.out", &root);
    massif_heap("multiline/massif-sh-c.massif.out", &peak, &last);
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "massif");
    cr_expect_eq(metric(p, "peak_memory_bytes"), peak);
    cr_expect_eq(metric(p, "end_bytes"), last);
    expect_two_line_command(p, "sh -c echo a", "echo b");
    json_decref(root);
}

Test(multiline, massif_options_over_two_lines)
{
    long long peak, last;
    json_t *root, *p = show("multiline/massif-alloc-fn.massif.out", &root);
    massif_heap("multiline/massif-alloc-fn.massif.out", &peak, &last);
    cr_expect_str_eq(json_string_value(json_object_get(p, "format")), "massif");
    cr_expect_eq(metric(p, "peak_memory_bytes"), peak);
    cr_expect_eq(metric(p, "end_bytes"), last);
    cr_expect_str_eq(json_string_value(json_object_get(p, "command")), "sh -c echo a");
    json_decref(root);
}

/* The header must end with time_unit:; a file cut inside the command is malformed. */
Test(multiline, massif_header_cut_inside_the_command)
{
    char *dir = mg_tempdir(), path[4096];
    snprintf(path, sizeof(path), "%s/cut.massif.out", dir);
    cr_assert_eq(mg_spit(path, "desc: (none)\ncmd: sh -c echo a\necho b\ntime_unit: i\n"
                               "#-----------\nsnapshot=0\n#-----------\ntime=0\nmem_heap_B=0\n"
                               "mem_heap_extra_B=0\nmem_stacks_B=0\nheap_tree=empty\n"
                               "desc: x\ncmd: y\nz\n"),
                 0);
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
    cr_expect(strstr(r.err, "time_unit") != NULL, "%s", r.err);
    mg_run_release(&r);
    free(dir);
}

/* Valgrind 3.19's ms_print cannot read such a file: memgate explains instead of "no format". */
Test(multiline, ms_print_refusal_is_explained)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata("multiline/ms_print-refusal.txt"));
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "exit %d", r.status);
    cr_expect(strstr(r.err, "ms_print") && strstr(r.err, "massif.out"), "%s", r.err);
    mg_run_release(&r);
}

/* DHAT JSON (escaped newline) and DHAT stderr ('_') from the same run agree. */
Test(multiline, dhat_json_and_text_of_one_run)
{
    json_t *rj, *rt, *j = show("multiline/dhat-sh-c.json", &rj);
    json_t *t = show("multiline/dhat-sh-c.stderr.txt", &rt);
    static const char *const keys[] = {"peak_memory_bytes", "peak_blocks",
                                       "total_allocations_bytes", "allocation_count", "end_bytes"};
    size_t i;
    cr_expect_str_eq(json_string_value(json_object_get(j, "format")), "dhat-json");
    cr_expect_str_eq(json_string_value(json_object_get(t, "format")), "dhat-text");
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        cr_expect_eq(metric(j, keys[i]), metric(t, keys[i]), "%s", keys[i]);
    expect_two_line_command(j, "sh -c echo a", "echo b");
    json_decref(rj);
    json_decref(rt);
}

/* The stderr summary's numbers, read with sscanf from the capture's own lines. */
Test(multiline, dhat_text_numbers)
{
    size_t len;
    char *text = mg_slurp(mg_testdata("multiline/dhat-sh-c.stderr.txt"), &len), *l;
    long long total = -1, blocks = -1;
    cr_assert_not_null(text);
    cr_assert_not_null(l = strstr(text, "Total:"));
    {
        char digits[64] = "";
        size_t n = 0;
        const char *s = l + 6;
        while (*s == ' ')
            s++;
        for (; (*s >= '0' && *s <= '9') || *s == ','; s++)
            if (*s != ',' && n < sizeof(digits) - 1)
                digits[n++] = *s;
        total = strtoll(digits, NULL, 10);
        cr_assert(sscanf(s, " bytes in %lld blocks", &blocks) == 1);
    }
    json_t *root, *p = show("multiline/dhat-sh-c.stderr.txt", &root);
    cr_expect_eq(metric(p, "total_allocations_bytes"), total);
    cr_expect_eq(metric(p, "allocation_count"), blocks);
    json_decref(root);
    free(text);
}
