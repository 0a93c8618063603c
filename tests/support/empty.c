/* keeps the test-support library non-empty before any helper exists */
int memgate_testsupport_empty;
