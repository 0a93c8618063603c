/*
 * memgate post / check --post against a real HTTP server on 127.0.0.1 imitating GitHub and
 * GitLab: methods, paths, headers, bodies, the sticky update, retries and give-up, exit
 * codes, job files, and that the token never appears in anything memgate printed or wrote.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fakehttp.h"
#include "run.h"

#define TOKEN "ghs_SECRETtoken0123456789TOPSECRETabc"
#define HEAD_SHA "1111111111111111111111111111111111111111"
#define MERGE_SHA "9999999999999999999999999999999999999999"
#define MARKER "<!-- memgate:sticky v1 key=default -->"

static fh_server *srv;
static char *dir;

static void setup(void)
{
    srv = fh_start();
    dir = mg_tempdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    fh_stop(srv);
    free(dir);
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static const char *path_in(const char *name)
{
    static char buf[8][512];
    static int i;
    char *b = buf[i++ % 8];
    snprintf(b, 512, "%s/%s", dir, name);
    return b;
}

/* A memgate/result/v1 file as memgate check writes it; peak_status decides the verdict. */
static const char *result_file(const char *file, const char *workload, const char *verdict,
                               const char *peak_status, const char *hotspot)
{
    char text[4096];
    const char *p = path_in(file);
    snprintf(
        text, sizeof(text),
        "{\"schema\":\"memgate/result/v1\",\"tool\":{\"name\":\"memgate\",\"version\":\"0.1.0\"},"
        "\"command\":\"check\",\"workload\":\"%s\",\"verdict\":\"%s\","
        "\"profile\":{\"source\":\"p.json\",\"format\":\"dhat-json\",\"producer\":\"dhat-rs\","
        "\"mode\":\"rust-heap\",\"metrics\":{\"peak_memory_bytes\":160000000},"
        "\"hotspots\":[{\"function\":\"%s\",\"total_bytes\":123456,\"total_blocks\":1,"
        "\"peak_bytes\":1,\"end_bytes\":0,\"program_points\":1}]},"
        "\"baseline\":{\"path\":\"b.json\",\"measured_at\":null,\"commit\":null,\"metrics\":{}},"
        "\"metrics\":[{\"metric\":\"peak_memory_bytes\",\"baseline\":145000000,"
        "\"current\":160000000,\"delta\":15000000,\"delta_pct\":10.34,\"limit\":\"%s\","
        "\"warn_limit\":\"-\",\"status\":\"%s\",\"reason\":\"r\"},"
        "{\"metric\":\"allocation_count\",\"baseline\":4200000,\"current\":4100000,"
        "\"delta\":-100000,\"delta_pct\":-2.38,\"limit\":\"-\",\"warn_limit\":\"-\","
        "\"status\":\"ok\",\"reason\":\"\"}],"
        "\"summary\":{\"fail\":0,\"warn\":0,\"improved\":0,\"absent\":0}}",
        workload, verdict, hotspot ? hotspot : "alloc::vec::Vec::with_capacity",
        /* a row that is not failing has a limit its +10.34% keeps */
        strcmp(peak_status, "fail") ? "+15%" : "+5%", peak_status);
    cr_assert_eq(mg_spit(p, text), 0);
    return p;
}

static const char *fail_result(void)
{
    return result_file("fail.json", "default", "fail", "fail", NULL);
}

static const char *pass_result(void)
{
    return result_file("pass.json", "default", "pass", "ok", NULL);
}

static const char *pr_event(void)
{
    const char *p = path_in("event.json");
    cr_assert_eq(
        mg_spit(p, "{\"number\":7,\"pull_request\":{\"number\":7,\"head\":{\"sha\":\"" HEAD_SHA
                   "\",\"ref\":\"feat\",\"repo\":{\"full_name\":\"someone/fork\"}},"
                   "\"base\":{\"sha\":\"2222222222222222222222222222222222222222\","
                   "\"ref\":\"main\",\"repo\":{\"full_name\":\"acme/app\"}}}}"),
        0);
    return p;
}

/* Environment: a GitHub Actions pull_request job pointed at the fake server. */
typedef struct envb {
    char *items[64];
    size_t n;
} envb;

/* Set NAME=value, replacing an earlier value (getenv would see only the first). */
static void env_add(envb *e, const char *name, const char *value)
{
    size_t len = strlen(name) + strlen(value) + 2, nl = strlen(name), i;
    char *item = malloc(len);
    snprintf(item, len, "%s=%s", name, value);
    for (i = 0; i < e->n; i++) {
        if (strncmp(e->items[i], name, nl) == 0 && e->items[i][nl] == '=') {
            free(e->items[i]);
            e->items[i] = item;
            return;
        }
    }
    cr_assert_lt(e->n, 63);
    e->items[e->n] = item;
    e->items[++e->n] = NULL;
}

static void env_free(envb *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->items[i]);
    e->n = 0;
}

static void common_env(envb *e)
{
    env_add(e, "NO_PROXY", "127.0.0.1,localhost,::1");
    env_add(e, "MEMGATE_HTTP_MIN_WAIT_MS", "5");
    env_add(e, "MEMGATE_HTTP_RATE_LIMIT_WAIT_MS", "50");
    env_add(e, "MEMGATE_HTTP_TIMEOUT_MS", "3000");
    env_add(e, "MEMGATE_HTTP_WAIT_BUDGET_MS", "10000");
}

static envb github_env(void)
{
    envb e = {{0}, 0};
    common_env(&e);
    env_add(&e, "GITHUB_ACTIONS", "true");
    env_add(&e, "GITHUB_API_URL", fh_base(srv));
    env_add(&e, "GITHUB_SERVER_URL", "https://github.example");
    env_add(&e, "GITHUB_REPOSITORY", "acme/app");
    env_add(&e, "GITHUB_RUN_ID", "4242");
    env_add(&e, "GITHUB_EVENT_NAME", "pull_request");
    env_add(&e, "GITHUB_EVENT_PATH", pr_event());
    env_add(&e, "GITHUB_SHA", MERGE_SHA);
    env_add(&e, "GITHUB_REF", "refs/pull/7/merge");
    env_add(&e, "GITHUB_TOKEN", TOKEN);
    env_add(&e, "GITHUB_OUTPUT", path_in("github_output"));
    env_add(&e, "GITHUB_STEP_SUMMARY", path_in("step_summary"));
    return e;
}

static mg_run run_with(envb *e, const char *const *argv)
{
    mg_run r = mg_run_memgate(argv, (const char *const *)e->items, NULL);
    return r;
}

static char *slurp_or_empty(const char *name)
{
    char *s = mg_slurp(path_in(name), NULL);
    return s ? s : calloc(1, 1);
}

/* The token must be in nothing memgate printed or wrote. */
static void assert_no_token(const mg_run *r)
{
    char *out = slurp_or_empty("github_output"), *sum = slurp_or_empty("step_summary");
    cr_assert_null(strstr(r->out, "SECRETtoken"), "token on stdout");
    cr_assert_null(strstr(r->err, "SECRETtoken"), "token on stderr");
    cr_assert_null(strstr(out, "SECRETtoken"), "token in GITHUB_OUTPUT");
    cr_assert_null(strstr(sum, "SECRETtoken"), "token in GITHUB_STEP_SUMMARY");
    free(out);
    free(sum);
}

