/* The Markdown of the sticky comment and the job summary; every untrusted string is escaped. */
#include "ci/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "memgate/num.h"

/* Cells stay readable; the whole comment must also fit GitHub's 65,536 characters. */
#define NAME_MAX_BYTES 64
#define FUNCTION_MAX_BYTES 120
#define HOTSPOTS_SHOWN 5

static int rank(const char *verdict)
{
    return !strcmp(verdict, "fail") ? 2 : !strcmp(verdict, "warn") ? 1 : 0;
}

const char *mg_md_overall(const mg_publish_request *req)
{
    int worst = 0;
    for (size_t i = 0; i < req->n_workloads; i++)
        if (rank(req->workloads[i].verdict) > worst)
            worst = rank(req->workloads[i].verdict);
    return worst == 2 ? "fail" : worst == 1 ? "warn" : "pass";
}

void mg_md_sticky_key(const mg_publish_request *req, char *out, size_t size)
{
    const char *k = req->sticky_key   ? req->sticky_key
                    : req->n_workloads == 1 ? req->workloads[0].name
                                            : "combined";
    size_t n = 0;
    /* the key sits inside an HTML comment: keep it to characters that cannot close it */
    for (; *k && n + 1 < size && n < 64; k++)
        out[n++] = ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
                    (*k >= '0' && *k <= '9') || *k == '.' || *k == '_')
                       ? *k
                       : '_';
    out[n] = '\0';
}

void mg_md_marker(const char *key, char *out, size_t size)
{
    snprintf(out, size, "<!-- memgate:sticky v1 key=%s -->", key);
}

size_t mg_utf8_prefix(const char *s, size_t len)
{
    size_t i = len, lead;
    unsigned char c;

    /* step back over continuation bytes to the lead byte of the last sequence */
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && len - i < 3)
        i--;
    if (i == 0)
        return 0;
    c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return len;
    lead = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return (len - (i - 1) >= lead) ? len : i - 1;
}

int mg_md_code(mg_buf *out, const char *s, size_t max_bytes, bool in_table, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = mg_buf_append(out, "`", 1, err);

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        char c = s[i];
        if (c == '`')
            rc = mg_buf_append(out, "'", 1, err);
        else if (c == '|' && in_table)
            rc = mg_buf_append(out, "\\|", 2, err);
        else if ((unsigned char)c < 0x20 || c == 0x7f)
            rc = mg_buf_append(out, " ", 1, err);
        else
            rc = mg_buf_append(out, &c, 1, err);
    }
    if (rc == 0 && keep < len)
        rc = mg_buf_append(out, "...", 3, err);
    if (rc == 0)
        rc = mg_buf_append(out, "`", 1, err);
    return rc;
}

/* U+200B ZERO WIDTH SPACE: invisible, and no autolink or @mention runs across it. */
#define ZWSP "\xE2\x80\x8B"

/*
 * Whether a zero-width space goes before s[i]: after '@' (a mention, a mail
 * address) and '#' (an issue link), inside "://" (http://, https://, ftp://) and
 * between "www" and '.': GitHub and GitLab link and notify on those even in text
 * that Markdown escapes or HTML entities spell out.
 */
static bool needs_break(const char *s, size_t i)
{
    if (i == 0)
        return false;
    if (s[i - 1] == '@' || s[i - 1] == '#')
        return true;
    if (s[i - 1] == ':' && s[i] == '/')
        return true;
    return s[i] == '.' && i >= 3 && strncasecmp(s + i - 3, "www", 3) == 0;
}

int mg_md_text(mg_buf *out, const char *s, size_t max_bytes, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        if (needs_break(s, i))
            rc = mg_buf_append(out, ZWSP, 3, err);
        if (rc == 0 && strchr("\\`*_[]<>|#@!~&$", s[i]))
            rc = mg_buf_append(out, "\\", 1, err);
        if (rc == 0)
            rc = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? mg_buf_append(out, " ", 1, err)
                                                              : mg_buf_append(out, s + i, 1, err);
    }
    if (rc == 0 && keep < len)
        rc = mg_buf_append(out, "...", 3, err);
    return rc;
}

