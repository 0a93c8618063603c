/*
 * Posting rules a one-line edit could break without another test failing, found by
 * ci/mutation.sh (issue 13 #9): the sticky marker counts only at the start of the token's own
 * comment, a warned row whose values break its limit is refused, and redaction covers every
 * byte of the token.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/http.h"
#include "ci/http_internal.h"
#include "ci/sticky.h"
#include "memgate/publish.h"

#define MARKER "<!-- memgate:sticky v1 key=default -->"

static bool scan(const char *page, int64_t *id)
{
    mg_http_response resp;
    mg_error err;
    char *body = NULL;
    int rc;
    bool found;
    mg_http_response_init(&resp);
    mg_error_init(&err);
    cr_assert_eq(mg_buf_append(&resp.body, page, strlen(page), &err), 0);
    found = mg_sticky_scan_page(&resp, MARKER, "alice", "comments", id, &body, &err, &rc);
    cr_assert_eq(rc, 0, "%s", err.msg);
    free(body);
    mg_http_response_release(&resp);
    return found;
}

/* With a personal token, the token's user also writes comments of their own: one that quotes
   memgate's comment is theirs, never memgate's to overwrite. */
Test(pinned_post, a_quoted_marker_in_the_tokens_own_comment_is_not_the_sticky_comment)
{
    int64_t id = 0;
    cr_expect_not(scan("[{\"id\":7,\"user\":{\"login\":\"alice\"},\"body\":\"> " MARKER
                       "\\n> memgate: FAIL\\n\\nwhy did this fail?\"}]",
                       &id));
    cr_expect(scan("[{\"id\":7,\"user\":{\"login\":\"alice\"},\"body\":\"> " MARKER "\"},"
                   "{\"id\":9,\"user\":{\"login\":\"alice\"},\"body\":\"" MARKER "\\nFAIL\"}]",
                   &id),
              "the control: memgate's own comment starts with the marker");
    cr_expect_eq(id, 9);
}

#define ROW(status, base, cur, pct, limit)                                                         \
    "{\"metric\":\"peak_memory_bytes\",\"baseline\":" base ",\"current\":" cur                     \
    ",\"delta_pct\":" pct ",\"limit\":\"" limit "\",\"status\":\"" status "\"}"
#define RESULT(verdict, rows)                                                                      \
    "{\"schema\":\"memgate/result/v1\",\"verdict\":\"" verdict "\",\"metrics\":[" rows "]}"

static int parse(const char *text, mg_error *err)
{
    mg_result *r = NULL;
    int rc;
    mg_error_init(err);
    rc = mg_result_parse(&r, text, strlen(text), "result.json", err);
    mg_result_free(r);
    return rc;
}

/* "warn" is no way around the fail limit: +20% against a +5% limit is a failure. */
Test(pinned_post, a_warned_row_past_its_fail_limit_is_refused)
{
    mg_error err;
    cr_expect_eq(parse(RESULT("warn", ROW("warn", "1000000", "1200000", "20.0", "+5%")), &err),
                 -MG_E_INPUT);
    cr_expect(strstr(err.msg, "the values break the row's limit") != NULL, "%s", err.msg);
    cr_expect_eq(parse(RESULT("warn", ROW("warn", "1000000", "1030000", "3.0", "+5%")), &err), 0,
                 "the control: +3%% under a +5%% limit may warn: %s", err.msg);
}

/* Every byte of every copy of the token, and nothing else. */
Test(pinned_post, redaction_covers_the_whole_token)
{
    char s[] = "a ghp_SECRET1 b ghp_SECRET1ghp_SECRET1 c";
    mg_http_redact_token("ghp_SECRET1", s);
    cr_expect_str_eq(s, "a *********** b ********************** c");
}

/* Whether every `needle` in text is escaped: right after a backslash. */
static bool all_escaped(const char *text, const char *needle)
{
    for (const char *p = text; (p = strstr(p, needle)); p++)
        if (p == text || p[-1] != '\\')
            return false;
    return true;
}

static mg_result *result_of(const char *text)
{
    mg_result *r = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_result_parse(&r, text, strlen(text), "result.json", &err), 0, "%s", err.msg);
    return r;
}

/* A result file crosses the trust boundary (fork pull requests): its accept source and its
   workload names reach the comment as plain text, also inside the workloads table. */
Test(pinned_post, a_result_files_accept_source_and_workload_names_are_plain_text)
{
    mg_result *a =
        result_of("{\"schema\":\"memgate/result/v1\",\"verdict\":\"pass\",\"workload\":\"a|b\","
                  "\"metrics\":[" ROW("ok", "1000000", "1010000", "1.0",
                                      "+5%") "],"
                                             "\"accepted\":{\"reason\":\"reviewed\",\"source\":\"@"
                                             "here <img src=x> [x](y)\"}}");
    mg_result *b = result_of(RESULT("pass", ROW("ok", "1000000", "1010000", "1.0", "+5%")));
    mg_publish_workload w[2] = {*mg_result_workload(a), *mg_result_workload(b)};
    mg_publish_request req;
    mg_buf body;
    mg_error err;
    memset(&req, 0, sizeof(req));
    req.target = MG_POST_NONE;
    req.workloads = w;
    req.n_workloads = 2;
    mg_buf_init(&body, 0);
    mg_error_init(&err);
    cr_assert_eq(mg_publish_render(&body, &req, &err), 0, "%s", err.msg);
    cr_expect(strstr(body.data, "reviewed") != NULL, "the exception is shown: %s", body.data);
    cr_expect(all_escaped(body.data, "@"), "a mention: %s", body.data);
    cr_expect(all_escaped(body.data, "<img"), "raw HTML: %s", body.data);
    cr_expect(all_escaped(body.data, "[x]"), "a link: %s", body.data);
    cr_expect(strstr(body.data, "| `a\\|b` |") != NULL, "the table keeps its columns: %s",
              body.data);
    mg_buf_release(&body);
    mg_result_free(a);
    mg_result_free(b);
}
