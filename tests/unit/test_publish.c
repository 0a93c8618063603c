/* Publishing pieces: escaping, capping, result validation, descriptions, target detection. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "ci/ci_env.h"
#include "ci/gha.h"
#include "ci/post.h"
#include "report/render.h"
#include "memgate/publish.h"
#include "utf8.h"

static char *code(const char *s, size_t max, bool table)
{
    static char out[1024];
    mg_buf b;
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_md_code(&b, s, max, table, NULL), 0);
    snprintf(out, sizeof(out), "%s", b.data);
    mg_buf_release(&b);
    return out;
}

Test(markdown, code_span_neutralises_untrusted_text)
{
    cr_assert_str_eq(code("Vec<T>::new", 100, true), "`Vec<T>::new`");
    cr_assert_str_eq(code("a`b|c", 100, true), "`a'b\\|c`");
    cr_assert_str_eq(code("a|b", 100, false), "`a|b`");
    cr_assert_str_eq(code("line\nbreak\r\x1b[31m", 100, true), "`line break  [31m`");
    cr_assert_str_eq(code("abcdef", 3, true), "`abc...`");
}

Test(markdown, code_span_never_cuts_utf8)
{
    /* "é" is two bytes: a cut after 2 bytes of "aé" keeps only "a" */
    cr_assert_str_eq(code("a\xC3\xA9z", 2, true), "`a...`");
    cr_assert_str_eq(code("a\xC3\xA9z", 3, true), "`a\xC3\xA9...`");
    cr_assert_eq(mg_utf8_prefix("\xE2\x9C\x85", 2), 0);
    cr_assert_eq(mg_utf8_prefix("\xE2\x9C\x85", 3), 3);
    cr_assert_eq(mg_utf8_prefix("ab\xF0\x9F\x9F\xA2", 5), 2);
    cr_assert_eq(mg_utf8_prefix("ab", 2), 2);
}

Test(markdown, html_escape_for_summary)
{
    mg_buf b;
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_md_html(&b, "<b>&'\"@me #1", 100, NULL), 0);
    cr_assert_str_eq(b.data, "&lt;b&gt;&amp;&#39;&quot;&#64;\xE2\x80\x8Bme &#35;\xE2\x80\x8B"
                             "1");
    mg_buf_release(&b);
}

Test(markdown, cap_cuts_at_a_line_and_says_so)
{
    mg_buf b;
    mg_buf_init(&b, 0);
    for (int i = 0; i < 100; i++)
        mg_buf_printf(&b, NULL, "| row %03d | \xE2\x9C\x85 |\n", i);
    mg_md_cap(&b, 500, "_cut_");
    cr_assert_leq(b.len, 500);
    cr_assert(strstr(b.data, "_cut_\n"));
    cr_assert_eq(b.data[b.len - 1], '\n');
    /* every kept line is whole */
    cr_assert_not_null(strstr(b.data, "|\n\n_cut_"));
    mg_buf_release(&b);
}

/* A cut inside a code block would leave the fence open over the notice (issue 13 #8). */
Test(markdown, cap_never_ends_inside_an_open_code_fence)
{
    mg_buf b;
    mg_buf_init(&b, 0);
    mg_buf_printf(&b, NULL, "### heading\n\n```mermaid\n");
    for (int i = 0; i < 100; i++)
        mg_buf_printf(&b, NULL, "    line %03d of the chart\n", i);
    mg_buf_printf(&b, NULL, "```\n");
    mg_md_cap(&b, 600, "_cut_");
    cr_assert_leq(b.len, 600);
    cr_assert_str_eq(b.data, "### heading\n\n\n_cut_\n");
    mg_buf_release(&b);
}

/* The status description is cut on a UTF-8 boundary: half a character fails the post. */
Test(markdown, status_description_is_valid_utf8_when_cut)
{
    mg_publish_metric m = {.name = "peak_memory_bytes",
                           .status = "fail",
                           .limit = "+5% \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"};
    mg_publish_workload w = {.name = "default", .verdict = "fail", .metrics = &m, .n_metrics = 1};
    mg_publish_request req = {.workloads = &w, .n_workloads = 1};
    for (size_t max = 20; max <= 141; max++) {
        char desc[141];
        mg_post_description(&req, &w, desc, max);
        cr_assert(mg_utf8_valid(desc, strlen(desc)), "max %zu: %s", max, desc);
        cr_assert_lt(strlen(desc), max);
    }
}

