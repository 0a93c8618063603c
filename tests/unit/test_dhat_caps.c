/*
 * The dhat frame-name cap (issue 13 #6) at a size a test can reach: this test compiles
 * src/ingest/parse_dhat_json.c with a 32 KiB cap instead of 256 MiB (tests/CMakeLists.txt).
 * Found by fuzz_profile with the fuzz build's lowered cap: when reading the frame table ahead
 * from the end of a file failed, the names it had read were counted again in order.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memgate/profile.h"
#include "run.h"

/* A dhat JSON with `frames` frame names of about 1000 bytes each, one a line; the table is the
   last member, or followed by the program points. */
static char *dhat(unsigned frames, bool ftbl_last)
{
    size_t cap = 64 + (size_t)frames * 1100 + 1024, n = 0;
    char *s = malloc(cap);
    const char *pps = "\"pps\":[{\"tb\":8,\"tbk\":1,\"tl\":0,\"mb\":8,\"mbk\":1,\"gb\":8,\"gbk\":1,"
                      "\"eb\":0,\"ebk\":0,\"fs\":[1]}]";
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"dhatFileVersion\":2,\"mode\":\"rust-heap\",\"verb\":\"Allocated\","
                          "\"bklt\":true,\"bkacc\":false,\"tu\":\"instrs\",\"Mtu\":\"instr\","
                          "\"tuth\":10,\"cmd\":\"caps\",\"pid\":1,\"te\":1,\"tg\":1,\n%s%s",
                          ftbl_last ? pps : "", ftbl_last ? ",\n" : "");
    n += (size_t)snprintf(s + n, cap - n, "\"ftbl\":[\"[root]\"");
    for (unsigned i = 1; i < frames; i++)
        n += (size_t)snprintf(s + n, cap - n, ",\n\"0x%x: f%0990u (src/lib.rs:1:1)\"", i, i);
    n += (size_t)snprintf(s + n, cap - n, "]%s%s}\n", ftbl_last ? "" : ",\n", ftbl_last ? "" : pps);
    return s;
}

static char *in_file(const char *text)
{
    char *dir = mg_tempdir(), *path;
    cr_assert(asprintf(&path, "%s/dhat.json", dir) > 0);
    cr_assert_eq(mg_spit(path, text), 0);
    free(dir);
    return path;
}

/* 20 names of ~1000 bytes fit the 32 KiB cap; the table is read ahead, found not to be the
   last member, and read again in order: counted once. */
Test(dhat_caps, frame_names_read_ahead_are_not_counted_twice)
{
    static const mg_load_options opts = {.top_n = 5};
    char *text = dhat(20, false), *path = in_file(text);
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_profile_load(&p, path, &opts, &err), 0, "%s", err.msg);
    mg_profile_free(p);
    mg_error_init(&err);
    cr_expect_eq(mg_profile_parse(&p, text, strlen(text), path, &opts, &err), 0, "%s", err.msg);
    mg_profile_free(p);
    free(text);
    free(path);
}

/* 40 names pass the cap: the same error at the same line from memory and from a file (read
   ahead, where that fails, then in order). */
Test(dhat_caps, the_cap_is_reported_at_the_same_frame_from_memory_and_from_a_file)
{
    static const mg_load_options opts = {.top_n = 5};
    for (int last = 0; last < 2; last++) {
        char *text = dhat(40, last), *path = in_file(text);
        mg_profile *a = NULL, *b = NULL;
        mg_error e1, e2;
        mg_error_init(&e1);
        mg_error_init(&e2);
        cr_expect_eq(mg_profile_parse(&a, text, strlen(text), path, &opts, &e1), -MG_E_INPUT);
        cr_expect_eq(mg_profile_load(&b, path, &opts, &e2), -MG_E_INPUT);
        cr_expect(strstr(e1.msg, "the frame names in 'ftbl' add up to more than") != NULL, "%s",
                  e1.msg);
        cr_expect_str_eq(e2.msg, e1.msg);
        /* 32 KiB of ~1000-byte names: passed by the 33rd name, on line 2 + 33 of the file
           (one more when the program points come first) */
        cr_expect_eq(e1.line, 35ul + (unsigned long)last, "memory: line %lu", e1.line);
        cr_expect_eq(e2.line, e1.line, "file: line %lu, memory: line %lu", e2.line, e1.line);
        mg_profile_free(a);
        mg_profile_free(b);
        free(text);
        free(path);
    }
}
