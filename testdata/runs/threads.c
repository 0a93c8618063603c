/*
 * A small threaded workload for testdata/runs (see README.md): every thread
 * allocates the same buffers in the same order, so total bytes and block
 * counts are the same on every run, but the threads sleep between rounds,
 * so how their live sets overlap - the t-gmax peak - moves with scheduling.
 *
 * usage: threads NTHREADS KEEP   (KEEP buffers stay live per thread; 0 0 allocates nothing)
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 120
#define MAX_KEEP 64

static int keep_n;

static void *work(void *arg)
{
    long id = (long)arg;
    char *keep[MAX_KEEP] = {0};
    int r, i;
    for (r = 0; r < ROUNDS; r++) {
        size_t size = 1024 + (size_t)((r * 7919 + id * 104729) % 16) * 1024;
        char *p = malloc(size);
        int slot = r % keep_n;
        if (!p)
            abort();
        memset(p, r, size);
        free(keep[slot]);
        keep[slot] = p;
        if (r % 8 == 0) {
            struct timespec ts = {0, 200000 + (id % 3) * 150000};
            nanosleep(&ts, NULL);
        }
    }
    for (i = 0; i < keep_n; i++)
        free(keep[i]);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[16];
    long n = argc > 1 ? atol(argv[1]) : 4, i;
    keep_n = argc > 2 ? atoi(argv[2]) : 16;
    if (n <= 0 || keep_n <= 0)
        return 0; /* the untouched example: nothing allocated */
    if (n > 16 || keep_n > MAX_KEEP)
        return 2;
    for (i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, work, (void *)i) != 0)
            return 1;
    for (i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return 0;
}
