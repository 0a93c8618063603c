/* check's stack comparison: one attribution rule for both runs, then blame and culprits. */
#include "cli_blame.h"

#include <stdio.h>
#include <string.h>

#include "memgate/stacks.h"

mg_attr_options cli_attr_options(const mg_load_options *load)
{
    mg_attr_options o;
    memset(&o, 0, sizeof(o));
    if (!load)
        return o;
    o.mode = load->attribution;
    o.own_crates = load->own_crates;
    o.n_own_crates = load->n_own_crates;
    o.skip_frames = load->skip_frames;
    o.n_skip_frames = load->n_skip_frames;
    o.by_library = load->group_by == MG_GROUP_CRATE;
    return o;
}

int cli_blame_load(struct cli_blame *bl, const mg_baseline *b, const char *workload, mg_error *err)
{
    return mg_baseline_stacks(b, workload, &bl->base, err);
}

int cli_blame_run(struct cli_blame *bl, const mg_profile *p, const mg_load_options *load,
                  const mg_hsdiff_options *opts, const mg_verdict *v, mg_error *err)
{
    const char *now = mg_attribution_name(load->attribution);
    mg_attr_options o = cli_attr_options(load);
    int rc;

    /* the stored stacks keep the frames attribution rules pick, not every library frame:
       grouped by library they would not match the profile's; functions do */
    o.by_library = false;

    if (!mg_profile_stacks(p)) {
        mg_blame_culprits(NULL, MG_CULPRIT_NO_STACKS, v, &bl->culprits);
        return 0;
    }
    if (!bl->base.present) {
        /* one line, never a list of bogus appeared/gone rows from names attributed otherwise */
        snprintf(bl->note, sizeof(bl->note),
                 "not compared: the baseline holds no stacks (recorded by an older memgate); "
                 "update-baseline records them");
        mg_blame_culprits(NULL, MG_CULPRIT_NO_BASE_STACKS, v, &bl->culprits);
        return 0;
    }
    if ((rc = mg_blame_from_stacks(&bl->blame, p, &bl->base, &o, err)) < 0)
        return rc;
    bl->have_blame = true;
    if (bl->base.attribution && strcmp(bl->base.attribution, now))
        snprintf(bl->note, sizeof(bl->note),
                 "the baseline was recorded with attribution %.40s; its stacks were "
                 "re-attributed with %s",
                 bl->base.attribution, now);
    else if (load->group_by == MG_GROUP_CRATE)
        snprintf(bl->note, sizeof(bl->note),
                 "changes against the baseline are by function: its stored stacks keep the "
                 "frames attribution needs, not every library frame (diff compares libraries)");
    if ((rc = mg_blame_changes(&bl->blame, opts, &bl->changes, err)) < 0)
        return rc;
    bl->have_changes = true;
    mg_blame_culprits(&bl->blame, MG_CULPRIT_NO_STACKS, v, &bl->culprits);
    return 0;
}

int cli_blame_profiles(struct cli_blame *bl, const mg_profile *before, const mg_profile *after,
                       const mg_load_options *load, const mg_hsdiff_options *opts,
                       const mg_verdict *v, mg_error *err)
{
    mg_attr_options o = cli_attr_options(load);
    int rc;
    if (!mg_profile_stacks(before) || !mg_profile_stacks(after)) {
        mg_blame_culprits(NULL, MG_CULPRIT_NO_STACKS, v, &bl->culprits);
        return 0;
    }
    if ((rc = mg_blame_between(&bl->blame, before, after, &o, err)) < 0)
        return rc;
    bl->have_blame = true;
    if ((rc = mg_blame_changes(&bl->blame, opts, &bl->changes, err)) < 0)
        return rc;
    bl->have_changes = true;
    mg_blame_culprits(&bl->blame, MG_CULPRIT_NO_STACKS, v, &bl->culprits);
    return 0;
}

void cli_blame_release(struct cli_blame *bl)
{
    mg_stored_stacks_release(&bl->base);
    mg_blame_release(&bl->blame);
    mg_hsdiff_release(&bl->changes);
    memset(bl, 0, sizeof(*bl));
}
