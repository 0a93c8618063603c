/* Test support: assert every part of an mg_error at once, as jansson's check_error does. */
#ifndef MEMGATE_TEST_CHECK_ERROR_H
#define MEMGATE_TEST_CHECK_ERROR_H

#include <criterion/criterion.h>
#include <string.h>

#include "memgate/error.h"
#include "memgate/profile.h"

/*
 * A macro rather than a function so that a failure points at the test line.
 * `fragment` must occur in the message; source, line and column must match
 * exactly (line/column 0 = "not known").
 */
#define check_error(e, want_code, fragment, want_source, want_line, want_col)                      \
    do {                                                                                           \
        const mg_error *ce_ = (e);                                                                 \
        cr_expect_eq(ce_->code, (want_code), "code %d, expected %d (%s)", (int)ce_->code,          \
                     (int)(want_code), ce_->msg);                                                  \
        cr_expect(strstr(ce_->msg, (fragment)) != NULL, "message '%s' lacks '%s'", ce_->msg,       \
                  (fragment));                                                                     \
        cr_expect_str_eq(ce_->source, (want_source), "source '%s', expected '%s' (%s)",            \
                         ce_->source, (want_source), ce_->msg);                                    \
        cr_expect_eq(ce_->line, (unsigned long)(want_line), "line %lu, expected %lu (%s)",         \
                     ce_->line, (unsigned long)(want_line), ce_->msg);                             \
        cr_expect_eq(ce_->column, (unsigned long)(want_col), "column %lu, expected %lu (%s)",      \
                     ce_->column, (unsigned long)(want_col), ce_->msg);                            \
    } while (0)

/*
 * mg_profile_parse must fail on text (len bytes, named source in messages)
 * with want_code, fragment and position, and leave *out NULL.
 */
#define check_profile_error(text, len, source, opts, want_code, fragment, line, col)               \
    do {                                                                                           \
        mg_profile *pe_ = (mg_profile *)1;                                                         \
        mg_error pee_;                                                                             \
        mg_error_init(&pee_);                                                                      \
        cr_expect_eq(mg_profile_parse(&pe_, (text), (len), (source), (opts), &pee_),               \
                     -(int)(want_code), "%s", pee_.msg);                                           \
        cr_expect_null(pe_);                                                                       \
        check_error(&pee_, want_code, fragment, source, line, col);                                \
    } while (0)

/* A metric the profile must have (the test stops when it is absent). */
static inline uint64_t present_metric(const mg_profile *p, enum mg_metric m)
{
    const mg_metrics *x = mg_profile_metrics(p);
    cr_assert(x->present[m], "%s absent", mg_metric_name(m));
    return x->value[m];
}

#endif
