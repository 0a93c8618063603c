/* baseline: stored hotspots, the fixed key order, staged writes, the update lock, stale temp files.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memgate/baseline.h"
#include "run.h"

static mg_baseline *parse_ok(const char *text)
{
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_parse(&b, text, strlen(text), "b.json", &err), 0, "%s", err.msg);
    return b;
}

Test(baseline_store, hotspots_round_trip_per_workload)
{
    mg_hotspot h[2] = {{0}};
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 5}");
    mg_hotspot *out;
    size_t n;
    bool complete;
    mg_error err;
    char *text;

    h[0].function = "alloc::vec::Vec<T,A>::with_capacity_in";
    h[0].total_bytes = 3389248;
    h[0].total_blocks = 4;
    h[0].peak_bytes = 3269248;
    h[1].function = "hashbrown::raw::RawTableInner::new_uninitialized";
    h[1].total_bytes = 270380;
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_set_hotspots(b, "parse", h, 2, 0, &err), 0);
    cr_assert_eq(mg_baseline_set_hotspots(b, NULL, h, 1, 270380, &err), 0);
    text = mg_baseline_dump(b, &err);
    mg_baseline_free(b);
    b = parse_ok(text);
    cr_assert_eq(mg_baseline_hotspots(b, "parse", &out, &n, &complete, &err), 0);
    cr_assert_eq(n, 2);
    cr_expect(complete);
    cr_expect_str_eq(out[1].function, h[1].function);
    cr_expect_eq(out[0].peak_bytes, 3269248);
    mg_hotspots_free(out, n);
    cr_assert_eq(mg_baseline_hotspots(b, NULL, &out, &n, &complete, &err), 0);
    cr_expect_eq(n, 1);
    cr_expect_not(complete, "270380 bytes were outside the stored list");
    mg_hotspots_free(out, n);
    mg_baseline_free(b);
    free(text);
}

Test(baseline_store, malformed_hotspots_are_refused_with_position)
{
    const char *t = "{\n  \"hotspots\": [{\"total_bytes\": 5}]\n}";
    mg_baseline *b = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_parse(&b, t, strlen(t), "b.json", &err), -MG_E_INPUT);
    cr_expect(strstr(err.msg, "'function'") != NULL, "%s", err.msg);
    cr_expect_eq(err.line, 2);
    mg_error_init(&err);
    t = "{\"hotspots\": [{\"function\": \"f\", \"total_bytes\": -1}]}";
    cr_expect_eq(mg_baseline_parse(&b, t, strlen(t), "b.json", &err), -MG_E_INPUT);
}

/* Keys come out in one order however they went in: reviews see small diffs. */
Test(baseline_store, dump_order_is_fixed)
{
    mg_baseline *a =
        parse_ok("{\"zeta\": 1, \"commit\": \"c\", \"peak_memory_bytes\": 2, "
                 "\"workloads\": {\"b\": {\"commit\": \"x\", \"allocation_count\": 1}, "
                 "\"a\": {}}, \"alpha\": true, \"total_allocations_bytes\": 3, "
                 "\"measured_at\": \"t\"}");
    mg_baseline *b = parse_ok("{\"total_allocations_bytes\": 3, \"measured_at\": \"t\", \"alpha\": "
                              "true, \"workloads\": {\"a\": {}, \"b\": {\"allocation_count\": 1, "
                              "\"commit\": \"x\"}}, \"peak_memory_bytes\": 2, \"commit\": \"c\", "
                              "\"zeta\": 1}");
    mg_error err;
    char *ta, *tb;
    const char *order[] = {"total_allocations_bytes",
                           "peak_memory_bytes",
                           "measured_at",
                           "commit",
                           "alpha",
                           "zeta",
                           "workloads",
                           "\"a\"",
                           "\"b\"",
                           "allocation_count",
                           NULL};
    const char *at;
    size_t i;
    mg_error_init(&err);
    ta = mg_baseline_dump(a, &err);
    tb = mg_baseline_dump(b, &err);
    cr_expect_str_eq(ta, tb);
    for (i = 0, at = ta; order[i]; i++) {
        const char *next = strstr(at, order[i]);
        cr_assert_not_null(next, "'%s' missing or out of order in\n%s", order[i], ta);
        at = next;
    }
    free(ta);
    free(tb);
    mg_baseline_free(a);
    mg_baseline_free(b);
}

