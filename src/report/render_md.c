/* The Markdown of the sticky comment and the job summary; every untrusted string is escaped. */
#include "report/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memgate/num.h"

void mg_md_sticky_key(const mg_publish_request *req, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    const char *k = req->sticky_key         ? req->sticky_key
                    : req->n_workloads == 1 ? req->workloads[0].name
                                            : "combined";
    size_t n = 0;
    /*
     * The key sits inside an HTML comment: letters, digits, '.' and '_' stay, anything
     * else becomes "~XX" (its hex byte; '-' too, so no "--" or "-->" can appear). One
     * name, one key: "a-b" and "a_b" (or "a b") never share a comment.
     */
    for (; *k && n + 4 < size && n < 64; k++) {
        unsigned char c = (unsigned char)*k;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_') {
            out[n++] = (char)c;
        } else {
            out[n++] = '~';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
}

void mg_md_marker(const char *key, char *out, size_t size)
{
    snprintf(out, size, "<!-- memgate:sticky v1 key=%s -->", key);
}

static unsigned count_status(const mg_publish_workload *w, const char *status)
{
    unsigned n = 0;
    for (size_t i = 0; i < w->n_metrics; i++)
        n += strcmp(w->metrics[i].status, status) == 0;
    return n;
}

static int summary_table(mg_buf *out, const mg_publish_request *req, mg_error *err)
{
    int rc = mg_buf_printf(out, err,
                           "| workload | verdict | fail | warn | improved |\n"
                           "|---|---|---:|---:|---:|\n");
    for (size_t i = 0; rc == 0 && i < req->n_workloads; i++) {
        const mg_publish_workload *w = &req->workloads[i];
        rc = mg_buf_append(out, "| ", 2, err);
        if (rc == 0)
            rc = mg_md_code(out, w->name, NAME_MAX_BYTES, true, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, " | %s %s | %u | %u | %u |\n",
                               mg_md_badge(mg_md_verdict_word(w)), mg_md_verdict_word(w),
                               count_status(w, "fail"), count_status(w, "warn"),
                               count_status(w, "improved"));
    }
    return rc;
}

static int heading(mg_buf *out, const mg_publish_request *req, const char *sha, mg_error *err)
{
    const char *overall = mg_md_overall_word(req);
    unsigned failed = 0;
    int rc;

    for (size_t i = 0; i < req->n_workloads; i++)
        failed += strcmp(req->workloads[i].verdict, "fail") == 0;
    /* icon and word first: what a reviewer scans for, then what it means */
    rc = mg_buf_printf(out, err, "### %s **%s** \xC2\xB7 memgate: ", mg_md_badge(overall), overall);
    if (rc == 0 && req->n_workloads == 1) {
        rc = mg_buf_printf(out, err, "%s in ",
                           !strcmp(overall, "fail")       ? "heap memory regressed"
                           : !strcmp(overall, "warn")     ? "heap memory needs a look"
                           : !strcmp(overall, "accepted") ? "a regression accepted after review"
                           : !strcmp(overall, "needs review")
                               ? "this change edits the baseline or limits it is judged by"
                               : "heap memory within limits");
        if (rc == 0)
            rc = mg_md_code(out, req->workloads[0].name, NAME_MAX_BYTES, false, err);
    } else if (rc == 0) {
        rc = mg_buf_printf(out, err, "%u of %zu workloads regressed", failed, req->n_workloads);
    }
    if (rc == 0 && (req->flags & MG_PUBLISH_INFORMATIONAL))
        rc = mg_buf_printf(out, err, " (informational)");
    if (rc == 0)
        rc = mg_buf_printf(out, err, "\n\n");
    if (rc == 0 && sha && *sha) {
        rc = mg_buf_printf(out, err, "Commit ");
        if (rc == 0)
            rc = mg_md_code(out, sha, 12, false, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n\n");
    }
    return rc;
}

int mg_md_body(mg_buf *out, const mg_publish_request *req, const char *sha, mg_error *err)
{
    int rc = heading(out, req, sha, err);

    if (rc == 0 && req->n_workloads == 1)
        return mg_md_workload(out, &req->workloads[0], err);
    if (rc == 0)
        rc = summary_table(out, req, err);
    for (size_t i = 0; rc == 0 && i < req->n_workloads; i++) {
        const mg_publish_workload *w = &req->workloads[i];
        /* failing workloads open; the rest fold away */
        rc = mg_buf_printf(out, err, "\n<details%s><summary><b>",
                           strcmp(w->verdict, "pass") ? " open" : "");
        if (rc == 0)
            rc = mg_md_html(out, w->name, NAME_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "</b>: %s</summary>\n\n", mg_md_verdict_word(w));
        if (rc == 0)
            rc = mg_md_workload(out, w, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n</details>\n");
    }
    return rc;
}

int mg_md_footer(mg_buf *out, const char *run_url, mg_error *err)
{
    int rc = mg_buf_printf(out, err, "\n" MG_MD_FOOTER_MARK "\n<sub>memgate " MEMGATE_VERSION);
    if (rc == 0 && run_url && *run_url)
        rc = mg_buf_printf(out, err, " \xC2\xB7 [workflow run](%s)", run_url);
    if (rc == 0)
        rc = mg_buf_printf(out, err, "</sub>\n");
    return rc;
}

/* Whether text[0..len) ends inside a ``` or ~~~ code fence (fence lines counted). */
static bool open_fence(const char *text, size_t len)
{
    bool open = false;
    for (size_t i = 0; i < len; i += strcspn(text + i, "\n") + 1) {
        size_t j = i;
        while (j < len && j - i < 3 && text[j] == ' ')
            j++;
        if (j + 3 <= len && (!strncmp(text + j, "```", 3) || !strncmp(text + j, "~~~", 3)))
            open = !open;
    }
    return open;
}

void mg_md_cap(mg_buf *body, size_t max_bytes, const char *notice)
{
    size_t nlen = strlen(notice), cut;

    if (body->len <= max_bytes)
        return;
    cut = max_bytes > nlen + 2 ? max_bytes - nlen - 2 : 0;
    /* end on a line boundary so a table row is never cut in half */
    while (cut > 0 && body->data[cut - 1] != '\n')
        cut--;
    cut = mg_utf8_prefix(body->data, cut);
    /* a fence left open would swallow the notice and the footer into a code block */
    while (cut > 0 && open_fence(body->data, cut)) {
        do
            cut--;
        while (cut > 0 && body->data[cut - 1] != '\n');
    }
    body->len = cut;
    if (nlen + 2 <= max_bytes - cut) {
        memcpy(body->data + cut, "\n", 1);
        memcpy(body->data + cut + 1, notice, nlen);
        memcpy(body->data + cut + 1 + nlen, "\n", 1);
        body->len = cut + nlen + 2;
    }
    body->data[body->len] = '\0';
}
