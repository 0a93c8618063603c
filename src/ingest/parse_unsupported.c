/* Inputs memgate recognises but cannot gate on: each says what to pass instead. */
#include <string.h>

#include "ingest/ingest.h"

static int refuse(mg_profile *p, const char *why, mg_error *err)
{
    return mg_error_set_at(err, MG_E_INPUT, p->source, 0, 0, "%s", why);
}

static int jemalloc_text(mg_profile *p, const char *d, size_t n, const mg_load_options *o,
                         mg_error *err)
{
    (void)d, (void)n, (void)o;
    return refuse(p,
                  "jemalloc statistics as a text table: print them as JSON instead "
                  "(MALLOC_CONF=stats_print:true,stats_print_opts:J) and pass that",
                  err);
}

static int exp_dhat(mg_profile *p, const char *d, size_t n, const mg_load_options *o, mg_error *err)
{
    (void)d, (void)n, (void)o;
    return refuse(p,
                  "text report of Valgrind's old exp-dhat tool (Valgrind <= 3.14), which has no "
                  "stable numbers to gate on: run Valgrind >= 3.17 with --tool=dhat and pass the "
                  "dhat.out.PID file (or its stderr summary)",
                  err);
}

static int jeprof(mg_profile *p, const char *d, size_t n, const mg_load_options *o, mg_error *err)
{
    (void)d, (void)n, (void)o;
    return refuse(p,
                  "jemalloc/jeprof heap profile (heap_v2): sampled stacks, not totals; pass "
                  "jemalloc's stats JSON (stats_print_opts:J) or a dhat/heaptrack profile instead",
                  err);
}

static int massif_stderr(mg_profile *p, const char *d, size_t n, const mg_load_options *o,
                         mg_error *err)
{
    (void)d, (void)n, (void)o;
    return refuse(p,
                  "Valgrind massif's stderr holds no measurements: pass the massif.out.PID file "
                  "it wrote (or --massif-out-file=PATH)",
                  err);
}

static int ms_print_refusal(mg_profile *p, const char *d, size_t n, const mg_load_options *o,
                            mg_error *err)
{
    (void)d, (void)n, (void)o;
    return refuse(p,
                  "this is ms_print's error message, not its report: ms_print (Valgrind 3.19) "
                  "cannot read a massif file whose command or options hold a newline; pass the "
                  "massif.out.PID file itself, memgate reads those",
                  err);
}

static bool detect_jemalloc_text(const char *head, size_t len)
{
    (void)len;
    return strstr(head, "___ Begin jemalloc statistics ___") != NULL;
}

static bool detect_exp_dhat(const char *head, size_t len)
{
    (void)len;
    return strstr(head, "======== SUMMARY STATISTICS ========") && strstr(head, "guest_insns:");
}

static bool detect_jeprof(const char *head, size_t len)
{
    return len >= 8 && !memcmp(head, "heap_v2/", 8);
}

static bool detect_massif_stderr(const char *head, size_t len)
{
    const char *m = strstr(head, "== Massif, a heap profiler");
    (void)len;
    return m && !strstr(head, "\nsnapshot=") && !strstr(head, "\nmem_heap_B=");
}

/* ms_print's whole output when it died reading the header: "Line 3: missing 'time_unit' line". */
static bool detect_ms_print_refusal(const char *head, size_t len)
{
    size_t i = 5;
    if (len < 5 || memcmp(head, "Line ", 5) != 0)
        return false;
    while (i < len && head[i] >= '0' && head[i] <= '9')
        i++;
    if (i == 5 || len - i < 12 || memcmp(head + i, ": missing '", 11) != 0)
        return false;
    i += 11;
    return (len - i >= 5 && !memcmp(head + i, "cmd' ", 5)) ||
           (len - i >= 11 && !memcmp(head + i, "time_unit' ", 11));
}

const mg_format mg_format_unsupported_jemalloc_text = {
    "jemalloc-text",
    "jemalloc statistics text table (not supported: use stats_print_opts:J)",
    detect_jemalloc_text,
    jemalloc_text,
    NULL,
    true,
};

const mg_format mg_format_unsupported_exp_dhat = {
    "exp-dhat",
    "Valgrind <= 3.14 exp-dhat text report (not supported)",
    detect_exp_dhat,
    exp_dhat,
    NULL,
    true,
};

const mg_format mg_format_unsupported_jeprof = {
    "jeprof", "jemalloc heap_v2 profile (not supported)", detect_jeprof, jeprof, NULL, true,
};

const mg_format mg_format_unsupported_massif_stderr = {
    "massif-stderr",
    "Valgrind massif's stderr banner (not supported: pass massif.out.PID)",
    detect_massif_stderr,
    massif_stderr,
    NULL,
    true,
};

const mg_format mg_format_unsupported_ms_print_refusal = {
    "ms-print-error",
    "ms_print's error message for a massif file it cannot read (not a report)",
    detect_ms_print_refusal,
    ms_print_refusal,
    NULL,
    true,
};
