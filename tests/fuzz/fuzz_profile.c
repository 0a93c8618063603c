/*
 * Fuzz detection by content over every registered format, both ways a file is
 * read: mg_profile_parse on the bytes, and mg_profile_load on a file holding
 * them (the streaming path for formats that have one, the whole-file path for
 * the rest). The two must agree. New formats are covered as they register.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

static int write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t w = write(fd, data, size);
        if (w <= 0)
            return -1;
        data += w;
        size -= (size_t)w;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const mg_load_options opts = {.top_n = 5};
    char path[64];
    mg_profile *a = NULL, *b = NULL;
    mg_error e1, e2;
    int fd, r1, r2;

    fd = memfd_create("memgate-fuzz", 0);
    FUZZ_CHECK(fd >= 0 && write_all(fd, data, size) == 0, "memfd");
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    mg_error_init(&e1);
    mg_error_init(&e2);
    r1 = mg_profile_parse(&a, (const char *)data, size, path, &opts, &e1);
    r2 = mg_profile_load(&b, path, &opts, &e2);
    close(fd);
    if (r1 < 0)
        fuzz_check_error(&e1, r1, path);
    if (r2 < 0)
        fuzz_check_error(&e2, r2, path);
    FUZZ_CHECK((r1 < 0) == (r2 < 0), "parse rc %d ('%s') vs load rc %d ('%s')", r1, e1.msg, r2,
               e2.msg);
    if (r1 < 0) {
        fuzz_same_error(&e1, &e2);
    } else {
        FUZZ_CHECK(strcmp(mg_profile_format(a), mg_profile_format(b)) == 0, "format %s vs %s",
                   mg_profile_format(a), mg_profile_format(b));
        fuzz_same_profile(a, b);
        fuzz_check_profile_strings(a);
    }
    mg_profile_free(a);
    mg_profile_free(b);
    return 0;
}