static void assert_github_headers(const fh_request *q)
{
    cr_assert_not_null(q);
    cr_assert_str_eq(fh_header(q, "Accept"), "application/vnd.github+json");
    cr_assert_str_eq(fh_header(q, "X-GitHub-Api-Version"), "2022-11-28");
    cr_assert_str_eq(fh_header(q, "Authorization"), "Bearer " TOKEN);
    cr_assert_str_eq(fh_header(q, "User-Agent"), "memgate/" MEMGATE_VERSION);
    if (q->body_len)
        cr_assert_str_eq(fh_header(q, "Content-Type"), "application/json");
}

static json_t *body_json(const fh_request *q)
{
    json_t *j = json_loadb(q->body, q->body_len, 0, NULL);
    cr_assert_not_null(j, "request body is not JSON: %s", q->body);
    return j;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

#define COMMENTS "/repos/acme/app/issues/7/comments"
#define STATUSES "/repos/acme/app/statuses/"

TestSuite(post_github, .init = setup, .fini = teardown, .timeout = 60);

Test(post_github, creates_sticky_comment_and_status_on_pr_head)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r = run_with(&e, argv);
    const fh_request *q;
    json_t *j;

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    q = fh_find(srv, "GET", COMMENTS, 0);
    assert_github_headers(q);
    cr_assert_str_eq(q->query, "per_page=100");
    q = fh_find(srv, "POST", COMMENTS, 0);
    assert_github_headers(q);
    j = body_json(q);
    cr_assert(strncmp(jstr(j, "body"), MARKER "\n", strlen(MARKER) + 1) == 0, "%s",
              jstr(j, "body"));
    cr_assert(strstr(jstr(j, "body"), "heap memory regressed"));
    cr_assert(strstr(jstr(j, "body"), "`peak_memory_bytes`"));
    cr_assert(strstr(jstr(j, "body"), "https://github.example/acme/app/actions/runs/4242"));
    json_decref(j);
    /* the status goes on the PR head from the event, never on the merge commit */
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES MERGE_SHA), 0);
    q = fh_find(srv, "POST", STATUSES HEAD_SHA, 0);
    assert_github_headers(q);
    j = body_json(q);
    cr_assert_str_eq(jstr(j, "state"), "failure");
    cr_assert_str_eq(jstr(j, "context"), "memgate/default");
    cr_assert_leq(strlen(jstr(j, "description")), 140);
    cr_assert(strstr(jstr(j, "description"), "peak_memory_bytes +10.34%"), "%s",
              jstr(j, "description"));
    cr_assert_str_eq(jstr(j, "target_url"), "https://github.example/acme/app/actions/runs/4242");
    json_decref(j);
    cr_assert_eq(fh_comment_count(srv), 1);
    cr_assert(strstr(r.err, "created PR #7 comment"), "%s", r.err);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, second_run_updates_the_same_comment)
{
    envb e = github_env();
    const char *argv1[] = {"post", fail_result(), NULL};
    const char *argv2[] = {"post", pass_result(), NULL};
    mg_run r1 = run_with(&e, argv1), r2;
    const fh_request *q;
    char path[128];

    cr_assert_eq(r1.status, 0, "%s", r1.err);
    r2 = run_with(&e, argv2);
    cr_assert_eq(r2.status, 0, "%s", r2.err);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 1, "a second copy was created");
    snprintf(path, sizeof(path), "/repos/acme/app/issues/comments/%lld",
             (long long)fh_comment_id(srv, 0));
    q = fh_find(srv, "PATCH", path, 0);
    assert_github_headers(q);
    cr_assert_eq(fh_comment_count(srv), 1);
    cr_assert(strstr(fh_comment_body(srv, 0), "within limits"), "%s", fh_comment_body(srv, 0));
    cr_assert(strstr(r2.err, "updated PR #7 comment"), "%s", r2.err);
    mg_run_release(&r1);
    mg_run_release(&r2);
    env_free(&e);
}

Test(post_github, unchanged_report_is_not_edited)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r1 = run_with(&e, argv), r2;

    cr_assert_eq(r1.status, 0, "%s", r1.err);
    /* a later run has another run id: only the footer would differ */
    env_add(&e, "GITHUB_RUN_ID", "4343");
    r2 = run_with(&e, argv);
    cr_assert_eq(r2.status, 0, "%s", r2.err);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/"), 0);
    cr_assert(strstr(r2.err, "up to date"), "%s", r2.err);
    mg_run_release(&r1);
    mg_run_release(&r2);
    env_free(&e);
}

Test(post_github, walks_every_page_to_find_the_marker)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;
    const fh_request *q;

    for (int i = 0; i < 150; i++)
        fh_add_comment(srv, 3000000001LL + i, "looks good", "alice", false);
    /* a person quoting the marker does not make the comment memgate's */
    fh_add_comment(srv, 3000000200LL, "> " MARKER "\n> old", "bob", false);
    fh_add_comment(srv, 3000000201LL, MARKER "\nold report", "github-actions[bot]", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", COMMENTS), 2);
    q = fh_find(srv, "GET", COMMENTS, 1);
    cr_assert_str_eq(q->query, "per_page=100&page=2"); /* the link header, verbatim */
    assert_github_headers(q);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/repos/acme/app/issues/comments/3000000201"), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* Anyone can write the marker: a comment by someone else is never edited (issue 13 #1). */
Test(post_github, someone_elses_marked_comment_is_never_taken_for_memgates)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_add_comment(srv, 3000000001LL, MARKER "\n## memgate: pass (forged)", "mallory", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", "/user"), 1);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/"), 0);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 1);
    cr_assert_eq(fh_comment_count(srv), 2);
    cr_assert(strstr(fh_comment_body(srv, 0), "forged"));
    cr_assert_null(strstr(fh_comment_body(srv, 1), "forged"));
    mg_run_release(&r);
    env_free(&e);
}

