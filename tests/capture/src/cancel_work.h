/*
 * The thread-cancellation workload (issue 13.1), shared by the plain
 * program preload_cancel (profiled through LD_PRELOAD) and the linked
 * program cancel. Threads are cancelled in waves:
 *
 *   async     CPU-bound threads with PTHREAD_CANCEL_ASYNCHRONOUS: the
 *             cancellation lands anywhere, signal handlers included
 *   deferred  threads blocked in pthread_cond_wait (a cancellation
 *             point: the wait itself is cancelled asynchronously)
 *
 *   PROG async|deferred WAVES THREADS
 *
 * Prints "cancel done WAVES" last; the test turns a hang into a failure.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t cw_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cw_cv = PTHREAD_COND_INITIALIZER;
static volatile uint64_t cw_sink;

__attribute__((noinline)) static void cancel_spin(void)
{
    uint64_t x = 1;

    for (;;) {
        for (int i = 0; i < 100000; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
        cw_sink = x;
    }
}

static void *cw_async(void *arg)
{
    (void)arg;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    cancel_spin();
    return NULL;
}

static void cw_unlock(void *m)
{
    pthread_mutex_unlock(m);
}

static void *cw_deferred(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cw_mu);
    pthread_cleanup_push(cw_unlock, &cw_mu);
    for (;;)
        pthread_cond_wait(&cw_cv, &cw_mu);
    pthread_cleanup_pop(1);
    return NULL;
}

static int cancel_main(int argc, char **argv)
{
    struct timespec pause = { 0, 20000000 };
    pthread_t th[64];
    int waves, n;
    int async;

    if (argc != 4 || (strcmp(argv[1], "async") && strcmp(argv[1], "deferred"))) {
        fprintf(stderr, "usage: %s async|deferred WAVES THREADS\n", argv[0]);
        return 2;
    }
    async = strcmp(argv[1], "async") == 0;
    waves = atoi(argv[2]);
    n = atoi(argv[3]);
    if (n < 1 || n > 64 || waves < 1)
        return 2;
    for (int w = 0; w < waves; w++) {
        for (int i = 0; i < n; i++)
            if (pthread_create(&th[i], NULL, async ? cw_async : cw_deferred,
                               NULL) != 0) {
                fprintf(stderr, "pthread_create failed\n");
                return 1;
            }
        nanosleep(&pause, NULL);
        for (int i = 0; i < n; i++)
            pthread_cancel(th[i]);
        for (int i = 0; i < n; i++) {
            void *rv;
            pthread_join(th[i], &rv);
            if (rv != PTHREAD_CANCELED) {
                fprintf(stderr, "thread not cancelled\n");
                return 1;
            }
        }
    }
    printf("cancel done %d\n", waves);
    fflush(stdout);
    return 0;
}
