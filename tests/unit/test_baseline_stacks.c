/* baseline: stored stacks read strictly, written in a fixed order, removed with the run they
 * describe. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/baseline.h"

static mg_baseline *parse_ok(const char *text)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_parse(&b, text, strlen(text), "b.json", &err), 0, "%s", err.msg);
    return b;
}

static mg_stored_stack stack(char **frames, size_t n, uint64_t tb, uint64_t pb)
{
    mg_stored_stack s;
    memset(&s, 0, sizeof(s));
    s.frames = frames;
    s.n_frames = n;
    s.total_bytes = tb;
    s.total_blocks = 1;
    s.peak_bytes = pb;
    return s;
}

Test(baseline_stacks, round_trip_in_frame_order_not_weight_order)
{
    char *heavy[] = {"alloc::raw_vec::finish_grow (src/raw_vec.rs:1:1)",
                     "zeta::build (src/main.rs:10:5)"};
    char *light[] = {"alpha::parse (src/main.rs:3:9)"};
    mg_stored_stack items[2];
    mg_stored_stacks in, out;
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 5}"), *again;
    mg_error err;
    char *text, *second;

    items[0] = stack(heavy, 2, 9000, 100);
    items[1] = stack(light, 1, 10, 0);
    memset(&in, 0, sizeof(in));
    in.attribution = "own";
    in.items = items;
    in.n = 2;
    in.other_total_bytes = 7;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_set_stacks(b, "parse", &in, &err), 0);
    text = mg_baseline_dump(b, &err);
    /* alpha::parse sorts before zeta::build although it is lighter */
    cr_expect_lt(strstr(text, "alpha::parse") - text, strstr(text, "zeta::build") - text);
    again = parse_ok(text);
    cr_assert_eq(mg_baseline_stacks(again, "parse", &out, &err), 0);
    cr_expect(out.present);
    cr_expect_str_eq(out.attribution, "own");
    cr_assert_eq(out.n, 2);
    cr_expect_str_eq(out.items[1].frames[1], "zeta::build (src/main.rs:10:5)");
    cr_expect_eq(out.items[1].total_bytes, 9000);
    cr_expect_eq(out.items[1].peak_bytes, 100);
    cr_expect_eq(out.other_total_bytes, 7);
    /* the same stacks in another order write the same text */
    items[0] = stack(light, 1, 10, 0);
    items[1] = stack(heavy, 2, 9000, 100);
    cr_assert_eq(mg_baseline_set_stacks(b, "parse", &in, &err), 0);
    second = mg_baseline_dump(b, &err);
    cr_expect_str_eq(second, text);
    free(second);
    free(text);
    mg_stored_stacks_release(&out);
    mg_baseline_free(again);
    mg_baseline_free(b);
}

Test(baseline_stacks, older_baselines_have_none)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 5, \"hotspots\": [{\"function\": \"f\"}]}");
    mg_stored_stacks s;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_stacks(b, NULL, &s, &err), 0);
    cr_expect_not(s.present);
    cr_expect_null(s.attribution);
    mg_stored_stacks_release(&s);
    mg_stored_stacks_release(&s); /* twice: a released value is a zeroed one */
    mg_baseline_free(b);
}

Test(baseline_stacks, an_update_drops_the_previous_runs_stacks)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 5, \"attribution\": \"own\", \"stacks\": "
                              "[{\"frames\": [\"f (a.rs:1:1)\"], \"total_bytes\": 1, "
                              "\"total_blocks\": 1, \"peak_bytes\": 1}]}");
    mg_baseline_meta meta = {"2026-12-03T00:00:00Z", NULL, "time", "memgate test"};
    mg_metrics m;
    mg_stored_stacks s;
    mg_error err;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 9);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_update(b, NULL, &m, &meta, &err), 0);
    cr_assert_eq(mg_baseline_stacks(b, NULL, &s, &err), 0);
    cr_expect_not(s.present, "a profile without stacks must not keep the old run's");
    cr_expect_null(mg_baseline_string(b, NULL, "attribution"));
    mg_baseline_free(b);
}

static void expect_bad(const char *text, const char *what)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_lt(mg_baseline_parse(&b, text, strlen(text), "b.json", &err), 0, "%s", text);
    cr_expect_eq(err.code, MG_E_INPUT);
    cr_expect_not_null(strstr(err.msg, what), "%s: %s", text, err.msg);
    cr_expect_gt(err.line, 0, "%s: the error names a line", text);
    cr_expect_null(b);
}

Test(baseline_stacks, malformed_stacks_are_input_errors_with_positions)
{
    expect_bad("{\"stacks\": 3}", "stacks");
    expect_bad("{\"stacks\": [{\"frames\": []}]}", "frames");
    expect_bad("{\"stacks\": [{\"frames\": [1]}]}", "frames");
    expect_bad("{\"stacks\": [{\"frames\": [\"f\"], \"total_bytes\": -1, \"total_blocks\": 0, "
               "\"peak_bytes\": 0}]}",
               "total_bytes");
    expect_bad("{\"stacks\": [{\"frames\": [\"f\"], \"total_bytes\": 1}]}", "peak_bytes");
    expect_bad("{\"stacks_other\": {\"total_bytes\": 0.5}}", "stacks_other");
    expect_bad("{\"attribution\": 7}", "attribution");
    expect_bad("{\"workloads\": {\"w\": {\"stacks\": [5]}}}", "stacks");
}