/* A personal token's comments are its user's (GET /user), not the Actions bot's. */
Test(post_github, personal_token_updates_only_its_own_users_comment)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_set_user(srv, "release-robot", NULL);
    fh_add_comment(srv, 3000000001LL, MARKER "\nby the bot", "github-actions[bot]", false);
    fh_add_comment(srv, 3000000002LL, MARKER "\nby the token's user", "release-robot", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_github_headers(fh_find(srv, "GET", "/user", 0));
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/repos/acme/app/issues/comments/3000000002"), 1);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/"), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* Not knowing who the token is (GET /user refused) means no comment at all. */
Test(post_github, unknown_identity_posts_no_comment)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", "/user", -1, 401, "", "{\"message\":\"Bad credentials\"}", 0);
    fh_add_comment(srv, 3000000001LL, MARKER "\nold", "github-actions[bot]", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "%s", r.err);
    cr_assert(strstr(r.err, "Bad credentials"), "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/"), 0);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* A server echoing the token where the error message is cut shows none of it (issue 13 #8). */
Test(post_github, echoed_token_at_the_message_cut_is_not_shown_in_part)
{
    envb e = github_env();
    const char *argv[] = {"post", "--comment", "never", fail_result(), NULL};
    char body[1024], pad[200];
    mg_run r;

    for (size_t cut = 150; cut < 200; cut += 7) {
        memset(pad, 'x', cut);
        pad[cut] = '\0';
        snprintf(body, sizeof(body), "{\"message\":\"%s%s\"}", pad, TOKEN);
        fh_script(srv, "POST", STATUSES, 1, 403, "", body, 0);
        r = run_with(&e, argv);
        cr_assert_eq(r.status, 5, "%s", r.err);
        for (size_t i = 0; i + 6 <= strlen(TOKEN); i++) {
            char part[7];
            memcpy(part, TOKEN + i, 6);
            part[6] = '\0';
            cr_assert_null(strstr(r.err, part), "pad %zu: '%s' of the token in %s", cut, part,
                           r.err);
        }
        mg_run_release(&r);
    }
    env_free(&e);
}

/* Pages left unread may hold the comment: no second comment is posted (issue 13 #8). */
Test(post_github, pagination_cap_says_the_comment_was_not_found)
{
    envb e = github_env();
    const char *argv[] = {"post", "--no-status", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", COMMENTS, -1, 200,
              "link: <{BASE}" COMMENTS "?per_page=100&page=2>; rel=\"next\"\r\n", "[]", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "%s", r.err);
    cr_assert(strstr(r.err, "could not find memgate's comment"), "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", COMMENTS), 100);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* The token goes wherever a page link points: a link to another host is never followed. */
Test(post_github, pagination_link_to_another_host_is_refused)
{
    envb e = github_env();
    const char *argv[] = {"post", "--no-status", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", COMMENTS, -1, 200,
              "link: <http://127.0.0.2:9" COMMENTS "?per_page=100&page=2>; rel=\"next\"\r\n", "[]",
              0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "%s", r.err);
    cr_assert(strstr(r.err, "refusing to follow a pagination link to another host"), "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", COMMENTS), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

/* The status description of a long non-ASCII limit is cut on a character (issue 13 #8). */
Test(post_github, status_description_with_a_long_utf8_limit_posts)
{
    envb e = github_env();
    const char *p = path_in("utf8.json");
    const char *argv[] = {"post", "--comment", "never", p, NULL};
    mg_run r;

    cr_assert_eq(mg_spit(p, "{\"schema\":\"memgate/result/v1\",\"verdict\":\"fail\",\"metrics\":"
                            "[{\"metric\":\"peak_memory_bytes\",\"baseline\":100,\"current\":200,"
                            "\"delta_pct\":100.0,\"status\":\"fail\",\"limit\":\"+5%  "
                            "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                            "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\"}]}"),
                 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 1);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, several_results_make_one_combined_comment_and_a_status_each)
{
    envb e = github_env();
    const char *a = result_file("a.json", "parser", "fail", "fail", NULL);
    const char *b = result_file("b.json", "server", "pass", "ok", NULL);
    const char *argv[] = {"post", a, b, NULL};
    mg_run r = run_with(&e, argv);
    const fh_request *q;
    json_t *j;

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 1);
    j = body_json(fh_find(srv, "POST", COMMENTS, 0));
    cr_assert(strstr(jstr(j, "body"), "<!-- memgate:sticky v1 key=combined -->"));
    cr_assert(strstr(jstr(j, "body"), "1 of 2 workloads regressed"));
    cr_assert(strstr(jstr(j, "body"), "| `parser` |"));
    cr_assert(strstr(jstr(j, "body"), "| `server` |"));
    json_decref(j);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 2);
    q = fh_find(srv, "POST", STATUSES, 0);
    j = body_json(q);
    cr_assert_str_eq(jstr(j, "context"), "memgate/parser");
    cr_assert_str_eq(jstr(j, "state"), "failure");
    json_decref(j);
    j = body_json(fh_find(srv, "POST", STATUSES, 1));
    cr_assert_str_eq(jstr(j, "context"), "memgate/server");
    cr_assert_str_eq(jstr(j, "state"), "success");
    json_decref(j);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, gateway_error_on_create_relists_and_never_duplicates)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "POST", COMMENTS, 1, 502, "", "<html>502 Bad Gateway</html>", 0);
    fh_script(srv, "POST", STATUSES, 1, 502, "", "<html>502 Bad Gateway</html>", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* list, create (502), list again, create */
    cr_assert_eq(fh_count_matching(srv, "GET", COMMENTS), 2);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 2);
    cr_assert_eq(fh_comment_count(srv), 1);
    /* a status is idempotent: retried directly, 502 then 201 */
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 2);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, honours_retry_after_on_429)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", COMMENTS, 1, 429, "Retry-After: 1\r\n",
              "{\"message\":\"You have exceeded a secondary rate limit\"}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", COMMENTS), 2);
    cr_assert_eq(fh_comment_count(srv), 1);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, gives_up_and_post_exits_5)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    env_add(&e, "MEMGATE_HTTP_ATTEMPTS", "3");
    fh_script(srv, "POST", STATUSES, -1, 503, "", "{\"message\":\"unavailable\"}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "stderr: %s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 3);
    cr_assert(strstr(r.err, "HTTP 503"), "%s", r.err);
    cr_assert(strstr(r.err, "3 attempts"), "%s", r.err);
    /* the comment still went out: one failure does not stop the rest */
    cr_assert_eq(fh_comment_count(srv), 1);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, fork_pr_read_only_token_is_reported)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(
        srv, "POST", "/repos/", -1, 403, "",
        "{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"x\"}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "Resource not accessible by integration"), "%s", r.err);
    /* a permission error is final: no retry */
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 1);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, job_files_outputs_summary_and_annotations)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r = run_with(&e, argv);
    char *out = slurp_or_empty("github_output"), *sum = slurp_or_empty("step_summary");
    char *delim, *close;

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(out, "verdict=fail\n"), "%s", out);
    cr_assert(strstr(out, "failed-workloads=default\n"), "%s", out);
    cr_assert(strstr(out, "peak_memory_bytes=160000000\n"), "%s", out);
    cr_assert(strstr(out, "comment-url=http://127.0.0.1:"), "%s", out);
    delim = strstr(out, "metrics<<ghadelimiter_");
    cr_assert_not_null(delim, "%s", out);
    {
        char d[64];
        size_t n = strcspn(delim + 9, "\n");
        snprintf(d, sizeof(d), "\n%.*s\n", (int)n, delim + 9);
        close = strstr(delim + 9 + n, d);
        cr_assert_not_null(close, "no closing delimiter: %s", out);
    }
    cr_assert(strstr(sum, "heap memory regressed"), "%s", sum);
    cr_assert(strstr(sum, "| `peak_memory_bytes` |"), "%s", sum);
    cr_assert_null(strstr(sum, "memgate:sticky"), "%s", sum);
    cr_assert(strstr(r.out, "::error title=memgate default%3A peak_memory_bytes::peak_memory_bytes "
                            "regressed: 145000000 -> 160000000 (+10.34%25, limit +5%25)\n"),
              "%s", r.out);
    free(out);
    free(sum);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, verbose_trace_and_echoed_errors_never_show_the_token)
{
    envb e = github_env();
    const char *argv[] = {"post", "--verbose", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "POST", STATUSES, -1, 401, "",
              "{\"message\":\"Bad credentials for Bearer " TOKEN "\"}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "> GET /repos/acme/app/issues/7/comments?per_page=100"), "%s", r.err);
    cr_assert(strstr(r.err, "Authorization: [REDACTED]"), "%s", r.err);
    cr_assert(strstr(r.err, "Bad credentials"), "%s", r.err);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, workflow_run_verifies_the_pr_number_from_the_artifact)
{
    envb e = github_env();
    const char *ev = path_in("wr.json");
    const char *argv[] = {"post", "--pr", "7", fail_result(), NULL};
    mg_run r;

    /* a fork PR: pull_requests is empty, head_sha is trusted */
    mg_spit(ev, "{\"workflow_run\":{\"id\":5,\"event\":\"pull_request\",\"head_sha\":\"" HEAD_SHA
                "\",\"pull_requests\":[]}}");
    env_add(&e, "GITHUB_EVENT_NAME", "workflow_run");
    env_add(&e, "GITHUB_EVENT_PATH", ev);
    fh_set_pr_head(srv, HEAD_SHA);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_github_headers(fh_find(srv, "GET", "/repos/acme/app/pulls/7", 0));
    cr_assert_eq(fh_comment_count(srv), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES HEAD_SHA), 1);
    mg_run_release(&r);

    /* an artifact naming another PR (whose head differs) gets no comment */
    fh_set_pr_head(srv, "abababababababababababababababababababab");
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "stale or forged"), "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 1);
    cr_assert_eq(fh_count_matching(srv, "PATCH", "/"), 0);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, profile_strings_are_escaped_in_the_comment)
{
    envb e = github_env();
    const char *res = result_file("evil.json", "default", "fail", "fail",
                                  "evil`|</details><img src=x>@octocat [x](http://e)");
    const char *argv[] = {"post", res, NULL};
    mg_run r = run_with(&e, argv);
    json_t *j;

    cr_assert_eq(r.status, 0, "%s", r.err);
    j = body_json(fh_find(srv, "POST", COMMENTS, 0));
    cr_assert(strstr(jstr(j, "body"), "| `evil'\\|</details><img src=x>@octocat [x](http://e)` |"),
              "%s", jstr(j, "body"));
    json_decref(j);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, informational_never_fails_the_status)
{
    envb e = github_env();
    const char *argv[] = {"post", "--informational", fail_result(), NULL};
    mg_run r = run_with(&e, argv);
    json_t *j;

    cr_assert_eq(r.status, 0, "%s", r.err);
    j = body_json(fh_find(srv, "POST", STATUSES, 0));
    cr_assert_str_eq(jstr(j, "state"), "success");
    cr_assert(strncmp(jstr(j, "description"), "informational, would fail", 25) == 0);
    json_decref(j);
    cr_assert(strstr(r.out, "::warning "), "%s", r.out);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, comment_not_pass_skips_a_clean_pass)
{
    envb e = github_env();
    const char *argv[] = {"post", "--comment", "not-pass", pass_result(), NULL};
    mg_run r = run_with(&e, argv);

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", COMMENTS), 0);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 1);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, job_files_only_makes_no_request)
{
    envb e = github_env();
    const char *argv[] = {"post", "--comment", "never", "--no-status", fail_result(), NULL};
    mg_run r = run_with(&e, argv);
    char *out = slurp_or_empty("github_output");

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count(srv), 0);
    cr_assert(strstr(out, "verdict=fail\n"), "%s", out);
    cr_assert(strstr(r.out, "::error "), "%s", r.out);
    free(out);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, check_run_when_asked)
{
    envb e = github_env();
    const char *argv[] = {"post", "--check-run", "--no-status", fail_result(), NULL};
    mg_run r = run_with(&e, argv);
    json_t *j;

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", STATUSES), 0);
    j = body_json(fh_find(srv, "POST", "/repos/acme/app/check-runs", 0));
    cr_assert_str_eq(jstr(j, "name"), "memgate/default");
    cr_assert_str_eq(jstr(j, "head_sha"), HEAD_SHA);
    cr_assert_str_eq(jstr(j, "status"), "completed");
    cr_assert_str_eq(jstr(j, "conclusion"), "failure");
    cr_assert(strstr(jstr(json_object_get(j, "output"), "summary"), "peak_memory_bytes"));
    json_decref(j);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, enterprise_api_url_with_a_path)
{
    envb e = github_env();
    char api[128];
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    snprintf(api, sizeof(api), "%s/api/v3/", fh_base(srv));
    env_add(&e, "GITHUB_API_URL", api);
    fh_script(srv, "GET", "/api/v3/user", -1, 200, "", "{\"login\":\"ci-bot\"}", 0);
    fh_script(srv, "GET", "/api/v3/repos/acme/app/issues/7/comments", -1, 200, "", "[]", 0);
    fh_script(srv, "POST", "/api/v3/repos/acme/app/issues/7/comments", -1, 201, "",
              "{\"id\":5,\"html_url\":\"https://ghe.example/acme/app/pull/7#issuecomment-5\"}", 0);
    fh_script(srv, "POST", "/api/v3/repos/acme/app/statuses/" HEAD_SHA, -1, 201, "", "{}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, NULL, "/api/v3/repos/acme/app/"), 3);
    cr_assert(strstr(r.err, "https://ghe.example/acme/app/pull/7#issuecomment-5"), "%s", r.err);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, missing_token_says_which_variable)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    env_add(&e, "GITHUB_TOKEN", "");
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "GITHUB_TOKEN"), "%s", r.err);
    cr_assert_eq(fh_count(srv), 0);
    /* the job files need no token */
    {
        char *sum = slurp_or_empty("step_summary");
        cr_assert(strstr(sum, "heap memory regressed"));
        free(sum);
    }
    mg_run_release(&r);
    env_free(&e);
}

