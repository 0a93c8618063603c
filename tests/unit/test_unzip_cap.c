/*
 * The decompressed-size cap of compressed input (issue 13 #6), at its edge. The real cap is
 * 4 GiB (a minute of CPU to reach); this test compiles src/ingest/unzip.c with a 1 MiB cap
 * (tests/CMakeLists.txt), so the rule itself is checked: exactly the cap is read, one byte
 * more is refused, for gzip and zstd alike.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "ingest/unzip.h"

#define CAP ((size_t)MG_UNZIP_MAX_BYTES)

/* n bytes of text, gzip-compressed; malloc'd, *len set. */
static char *gzip_of(size_t n, size_t *len)
{
    char *plain = malloc(n), *out = malloc(n + 1024);
    z_stream zs;
    memset(plain, 'a', n);
    memset(&zs, 0, sizeof(zs));
    cr_assert_eq(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)plain;
    zs.avail_in = (uInt)n;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)(n + 1024);
    cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *len = zs.total_out;
    deflateEnd(&zs);
    free(plain);
    return out;
}

static char *zstd_of(size_t n, size_t *len)
{
    char *plain = malloc(n), *out = malloc(ZSTD_compressBound(n));
    memset(plain, 'a', n);
    *len = ZSTD_compress(out, ZSTD_compressBound(n), plain, n, 19);
    cr_assert(!ZSTD_isError(*len));
    free(plain);
    return out;
}

/* Decompress through mg_unzip_open as the loader does (4 bytes of head already read); returns
   the bytes read, *why the failure or NULL. */
static size_t read_all(const char *data, size_t len, char *why, size_t why_size)
{
    FILE *in = fmemopen((void *)(data + 4), len - 4, "r");
    struct mg_unzip *u = NULL;
    FILE *f;
    char buf[65536];
    size_t total = 0, got;
    cr_assert_not_null(in);
    f = mg_unzip_open(in, data, 4, &u);
    cr_assert_not_null(f);
    while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
        total += got;
    snprintf(why, why_size, "%s", mg_unzip_failure(u) ? mg_unzip_failure(u) : "");
    fclose(f);
    fclose(in);
    return total;
}

static void at_the_cap(char *(*compress)(size_t, size_t *))
{
    size_t len, got;
    char *z = compress(CAP, &len), why[128];
    got = read_all(z, len, why, sizeof(why));
    cr_expect_eq(got, CAP, "exactly the cap is read");
    cr_expect_str_eq(why, "");
    free(z);
    z = compress(CAP + 1, &len);
    got = read_all(z, len, why, sizeof(why));
    cr_expect_leq(got, CAP, "not one byte past the cap");
    cr_expect_str_eq(why, "decompressed data larger than the limit of 1 MiB");
    free(z);
}

Test(unzip_cap, gzip_is_read_up_to_the_cap_and_refused_past_it)
{
    at_the_cap(gzip_of);
}

Test(unzip_cap, zstd_is_read_up_to_the_cap_and_refused_past_it)
{
    at_the_cap(zstd_of);
}
