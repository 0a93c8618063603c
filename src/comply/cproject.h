/* Private: is DIR a C/C++ project (CMake, meson, make), and how is it built and run? */
#ifndef MEMGATE_COMPLY_CPROJECT_H
#define MEMGATE_COMPLY_CPROJECT_H

#include <stdbool.h>

#include "memgate/error.h"

enum cproject_kind { CPROJECT_NONE, CPROJECT_CMAKE, CPROJECT_MESON, CPROJECT_MAKE };

typedef struct cproject {
    enum cproject_kind kind;
    const char *marker; /* the file that told: "CMakeLists.txt", "meson.build", "Makefile" */
    /* the executable the build makes, as the profile step runs it ("build/app", "./app");
       "" when none was found in the build file */
    char program[256];
    unsigned long program_line; /* where in marker it was found; 0 when not found */
} cproject;

/*
 * Look at dir's top-level build file: CMakeLists.txt first, then meson.build,
 * then Makefile, makefile or GNUmakefile (kind CPROJECT_NONE when there is
 * none). The program is the first add_executable(NAME ...) of CMake, the first
 * executable('NAME', ...) of meson, or for make the first word after `all:`,
 * else the first rule target that is not special (.PHONY, %.o, clean, ...).
 * An unreadable build file only leaves the program unknown.
 */
void cproject_detect(cproject *p, const char *dir);

const char *cproject_kind_name(enum cproject_kind k); /* "cmake", "meson", "make", "none" */

/* The build command a CI step runs from the project directory (optimised, with debug info). */
const char *cproject_build_command(const cproject *p);

#endif
