/*
 * A workload for the execution timeline (/debug/pprof/trace,
 * pprofrecord --trace): named threads with known CPU patterns, until
 * SECONDS pass or STOPFILE exists.
 *
 *   "busy"   spins in timeline_busy all the time
 *   "pulse"  spins 20 ms in timeline_pulse, then sleeps 30 ms
 *
 *   preload_timeline SECONDS [STOPFILE]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static _Atomic int g_stop;
static volatile uint64_t g_sink;

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

__attribute__((noinline)) static void spin_for(int64_t ns)
{
    int64_t until = now_ns(CLOCK_THREAD_CPUTIME_ID) + ns;
    uint64_t x = g_sink;

    while (now_ns(CLOCK_THREAD_CPUTIME_ID) < until)
        for (int i = 0; i < 10000; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
    g_sink = x;
}

__attribute__((noinline)) static void timeline_busy(void)
{
    spin_for(10000000);
}

__attribute__((noinline)) static void timeline_pulse(void)
{
    spin_for(20000000);
}

static void *busy(void *a)
{
    (void)a;
    while (!g_stop)
        timeline_busy();
    return NULL;
}

static void *pulse(void *a)
{
    struct timespec pause = { 0, 30000000 };

    (void)a;
    while (!g_stop) {
        timeline_pulse();
        nanosleep(&pause, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t b, p;
    int64_t end;

    if (argc < 2 || argc > 3)
        return 2;
    end = now_ns(CLOCK_MONOTONIC) + (int64_t)(atof(argv[1]) * 1e9);
    if (pthread_create(&b, NULL, busy, NULL) != 0 ||
        pthread_create(&p, NULL, pulse, NULL) != 0)
        return 1;
    pthread_setname_np(b, "busy");
    pthread_setname_np(p, "pulse");
    while (now_ns(CLOCK_MONOTONIC) < end &&
           (argc < 3 || access(argv[2], F_OK) != 0))
        usleep(20000);
    g_stop = 1;
    pthread_join(b, NULL);
    pthread_join(p, NULL);
    printf("timeline done\n");
    return 0;
}
