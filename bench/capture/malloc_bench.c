/* malloc-heavy benchmark: N allocations of mixed sizes (16 B - 4 KiB),
 * keeping a window of 1024 live blocks; prints its wall time in ms. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *win[1024];

__attribute__((noinline)) static void *alloc_one(size_t n)
{
    return malloc(n);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    struct timespec a, b;
    uint64_t r = 88172645463325252ull;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        size_t k;
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        k = r & 1023;
        free(win[k]);
        win[k] = alloc_one(16 + (r >> 20) % 4080);
        ((char *)win[k])[0] = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    for (int i = 0; i < 1024; i++)
        free(win[i]);
    printf("%.1f\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}