int mg_md_html(mg_buf *out, const char *s, size_t max_bytes, mg_error *err)
{
    size_t len = strlen(s), keep = mg_utf8_prefix(s, len > max_bytes ? max_bytes : len);
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < keep; i++) {
        if (needs_break(s, i) && mg_buf_append(out, ZWSP, 3, err) < 0)
            return -MG_E_NOMEM;
        switch (s[i]) {
        case '&': rc = mg_buf_append(out, "&amp;", 5, err); break;
        case '<': rc = mg_buf_append(out, "&lt;", 4, err); break;
        case '>': rc = mg_buf_append(out, "&gt;", 4, err); break;
        case '"': rc = mg_buf_append(out, "&quot;", 6, err); break;
        case '\'': rc = mg_buf_append(out, "&#39;", 5, err); break;
        /* '@' would mention a user, '#' link an issue: an entity, then a zero-width space */
        case '@': rc = mg_buf_append(out, "&#64;", 5, err); break;
        case '#': rc = mg_buf_append(out, "&#35;", 5, err); break;
        default:
            rc = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? mg_buf_append(out, " ", 1, err)
                                                               : mg_buf_append(out, s + i, 1, err);
        }
    }
    return rc;
}

static const char *badge(const char *status)
{
    if (!strcmp(status, "fail"))
        return "\xE2\x9D\x8C fail"; /* cross mark */
    if (!strcmp(status, "warn"))
        return "\xE2\x9A\xA0\xEF\xB8\x8F warn"; /* warning sign */
    if (!strcmp(status, "improved"))
        return "\xF0\x9F\x9F\xA2 improved"; /* green circle */
    if (!strcmp(status, "absent"))
        return "\xE2\x9E\x96 absent"; /* minus */
    if (!strcmp(status, "accepted"))
        return "\xE2\x98\x91\xEF\xB8\x8F accepted"; /* ballot box with check: a reviewed exception */
    return "\xE2\x9C\x85 ok";         /* check mark; also "pass" */
}

static const char *verdict_badge(const char *verdict)
{
    return !strcmp(verdict, "pass") ? "\xE2\x9C\x85 pass" : badge(verdict);
}

/* The heading's emoji: what a reviewer scans for. */
static const char *verdict_emoji(const char *verdict)
{
    if (!strcmp(verdict, "fail"))
        return "\xE2\x9D\x8C";
    if (!strcmp(verdict, "warn"))
        return "\xE2\x9A\xA0\xEF\xB8\x8F";
    return "\xE2\x9C\x85";
}

static bool is_bytes(const char *metric)
{
    size_t n = strlen(metric);
    return n > 6 && strcmp(metric + n - 6, "_bytes") == 0;
}

static void format_value(const char *metric, bool has, uint64_t v, char *out, size_t size)
{
    char count[48], human[32];
    if (!has) {
        snprintf(out, size, "\xE2\x80\x94"); /* em dash */
        return;
    }
    mg_format_count(v, count, sizeof(count));
    if (is_bytes(metric) && v >= 1024) {
        mg_format_size(v, human, sizeof(human));
        snprintf(out, size, "%s (%s)", count, human);
    } else if (!strcmp(metric, "runtime_us")) {
        snprintf(out, size, "%s \xC2\xB5s", count);
    } else {
        snprintf(out, size, "%s", count);
    }
}

static int metric_row(mg_buf *out, const mg_publish_metric *m, mg_error *err)
{
    char base[96], cur[96], delta[32];
    int rc;

    format_value(m->name, m->has_baseline, m->baseline, base, sizeof(base));
    format_value(m->name, m->has_current, m->current, cur, sizeof(cur));
    if (m->has_delta_pct && isfinite(m->delta_pct))
        snprintf(delta, sizeof(delta), "%+.2f%%", m->delta_pct);
    else
        snprintf(delta, sizeof(delta), "\xE2\x80\x94");
    rc = mg_buf_append(out, "| ", 2, err);
    if (rc == 0)
        rc = mg_md_code(out, m->name, NAME_MAX_BYTES, true, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, " | %s | %s | %s | ", base, cur, delta);
    if (rc == 0)
        rc = m->limit ? mg_md_code(out, m->limit, NAME_MAX_BYTES, true, err)
                      : mg_buf_append(out, "\xE2\x80\x94", 3, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, " | %s |\n", badge(m->status));
    return rc;
}

