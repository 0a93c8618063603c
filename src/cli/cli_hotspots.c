/* The hotspot options show and check share: skip list, grouping, attribution, test exclusion. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "memgate/config.h"
#include "memgate/stacks.h"

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

static int add_own(struct cli_hotspots *h, const char *name, mg_error *err)
{
    if (!*name)
        return mg_error_set(err, MG_E_USAGE, "--own-crate takes a crate name");
    if (h->n_own == CLI_MAX_SKIP)
        return mg_error_set(err, MG_E_USAGE, "too many own crates (at most %d)", CLI_MAX_SKIP);
    h->own[h->n_own++] = name;
    return 0;
}

int cli_hotspot_option(int c, const char *arg, struct cli_hotspots *h, mg_load_options *load,
                       mg_error *err)
{
    int rc = 0;
    switch (c) {
    case 'K':
        rc = add_skip(h, arg, err);
        break;
    case 'G':
        if (!strcmp(arg, "function"))
            load->group_by = MG_GROUP_FUNCTION;
        else if (!strcmp(arg, "stack"))
            load->group_by = MG_GROUP_STACK;
        else if (!strcmp(arg, "crate") || !strcmp(arg, "library"))
            load->group_by = MG_GROUP_CRATE;
        else
            return mg_error_set(err, MG_E_USAGE,
                                "--group-by takes function, stack or crate, not '%s'", arg);
        break;
    case 'A':
        if (!mg_attribution_from_name(arg, &load->attribution))
            return mg_error_set(err, MG_E_USAGE,
                                "--attribution takes own, skip-std, alloc-site or first-frame, "
                                "not '%s'",
                                arg);
        h->attribution_set = true;
        break;
    case 'O':
        rc = add_own(h, arg, err);
        break;
    case 'X':
        load->exclude_tests = true;
        break;
    default:
        return 0;
    }
    return rc < 0 ? rc : 1;
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
    load->own_crates = h->own;
    load->n_own_crates = h->n_own;
    return 0;
}

int cli_hotspots_config(struct cli_hotspots *h, const mg_config *cfg, mg_load_options *load,
                        mg_error *err)
{
    mg_hotspot_settings hs;
    size_t i;
    int rc;
    bool flags_own = h->n_own > 0;
    mg_config_hotspots(cfg, &hs);
    for (i = 0; i < hs.n_skip_frames; i++)
        if ((rc = add_skip(h, hs.skip_frames[i], err)) < 0)
            return rc;
    /* --own-crate on the command line replaces the file's list */
    for (i = 0; !flags_own && i < hs.n_own_crates; i++)
        if ((rc = add_own(h, hs.own_crates[i], err)) < 0)
            return rc;
    if (hs.has_attribution && !h->attribution_set)
        load->attribution = hs.attribution;
    load->skip_frames = h->skip;
    load->n_skip_frames = h->n;
    load->own_crates = h->own;
    load->n_own_crates = h->n_own;
    return 0;
}

void cli_hotspots_release(struct cli_hotspots *h)
{
    free(h->env);
    h->env = NULL;
}
