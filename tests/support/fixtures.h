/* Test support: the fixtures CLI tests share (a temporary directory to run memgate in). */
#ifndef MEMGATE_TEST_FIXTURES_H
#define MEMGATE_TEST_FIXTURES_H

/*
 * A fresh temporary directory (mg_tempdir: removed when the test process
 * exits) made the current directory; a TestSuite's .init. Asserts on failure.
 */
void mg_enter_tempdir(void);
/* A TestSuite's .fini: forgets the path (the directory itself goes at exit). */
void mg_leave_tempdir(void);
/* The directory mg_enter_tempdir made (NULL before). */
const char *mg_workdir(void);

#endif
