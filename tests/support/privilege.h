/*
 * Test support: permission tests as root. Root ignores file permissions only through its
 * capabilities (CAP_DAC_OVERRIDE, CAP_FOWNER, ...); without them uid 0 is checked like any
 * other owner. CI runs as root, so the tests of unwritable directories drop these instead of
 * skipping. Dropping capabilities, not switching to `nobody`, keeps every path readable
 * (a checkout under /root is closed to other users).
 */
#ifndef MEMGATE_TEST_PRIVILEGE_H
#define MEMGATE_TEST_PRIVILEGE_H

/*
 * As root: run every later mg_run_memgate of this test process under
 * `setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --` (in front of any
 * MEMGATE_WRAPPER). Not root: nothing to do.
 */
void mg_unprivileged_children(void);
/* As root: drop every capability of this (test) process for good. Not root: nothing to do. */
void mg_unprivileged_here(void);

#endif
