/*
 * Own-code attribution against an independent computation: for every dhat
 * profile listed in testdata/profiles/owncode.tsv (a Python walk over the JSON,
 * not memgate; see its header), the top own-code function by total bytes is the
 * table's, and the table's heaviest source line is among that hotspot's lines.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* The table groups by bare function name: a stripped "??? in OBJ" is "???", a cut stack's too. */
static void bare_name(const char *label, char *out, size_t size)
{
    size_t n;
    snprintf(out, size, "%s", label);
    n = strlen(out);
    if (n > 12 && !strcmp(out + n - 12, " [truncated]"))
        out[n -= 12] = '\0';
    if (!strncmp(out, "??? in ", 7))
        out[3] = '\0';
}

/* file:line of "file:line:col" (the table's locations carry the column). */
static void file_line(const char *loc, char *out, size_t size)
{
    char *c;
    snprintf(out, size, "%s", loc);
    if (!strncmp(out, "in ", 3))
        return;
    if ((c = strrchr(out, ':')) && strchr(out, ':') != c)
        *c = '\0'; /* two colons: drop the column */
}

static void check_row(const char *profile, const char *function, const char *location)
{
    char path[4096], name[1024], best_name[1024] = "", want_line[1024];
    const char *argv[] = {"show", "--format", "json", "--top", "1000", path, NULL};
    mg_run r;
    json_t *j, *hs, *h, *top = NULL;
    json_int_t best = -1;
    size_t i, k;

    snprintf(path, sizeof(path), "%s/%s", mg_testdata("profiles"), profile);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s: exit %d: %s", profile, r.status, r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s: not JSON", profile);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(j, "profile"), "attribution")), "own",
        "%s: own code is the default", profile);
    hs = json_object_get(json_object_get(j, "profile"), "hotspots");
    /* sum by bare name; the heaviest group is the top function */
    json_array_foreach(hs, i, h)
    {
        json_int_t sum = 0;
        json_t *g;
        bare_name(json_string_value(json_object_get(h, "function")), name, sizeof(name));
        json_array_foreach(hs, k, g)
        {
            char other[1024];
            bare_name(json_string_value(json_object_get(g, "function")), other, sizeof(other));
            if (!strcmp(name, other))
                sum += json_integer_value(json_object_get(g, "total_bytes"));
        }
        if (sum > best) {
            best = sum;
            snprintf(best_name, sizeof(best_name), "%s", name);
            top = h;
        }
    }
    cr_expect_str_eq(best_name, function, "%s: top own-code function", profile);
    if (*location && top) {
        bool found = false;
        json_t *l;
        file_line(location, want_line, sizeof(want_line));
        json_array_foreach(json_object_get(top, "lines"), k, l)
        {
            const char *where = json_string_value(json_object_get(l, "where"));
            size_t wl = strlen(where), ll = strlen(want_line);
            /* the table's paths may be shorter (Valgrind keeps the file name only) */
            if (!strcmp(where, want_line) ||
                (wl > ll && !strcmp(where + wl - ll, want_line) && where[wl - ll - 1] == '/'))
                found = true;
        }
        cr_expect(found, "%s: %s is not among the lines of %s", profile, want_line,
                  json_string_value(json_object_get(top, "function")));
    }
    json_decref(j);
    mg_run_release(&r);
}

Test(owncode, every_dhat_profile_matches_the_independent_table)
{
    char path[4096], line[2048];
    FILE *f;
    int rows = 0;
    snprintf(path, sizeof(path), "%s", mg_testdata("profiles/owncode.tsv"));
    cr_assert_not_null(f = fopen(path, "r"), "%s", path);
    while (fgets(line, sizeof(line), f)) {
        char *profile = line, *function, *location, *end;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        cr_assert_not_null(function = strchr(profile, '\t'), "bad row: %s", line);
        *function++ = '\0';
        cr_assert_not_null(location = strchr(function, '\t'), "bad row: %s", line);
        *location++ = '\0';
        if ((end = strchr(location, '\t')))
            *end = '\0';
        check_row(profile, function, location);
        rows++;
    }
    fclose(f);
    cr_expect_geq(rows, 20, "the table lists every dhat profile (%d rows read)", rows);
}
