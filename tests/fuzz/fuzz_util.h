/*
 * Helpers shared by the fuzz targets that take more than one input from
 * the fuzzer: a cursor that hands out bytes, numbers and short strings
 * from the front of the input, and a bounded profile read.
 */
#ifndef TESTS_FUZZ_UTIL_H
#define TESTS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline unsigned fuzz_byte(fuzz_in *in)
{
    unsigned b;

    if (in->n == 0)
        return 0;
    b = in->p[0];
    in->p++;
    in->n--;
    return b;
}

/* A NUL-terminated string of up to MAX bytes, ended early by a NUL or a
 * newline in the input; written to BUF (MAX + 1 bytes). */
static inline const char *fuzz_string(fuzz_in *in, char *buf, size_t max)
{
    size_t len = 0;

    while (in->n > 0 && len < max) {
        unsigned c = fuzz_byte(in);
        if (c == 0 || c == '\n')
            break;
        buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return buf;
}

/* The next LEN bytes (fewer at the end) as a sub-input. */
static inline fuzz_in fuzz_take(fuzz_in *in, size_t len)
{
    fuzz_in sub = { in->p, len < in->n ? len : in->n };

    in->p += sub.n;
    in->n -= sub.n;
    return sub;
}

/* Read a profile in any format with caps small enough for a fuzzer;
 * NULL when the input is refused (which must say why). */
static inline pf_profile *fuzz_read(fuzz_in in)
{
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;

    o.max_inflated = 1u << 24;
    o.max_records = 1u << 18;
    if (pf_profile_read(&p, NULL, in.p, in.n, &o) != PF_OK) {
        if (p != NULL || pf_error_last()[0] == '\0')
            abort();
        return NULL;
    }
    return p;
}

/* A writer that discards what it gets but counts it. */
static inline int fuzz_sink(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    *(size_t *)ctx += len;
    return 0;
}

/* Every failure must come with a reason. */
static inline void fuzz_expect_reason(int err)
{
    if (err < 0 && pf_error_last()[0] == '\0')
        abort();
}

#endif
