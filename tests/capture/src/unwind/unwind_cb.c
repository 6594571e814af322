/* Shared library of the unwind workload (-O2 -fomit-frame-pointer):
 * calls back into the program. */
#include <stdint.h>

#define NOINL __attribute__((noinline))

static volatile uint64_t lib_sink;

NOINL uint64_t lib_inner(uint64_t (*cb)(uint64_t), uint64_t n)
{
    uint64_t r = 0;

    for (uint64_t i = 0; i < n; i++)
        r += cb(i);
    lib_sink += r;
    return r;
}

uint64_t lib_walk(uint64_t (*cb)(uint64_t), uint64_t n)
{
    uint64_t r = lib_inner(cb, n);

    lib_sink += r;
    return r + 1;
}