Test(post_github, plain_http_to_a_remote_host_is_refused)
{
    envb e = github_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    env_add(&e, "GITHUB_API_URL", "http://api.github.invalid");
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "only https"), "%s", r.err);
    mg_run_release(&r);
    env_free(&e);
}

/* A result with 20 metric rows: 64 of them overflow GitHub's comment limit. */
static char *wide_result(int i)
{
    char path[64], name[32], text[8192];
    size_t n;

    snprintf(path, sizeof(path), "w%02d.json", i);
    snprintf(name, sizeof(name), "workload-%02d", i);
    n = (size_t)snprintf(text, sizeof(text),
                         "{\"schema\":\"memgate/result/v1\",\"verdict\":\"fail\",\"workload\":"
                         "\"%s\",\"metrics\":[",
                         name);
    for (int m = 0; m < 20; m++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"metric\":\"metric_number_%02d_bytes\",\"baseline\":145000000,"
                              "\"current\":160000000,\"delta_pct\":10.34,\"limit\":\"+5%%\","
                              "\"status\":\"fail\"}",
                              m ? "," : "", m);
    snprintf(text + n, sizeof(text) - n, "]}");
    cr_assert_eq(mg_spit(path_in(path), text), 0);
    return strdup(path_in(path));
}

Test(post_github, comment_is_capped_below_the_github_limit)
{
    envb e = github_env();
    const char *argv[70] = {"post"};
    mg_run r;
    json_t *j;
    size_t len;

    for (int i = 0; i < 64; i++)
        argv[i + 1] = wide_result(i);
    argv[65] = "--no-status";
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = body_json(fh_find(srv, "POST", COMMENTS, 0));
    len = strlen(jstr(j, "body"));
    cr_assert_leq(len, 65536);
    cr_assert_gt(len, 60000, "%zu", len);
    cr_assert(strstr(jstr(j, "body"), "report truncated"));
    cr_assert(strstr(jstr(j, "body"), "<!-- memgate:footer -->"));
    json_decref(j);
    for (int i = 0; i < 64; i++)
        free((char *)argv[i + 1]);
    mg_run_release(&r);
    env_free(&e);
}

