/* Private: text safe for XML 1.0 (JUnit, SVG). */
#ifndef MEMGATE_REPORT_XML_H
#define MEMGATE_REPORT_XML_H

#include "memgate/buf.h"

/*
 * Append s escaped for XML text and attribute values: & < > " ' as entities,
 * invalid UTF-8 (Valgrind paths) and control bytes XML 1.0 forbids as '?'.
 */
int rep_xml(mg_buf *b, const char *s, mg_error *err);

#endif
