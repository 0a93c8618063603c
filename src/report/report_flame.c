/* --format flamegraph for show, diff and check: which stacks go on which side. */
#include <stdio.h>
#include <string.h>

#include "memgate/flame.h"
#include "memgate/report.h"

static const char *weight_label(enum mg_weight w)
{
    return w == MG_W_PEAK    ? "bytes live at the peak"
           : w == MG_W_COUNT ? "allocations"
                             : "total bytes allocated";
}

/* The file name without its directories: titles stay short, hover titles keep nothing else. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

static void attr_options(const mg_report_input *in, mg_attr_options *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = in->load ? in->load->attribution : MG_ATTR_OWN;
    if (in->load) {
        o->own_crates = in->load->own_crates;
        o->n_own_crates = in->load->n_own_crates;
        o->skip_frames = in->load->skip_frames;
        o->n_skip_frames = in->load->n_skip_frames;
    }
}

/* Fill the before side: the baseline's stacks, or a second profile. */
static int before_side(mg_flame *f, const mg_report_input *in, const mg_attr_options *ao, bool *cut,
                       char *what, size_t size, mg_error *err)
{
    *cut = false;
    if (!strcmp(in->command, "check") && in->base_stacks && in->base_stacks->present &&
        !in->before_profile) {
        /* stored stacks end at the attributed frame: the profile is cut alike to match */
        *cut = true;
        snprintf(what, size, "the stacks of baseline %s",
                 in->baseline_path ? base_name(in->baseline_path) : "");
        return mg_flame_add_stored(f, MG_FLAME_BEFORE, in->base_stacks, ao, err);
    }
    if (!in->before_profile)
        return mg_error_set(err, MG_E_USAGE,
                            "check --format flamegraph needs stacks to compare with: the "
                            "baseline records none (update-baseline records them), so give "
                            "--compare-profile PROFILE");
    snprintf(what, size, "%s", base_name(mg_profile_source(in->before_profile)));
    return mg_flame_add_profile(f, MG_FLAME_BEFORE, in->before_profile, ao, false, err);
}

int mg_report_flamegraph(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    enum mg_weight w = (enum mg_weight)in->flame_weight;
    bool differential = strcmp(in->command, "show") != 0, cut = false;
    mg_flame_svg_options so = {0};
    mg_attr_options ao;
    mg_flame *f = NULL;
    char title[600], subtitle[1200], before[520] = "";
    int rc;

    attr_options(in, &ao);
    rc = mg_flame_new(&f, w, err);
    if (rc == 0 && differential)
        rc = before_side(f, in, &ao, &cut, before, sizeof(before), err);
    if (rc == 0)
        rc = mg_flame_add_profile(f, MG_FLAME_AFTER, in->profile, &ao, cut, err);
    snprintf(title, sizeof(title), "memgate: %s%s, %s", differential ? "what changed in " : "",
             base_name(mg_profile_source(in->profile)), weight_label(w));
    snprintf(subtitle, sizeof(subtitle), "%s%s%sframes: own code highlighted, runtime muted (%s)",
             differential ? "before: " : "", before, differential ? "; " : "",
             mg_attribution_name(ao.mode));
    so.title = title;
    so.subtitle = subtitle;
    so.differential = differential;
    if (rc == 0)
        rc = mg_flame_svg(out, f, &so, err);
    mg_flame_free(f);
    return rc;
}
