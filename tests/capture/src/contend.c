/*
 * Contention workload:
 *  - 4 threads run contended_section 50 times each: lock a shared
 *    mutex, spin ~1 ms holding it, unlock (mutex: the unlocker's stack
 *    in contended_section; block: waiters blocked in contended_section);
 *  - cond_waiter blocks ~100 ms in pthread_cond_wait until main signals;
 *  - rw_reader blocks ~50 ms on a rwlock main holds for writing.
 *
 *   contend MUTEX_OUT BLOCK_OUT [TEXT_PREFIX FRACTION]
 *
 * With TEXT_PREFIX, also writes the debug=1 text of the mutex, block and
 * threadcreate profiles to TEXT_PREFIX.{mutex,block,threadcreate}.txt,
 * samples 1 mutex event in FRACTION, and prints "addr 0xADDR FUNC" for
 * the workload's functions.
 */
#include <pthread.h>
#include <unistd.h>

#include "workload.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t g_cmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
static int g_ready;
static volatile uint64_t sink;

static void spin_ms(double ms)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < 1000; i++)
            sink = sink * 3 + 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

__attribute__((noinline)) void contended_section(void)
{
    pthread_mutex_lock(&g_mu);
    spin_ms(1);
    pthread_mutex_unlock(&g_mu);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50; i++)
        contended_section();
    return NULL;
}

__attribute__((noinline)) void cond_waiter_wait(void)
{
    pthread_mutex_lock(&g_cmu);
    while (!g_ready)
        pthread_cond_wait(&g_cond, &g_cmu);
    pthread_mutex_unlock(&g_cmu);
}

static void *cond_waiter(void *arg)
{
    (void)arg;
    cond_waiter_wait();
    return NULL;
}

__attribute__((noinline)) void rw_reader_wait(void)
{
    pthread_rwlock_rdlock(&g_rw);
    pthread_rwlock_unlock(&g_rw);
}

static void *rw_reader(void *arg)
{
    (void)arg;
    rw_reader_wait();
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th[4], cw, rr;
    int fraction = argc == 5 ? atoi(argv[4]) : 1;

    if (argc != 3 && argc != 5)
        return 2;
    if (pf_capture_set_mutex_fraction(fraction) != 0)
        return 1;
    pf_capture_set_block_rate(1);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    pthread_create(&cw, NULL, cond_waiter, NULL);
    pthread_rwlock_wrlock(&g_rw);
    pthread_create(&rr, NULL, rw_reader, NULL);
    usleep(50000);
    pthread_rwlock_unlock(&g_rw);
    usleep(50000);
    pthread_mutex_lock(&g_cmu);
    g_ready = 1;
    pthread_cond_signal(&g_cond);
    pthread_mutex_unlock(&g_cmu);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    pthread_join(cw, NULL);
    pthread_join(rr, NULL);
    pf_capture_set_mutex_fraction(0);
    pf_capture_set_block_rate(0);
    pf_capture_set_mutex_fraction(fraction);   /* what debug=1 shows */
    wl_write_profile("mutex", argv[1], 0);
    wl_write_profile("block", argv[2], 0);
    if (argc == 5) {
        static const char *const names[] = { "mutex", "block",
                                             "threadcreate" };
        char path[4096];
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof(path), "%s.%s.txt", argv[3], names[i]);
            wl_write_profile(names[i], path, 1);
        }
        printf("addr %p main\naddr %p contended_section\n"
               "addr %p cond_waiter_wait\naddr %p rw_reader_wait\n",
               (void *)main, (void *)contended_section,
               (void *)cond_waiter_wait, (void *)rw_reader_wait);
    }
    return 0;
}