/* ---- memgate check --post ------------------------------------------------------------------- */

static const char *regressed_profile(void)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-wordfreq-regressed-debug.json"));
    return p;
}

static const char *baseline_file(void)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s", mg_testdata("baselines/wordfreq-baseline.json"));
    return p;
}

static const char *passing_profile(void)
{
    static char p[1024];
    snprintf(p, sizeof(p), "%s", mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.json"));
    return p;
}

TestSuite(post_check, .init = setup, .fini = teardown, .timeout = 60);

/* The comment carries what the markdown report carries: here, a reviewed exception's reason. */
Test(post_check, comment_shows_an_accepted_exception_and_its_reason)
{
    envb e = github_env();
    const char *argv[] = {"check",      regressed_profile(),
                          "--baseline", baseline_file(),
                          "--post",     "auto",
                          "--accept",   "cache warm-up, reviewed in #812",
                          NULL};
    mg_run r = run_with(&e, argv);

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(fh_comment_count(srv), 1);
    /* Markdown-escaped and broken by a zero-width space: a bare #812 would link an issue */
    cr_expect(strstr(fh_comment_body(srv, 0), "cache warm-up, reviewed in \\#\xE2\x80\x8B"
                                              "812") != NULL,
              "%s", fh_comment_body(srv, 0));
    cr_expect(strstr(fh_comment_body(srv, 0), "Top allocation sites") != NULL, "%s",
              fh_comment_body(srv, 0));
    /* one verdict heading: the report's own is left out inside the comment */
    cr_expect_null(strstr(fh_comment_body(srv, 0), "### memgate:"), "%s", fh_comment_body(srv, 0));
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

/* Whether needle occurs in s without a Markdown backslash escape in front of it. */
static bool unescaped(const char *s, const char *needle)
{
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        if (p == s || p[-1] != '\\')
            return true;
    return false;
}

/* A reviewed exception's text is the PR's: no mention, link or HTML of it reaches the comment. */
Test(post_check, accept_reason_cannot_mention_link_or_inject_html)
{
    envb e = github_env();
    const char *argv[] = {"check",
                          regressed_profile(),
                          "--baseline",
                          baseline_file(),
                          "--post",
                          "auto",
                          "--accept",
                          "ok by @octocat, see https://evil.example/x and www.evil.example "
                          "<img src=x onerror=alert(1)> [click](javascript:alert(1)) "
                          "mail admin@evil.example",
                          NULL};
    mg_run r = run_with(&e, argv);
    const char *body;

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(fh_comment_count(srv), 1);
    body = fh_comment_body(srv, 0);
    cr_expect_null(strstr(body, "@octocat"), "%s", body);
    cr_expect_null(strstr(body, "https://evil"), "%s", body);
    cr_expect_null(strstr(body, "www.evil"), "%s", body);
    cr_expect_null(strstr(body, "@evil.example"), "%s", body);
    cr_expect(!unescaped(body, "<img"), "%s", body);
    cr_expect(!unescaped(body, "](javascript"), "%s", body);
    /* still readable: the words are all there */
    cr_expect(strstr(body, "octocat") && strstr(body, "evil.example/x") && strstr(body, "img src"),
              "%s", body);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_check, posts_and_keeps_the_verdict_exit_code)
{
    envb e = github_env();
    const char *argv[] = {
        "check", regressed_profile(), "--baseline", baseline_file(), "--post", "auto", NULL};
    mg_run r = run_with(&e, argv);
    json_t *j;

    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_eq(fh_comment_count(srv), 1);
    cr_assert(strstr(fh_comment_body(srv, 0), "`peak_memory_bytes`"));
    cr_assert(strstr(fh_comment_body(srv, 0), "`wordfreq::count_words`"));
    j = body_json(fh_find(srv, "POST", STATUSES HEAD_SHA, 0));
    cr_assert_str_eq(jstr(j, "state"), "failure");
    json_decref(j);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_check, failed_post_does_not_change_the_exit_code)
{
    envb e = github_env();
    const char *fail_argv[] = {
        "check", regressed_profile(), "--baseline", baseline_file(), "--post", "github", NULL};
    const char *pass_argv[] = {"check",  passing_profile(), "--baseline", baseline_file(),
                               "--post", "github",          NULL};
    mg_run r;

    fh_script(srv, NULL, "/", -1, 500, "", "{\"message\":\"down\"}", 0);
    env_add(&e, "MEMGATE_HTTP_ATTEMPTS", "2");
    r = run_with(&e, fail_argv);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "the verdict stands"), "%s", r.err);
    mg_run_release(&r);
    r = run_with(&e, pass_argv);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "HTTP 500"), "%s", r.err);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_check, require_post_makes_a_failed_post_exit_5)
{
    envb e = github_env();
    const char *argv[] = {"check",  passing_profile(), "--baseline",     baseline_file(),
                          "--post", "github",          "--require-post", NULL};
    mg_run r;

    fh_script(srv, NULL, "/", -1, 500, "", "{\"message\":\"down\"}", 0);
    env_add(&e, "MEMGATE_HTTP_ATTEMPTS", "2");
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "posting failed"), "%s", r.err);
    mg_run_release(&r);
    env_free(&e);
}

