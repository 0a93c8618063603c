/*
 * Transparent gzip / zstd input (heaptrack writes .gz or .zst): a FILE that
 * yields the decompressed bytes, so every parser reads plain text.
 */
#include "ingest/unzip.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>
#include <zstd.h>

enum { ZIN = 1 << 16 };

/*
 * Decompressed bytes read at most: a few hundred KB of zstd can expand without end,
 * and the streaming readers would spend minutes of CPU on it. Real heaptrack and dhat
 * files stay far below (docs/reliability.md). Fuzz builds lower it.
 */
#ifndef MG_UNZIP_MAX_BYTES
#define MG_UNZIP_MAX_BYTES ((uint64_t)4 << 30)
#endif

struct mg_unzip {
    FILE *in;
    const char *head; /* compressed bytes already read */
    size_t head_len, head_pos;
    bool zstd, in_eof, done, failed, frame_open;
    z_stream zs;
    ZSTD_DStream *zd;
    unsigned char buf[ZIN];
    size_t buf_len, buf_pos;
    uint64_t total; /* decompressed bytes handed out */
    char why[96];
};

bool mg_unzip_is_gzip(const char *h, size_t n)
{
    return n >= 2 && (unsigned char)h[0] == 0x1f && (unsigned char)h[1] == 0x8b;
}

bool mg_unzip_is_zstd(const char *h, size_t n)
{
    return n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4);
}

/* Make compressed input available in buf; false at its end. */
static bool unzip_input(struct mg_unzip *u)
{
    if (u->buf_pos < u->buf_len)
        return true;
    u->buf_pos = 0;
    if (u->head_pos < u->head_len) {
        u->buf_len = u->head_len - u->head_pos < ZIN ? u->head_len - u->head_pos : ZIN;
        memcpy(u->buf, u->head + u->head_pos, u->buf_len);
        u->head_pos += u->buf_len;
        return true;
    }
    u->buf_len = u->in_eof ? 0 : fread(u->buf, 1, ZIN, u->in);
    if (u->buf_len == 0)
        u->in_eof = true;
    return u->buf_len > 0;
}

static ssize_t unzip_fail(struct mg_unzip *u, const char *why)
{
    u->failed = true;
    snprintf(u->why, sizeof(u->why), "%s", why);
    errno = EIO;
    return -1;
}

static ssize_t unzip_read(void *cookie, char *out, size_t size)
{
    struct mg_unzip *u = cookie;
    size_t got = 0;

    while (got < size && !u->done) {
        bool more = unzip_input(u);
        if (u->zstd) {
            ZSTD_inBuffer ib = {u->buf, u->buf_len, u->buf_pos};
            ZSTD_outBuffer ob = {out + got, size - got, 0};
            size_t r = ZSTD_decompressStream(u->zd, &ob, &ib);
            if (ZSTD_isError(r))
                return unzip_fail(u, ZSTD_getErrorName(r));
            u->buf_pos = ib.pos;
            got += ob.pos;
            if (ib.pos || ob.pos)
                u->frame_open = r != 0; /* 0: a frame ended and was flushed */
            if (!more && ob.pos == 0) {
                if (u->frame_open)
                    return unzip_fail(u, "truncated zstd data");
                u->done = true;
            }
        } else {
            int r;
            u->zs.next_in = u->buf + u->buf_pos;
            u->zs.avail_in = (uInt)(u->buf_len - u->buf_pos);
            u->zs.next_out = (Bytef *)out + got;
            u->zs.avail_out = (uInt)(size - got > (1u << 30) ? (1u << 30) : size - got);
            r = inflate(&u->zs, Z_NO_FLUSH);
            got = (size_t)((char *)u->zs.next_out - out);
            u->buf_pos = u->buf_len - u->zs.avail_in;
            if (r == Z_STREAM_END) {
                /* concatenated gzip members continue the stream */
                if (unzip_input(u))
                    inflateReset(&u->zs);
                else
                    u->done = true;
            } else if (r != Z_OK && r != Z_BUF_ERROR) {
                return unzip_fail(u, u->zs.msg ? u->zs.msg : "corrupt gzip data");
            } else if (!more && r == Z_BUF_ERROR) {
                return unzip_fail(u, "truncated gzip data");
            }
        }
    }
    u->total += got;
    if (u->total > MG_UNZIP_MAX_BYTES) {
        char why[96];
        snprintf(why, sizeof(why), "decompressed data larger than the limit of %llu MiB",
                 (unsigned long long)(MG_UNZIP_MAX_BYTES >> 20));
        return unzip_fail(u, why);
    }
    return (ssize_t)got;
}

static int unzip_close(void *cookie)
{
    struct mg_unzip *u = cookie;
    if (u->zstd)
        ZSTD_freeDStream(u->zd);
    else
        inflateEnd(&u->zs);
    free(u);
    return 0;
}

FILE *mg_unzip_open(FILE *in, const char *head, size_t head_len, struct mg_unzip **out)
{
    static const cookie_io_functions_t io = {unzip_read, NULL, NULL, unzip_close};
    struct mg_unzip *u = calloc(1, sizeof(*u));
    FILE *f;
    if (!u)
        return NULL;
    u->in = in;
    u->head = head;
    u->head_len = head_len;
    u->zstd = mg_unzip_is_zstd(head, head_len);
    if (u->zstd ? !(u->zd = ZSTD_createDStream()) : inflateInit2(&u->zs, 15 + 32) != Z_OK) {
        free(u);
        return NULL;
    }
    if (!(f = fopencookie(u, "r", io))) {
        unzip_close(u);
        return NULL;
    }
    *out = u;
    return f;
}

const char *mg_unzip_failure(const struct mg_unzip *u)
{
    return u->failed ? u->why : NULL;
}
