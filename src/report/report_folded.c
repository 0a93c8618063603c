/*
 * Folded (collapsed) stacks: "outer;...;inner WEIGHT" per stack, the text
 * flamegraph.pl, inferno and speedscope read. Lines sum exactly to the
 * profile's total for the weight: what the bounded store dropped is one line.
 */
#include <stdio.h>
#include <string.h>

#include "memgate/report.h"
#include "memgate/stacks.h"
#include "report_int.h"

/* A frame's label with the format's separators (';', ' ' before the count, newlines) made safe. */
static int put_label(mg_buf *b, const mg_frame *f, mg_error *err)
{
    char label[1200];
    size_t i;
    mg_frame_label(f, label, sizeof(label));
    for (i = 0; label[i]; i++)
        if (label[i] == ';' || label[i] == '\n' || label[i] == '\r')
            label[i] = ':';
    return mg_buf_printf(b, err, "%s", label);
}

int mg_report_folded(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    const mg_stacks *s = mg_profile_stacks(in->profile);
    int w = in->flame_weight >= 0 && in->flame_weight < MG_W_COUNT_ ? in->flame_weight : MG_W_TOTAL;
    uint64_t dropped[MG_W_COUNT_], n_dropped;
    size_t i, k;
    int rc = 0;
    if (!s || !mg_stacks_count(s))
        return mg_error_set(err, MG_E_USAGE,
                            "%s records no stacks: --format folded needs a format with stacks "
                            "(dhat JSON, heaptrack, massif, pprof)",
                            mg_profile_format(in->profile));
    for (i = 0; rc == 0 && i < mg_stacks_count(s); i++) {
        mg_stack st;
        mg_stacks_get(s, i, &st);
        if (!st.w[w])
            continue;
        if (!st.depth)
            rc = mg_buf_printf(out, err, "[root]");
        for (k = st.depth; rc == 0 && k-- > 0;) {
            mg_frame f;
            mg_stacks_frame(s, st.frames[k], &f);
            if (k + 1 < st.depth)
                rc = mg_buf_printf(out, err, ";");
            if (rc == 0)
                rc = put_label(out, &f, err);
        }
        if (rc == 0)
            rc = mg_buf_printf(out, err, " %llu\n", (unsigned long long)st.w[w]);
    }
    n_dropped = mg_stacks_dropped(s, dropped);
    if (rc == 0 && dropped[w])
        rc = mg_buf_printf(out, err, "[%llu lighter stacks not kept] %llu\n",
                           (unsigned long long)n_dropped, (unsigned long long)dropped[w]);
    return rc;
}