/* The comment leads with the culprit line: the function and line that carry the growth. */
Test(post_check, comment_leads_with_the_culprit_line)
{
    envb e = github_env();
    char *tmp = mg_tempdir(), base[4096];
    const char *record[] = {"update-baseline", passing_profile(), "--baseline", base,
                            "--approve",       "--no-config",     NULL};
    const char *argv[] = {
        "check", regressed_profile(), "--baseline", base, "--no-config", "--post", "auto", NULL};
    const char *body, *culprit, *table;
    mg_run r;

    snprintf(base, sizeof(base), "%s/memory-baseline.json", tmp);
    r = mg_run_memgate(record, NULL, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    mg_run_release(&r);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert_eq(fh_comment_count(srv), 1);
    body = fh_comment_body(srv, 0);
    culprit = strstr(body, "- **`peak_memory_bytes` +14.5 MiB**: 100% from "
                           "wordfreq::count\\_words (src/bin/wordfreq.rs:27)\n");
    table = strstr(body, "| metric |");
    cr_expect(culprit && table && culprit < table, "%s", body);
    /* where: by function and line, total and at the peak */
    cr_expect(
        strstr(body, "|  | +26.5 MiB |  | +14.5 MiB | \xE2\x86\xB3 `src/bin/wordfreq.rs:27` |\n") !=
            NULL,
        "%s", body);
    assert_no_token(&r);
    mg_run_release(&r);
    env_free(&e);
    free(tmp);
}

Test(post_check, default_is_no_post)
{
    envb e = github_env();
    const char *argv[] = {"check", passing_profile(), "--baseline", baseline_file(), NULL};
    mg_run r = run_with(&e, argv);

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(fh_count(srv), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* ---- untrusted result files ----------------------------------------------------------------- */

static int post_text(const char *text, const char *const *extra_args)
{
    envb e = github_env();
    const char *p = path_in("bad.json");
    const char *argv[8] = {"post", "--post", "none"};
    size_t n = 3;
    mg_run r;
    int status;

    mg_spit(p, text);
    for (; extra_args && *extra_args; extra_args++)
        argv[n++] = *extra_args;
    argv[n++] = p;
    argv[n] = NULL;
    r = run_with(&e, argv);
    status = r.status;
    mg_run_release(&r);
    env_free(&e);
    return status;
}

TestSuite(post_input, .init = setup, .fini = teardown, .timeout = 60);

Test(post_input, rejects_malformed_and_hostile_results)
{
    cr_assert_eq(post_text("not json", NULL), 3);
    cr_assert_eq(post_text("{\"schema\":\"other\"}", NULL), 3);
    cr_assert_eq(
        post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"meh\",\"metrics\":[]}", NULL),
        3);
    cr_assert_eq(
        post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"fail\",\"metrics\":"
                  "[{\"metric\":\"peak_memory_bytes\",\"status\":\"fail\",\"baseline\":-1}]}",
                  NULL),
        3);
    cr_assert_eq(post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"fail\",\"metrics\":"
                           "[{\"metric\":\"x\",\"status\":\"fail\",\"current\":"
                           "99999999999999999999}]}",
                           NULL),
                 3);
    cr_assert_eq(post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"fail\",\"verdict\":"
                           "\"pass\",\"metrics\":[]}",
                           NULL),
                 3);
    cr_assert_eq(post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"workload\":"
                           "\"a\\nb\",\"metrics\":[]}",
                           NULL),
                 3);
    cr_assert_eq(post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":"
                           "[{\"metric\":\"Bad Name\",\"status\":\"ok\"}]}",
                           NULL),
                 3);
    cr_assert_eq(post_text("{\"schema\":\"memgate/result/v1\",\"command\":\"show\"}", NULL), 3);
}

/* A row that fails under a "pass" verdict is refused, not posted green (issue 13 #5). */
static void expect_refused(const char *text, const char *why)
{
    const char *p = path_in("forged.json");
    const char *argv[] = {"post", "--dry-run", p, NULL};
    mg_run r;
    cr_assert_eq(mg_spit(p, text), 0);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: %s", text, r.out);
    cr_expect(strstr(r.err, why), "%s", r.err);
    mg_run_release(&r);
}

#define ROW(status, base, cur, pct, limit)                                                         \
    "{\"metric\":\"peak_memory_bytes\",\"baseline\":" base ",\"current\":" cur                     \
    ",\"delta_pct\":" pct ",\"limit\":\"" limit "\",\"status\":\"" status "\"}"
#define RESULT(verdict, rows)                                                                      \
    "{\"schema\":\"memgate/result/v1\",\"verdict\":\"" verdict "\",\"metrics\":[" rows "]}"

Test(post_input, verdict_and_rows_are_recomputed_not_trusted)
{
    /* the verdict hides a failing row */
    expect_refused(RESULT("pass", ROW("fail", "1000000", "1200000", "20.0", "+5%")),
                   "\"verdict\" is pass, but metrics[0] is fail");
    expect_refused(RESULT("warn", ROW("fail", "1000000", "1200000", "20.0", "+5%")),
                   "\"verdict\" is warn, but metrics[0] is fail");
    expect_refused(RESULT("pass", ROW("warn", "1000000", "1030000", "3.0", "+5%")),
                   "\"verdict\" is pass, but metrics[0] is warn");
    /* the row hides values past its limit */
    expect_refused(RESULT("pass", ROW("ok", "1000000", "1200000", "20.0", "+5%")),
                   "the values break the row's limit");
    expect_refused(RESULT("pass", ROW("improved", "1000000", "1200000", "20.0", "+5% & +64.0 KiB")),
                   "the values break the row's limit");
    expect_refused(RESULT("pass", ROW("ok", "1000000", "1200000", "20.0", "<=1.00 MiB")),
                   "the values break the row's limit");
    /* the change shown is not the change of the values */
    expect_refused(RESULT("pass", ROW("ok", "1000000", "1200000", "2.0", "+50%")),
                   "delta_pct does not follow");
    /* a fail verdict needs a failing row (or a review / missing baseline saying why) */
    expect_refused(RESULT("fail", ROW("ok", "1000000", "1010000", "1.0", "+5%")),
                   "\"verdict\" is fail, but no metric row is");
    /* consistent files still post, including a fail the limit does not explain (drift) */
    cr_assert_eq(post_text(RESULT("fail", ROW("fail", "1000000", "1010000", "1.0", "+5%")), NULL),
                 0);
    cr_assert_eq(
        post_text(RESULT("pass", ROW("accepted", "1000000", "1200000", "20.0", "+5%")), NULL), 0);
    cr_assert_eq(post_text(RESULT("fail", ""), NULL), 3);
    cr_assert_eq(
        post_text("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":[]}", NULL),
        0);
}

Test(post_input, rejects_an_oversized_result)
{
    size_t n = (1u << 20) + 10;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":[]}", 59);
    big[n] = '\0';
    cr_assert_eq(post_text(big, NULL), 3);
    free(big);
}

Test(post_input, pr_number_must_be_numeric)
{
    const char *ok = "{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"metrics\":[]}";
    const char *a1[] = {"--pr", "7; rm -rf /", NULL};
    const char *a2[] = {"--pr", "-7", NULL};
    const char *a3[] = {"--pr", "0x10", NULL};
    const char *a4[] = {"--pr", "12", NULL};
    cr_assert_eq(post_text(ok, a1), 2);
    cr_assert_eq(post_text(ok, a2), 2);
    cr_assert_eq(post_text(ok, a3), 2);
    cr_assert_eq(post_text(ok, a4), 0);
}

