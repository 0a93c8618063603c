/*
 * The benchmark's floor (not part of memgate): the least work any reader of a dhat-rs file has to
 * do. It reads every byte, converts every number (frame indices included, as a checksum the
 * compiler cannot drop) and sums the six program-point keys, on 1 or 2 threads. It checks
 * nothing, reads no frame table and attributes nothing, so memgate, which does all of that,
 * cannot be faster; the benchmark prints it beside `wc -l` so each run shows how much of
 * memgate's distance to `wc -l` is the bare conversion of the numbers.
 *
 * usage: bare_scan FILE [THREADS]   (THREADS 1 or 2; prints the six sums like the other readers)
 */
#define _GNU_SOURCE /* memrchr */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swar_digits.h" /* src/util: the conversion memgate does */

enum { CHUNK = 1 << 20, PAD = 16 };

struct part {
    int fd;
    off_t from, to; /* whole lines: from is a line start, to is one past a newline (or EOF) */
    uint64_t sums[6], checksum;
    int failed;
};

/* A whole number at p, however long (the sums' keys exceed 8 digits): returns its end. */
static inline __attribute__((always_inline)) const char *number(const char *p, uint64_t *out)
{
    static const uint64_t pow10[9] = {1,      10,      100,      1000,     10000,
                                      100000, 1000000, 10000000, 100000000};
    uint64_t w;
    unsigned n = mg_digits8(p, out);
    p += n;
    while (n == 8 && (n = mg_digits8(p, &w)) > 0) {
        *out = *out * pow10[n] + w;
        p += n;
    }
    return p;
}

/*
 * The key of a '"key": N' line: 0-5 for the six summed keys, 6 for any other, -1 if the line
 * holds no number after its key. Keys are two or three bytes, compared as a whole word.
 */
static int key_at(const char *p, unsigned *len)
{
    unsigned k;
    if (p[3] == '"')
        *len = 2;
    else if (p[4] == '"')
        *len = 3;
    else
        return -1; /* a longer key (the header's) or a string */
    if (p[*len + 2] != ':' || p[*len + 3] != ' ' || p[*len + 4] < '0' || p[*len + 4] > '9')
        return -1;
    k = (unsigned)(unsigned char)p[1] << 8 | (unsigned char)p[2];
    if (*len == 3 && p[3] != 'k')
        return 6;
    switch (k) {
    case 't' << 8 | 'b':
        return *len == 2 ? 0 : 1;
    case 'g' << 8 | 'b':
        return *len == 2 ? 2 : 3;
    case 'e' << 8 | 'b':
        return *len == 2 ? 4 : 5;
    }
    return 6;
}

/* The whole lines in [p, last] (last is a newline): returns the next line's start. */
static const char *lines(struct part *pt, const char *p, const char *last)
{
    while (p <= last) {
        unsigned len = 0;
        int k;
        if (*p >= '0' && *p <= '9') { /* a frame index: the number, then its newline */
            uint64_t v = 0;
            p = number(p, &v);
            pt->checksum += v;
            while (*p != '\n')
                p++;
            p++;
            continue;
        }
        if (*p == '"' && (k = key_at(p, &len)) >= 0) {
            uint64_t v = 0;
            number(p + len + 4, &v);
            if (k < 6)
                pt->sums[k] += v;
            else
                pt->checksum += v;
        }
        p = (const char *)memchr(p, '\n', (size_t)(last - p) + 1) + 1;
    }
    return p;
}

static void *scan(void *arg)
{
    struct part *pt = arg;
    char *buf = malloc(CHUNK + PAD);
    size_t keep = 0;
    off_t at = pt->from;

    if (!buf) {
        pt->failed = 1;
        return NULL;
    }
    while (at < pt->to) {
        size_t want = CHUNK - keep;
        ssize_t r;
        char *end, *last;
        const char *p = buf;
        if ((off_t)want > pt->to - at)
            want = (size_t)(pt->to - at);
        if ((r = pread(pt->fd, buf + keep, want, at)) <= 0) {
            pt->failed = r < 0;
            break;
        }
        at += r;
        end = buf + keep + r;
        memset(end, 0, PAD); /* mg_digits8 reads 8 bytes past a number */
        if ((last = memrchr(buf, '\n', (size_t)(end - buf))))
            p = lines(pt, buf, last);
        keep = (size_t)(end - p);
        if (keep == CHUNK) { /* a line longer than the buffer: no dhat-rs file has one */
            pt->failed = 1;
            break;
        }
        memmove(buf, p, keep);
    }
    if (keep && !pt->failed) { /* a last line without a newline */
        buf[keep] = '\n';
        memset(buf + keep + 1, 0, PAD - 1);
        lines(pt, buf, buf + keep);
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    struct part parts[2];
    struct stat sb;
    int fd, threads = argc > 2 ? atoi(argv[2]) : 1, k;
    pthread_t t;

    if (argc < 2 || threads < 1 || threads > 2 || (fd = open(argv[1], O_RDONLY)) < 0 ||
        fstat(fd, &sb) != 0) {
        fprintf(stderr, "usage: bare_scan FILE [1|2]\n");
        return 2;
    }
    memset(parts, 0, sizeof(parts));
    parts[0].fd = parts[1].fd = fd;
    parts[0].to = parts[1].to = sb.st_size;
    if (threads == 2) {
        /* the second half starts after the first newline past the middle */
        char c;
        off_t mid = sb.st_size / 2;
        while (mid < sb.st_size && pread(fd, &c, 1, mid) == 1 && c != '\n')
            mid++;
        parts[0].to = parts[1].from = mid + 1 < sb.st_size ? mid + 1 : sb.st_size;
        if (pthread_create(&t, NULL, scan, &parts[1]) != 0)
            return 1;
    }
    scan(&parts[0]);
    if (threads == 2)
        pthread_join(t, NULL);
    if (parts[0].failed || parts[1].failed) {
        fprintf(stderr, "bare_scan: cannot read %s\n", argv[1]);
        return 1;
    }
    for (k = 0; k < 6; k++)
        printf("%s%llu", k ? " " : "", (unsigned long long)(parts[0].sums[k] + parts[1].sums[k]));
    printf("\n");
    fprintf(stderr, "checksum %llu\n", (unsigned long long)(parts[0].checksum + parts[1].checksum));
    return 0;
}
