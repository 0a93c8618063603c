/* history: JSONL parsing (torn last line tolerated), anchors, append with repair and undo. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memgate/buf.h"
#include "memgate/history.h"
#include "run.h"

static mg_history parse_ok(const char *text)
{
    mg_history h;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_history_parse(&h, text, strlen(text), "h.jsonl", &err), 0, "%s", err.msg);
    return h;
}

#define LINE(wl, commit, peak, extra)                                                              \
    "{\"workload\":\"" wl "\",\"commit\":\"" commit "\",\"measured_at\":\"2026-01-01T00:00:00Z\"," \
    "\"peak_memory_bytes\":" #peak extra "}\n"

Test(history, parses_entries_in_order)
{
    mg_history h =
        parse_ok(LINE("default", "aaaa1111", 100, "") "\n" LINE("parse", "bbbb2222", 7, "")
                     LINE("default", "cccc3333", 120, ",\"accepted\":\"ok by ops\""));
    const mg_history_entry *sel[4];
    cr_assert_eq(h.n, 3);
    cr_expect_not(h.torn_tail);
    cr_expect_str_eq(h.entries[0].commit, "aaaa1111");
    cr_expect_eq(h.entries[0].metrics.value[MG_PEAK_BYTES], 100);
    cr_expect_eq(h.entries[2].line, 4, "blank lines still count");
    cr_expect_str_eq(h.entries[2].accepted, "ok by ops");
    cr_expect_eq(mg_history_select(&h, NULL, sel, 4), 2);
    cr_expect_str_eq(sel[1]->commit, "cccc3333");
    cr_expect_eq(mg_history_select(&h, "parse", sel, 4), 1);
    mg_history_release(&h);
}

/* Reports chart the newest entries: with 70, the first 6 are what is left out (issue 11). */
Test(history, select_keeps_the_newest_entries)
{
    mg_buf text;
    mg_history h;
    const mg_history_entry *sel[MG_HISTORY_SHOWN];
    mg_error err;

    mg_buf_init(&text, 0);
    mg_error_init(&err);
    for (int i = 1; i <= 70; i++) {
        cr_assert_eq(mg_buf_printf(&text, &err,
                                   "{\"workload\":\"default\",\"commit\":\"c%04d\","
                                   "\"peak_memory_bytes\":%d}\n",
                                   i, i),
                     0);
        if (i % 10 == 0) /* another workload's entries in between are not counted */
            cr_assert_eq(mg_buf_printf(&text, &err, "{\"workload\":\"other\",\"commit\":\"x\"}\n"),
                         0);
    }
    h = parse_ok(text.data);
    cr_assert_eq(mg_history_select(&h, NULL, sel, MG_HISTORY_SHOWN), 70);
    cr_expect_str_eq(sel[0]->commit, "c0007", "the oldest shown is entry 7");
    cr_expect_str_eq(sel[MG_HISTORY_SHOWN - 1]->commit, "c0070", "the newest entry is shown last");
    for (int i = 1; i < MG_HISTORY_SHOWN; i++)
        cr_expect_eq(sel[i]->metrics.value[MG_PEAK_BYTES],
                     sel[i - 1]->metrics.value[MG_PEAK_BYTES] + 1, "oldest first, none skipped");
    mg_history_release(&h);
    mg_buf_release(&text);
}

Test(history, torn_last_line_is_skipped_but_a_bad_middle_line_is_an_error)
{
    mg_history h = parse_ok(LINE("default", "aaaa1111", 100, "") "{\"workload\":\"def");
    mg_error err;
    const char *bad = LINE("default", "aaaa1111", 100, "") "{oops}\n" LINE("default", "b", 1, "");
    cr_expect_eq(h.n, 1);
    cr_expect(h.torn_tail);
    mg_history_release(&h);
    mg_error_init(&err);
    cr_expect_eq(mg_history_parse(&h, bad, strlen(bad), "h.jsonl", &err), -MG_E_INPUT);
    cr_expect_eq(err.line, 2);
    cr_expect_str_eq(err.source, "h.jsonl");
    mg_error_init(&err);
    bad = "{\"peak_memory_bytes\": -5}\n";
    cr_expect_eq(mg_history_parse(&h, bad, strlen(bad), "h.jsonl", &err), -MG_E_INPUT);
    cr_expect(strstr(err.msg, "peak_memory_bytes") != NULL, "%s", err.msg);
}