Test(post_input, dry_run_prints_markdown)
{
    envb e = github_env();
    const char *argv[] = {"post", "--dry-run", fail_result(), NULL};
    mg_run r = run_with(&e, argv);

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "| \xE2\x9D\x8C **fail** | `peak_memory_bytes` | 138 MiB (145,000,000) "
                            "| 153 MiB (160,000,000) | +10.3% | `+5%` |"),
              "%s", r.out);
    cr_assert_eq(fh_count(srv), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* ---- GitLab ------------------------------------------------------------------------------- */

#define GL_TOKEN "glpat-SECRETtoken0123456789TOPSECRET"
#define NOTES "/api/v4/projects/42/merge_requests/5/notes"

static envb gitlab_env(void)
{
    envb e = {{0}, 0};
    char api[128];
    snprintf(api, sizeof(api), "%s/api/v4", fh_base(srv));
    common_env(&e);
    env_add(&e, "GITLAB_CI", "true");
    env_add(&e, "CI_API_V4_URL", api);
    env_add(&e, "CI_PROJECT_ID", "42");
    env_add(&e, "CI_MERGE_REQUEST_IID", "5");
    env_add(&e, "CI_COMMIT_SHA", MERGE_SHA);
    env_add(&e, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", HEAD_SHA);
    env_add(&e, "CI_COMMIT_REF_NAME", "feat");
    env_add(&e, "CI_PIPELINE_ID", "777");
    env_add(&e, "CI_JOB_URL", "https://gitlab.example/acme/app/-/jobs/9");
    env_add(&e, "CI_JOB_TOKEN", "job-token-value");
    env_add(&e, "MEMGATE_GITLAB_TOKEN", GL_TOKEN);
    return e;
}

static void assert_gitlab_headers(const fh_request *q)
{
    cr_assert_not_null(q);
    cr_assert_str_eq(fh_header(q, "Authorization"), "Bearer " GL_TOKEN);
    cr_assert_null(fh_header(q, "PRIVATE-TOKEN"));
    cr_assert_null(fh_header(q, "JOB-TOKEN"));
    cr_assert_str_eq(fh_header(q, "User-Agent"), "memgate/" MEMGATE_VERSION);
    if (q->body_len)
        cr_assert_str_eq(fh_header(q, "Content-Type"), "application/json");
}

TestSuite(post_gitlab, .init = setup, .fini = teardown, .timeout = 60);

Test(post_gitlab, note_then_update_and_status)
{
    envb e = gitlab_env();
    const char *argv1[] = {"post", fail_result(), NULL};
    const char *argv2[] = {"post", pass_result(), NULL};
    mg_run r;
    const fh_request *q;
    json_t *j;
    char path[128];

    r = run_with(&e, argv1);
    cr_assert_eq(r.status, 0, "%s", r.err);
    q = fh_find(srv, "GET", NOTES, 0);
    assert_gitlab_headers(q);
    cr_assert_str_eq(q->query, "sort=asc&order_by=created_at&per_page=100");
    assert_gitlab_headers(fh_find(srv, "POST", NOTES, 0));
    cr_assert(strncmp(fh_comment_body(srv, 0), MARKER, strlen(MARKER)) == 0);
    q = fh_find(srv, "POST", "/api/v4/projects/42/statuses/" HEAD_SHA, 0);
    assert_gitlab_headers(q);
    j = body_json(q);
    cr_assert_str_eq(jstr(j, "state"), "failed");
    cr_assert_str_eq(jstr(j, "name"), "memgate/default");
    cr_assert_str_eq(jstr(j, "ref"), "feat");
    cr_assert_str_eq(jstr(j, "target_url"), "https://gitlab.example/acme/app/-/jobs/9");
    cr_assert_eq(json_integer_value(json_object_get(j, "pipeline_id")), 777);
    json_decref(j);
    mg_run_release(&r);

    r = run_with(&e, argv2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(path, sizeof(path), NOTES "/%lld", (long long)fh_comment_id(srv, 0));
    assert_gitlab_headers(fh_find(srv, "PUT", path, 0));
    cr_assert_eq(fh_count_matching(srv, "POST", NOTES), 1);
    cr_assert_eq(fh_comment_count(srv), 1);
    cr_assert_null(strstr(r.err, "SECRETtoken"));
    cr_assert_null(strstr(r.out, "SECRETtoken"));
    mg_run_release(&r);
    env_free(&e);
}

Test(post_gitlab, skips_system_notes_and_walks_pages)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;
    const fh_request *q;

    for (int i = 0; i < 120; i++)
        fh_add_comment(srv, 100 + i, "lgtm", "dev", false);
    fh_add_comment(srv, 300, MARKER "\nsystem note quoting it", "system", true);
    fh_add_comment(srv, 301, MARKER "\nold report", "project_42_bot", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", NOTES), 2);
    q = fh_find(srv, "GET", NOTES, 1);
    cr_assert(strstr(q->query, "page=2"), "%s", q->query);
    cr_assert_eq(fh_count_matching(srv, "PUT", NOTES "/301"), 1);
    cr_assert_eq(fh_count_matching(srv, "PUT", NOTES "/300"), 0);
    mg_run_release(&r);
    env_free(&e);
}

/* Without x-next-page the Link header leads, and never to another host. */
Test(post_gitlab, pagination_link_to_another_host_is_refused)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", "--no-status", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", NOTES, -1, 200,
              "link: <http://127.0.0.2:9" NOTES "?per_page=100&page=2>; rel=\"next\"\r\n", "[]", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "%s", r.err);
    cr_assert(strstr(r.err, "refusing to follow a pagination link to another host"), "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", NOTES), 1);
    cr_assert_eq(fh_count_matching(srv, "POST", NOTES), 0);
    cr_assert_null(strstr(r.err, "SECRETtoken"));
    mg_run_release(&r);
    env_free(&e);
}

/* GitLab's x-next-page walks at most 100 pages too; the unread ones may hold the note. */
Test(post_gitlab, pagination_cap_says_the_note_was_not_found)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", "--no-status", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "GET", NOTES, -1, 200, "x-next-page: 2\r\n", "[]", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5, "%s", r.err);
    cr_assert(strstr(r.err, "could not find memgate's note: more than 100 pages of notes"), "%s",
              r.err);
    cr_assert_eq(fh_count_matching(srv, "GET", NOTES), 100);
    cr_assert_eq(fh_count_matching(srv, "POST", NOTES), 0);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_gitlab, job_token_alone_is_refused_with_a_clear_message)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    env_add(&e, "MEMGATE_GITLAB_TOKEN", "");
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 5);
    cr_assert(strstr(r.err, "CI_JOB_TOKEN cannot post"), "%s", r.err);
    cr_assert(strstr(r.err, "MEMGATE_GITLAB_TOKEN"), "%s", r.err);
    cr_assert_null(strstr(r.err, "job-token-value"));
    cr_assert_eq(fh_count(srv), 0);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_gitlab, conflict_on_status_is_retried)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "POST", "/api/v4/projects/42/statuses/", 1, 409, "",
              "{\"message\":\"Cannot transition status\"}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", "/api/v4/projects/42/statuses/"), 2);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_gitlab, project_path_is_url_encoded)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", "--comment", "never", fail_result(), NULL};
    mg_run r;

    env_add(&e, "CI_PROJECT_ID", "");
    env_add(&e, "CI_PROJECT_PATH", "group/sub/app");
    fh_script(srv, "POST", "/api/v4/projects/group%2Fsub%2Fapp/statuses/", -1, 201, "", "{}", 0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(
        fh_count_matching(srv, "POST", "/api/v4/projects/group%2Fsub%2Fapp/statuses/" HEAD_SHA), 1);
    mg_run_release(&r);
    env_free(&e);
}

