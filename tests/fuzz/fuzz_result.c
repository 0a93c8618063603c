/*
 * Fuzz the result-file reader (`memgate post result.json`): in the fork-PR
 * pattern the file comes from an untrusted job and crosses into the job that
 * holds the write token. A result that loads is rendered as the PR comment;
 * the comment must stay valid UTF-8 and free of control characters (names sit
 * in code spans, where markdown and HTML are inert), and cannot start with an
 * HTML comment, which is what the sticky marker looks like.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/buf.h"
#include "memgate/publish.h"
#include "utf8.h"

#define SOURCE "result.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_result *r = NULL;
    mg_publish_request req;
    mg_buf body;
    mg_error err;
    size_t i;
    int rc;

    mg_error_init(&err);
    rc = mg_result_parse(&r, (const char *)data, size, SOURCE, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, SOURCE);
        return 0;
    }
    /* the verdict posted is never milder than a row of the same file */
    {
        const mg_publish_workload *w = mg_result_workload(r);
        bool pass = !strcmp(w->verdict, "pass"), warn = !strcmp(w->verdict, "warn");
        for (i = 0; i < w->n_metrics; i++) {
            FUZZ_CHECK(!(pass || warn) || strcmp(w->metrics[i].status, "fail") != 0,
                       "verdict %s over a failing row", w->verdict);
            FUZZ_CHECK(!pass || strcmp(w->metrics[i].status, "warn") != 0,
                       "verdict pass over a warning row");
        }
    }
    memset(&req, 0, sizeof(req));
    req.target = MG_POST_NONE;
    req.workloads = mg_result_workload(r);
    req.n_workloads = 1;
    mg_buf_init(&body, 0);
    mg_error_init(&err);
    rc = mg_publish_render(&body, &req, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
    } else if (body.len) {
        FUZZ_CHECK(mg_utf8_valid(body.data, body.len), "comment is not UTF-8");
        for (i = 0; i < body.len; i++)
            FUZZ_CHECK((unsigned char)body.data[i] >= 0x20 || body.data[i] == '\n',
                       "control byte 0x%02x in the comment", (unsigned char)body.data[i]);
        FUZZ_CHECK(strncmp(body.data, "<!--", 4) != 0, "the comment starts like a sticky marker");
    }
    mg_buf_release(&body);
    mg_result_free(r);
    return 0;
}