Test(baseline_store, update_drops_the_previous_runs_provenance_and_hotspots)
{
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 5, \"producer\": \"old\", \"accepted\": "
                              "\"old reason\", \"hotspots\": [], \"team\": \"kept\"}");
    mg_baseline_meta meta = {"2026-01-01T00:00:00Z", "c0ffee", "dhat-json", "memgate 0.1.0"};
    mg_baseline_provenance prov = {"dhat-rs", "wordfreq 3", "memgate update-baseline x",
                                   NULL,      NULL,         NULL};
    mg_metrics m;
    mg_error err;
    char *text;
    json_t *j;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 7);
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_update(b, NULL, &m, &meta, &err), 0);
    cr_assert_eq(mg_baseline_set_provenance(b, NULL, &prov, &err), 0);
    text = mg_baseline_dump(b, &err);
    j = json_loads(text, 0, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(j, "producer")), "dhat-rs");
    cr_expect_str_eq(json_string_value(json_object_get(j, "profiled_command")), "wordfreq 3");
    cr_expect_null(json_object_get(j, "accepted"));
    cr_expect_null(json_object_get(j, "hotspots"));
    cr_expect_str_eq(json_string_value(json_object_get(j, "team")), "kept");
    json_decref(j);
    free(text);
    mg_baseline_free(b);
}

static char *temp_path(const char *name)
{
    char *dir = mg_tempdir(), *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", dir, name);
    free(dir);
    return p;
}

Test(baseline_store, stage_then_abort_leaves_the_old_file)
{
    char *path = temp_path("b.json"), *now, tmp_copy[4200];
    mg_baseline *b = parse_ok("{\"peak_memory_bytes\": 9}");
    mg_baseline_staged s;
    mg_error err;
    mg_spit(path, "{\"peak_memory_bytes\": 1}\n");
    mg_error_init(&err);
    cr_assert_eq(mg_baseline_stage(b, path, &s, &err), 0, "%s", err.msg);
    snprintf(tmp_copy, sizeof(tmp_copy), "%s", s.tmp);
    cr_expect_eq(access(tmp_copy, F_OK), 0, "the staged file exists");
    mg_baseline_abort(&s);
    cr_expect_neq(access(tmp_copy, F_OK), 0, "abort removes it");
    now = mg_slurp(path, NULL);
    cr_expect_str_eq(now, "{\"peak_memory_bytes\": 1}\n");
    free(now);
    cr_assert_eq(mg_baseline_stage(b, path, &s, &err), 0);
    cr_assert_eq(mg_baseline_commit(&s, &err), 0);
    now = mg_slurp(path, NULL);
    cr_expect(strstr(now, "9") != NULL, "%s", now);
    free(now);
    mg_baseline_free(b);
    free(path);
}

Test(baseline_store, lock_excludes_a_second_writer_until_released)
{
    char *path = temp_path("b.json");
    int fd = -1, pipefd[2], status;
    mg_error err;
    pid_t child;
    char c;

    cr_assert_eq(pipe(pipefd), 0);
    child = fork();
    if (child == 0) {
        int cfd;
        mg_error cerr;
        mg_error_init(&cerr);
        if (mg_baseline_lock(path, 1000, &cfd, &cerr) != 0)
            _exit(3);
        if (write(pipefd[1], "L", 1) != 1)
            _exit(4);
        pause(); /* hold the lock until killed */
        _exit(0);
    }
    cr_assert_eq(read(pipefd[0], &c, 1), 1);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_lock(path, 100, &fd, &err), -MG_E_IO);
    cr_expect(strstr(err.msg, "another update holds the lock") != NULL, "%s", err.msg);
    /* the holder dies the hard way: the kernel drops its lock */
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    mg_error_init(&err);
    cr_expect_eq(mg_baseline_lock(path, 1000, &fd, &err), 0, "%s", err.msg);
    mg_baseline_unlock(fd);
    free(path);
}

Test(baseline_store, clean_stale_removes_only_this_baselines_temp_files)
{
    char *path = temp_path("memory-baseline.json"), other[4200], t1[4200], t2[4200];
    snprintf(t1, sizeof(t1), "%s.tmp.AbC123", path);
    snprintf(t2, sizeof(t2), "%s.tmp.zzzzzz", path);
    snprintf(other, sizeof(other), "%s.other", path);
    mg_spit(t1, "{");
    mg_spit(t2, "");
    mg_spit(other, "keep");
    cr_expect_eq(mg_baseline_clean_stale(path), 2);
    cr_expect_neq(access(t1, F_OK), 0);
    cr_expect_eq(access(other, F_OK), 0);
    free(path);
}