Test(post_gitlab, rate_limited_note_creation_waits)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_script(srv, "POST", NOTES, 1, 429, "Retry-After: 1\r\nRateLimit-Reset: 1\r\n", "Retry later",
              0);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(fh_count_matching(srv, "POST", NOTES), 2);
    cr_assert_eq(fh_comment_count(srv), 1);
    mg_run_release(&r);
    env_free(&e);
}

/* A note by another user with memgate's marker is not memgate's (issue 13 #1). */
Test(post_gitlab, someone_elses_marked_note_is_never_taken_for_memgates)
{
    envb e = gitlab_env();
    const char *argv[] = {"post", fail_result(), NULL};
    mg_run r;

    fh_add_comment(srv, 300, MARKER "\n## memgate: pass (forged)", "mallory", false);
    r = run_with(&e, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_gitlab_headers(fh_find(srv, "GET", "/api/v4/user", 0));
    cr_assert_eq(fh_count_matching(srv, "PUT", NOTES), 0);
    cr_assert_eq(fh_count_matching(srv, "POST", NOTES), 1);
    cr_assert_eq(fh_comment_count(srv), 2);
    cr_assert(strstr(fh_comment_body(srv, 0), "forged"));
    mg_run_release(&r);
    env_free(&e);
}

/* ---- one renderer: check --format markdown == check --post comment == memgate post ------- */

static void record_in_cwd(const char *profile_rel, const char *commit)
{
    char prof[1024];
    const char *env[] = {"SOURCE_DATE_EPOCH=1767225600", NULL};
    const char *argv[] = {"update-baseline",          prof,   "--approve", "--allow-regression",
                          commit ? "--commit" : NULL, commit, NULL};
    mg_run r;
    snprintf(prof, sizeof(prof), "%s", mg_testdata(profile_rel));
    r = mg_run_memgate(argv, env, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

/* The comment without what only a comment has: its hidden marker, commit line and footer. */
static char *comment_core(const char *body)
{
    const char *start = strchr(body, '\n'), *end = strstr(body, "\n"
                                                                "<!-- memgate:footer -->");
    char *core, *commit;
    cr_assert_not_null(start, "%s", body);
    cr_assert_not_null(end, "%s", body);
    start++;
    core = strndup(start, (size_t)(end - start));
    commit = strstr(core, "Commit `");
    if (commit) {
        char *after = strstr(commit, "\n\n");
        cr_assert_not_null(after);
        memmove(commit, after + 2, strlen(after + 2) + 1);
    }
    return core;
}

static void one_renderer_case(const char *accept, const char *word)
{
    char prof[1024], *md, *core;
    envb e = github_env();
    const char *check_argv[] = {"check",
                                prof,
                                "--format",
                                "markdown",
                                "--output",
                                "check.md",
                                "--format",
                                "json",
                                "--output",
                                "r.json",
                                accept ? "--accept" : NULL,
                                accept,
                                NULL};
    const char *post_argv[] = {"post", "--dry-run", "r.json", NULL};
    const char *posted_argv[] = {"check", prof, "--post", "github", accept ? "--accept" : NULL,
                                 accept,  NULL};
    mg_run c, p, q;

    cr_assert_eq(chdir(dir), 0);
    record_in_cwd("profiles/dhatrs-wordfreq-baseline-debug.json", "aaaa1111");
    record_in_cwd("profiles/dhatrs-wordfreq-optimized-debug.json", NULL);
    record_in_cwd("profiles/dhatrs-wordfreq-baseline-debug.json", "cccc3333");
    snprintf(prof, sizeof(prof), "%s",
             mg_testdata("profiles/dhatrs-wordfreq-regressed-debug.json"));
    c = mg_run_memgate(check_argv, NULL, NULL);
    cr_assert_eq(c.status, accept ? 0 : 1, "%s", c.err);
    md = mg_slurp("check.md", NULL);
    cr_assert_not_null(md);
    /* not a vacuous match: the report has its verdict, table, chart and next step */
    cr_assert(strstr(md, word) && strstr(md, "| status | metric |") && strstr(md, "```mermaid") &&
                  strstr(md, "#### What now"),
              "%s", md);
    p = mg_run_memgate(post_argv, NULL, NULL);
    cr_assert_eq(p.status, 0, "%s", p.err);
    cr_expect_str_eq(p.out, md, "memgate post --dry-run differs from check --format markdown");
    q = run_with(&e, posted_argv);
    cr_assert_eq(q.status, accept ? 0 : 1, "%s", q.err);
    cr_assert_eq(fh_comment_count(srv), 1);
    core = comment_core(fh_comment_body(srv, 0));
    cr_expect_str_eq(core, md, "the check --post comment differs from check --format markdown");
    free(core);
    free(md);
    mg_run_release(&c);
    mg_run_release(&p);
    mg_run_release(&q);
    env_free(&e);
}

Test(post_check, markdown_comment_and_post_come_from_one_renderer_fail)
{
    one_renderer_case(NULL, "### \xE2\x9D\x8C **fail** \xC2\xB7 memgate:");
}

Test(post_check, markdown_comment_and_post_come_from_one_renderer_accepted)
{
    one_renderer_case("cache warm-up, reviewed by @ana in #812",
                      "### \xE2\x98\x91\xEF\xB8\x8F **accepted** \xC2\xB7 memgate:");
}

/* A failing metric's culprit line leads the report, before the table, escaped. */
Test(post_input, culprit_lines_lead_the_report)
{
    const char *p = path_in("culprit.json");
    const char *argv[] = {"post", "--dry-run", p, NULL};
    const char *culprit, *table;
    mg_run r;
    cr_assert_eq(mg_spit(p,
                         "{\"schema\":\"memgate/result/v1\",\"command\":\"check\",\"verdict\":"
                         "\"fail\",\"metrics\":[{\"metric\":\"allocation_count\",\"status\":"
                         "\"ok\",\"baseline\":1,\"current\":1},{\"metric\":\"peak_memory_bytes\","
                         "\"status\":\"fail\",\"baseline\":1,\"current\":2,\"culprit\":"
                         "\"peak_memory_bytes +14.5 MiB: 93% from wordfreq::count_words "
                         "(src/bin/wordfreq.rs:27)\"}]}"),
                 0);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    culprit = strstr(r.out, "- **`peak_memory_bytes` +14.5 MiB**: 93% from wordfreq::count\\_words "
                            "(src/bin/wordfreq.rs:27)\n");
    table = strstr(r.out, "| status | metric |");
    cr_expect(culprit && table && culprit < table, "%s", r.out);
    mg_run_release(&r);
}
