/*
 * Java variants (FORMATS.md 4.8): "--- heapz 1 ---" / "--- contentionz
 * 1 ---" text and the CPU binary with header version 1. Not produced by
 * Go or gperftools; recognised here so that they fail with a clear
 * message instead of "unrecognized format".
 */
#include "legacy.h"

int pf__read_java(pf_profile **out, const uint8_t *buf, size_t len,
                  const pf_decode_opts *opts)
{
    pf_lcur c;
    const char *s;
    size_t n;

    PF_UNUSED(opts);
    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    if (pf__lcur_next(&c) <= 0)
        return PF_ENOTFOUND;
    s = c.line;
    n = c.len;
    pf__ltrim(&s, &n);
    if ((n == 15 && memcmp(s, "--- heapz 1 ---", 15) == 0) ||
        (n == 21 && memcmp(s, "--- contentionz 1 ---", 21) == 0))
        return pf__error_set(PF_EUNSUPPORTED, "line 1: java heapz/contentionz "
                             "profiles are not supported");
    return PF_ENOTFOUND;
}
