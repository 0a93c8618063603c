/* Telling a C/C++ project by its build file, and guessing the program its profile step runs. */
#include "comply/cproject.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comply/fsutil.h"
#include "memgate/buf.h"

/* A build file bigger than this is generated, not one to read a target name from. */
#define BUILD_FILE_MAX_BYTES ((size_t)4 << 20)

static unsigned long line_of(const char *text, const char *at)
{
    unsigned long n = 1;
    for (; text < at; text++)
        n += *text == '\n';
    return n;
}

/* Copy a target name (letters, digits, _ . + -) starting at s; false when there is none. */
static bool take_name(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while ((isalnum((unsigned char)s[n]) || strchr("_.+-", s[n])) && s[n] && n + 1 < size)
        n++;
    if (n == 0 || n + 1 >= size)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* Start of a line that is not a # comment, at or after s. */
static bool at_code(const char *text, const char *hit)
{
    const char *p = hit;
    while (p > text && p[-1] != '\n')
        p--;
    while (p < hit && (*p == ' ' || *p == '\t'))
        p++;
    return *p != '#';
}

/* The first argument of the next call WORD( at or after *at on a line that is not a
   comment, or NULL; *at is left on the call. CMake commands are case-insensitive; meson's
   functions are not. */
static const char *next_call_arg(const char *text, const char *word, bool nocase, const char **at)
{
    size_t len = strlen(word);
    const char *s = *at;

    while ((s = nocase ? strcasestr(s, word) : strstr(s, word)) != NULL) {
        const char *q = s + len;
        bool starts = s == text || !(isalnum((unsigned char)s[-1]) || s[-1] == '_');
        while (*q == ' ' || *q == '\t')
            q++;
        if (starts && *q == '(' && at_code(text, s)) {
            q++;
            while (isspace((unsigned char)*q))
                q++;
            *at = s;
            return q;
        }
        s += len;
    }
    return NULL;
}

/* CMake: add_executable(NAME ...); not an ${VAR} name. */
static void cmake_program(cproject *p, const char *text)
{
    const char *at = text;
    const char *arg;
    char name[200];

    for (; (arg = next_call_arg(text, "add_executable", true, &at)) != NULL; at++) {
        if (take_name(arg, name, sizeof(name))) {
            snprintf(p->program, sizeof(p->program), "build/%s", name);
            p->program_line = line_of(text, at);
            return;
        }
    }
}

/* meson: executable('NAME', ...). */
static void meson_program(cproject *p, const char *text)
{
    const char *at = text;
    const char *arg;
    char name[200];

    for (; (arg = next_call_arg(text, "executable", false, &at)) != NULL; at++) {
        if ((*arg == '\'' || *arg == '"') && take_name(arg + 1, name, sizeof(name))) {
            snprintf(p->program, sizeof(p->program), "build/%s", name);
            p->program_line = line_of(text, at);
            return;
        }
    }
}

static bool special_make_target(const char *name)
{
    static const char *const skip[] = {"all",       "clean", "install",   "test", "check",
                                       "distclean", "dist",  "uninstall", NULL};
    size_t i, n = strlen(name);
    for (i = 0; skip[i]; i++)
        if (!strcmp(name, skip[i]))
            return true;
    return name[0] == '.' ||
           (n > 2 && name[n - 2] == '.' && (name[n - 1] == 'o' || name[n - 1] == 'a'));
}

/* make: the first word after `all:`, else the first plain rule target. */
static void make_program(cproject *p, const char *text)
{
    const char *line = text;
    char name[200], first[200] = "";
    unsigned long first_line = 0;

    while (line && *line) {
        const char *nl = strchr(line, '\n'), *colon;
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        /* a rule starts in column 0 with NAME: (not NAME:= nor a recipe line) */
        if (take_name(line, name, sizeof(name)) && (colon = line + strlen(name)) < line + len &&
            colon[0] == ':' && colon[1] != '=' && colon[1] != ':') {
            const char *q = colon + 1;
            char dep[200];
            while (*q == ' ' || *q == '\t')
                q++;
            if (!strcmp(name, "all") && take_name(q, dep, sizeof(dep)) &&
                !special_make_target(dep) && !strchr(dep, '$')) {
                snprintf(p->program, sizeof(p->program), "./%s", dep);
                p->program_line = line_of(text, line);
                return;
            }
            if (!first[0] && !special_make_target(name)) {
                snprintf(first, sizeof(first), "%s", name);
                first_line = line_of(text, line);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (first[0]) {
        snprintf(p->program, sizeof(p->program), "./%s", first);
        p->program_line = first_line;
    }
}

void cproject_detect(cproject *p, const char *dir)
{
    static const struct {
        const char *file;
        enum cproject_kind kind;
    } markers[] = {{"CMakeLists.txt", CPROJECT_CMAKE},
                   {"meson.build", CPROJECT_MESON},
                   {"GNUmakefile", CPROJECT_MAKE},
                   {"makefile", CPROJECT_MAKE},
                   {"Makefile", CPROJECT_MAKE}};
    size_t i;

    memset(p, 0, sizeof(*p));
    for (i = 0; i < sizeof(markers) / sizeof(markers[0]) && !p->kind; i++) {
        char *fs = fs_join(dir, markers[i].file);
        mg_buf text;
        mg_error local;
        if (fs && fs_is_file(fs)) {
            p->kind = markers[i].kind;
            p->marker = markers[i].file;
            mg_buf_init(&text, BUILD_FILE_MAX_BYTES);
            mg_error_init(&local);
            if (mg_buf_read_file(&text, fs, &local) == 0 && text.data) {
                if (p->kind == CPROJECT_CMAKE)
                    cmake_program(p, text.data);
                else if (p->kind == CPROJECT_MESON)
                    meson_program(p, text.data);
                else
                    make_program(p, text.data);
            }
            mg_buf_release(&text);
        }
        free(fs);
    }
}

const char *cproject_kind_name(enum cproject_kind k)
{
    static const char *const names[] = {"none", "cmake", "meson", "make"};
    return names[k];
}

const char *cproject_build_command(const cproject *p)
{
    switch (p->kind) {
    case CPROJECT_CMAKE:
        return "cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build -j2";
    case CPROJECT_MESON:
        return "[ -d build ] || meson setup build --buildtype=debugoptimized; meson compile -C "
               "build";
    case CPROJECT_MAKE:
        return "make";
    default:
        return "";
    }
}
