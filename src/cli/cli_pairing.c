/* Pairing checks: a profile of another program must not pass silently against a baseline. */
#include "cli_pairing.h"

#include <stdio.h>
#include <string.h>

/* The program: the command's first word without its directory. */
static void program_of(const char *command, char *out, size_t size)
{
    size_t len = strcspn(command, " \t\n");
    const char *base = command, *p;
    for (p = command; p < command + len; p++)
        if (*p == '/')
            base = p + 1;
    snprintf(out, size, "%.*s", (int)(command + len - base), base);
}

struct pair_ctx {
    struct cli_notices *n;
    int at;
    bool strict;
    char list[1024];
    int count;
};

static void differ(struct pair_ctx *c, const char *what, const char *base, const char *cur)
{
    size_t used = strlen(c->list);
    if (!base || !cur || !strcmp(base, cur))
        return;
    if (c->at < 0 && !c->strict)
        c->at = cli_notice_add(c->n, "pairing",
                               "this profile may not be what the baseline measured "
                               "(--strict-pairing makes this an error)");
    cli_notice_line(c->n, c->at, "%s: baseline '%s', this profile '%s'", what, base, cur);
    snprintf(c->list + used, sizeof(c->list) - used, "%s%s '%s' vs the baseline's '%s'",
             used ? "; " : "", what, cur, base);
    c->count++;
}

int cli_pairing_check(const mg_baseline *b, const char *workload, const mg_profile *p, bool strict,
                      struct cli_notices *n, mg_error *err)
{
    struct pair_ctx c = {n, -1, strict, "", 0};
    const char *bcmd = mg_baseline_string(b, workload, "profiled_command");
    const char *pcmd = mg_profile_command(p);
    char bprog[256], pprog[256], bbuild[64], pbuild[64];

    if (bcmd && pcmd) {
        program_of(bcmd, bprog, sizeof(bprog));
        program_of(pcmd, pprog, sizeof(pprog));
        differ(&c, "program", bprog, pprog);
        if (!strcmp(bprog, pprog))
            differ(&c, "command", bcmd, pcmd);
    }
    differ(&c, "producer", mg_baseline_string(b, workload, "producer"), mg_profile_producer(p));
    differ(&c, "mode", mg_baseline_string(b, workload, "profile_mode"), mg_profile_mode_label(p));
    {
        const char *rec = mg_baseline_string(b, workload, "build_profile");
        const char *cur = mg_build_profile_of(pcmd, pbuild, sizeof(pbuild));
        if (!rec)
            rec = mg_build_profile_of(bcmd, bbuild, sizeof(bbuild));
        differ(&c, "build profile", rec, cur);
    }
    if (strict && c.count)
        return mg_error_set_at(err, MG_E_INPUT, mg_profile_source(p), 0, 0,
                               "does not pair with the baseline (--strict-pairing): %s", c.list);
    return c.count;
}
