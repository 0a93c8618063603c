/* Private: the profiling CI steps and .pmat.yaml that memgate init writes for a C/C++ project. */
#ifndef MEMGATE_COMPLY_CISTEPS_H
#define MEMGATE_COMPLY_CISTEPS_H

#include "comply/cproject.h"
#include "memgate/buf.h"
#include "memgate/comply.h"
#include "memgate/error.h"

typedef struct cisteps {
    enum mg_cb141_profiler profiler; /* MG_CB141_DHAT (Valgrind DHAT) or MG_CB141_HEAPTRACK */
    const cproject *proj;
    const char *build;         /* shell command run from the project directory */
    const char *run;           /* the workload: program and arguments */
    const char *baseline_path; /* as .pmat.yaml names it */
} cisteps;

/* The profile the step writes: "dhat-heap.json" or "memgate.heaptrack.zst". */
const char *cisteps_output(enum mg_cb141_profiler profiler);
/* The profiling command: "valgrind --tool=dhat --dhat-out-file=dhat-heap.json RUN" (appended). */
int cisteps_profile_command(const cisteps *s, mg_buf *out, mg_error *err);

/* .github/workflows/memgate.yml: build, profile, then memgate's action gates it. */
int cisteps_github(const cisteps *s, mg_buf *out, mg_error *err);
/* .gitlab/memgate.gitlab-ci.yml: a profile job, then memgate's template job. */
int cisteps_gitlab(const cisteps *s, mg_buf *out, mg_error *err);
/* .pmat.yaml: the CB-141 settings and a memgate: section with the default limits. */
int cisteps_pmat_yaml(const cisteps *s, mg_buf *out, mg_error *err);

#endif
