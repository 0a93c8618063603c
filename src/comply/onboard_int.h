/* Private to onboard*.c: the plan memgate init works out, applies and renders. */
#ifndef MEMGATE_COMPLY_ONBOARD_INT_H
#define MEMGATE_COMPLY_ONBOARD_INT_H

#include "comply/strlist.h"
#include "memgate/onboard.h"

/* dependency, profile example, [[example]] entry, baseline: room to spare */
#define MAX_STEPS 8

struct mg_onboard_plan {
    mg_onboard_step steps[MAX_STEPS];
    size_t n;
    strlist text; /* owns the steps' strings */
    char *dir;
    const char *package; /* "package 'x' (crates/x/Cargo.toml)" */
    bool write;
    int score;
};

#endif
