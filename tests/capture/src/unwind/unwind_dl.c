/* dlopen'ed library of the unwind workload (-O2 -fomit-frame-pointer). */
#include <stdint.h>

#define NOINL __attribute__((noinline))

static volatile uint64_t dl_sink;

NOINL uint64_t dl_leaf(uint64_t n)
{
    uint64_t x = n;

    for (uint64_t i = 0; i < n; i++)
        x = (x ^ (x >> 7)) * 0xff51afd7ed558ccdull;
    return x;
}

NOINL uint64_t dl_mid(uint64_t n)
{
    uint64_t r = dl_leaf(n);

    dl_sink += r;
    return r + 1;
}

uint64_t dl_entry(uint64_t n)
{
    uint64_t r = 0;

    for (int i = 0; i < 4; i++)
        r += dl_mid(n + (uint64_t)i);
    dl_sink += r;
    return r;
}
