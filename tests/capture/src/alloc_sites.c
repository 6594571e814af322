/*
 * Heap workload with known truth, sampled at RATE bytes:
 *   keep_blocks   allocates 4000 x 4096 B with malloc and keeps them
 *   calloc_blocks allocates 1000 x 512 B with calloc and keeps them
 *   align_blocks  allocates 1000 x 256 B with posix_memalign, keeps them
 *   churn_blocks  allocates 16000 x 1024 B and frees each at once
 *   grow_block    reallocs one block from 1 KiB up to 64 KiB (7 calls), frees
 * Then writes the heap and allocs profiles.
 *
 *   alloc_sites HEAP_OUT ALLOCS_OUT RATE [big]
 *
 * "big" instead runs churn_blocks 16 times (256 MiB in 4 KiB blocks),
 * for the default-rate bias check.
 */
#include <string.h>

#include "workload.h"

static void *keep[8000];
static size_t nkeep;

__attribute__((noinline)) void keep_blocks(void)
{
    for (int i = 0; i < 4000; i++)
        keep[nkeep++] = malloc(4096);
}

__attribute__((noinline)) void calloc_blocks(void)
{
    for (int i = 0; i < 1000; i++)
        keep[nkeep++] = calloc(2, 256);
}

__attribute__((noinline)) void align_blocks(void)
{
    for (int i = 0; i < 1000; i++) {
        void *p = NULL;
        if (posix_memalign(&p, 64, 256) != 0)
            exit(1);
        keep[nkeep++] = p;
    }
}

__attribute__((noinline)) void churn_blocks(size_t size, int n)
{
    for (int i = 0; i < n; i++) {
        volatile char *p = malloc(size);
        p[0] = 1;
        free((void *)p);
    }
}

__attribute__((noinline)) void grow_block(void)
{
    void *p = NULL;
    for (size_t s = 1024; s <= 65536; s *= 2)
        p = realloc(p, s);
    free(p);
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    pf_capture_heap_set_rate(atol(argv[3]));
    pf_capture_heap_reset();
    if (argc > 4 && strcmp(argv[4], "big") == 0) {
        for (int i = 0; i < 16; i++)
            churn_blocks(4096, 4096);
    } else {
        keep_blocks();
        calloc_blocks();
        align_blocks();
        churn_blocks(1024, 16000);
        grow_block();
    }
    wl_write_profile("heap", argv[1], 0);
    wl_write_profile("allocs", argv[2], 0);
    for (size_t i = 0; i < nkeep; i++)
        free(keep[i]);
    return 0;
}