static int hotspots(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    size_t n = w->n_hotspots < HOTSPOTS_SHOWN ? w->n_hotspots : HOTSPOTS_SHOWN;

    if (!n)
        return 0;
    rc = mg_buf_printf(out, err, "\n**Top allocation sites**\n\n| function | bytes |\n|---|---:|\n");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char v[96];
        format_value("x_bytes", true, w->hotspots[i].bytes, v, sizeof(v));
        rc = mg_buf_append(out, "| ", 2, err);
        if (rc == 0)
            rc = mg_md_code(out, w->hotspots[i].function, FUNCTION_MAX_BYTES, true, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, " | %s |\n", v);
    }
    return rc;
}

/* One workload's table, or the trusted Markdown memgate check rendered for it. */
static int workload_section(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc;

    if (w->markdown)
        return mg_buf_printf(out, err, "%s\n", w->markdown);
    if (!w->n_metrics)
        return mg_buf_printf(out, err, "_No metrics to compare._\n");
    rc = mg_buf_printf(out, err, "| metric | baseline | current | delta | limit | status |\n"
                                 "|---|---:|---:|---:|---|---|\n");
    for (size_t i = 0; rc == 0 && i < w->n_metrics; i++)
        rc = metric_row(out, &w->metrics[i], err);
    if (rc == 0)
        rc = hotspots(out, w, err);
    return rc;
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
    int rc = mg_buf_printf(out, err, "| workload | verdict | fail | warn | improved |\n"
                                     "|---|---|---:|---:|---:|\n");
    for (size_t i = 0; rc == 0 && i < req->n_workloads; i++) {
        const mg_publish_workload *w = &req->workloads[i];
        rc = mg_buf_append(out, "| ", 2, err);
        if (rc == 0)
            rc = mg_md_code(out, w->name, NAME_MAX_BYTES, true, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, " | %s | %u | %u | %u |\n", verdict_badge(w->verdict),
                               count_status(w, "fail"), count_status(w, "warn"),
                               count_status(w, "improved"));
    }
    return rc;
}

static int heading(mg_buf *out, const mg_publish_request *req, const char *sha, mg_error *err)
{
    const char *overall = mg_md_overall(req);
    unsigned failed = 0;
    int rc;

    for (size_t i = 0; i < req->n_workloads; i++)
        failed += strcmp(req->workloads[i].verdict, "fail") == 0;
    /* verdict first, then what it means */
    rc = mg_buf_printf(out, err, "### %s memgate **%s** \xC2\xB7 ", verdict_emoji(overall), overall);
    if (rc == 0 && req->n_workloads == 1) {
        rc = mg_buf_printf(out, err, "heap memory %s in ",
                           !strcmp(overall, "fail")   ? "regressed"
                           : !strcmp(overall, "warn") ? "needs a look"
                                                      : "within limits");
        if (rc == 0)
            rc = mg_md_code(out, req->workloads[0].name, NAME_MAX_BYTES, false, err);
    } else if (rc == 0) {
        rc = mg_buf_printf(out, err, "%u of %zu workloads regressed", failed, req->n_workloads);
    }
    if (rc == 0 && (req->flags & MG_PUBLISH_INFORMATIONAL))
        rc = mg_buf_printf(out, err, " (informational)");
    if (rc == 0)
        rc = mg_buf_printf(out, err, "\n\n");
    if (rc == 0 && sha && *sha)
        rc = mg_buf_printf(out, err, "Commit `%.12s`\n\n", sha);
    return rc;
}

int mg_md_body(mg_buf *out, const mg_publish_request *req, const char *sha, mg_error *err)
{
    int rc = heading(out, req, sha, err);

    if (rc == 0 && req->n_workloads == 1)
        return workload_section(out, &req->workloads[0], err);
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
            rc = mg_buf_printf(out, err, "</b>: %s</summary>\n\n", w->verdict);
        if (rc == 0)
            rc = workload_section(out, w, err);
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
    body->len = cut;
    if (nlen + 2 <= max_bytes - cut) {
        memcpy(body->data + cut, "\n", 1);
        memcpy(body->data + cut + 1, notice, nlen);
        memcpy(body->data + cut + 1 + nlen, "\n", 1);
        body->len = cut + nlen + 2;
    }
    body->data[body->len] = '\0';
}
