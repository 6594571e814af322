/*
 * A plain program (not linked with libprofile-capture) for the
 * LD_PRELOAD run of the /debug/pprof/ endpoint (PPROF_HTTP): keeps
 * 64 x 64 KiB live from preload_keep, then burns CPU in preload_spin
 * (about half of the time) until STOPFILE exists or LIMIT seconds
 * pass, and exits 0 (1 at the time limit).
 *
 *   preload_http STOPFILE [LIMIT]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
void *volatile g_keep[64];

__attribute__((noinline)) void preload_keep(void)
{
    for (int i = 0; i < 64; i++)
        g_keep[i] = malloc(65536);
}

__attribute__((noinline)) void preload_spin(long n)
{
    uint64_t x = sink;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    sink = x;
}

int main(int argc, char **argv)
{
    struct timespec t0, now, ts = { 0, 10000000 };
    double limit;

    if (argc < 2)
        return 2;
    limit = argc > 2 ? atof(argv[2]) : 60;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    preload_keep();
    while (access(argv[1], F_OK) != 0) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > limit) {
            fprintf(stderr, "preload_http: time limit\n");
            return 1;
        }
        preload_spin(3000000);
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < 64; i++)
        free(g_keep[i]);
    return 0;
}
