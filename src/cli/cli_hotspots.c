/* The hotspot options show and check share: skip list, grouping, attribution, test exclusion. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "memgate/config.h"

static int add_skip(struct cli_hotspots *h, const char *prefix, mg_error *err)
{
    if (!*prefix)
        return 0;
    if (h->n == CLI_MAX_SKIP)
        return mg_error_set(err, MG_E_USAGE, "too many frame prefixes to skip (at most %d)",
                            CLI_MAX_SKIP);
    h->skip[h->n++] = prefix;
    return 0;
}

int cli_hotspot_option(int c, const char *arg, struct cli_hotspots *h, mg_load_options *load,
                       mg_error *err)
{
    switch (c) {
    case 'K':
        return add_skip(h, arg, err);
    case 'G':
        if (!strcmp(arg, "function"))
            load->group_by = MG_GROUP_FUNCTION;
        else if (!strcmp(arg, "stack"))
            load->group_by = MG_GROUP_STACK;
        else
            return mg_error_set(err, MG_E_USAGE, "--group-by takes function or stack, not '%s'",
                                arg);
        return 0;
    case 'A':
        if (!strcmp(arg, "skip-alloc"))
            load->attribution = MG_ATTR_SKIP_ALLOC;
        else if (!strcmp(arg, "skip-std"))
            load->attribution = MG_ATTR_SKIP_STD;
        else if (!strcmp(arg, "first-frame"))
            load->attribution = MG_ATTR_FIRST_FRAME;
        else
            return mg_error_set(err, MG_E_USAGE,
                                "--attribution takes skip-alloc, skip-std or first-frame, not '%s'",
                                arg);
        return 0;
    case 'X':
        load->exclude_tests = true;
        return 0;
    }
    return 1;
}

int cli_hotspots_finish(struct cli_hotspots *h, mg_load_options *load, mg_error *err)
{
    const char *env = getenv("MEMGATE_SKIP_FRAMES");
    char *tok, *comma;
    int rc;

    if (env && *env) {
        if (!(h->env = strdup(env)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        for (tok = h->env; tok; tok = comma ? comma + 1 : NULL) {
            if ((comma = strchr(tok, ',')))
                *comma = '\0';
            if ((rc = add_skip(h, tok, err)) < 0)
                return rc;
        }
    }
    load->skip_frames = h->skip;
    load->n_skip_frames = h->n;
    return 0;
}

int cli_hotspots_config(struct cli_hotspots *h, const mg_config *cfg, mg_load_options *load,
                        mg_error *err)
{
    mg_hotspot_settings hs;
    size_t i;
    int rc;
    mg_config_hotspots(cfg, &hs);
    for (i = 0; i < hs.n_skip_frames; i++)
        if ((rc = add_skip(h, hs.skip_frames[i], err)) < 0)
            return rc;
    load->skip_frames = h->skip;
    load->n_skip_frames = h->n;
    return 0;
}

void cli_hotspots_release(struct cli_hotspots *h)
{
    free(h->env);
    h->env = NULL;
}
