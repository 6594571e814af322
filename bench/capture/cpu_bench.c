/* CPU-bound benchmark: a fixed amount of integer work (with function
 * calls, so stacks have some depth); prints its wall time in ms, or
 * with CPU_BENCH_CPUTIME=1 in the environment the process CPU time of
 * the work (handlers included; steadier than wall time on a busy
 * machine). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t leaf(uint64_t x, long n)
{
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x;
}

__attribute__((noinline)) static uint64_t mid(uint64_t x, long n)
{
    return leaf(x, n) ^ leaf(x + 1, n / 2);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 4000;
    struct timespec a, b;
    uint64_t x = 1;

    clockid_t clk = getenv("CPU_BENCH_CPUTIME") ? CLOCK_PROCESS_CPUTIME_ID
                                                : CLOCK_MONOTONIC;

    clock_gettime(clk, &a);
    for (long r = 0; r < rounds; r++)
        x = mid(x, 100000);
    clock_gettime(clk, &b);
    sink = x;
    printf("%.1f\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}
