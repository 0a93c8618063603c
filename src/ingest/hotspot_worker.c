/*
 * A second thread for big profiles: the parser goes on reading while frames
 * are classified and interned and program points attributed (on a 200 MB dhat
 * file each side is about half of the work).
 *
 * Work goes over in jobs, three of them in a ring: the parser fills one while
 * the worker does another and a third may wait, so memory stays at three jobs
 * whatever the file size (with two, the parser waited whenever one job took
 * the worker longer than the parser took to fill the next, though the parser
 * was the slower side on average). Jobs are done in the order they were
 * filled, and a job's frames
 * before its program points; frames always come before the program points
 * that refer to them, so this is the order the caller's thread would do the
 * work in, and the results are the same.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "memgate/buf.h"

enum { JOB_PPS = 4096, JOB_TEXT = 1 << 18, N_JOBS = 3 };
/* In a job's frame lengths: the caller's thread has classified this frame (frames are shorter
   than 2^31 bytes: the readers refuse strings of over 1 MiB) */
#define CLASSIFIED 0x80000000u

struct agg_job {
    char *text; /* frame strings back to back */
    size_t text_len, text_cap;
    uint32_t *lens;
    size_t n_frames, lens_cap;
    struct agg_batch batch; /* program points */
};

struct agg_worker {
    mg_hotspot_agg *agg;
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct agg_job jobs[N_JOBS];
    int fill;  /* the job the parser fills (the parser's alone) */
    int head;  /* the oldest job handed over: the worker's next or current one */
    int count; /* jobs handed over and not done (at most N_JOBS - 1) */
    bool stop;
    int rc; /* the worker's first failure, in err */
    mg_error err;
};

static int do_job(mg_hotspot_agg *agg, struct agg_job *j, mg_error *err)
{
    size_t i, off = 0;
    int rc = 0;
    for (i = 0; i < j->n_frames && rc == 0; i++) {
        uint32_t len = j->lens[i] & ~CLASSIFIED;
        rc = mg_hotspot_agg_frame_now(agg, j->text + off, len, (j->lens[i] & CLASSIFIED) != 0, err);
        off += len;
    }
    if (rc == 0 && j->batch.n)
        rc = mg_hotspot_agg_flush_batch(agg, &j->batch, err);
    j->text_len = j->n_frames = 0;
    j->batch.n = j->batch.fs_len = 0;
    return rc;
}

static void *work(void *arg)
{
    struct agg_worker *w = arg;
    mg_error local;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        int j, rc;
        while (w->count == 0 && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->count == 0)
            break;
        j = w->head;
        pthread_mutex_unlock(&w->mu);
        mg_error_init(&local);
        /* after a failure the rest is dropped: the parser stops at its next hand-over */
        rc = w->rc < 0 ? 0 : do_job(w->agg, &w->jobs[j], &local);
        pthread_mutex_lock(&w->mu);
        if (rc < 0 && w->rc == 0) {
            w->rc = rc;
            w->err = local;
        }
        w->head = (w->head + 1) % N_JOBS;
        w->count--;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand the filled job over once there is room for it. */
static int post(struct agg_worker *w, mg_error *err)
{
    int rc;
    pthread_mutex_lock(&w->mu);
    while (w->count == N_JOBS - 1)
        pthread_cond_wait(&w->cv, &w->mu);
    rc = w->rc;
    if (rc == 0) {
        w->count++;
        w->fill = (w->fill + 1) % N_JOBS;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    if (rc < 0 && err)
        *err = w->err;
    return rc;
}

int mg_hotspot_agg_start_worker(mg_hotspot_agg *agg, mg_error *err)
{
    struct agg_worker *w;
    if (agg->worker)
        return 0;
    if (!(w = calloc(1, sizeof(*w))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    w->agg = agg;
    mg_error_init(&w->err);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, work, w) != 0) {
        /* no thread: the work stays in the caller's thread */
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return 0;
    }
    w->running = true;
    agg->worker = w;
    return 0;
}

int mg_hotspot_worker_add_frame(struct agg_worker *w, const char *text, size_t len, bool classified,
                                mg_error *err)
{
    struct agg_job *j = &w->jobs[w->fill];
    if (len >= CLASSIFIED)
        return mg_error_set(err, MG_E_INPUT, "a frame name of 2 GiB or more");
    if (mg_grow_array((void **)&j->text, &j->text_cap, j->text_len + len, 1, 4096, err) < 0 ||
        mg_grow_array((void **)&j->lens, &j->lens_cap, j->n_frames + 1, sizeof(*j->lens), 1024,
                      err) < 0)
        return -err->code;
    if (len)
        memcpy(j->text + j->text_len, text, len);
    j->text_len += len;
    j->lens[j->n_frames++] = (uint32_t)len | (classified ? CLASSIFIED : 0);
    return j->text_len >= JOB_TEXT ? post(w, err) : 0;
}

int mg_hotspot_worker_add_pp(struct agg_worker *w, const uint32_t *fs, size_t n, uint64_t tb,
                             uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err)
{
    struct agg_batch *bt = &w->jobs[w->fill].batch;
    int rc = mg_agg_batch_push(bt, JOB_PPS, fs, n, tb, tbk, gb, eb, err);
    if (rc < 0)
        return rc;
    return bt->n == JOB_PPS ? post(w, err) : 0;
}

static void stop(struct agg_worker *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->running = false;
}

int mg_hotspot_worker_finish(struct agg_worker *w, mg_error *err)
{
    struct agg_job *j = &w->jobs[w->fill];
    int rc = 0;
    if (!w->running)
        return 0;
    if (j->n_frames || j->batch.n)
        rc = post(w, err);
    if (rc == 0) {
        pthread_mutex_lock(&w->mu);
        while (w->count > 0)
            pthread_cond_wait(&w->cv, &w->mu);
        rc = w->rc;
        pthread_mutex_unlock(&w->mu);
        if (rc < 0 && err)
            *err = w->err;
    }
    stop(w);
    return rc;
}

void mg_hotspot_worker_free(struct agg_worker *w)
{
    int i;
    if (!w)
        return;
    stop(w);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    for (i = 0; i < N_JOBS; i++) {
        free(w->jobs[i].text);
        free(w->jobs[i].lens);
        free(w->jobs[i].batch.pp);
        free(w->jobs[i].batch.fs);
    }
    free(w);
}
