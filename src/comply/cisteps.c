/*
 * The files memgate init writes for a C/C++ project (docs/c-cpp.md). The commands go into YAML
 * block scalars (run: |), so a workload with quotes, colons or # needs no YAML escaping.
 */
#include "comply/cisteps.h"

#include <string.h>

static const char *profiler_name(enum mg_cb141_profiler p)
{
    return p == MG_CB141_HEAPTRACK ? "heaptrack" : "Valgrind DHAT";
}

const char *cisteps_output(enum mg_cb141_profiler profiler)
{
    /* heaptrack appends the compression suffix to --output; Debian's build uses zstd */
    return profiler == MG_CB141_HEAPTRACK ? "memgate.heaptrack.zst" : "dhat-heap.json";
}

int cisteps_profile_command(const cisteps *s, mg_buf *out, mg_error *err)
{
    if (s->profiler == MG_CB141_HEAPTRACK)
        return mg_buf_printf(out, err, "heaptrack --output memgate.heaptrack %s", s->run);
    return mg_buf_printf(out, err, "valgrind --tool=dhat --dhat-out-file=%s %s",
                         cisteps_output(s->profiler), s->run);
}

/* The command as a block scalar: the key line, then each line indented. */
static int block(mg_buf *out, mg_error *err, const char *key_line, const char *indent,
                 const char *cmd)
{
    const char *line = cmd, *nl;
    int rc = mg_buf_printf(out, err, "%s|\n", key_line);

    while (rc == 0 && line && *line) {
        nl = strchr(line, '\n');
        rc = mg_buf_printf(out, err, "%s%.*s\n", indent,
                           (int)(nl ? (size_t)(nl - line) : strlen(line)), line);
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

static int header(const cisteps *s, mg_buf *out, mg_error *err)
{
    return mg_buf_printf(out, err,
                         "# Heap profile of the workload under %s, gated by memgate against the\n"
                         "# reviewed baseline %s (docs/c-cpp.md).\n"
                         "# Written by memgate init: the build and profile steps are yours to "
                         "edit.\n",
                         profiler_name(s->profiler), s->baseline_path);
}

/* Debian/Ubuntu packages the profile job needs besides what the runner image has. */
static const char *packages(const cisteps *s, bool full)
{
    bool ht = s->profiler == MG_CB141_HEAPTRACK;
    switch (s->proj->kind) {
    case CPROJECT_CMAKE:
        return full ? (ht ? "build-essential cmake heaptrack" : "build-essential cmake valgrind")
                    : (ht ? "heaptrack" : "valgrind");
    case CPROJECT_MESON:
        return full ? (ht ? "build-essential meson ninja-build heaptrack"
                          : "build-essential meson ninja-build valgrind")
                    : (ht ? "meson ninja-build heaptrack" : "meson ninja-build valgrind");
    default:
        return full ? (ht ? "build-essential heaptrack" : "build-essential valgrind")
                    : (ht ? "heaptrack" : "valgrind");
    }
}

int cisteps_github(const cisteps *s, mg_buf *out, mg_error *err)
{
    mg_buf cmd;
    int rc;

    mg_buf_init(&cmd, 0);
    rc = cisteps_profile_command(s, &cmd, err);
    if (rc == 0)
        rc = header(s, out, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err,
                           "name: memory\n"
                           "on: [pull_request]\n"
                           "permissions:\n"
                           "  contents: read\n"
                           "  pull-requests: write   # sticky comment\n"
                           "  issues: write          # GitHub accepts either scope for PR "
                           "comments\n"
                           "  statuses: write        # memgate/WORKLOAD on the PR head\n"
                           "jobs:\n"
                           "  memgate:\n"
                           "    runs-on: ubuntu-latest\n"
                           "    steps:\n"
                           "      - uses: actions/checkout@v4\n"
                           "      - name: install the profiler\n"
                           "        run: sudo apt-get update -qq && sudo apt-get install -y -qq "
                           "%s\n",
                           packages(s, false));
    if (rc == 0)
        rc = block(out, err, "      - name: build\n        run: ", "          ", s->build);
    if (rc == 0)
        rc = block(out, err, "      - name: profile\n        run: ", "          ", cmd.data);
    if (rc == 0)
        rc = mg_buf_printf(out, err,
                           "      - uses: your-org/memgate@main   # memgate's action.yml "
                           "(docs/posting.md)\n"
                           "        id: memgate\n"
                           "        with:\n"
                           "          profile: %s\n"
                           "          baseline: %s\n",
                           cisteps_output(s->profiler), s->baseline_path);
    mg_buf_release(&cmd);
    return rc;
}

int cisteps_gitlab(const cisteps *s, mg_buf *out, mg_error *err)
{
    mg_buf cmd;
    int rc;

    mg_buf_init(&cmd, 0);
    rc = cisteps_profile_command(s, &cmd, err);
    if (rc == 0)
        rc = header(s, out, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err,
                           "include:\n"
                           "  - project: 'your-group/memgate'   # memgate's template "
                           "(docs/posting.md)\n"
                           "    ref: main\n"
                           "    file: 'ci/gitlab/memgate.gitlab-ci.yml'\n"
                           "\n"
                           "memgate-profile:\n"
                           "  stage: test\n"
                           "  image: debian:bookworm       # or your build image\n"
                           "  before_script:\n"
                           "    - apt-get update -qq && apt-get install -y -qq %s\n"
                           "  script:\n",
                           packages(s, true));
    if (rc == 0)
        rc = block(out, err, "    - ", "      ", s->build);
    if (rc == 0)
        rc = block(out, err, "    - ", "      ", cmd.data);
    if (rc == 0)
        rc = mg_buf_printf(out, err,
                           "  artifacts:\n"
                           "    paths: [%s]\n"
                           "\n"
                           "memgate:\n"
                           "  extends: .memgate\n"
                           "  needs: [memgate-profile]\n"
                           "  variables:\n"
                           "    MEMGATE_PROFILE: %s\n"
                           "    MEMGATE_BASELINE: %s\n",
                           cisteps_output(s->profiler), cisteps_output(s->profiler),
                           s->baseline_path);
    mg_buf_release(&cmd);
    return rc;
}

int cisteps_pmat_yaml(const cisteps *s, mg_buf *out, mg_error *err)
{
    return mg_buf_printf(
        out, err,
        "# memgate's settings (docs/configuration.md; this project: docs/c-cpp.md)\n"
        "comply:\n"
        "  checks:\n"
        "    cb-141:\n"
        "      options:\n"
        "        profiler: %s   # dhat: Valgrind DHAT; heaptrack: heaptrack\n"
        "        baseline_path: %s\n"
        "\n"
        "memgate:\n"
        "  missing_baseline: fail      # no baseline is an error: memgate init --record "
        "writes one\n"
        "  limits:                     # the built-in defaults, here to tighten or loosen\n"
        "    total: \"+2%%&+4KiB\"\n"
        "    count: \"+2%%&+16\"\n"
        "    peak: \"+10%%&+64KiB\"\n",
        s->profiler == MG_CB141_HEAPTRACK ? "heaptrack" : "dhat", s->baseline_path);
}