Test(markdown, sticky_key_is_safe_inside_an_html_comment)
{
    mg_publish_workload w = {.name = "a b-->c", .verdict = "pass"};
    mg_publish_request req = {.workloads = &w, .n_workloads = 1};
    char key[80], marker[128];

    mg_md_sticky_key(&req, key, sizeof(key));
    cr_assert_str_eq(key, "a~20b~2d~2d~3ec");
    mg_md_marker(key, marker, sizeof(marker));
    cr_assert_str_eq(marker, "<!-- memgate:sticky v1 key=a~20b~2d~2d~3ec -->");
    /* one name, one key (issue 13 #8): a-b and a_b do not share a comment */
    {
        char k2[80];
        w.name = "a-b";
        mg_md_sticky_key(&req, key, sizeof(key));
        w.name = "a_b";
        mg_md_sticky_key(&req, k2, sizeof(k2));
        cr_assert_str_neq(key, k2);
        cr_assert_str_eq(k2, "a_b");
        w.name = "a b-->c";
    }
    req.n_workloads = 2;
    mg_md_sticky_key(&req, key, sizeof(key));
    cr_assert_str_eq(key, "combined");
    req.sticky_key = "nightly";
    mg_md_sticky_key(&req, key, sizeof(key));
    cr_assert_str_eq(key, "nightly");
}

Test(workflow_commands, escaping)
{
    mg_buf b;
    mg_buf_init(&b, 0);
    cr_assert_eq(mg_gha_escape(&b, "50%\r\na:b,c", 0, NULL), 0);
    cr_assert_str_eq(b.data, "50%25%0D%0Aa:b,c");
    b.len = 0;
    cr_assert_eq(mg_gha_escape(&b, "50%\r\na:b,c", 1, NULL), 0);
    cr_assert_str_eq(b.data, "50%25%0D%0Aa%3Ab%2Cc");
    mg_buf_release(&b);
}

Test(status, description_fits_githubs_limit)
{
    mg_publish_metric m = {.name = "total_allocations_bytes",
                           .status = "fail",
                           .has_delta_pct = true,
                           .delta_pct = 482.4,
                           .limit = "+2% & +4.00 KiB and a very long limit text here to be cut"};
    mg_publish_metric ms[2] = {m, m};
    mg_publish_workload w = {.name = "default", .verdict = "fail", .metrics = ms, .n_metrics = 2};
    mg_publish_request req = {.workloads = &w, .n_workloads = 1};
    char d[141];

    mg_post_description(&req, &w, d, sizeof(d));
    cr_assert_leq(strlen(d), 140);
    cr_assert(strncmp(d, "fail: total_allocations_bytes +482.40% (limit +2%", 49) == 0, "%s", d);
    cr_assert(strstr(d, "and more"), "%s", d);
    req.flags = MG_PUBLISH_INFORMATIONAL;
    mg_post_description(&req, &w, d, sizeof(d));
    cr_assert(strncmp(d, "informational, would fail: ", 27) == 0, "%s", d);
    w.verdict = "pass";
    mg_post_description(&req, &w, d, sizeof(d));
    cr_assert_str_eq(d, "pass: 2 metrics within limits");
}

static int parse(const char *text, mg_error *err)
{
    mg_result *r = NULL;
    int rc;
    mg_error_init(err);
    rc = mg_result_parse(&r, text, strlen(text), "r.json", err);
    mg_result_free(r);
    return rc;
}

Test(result, valid_minimal_result)
{
    const char *t = "{\"schema\":\"memgate/result/v1\",\"verdict\":\"warn\",\"workload\":\"w1\","
                    "\"metrics\":[{\"metric\":\"peak_memory_bytes\",\"baseline\":10,\"current\":11,"
                    "\"delta_pct\":10.0,\"limit\":\"-\",\"status\":\"warn\"},"
                    "{\"metric\":\"runtime_us\",\"baseline\":null,\"current\":5,\"limit\":7,"
                    "\"status\":\"ok\"}],\"future_key\":{\"x\":1}}";
    mg_result *r = NULL;
    const mg_publish_workload *w;
    mg_error err;

    mg_error_init(&err);
    cr_assert_eq(mg_result_parse(&r, t, strlen(t), "r.json", &err), 0, "%s", err.msg);
    w = mg_result_workload(r);
    cr_assert_str_eq(w->name, "w1");
    cr_assert_str_eq(w->verdict, "warn");
    cr_assert_eq(w->n_metrics, 2);
    cr_assert(w->metrics[0].has_baseline && w->metrics[0].has_current);
    cr_assert_null(w->metrics[0].limit);
    cr_assert_not(w->metrics[1].has_baseline);
    cr_assert_str_eq(w->metrics[1].limit, "7");
    mg_result_free(r);
}