Test(history, anchor_first_pinned_or_commit)
{
    mg_history h =
        parse_ok(LINE("default", "aaaa1111", 100, "") LINE("default", "bbbb2222", 110, "")
                     LINE("default", "cccc3333", 130, ",\"anchor\":true")
                         LINE("default", "dddd4444", 140, "") LINE("other", "eeee5555", 1, ""));
    const mg_history_entry *a;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_history_anchor(&h, NULL, NULL, &a, &err), 0);
    cr_expect_str_eq(a->commit, "cccc3333", "the newest pinned entry");
    cr_assert_eq(mg_history_anchor(&h, "default", "first", &a, &err), 0);
    cr_expect_str_eq(a->commit, "cccc3333");
    cr_assert_eq(mg_history_anchor(&h, NULL, "bbbb", &a, &err), 0);
    cr_expect_str_eq(a->commit, "bbbb2222", "a commit prefix pins it");
    cr_assert_eq(mg_history_anchor(&h, "other", NULL, &a, &err), 0);
    cr_expect_str_eq(a->commit, "eeee5555", "no pin: the first entry");
    cr_assert_eq(mg_history_anchor(&h, "nobody", NULL, &a, &err), 0);
    cr_expect_null(a);
    cr_expect_eq(mg_history_anchor(&h, NULL, "ffff", &a, &err), -MG_E_USAGE);
    cr_expect(strstr(err.msg, "'ffff' is not a commit") != NULL, "%s", err.msg);
    mg_error_init(&err);
    cr_expect_eq(mg_history_anchor(&h, NULL, "bb", &a, &err), -MG_E_USAGE,
                 "prefixes shorter than 4 are too ambiguous");
    mg_history_release(&h);
}

Test(history, append_repairs_a_torn_tail_and_truncate_undoes)
{
    char *dir = mg_tempdir(), path[4096], *text;
    mg_history_entry e;
    mg_history h;
    mg_error err;
    off_t old = -1;

    snprintf(path, sizeof(path), "%s/h.jsonl", dir);
    mg_spit(path, LINE("default", "aaaa1111", 100, "") "{\"workload\":\"tor");
    memset(&e, 0, sizeof(e));
    e.workload = "default";
    e.commit = "bbbb2222";
    e.anchor = true;
    mg_metrics_set(&e.metrics, MG_TOTAL_BYTES, 42);
    mg_error_init(&err);
    cr_assert_eq(mg_history_append(path, &e, &old, &err), 0, "%s", err.msg);
    cr_expect_eq(old, (off_t)strlen(LINE("default", "aaaa1111", 100, "")), "torn line cut");
    cr_assert_eq(mg_history_load(&h, path, &err), 0, "%s", err.msg);
    cr_assert_eq(h.n, 2);
    cr_expect_not(h.torn_tail);
    cr_expect(h.entries[1].anchor);
    cr_expect_eq(h.entries[1].metrics.value[MG_TOTAL_BYTES], 42);
    mg_history_release(&h);
    cr_assert_eq(mg_history_truncate(path, old, &err), 0);
    text = mg_slurp(path, NULL);
    cr_expect_str_eq(text, LINE("default", "aaaa1111", 100, ""));
    free(text);
    /* a missing file is an empty history */
    unlink(path);
    cr_assert_eq(mg_history_load(&h, path, &err), 0);
    cr_expect_eq(h.n, 0);
    free(dir);
}
