/*
 * Known allocation rates, for the heap/allocs delta profiles
 * (/debug/pprof/heap?seconds=N). Paced by the clock, until STOPFILE
 * exists (at most 60 s):
 *
 *   steady_alloc   4000 blocks/s, alternately 1024 and 3072 bytes
 *                  (8 MB/s), kept in a ring of 2000 whose oldest block
 *                  is freed: in use stays constant
 *   quarter_kept   1000 blocks/s of 4096 bytes (4 MB/s); 3 of 4 freed
 *                  at once, 1 of 4 kept: in use grows by 1 MB/s
 *
 *   preload_heaprate STOPFILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define RING 2000

static void *volatile g_ring[RING];
static void *volatile *g_kept;
static size_t g_nkept, g_kept_cap;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

__attribute__((noinline)) static void steady_alloc(uint64_t i)
{
    void *p = malloc(i % 2 ? 3072 : 1024);

    free(g_ring[i % RING]);
    g_ring[i % RING] = p;
}

__attribute__((noinline)) static void quarter_kept(uint64_t i)
{
    void *p = malloc(4096);

    if (i % 4) {
        free(p);
        return;
    }
    if (g_nkept == g_kept_cap) {
        g_kept_cap = g_kept_cap ? 2 * g_kept_cap : 1024;
        g_kept = realloc((void *)g_kept, g_kept_cap * sizeof(*g_kept));
        if (!g_kept)
            exit(1);
    }
    g_kept[g_nkept++] = p;
}

int main(int argc, char **argv)
{
    int64_t t0 = mono_ns(), now;
    uint64_t a = 0, b = 0;
    struct timespec pause = { 0, 1000000 };

    if (argc != 2)
        return 2;
    while ((now = mono_ns()) - t0 < 60 * (int64_t)1000000000) {
        int64_t el = now - t0;
        for (; a < (uint64_t)(el / 250000); a++)       /* 4000/s */
            steady_alloc(a);
        for (; b < (uint64_t)(el / 1000000); b++)      /* 1000/s */
            quarter_kept(b);
        if (a % 400 == 0 && access(argv[1], F_OK) == 0)
            break;
        nanosleep(&pause, NULL);
    }
    printf("steady %llu quarter %llu\n", (unsigned long long)a,
           (unsigned long long)b);
    return 0;
}