Test(result, errors_name_the_file_and_the_problem)
{
    mg_error err;

    cr_assert_eq(parse("{\"schema\":\"memgate/result/v1\",", &err), -MG_E_INPUT);
    cr_assert_str_eq(err.source, "r.json");
    cr_assert_eq(err.line, 1);
    cr_assert(strstr(err.msg, "invalid JSON"), "%s", err.msg);

    cr_assert_eq(parse("[]", &err), -MG_E_INPUT);
    cr_assert(strstr(err.msg, "top level"), "%s", err.msg);

    cr_assert_eq(parse("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":"
                       "[{\"metric\":\"x\",\"status\":\"meh\"}]}",
                       &err),
                 -MG_E_INPUT);
    cr_assert(strstr(err.msg, "metrics[0]"), "%s", err.msg);

    cr_assert_eq(parse("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":"
                       "[{\"metric\":\"x\",\"status\":\"ok\",\"current\":1.5}]}",
                       &err),
                 -MG_E_INPUT);
    cr_assert(strstr(err.msg, "non-negative integers"), "%s", err.msg);

    cr_assert_eq(parse("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"workload\":\"\","
                       "\"metrics\":[]}",
                       &err),
                 -MG_E_INPUT);
}

Test(result, too_many_rows_are_refused)
{
    char text[16384];
    size_t n;
    mg_error err;

    n = (size_t)snprintf(text, sizeof(text),
                         "{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":[");
    for (int i = 0; i < 33; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"metric\":\"m%d\",\"status\":\"ok\"}", i ? "," : "", i);
    snprintf(text + n, sizeof(text) - n, "]}");
    cr_assert_eq(parse(text, &err), -MG_E_INPUT);
    cr_assert(strstr(err.msg, "at most 32"), "%s", err.msg);
}

Test(target, parse_and_detect)
{
    enum mg_post_target t;
    mg_error err;

    mg_error_init(&err);
    cr_assert_eq(mg_post_target_parse("gitlab", &t, &err), 0);
    cr_assert_eq(t, MG_POST_GITLAB);
    cr_assert_eq(mg_post_target_parse("bitbucket", &t, &err), -MG_E_USAGE);
    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITLAB_CI");
    cr_assert_eq(mg_ci_detect(MG_POST_AUTO), MG_POST_NONE);
    setenv("GITLAB_CI", "true", 1);
    cr_assert_eq(mg_ci_detect(MG_POST_AUTO), MG_POST_GITLAB);
    setenv("GITHUB_ACTIONS", "true", 1);
    cr_assert_eq(mg_ci_detect(MG_POST_AUTO), MG_POST_GITHUB);
    cr_assert_eq(mg_ci_detect(MG_POST_NONE), MG_POST_NONE);
    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITLAB_CI");
}

Test(target, auto_outside_ci_posts_nothing_and_succeeds)
{
    mg_publish_workload w = {.name = "default", .verdict = "fail"};
    mg_publish_request req = {.target = MG_POST_AUTO, .workloads = &w, .n_workloads = 1};
    mg_publish_outcome out;
    mg_error err;

    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITLAB_CI");
    mg_error_init(&err);
    mg_publish_outcome_init(&out);
    cr_assert_eq(mg_publish_verdict(&out, &req, &err), 0);
    cr_assert_eq(out.platform, MG_POST_NONE);
    cr_assert_eq(out.notes.len, 0);
    mg_publish_outcome_release(&out);
}

Test(env, github_context_from_a_pull_request_event)
{
    char path[] = "/tmp/memgate-event-XXXXXX";
    int fd = mkstemp(path);
    mg_gh_ctx ctx;
    mg_error err;
    const char *ev = "{\"pull_request\":{\"number\":12,\"head\":{\"sha\":"
                     "\"abcdefabcdefabcdefabcdefabcdefabcdefabcd\"}}}";

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, ev, strlen(ev)), (ssize_t)strlen(ev));
    close(fd);
    setenv("GITHUB_REPOSITORY", "acme/app", 1);
    setenv("GITHUB_EVENT_NAME", "pull_request", 1);
    setenv("GITHUB_EVENT_PATH", path, 1);
    setenv("GITHUB_SHA", "9999999999999999999999999999999999999999", 1);
    setenv("GITHUB_API_URL", "https://ghe.example/api/v3/", 1);
    mg_error_init(&err);
    cr_assert_eq(mg_gh_ctx_load(&ctx, 0, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(ctx.pr, 12);
    cr_assert(ctx.pr_from_event);
    cr_assert_str_eq(ctx.sha, "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
    cr_assert_str_eq(ctx.api, "https://ghe.example/api/v3");
    cr_assert_str_eq(ctx.owner, "acme");
    cr_assert_str_eq(ctx.repo, "app");
    setenv("GITHUB_REPOSITORY", "acme/../x", 1);
    cr_assert_eq(mg_gh_ctx_load(&ctx, 0, NULL, &err), -MG_E_POST);
    unlink(path);
}
