/*
 * pf__read_legacy: try the legacy readers in the reference's order
 * (docs/FORMATS.md 4.1), then our own additions (Go debug=2 goroutine dumps,
 * perf script text, folded stacks); perf.data first, by its magic. A reader that recognises the start
 * of the data but then finds an error ends the attempt with that error.
 */
#include "legacy.h"

/* No reader took the data. If its first line is clearly meant as one of
 * the text headers, say what is wrong with it rather than "unrecognized
 * format" (the reference just moves on to its next parser). */
static int near_miss(const uint8_t *buf, size_t len)
{
    pf_lcur c;
    const char *s;
    size_t n;
    int r;

    pf__lcur_init(&c, buf, len, 0);
    while ((r = pf__lcur_next(&c)) > 0 &&
           pf__lspace_or_comment(c.line, c.len))
        ;
    if (r <= 0)
        return PF_ENOTFOUND;
    s = c.line;
    n = c.len;
    if (c.lineno == 1 && pf__lfind(s, n, "heap profile:"))
        return pf__error_set(PF_EFORMAT, "line 1: malformed heap profile "
                             "header, expected 'heap profile: N: BYTES "
                             "[N: BYTES] @ heap_v2/RATE' (or heapprofile, "
                             "heap/RATE, growthz, fragmentationz)");
    if (pf__lfind(s, n, " profile: total") && !memchr(s, ' ', 1)) {
        const char *sp = memchr(s, ' ', n);
        if (sp && pf__lstarts(sp, (size_t)(s + n - sp), " profile: total"))
            return pf__error_set(PF_EFORMAT, "line %zu: malformed count "
                                 "profile header, expected 'NAME profile: "
                                 "total N'", c.lineno);
    }
    if (pf__lstarts(s, n, "goroutine ") && n > 10 && pf__ldigit(s[10]))
        return pf__error_set(PF_EFORMAT, "line %zu: malformed goroutine "
                             "header, expected 'goroutine N [STATE]:'",
                             c.lineno);
    return PF_ENOTFOUND;
}

int pf__read_legacy(pf_profile **out, pf_format *fmt, const uint8_t *buf,
                    size_t len, const pf_decode_opts *opts)
{
    static const struct {
        int (*read)(pf_profile **, const uint8_t *, size_t,
                    const pf_decode_opts *);
        pf_format fmt;
    } readers[] = {
        { pf__read_perf_data, PF_FORMAT_PERF_DATA },   /* by its magic */
        { pf__read_gperf_cpu, PF_FORMAT_GPERF_CPU },
        { pf__read_heap_text, PF_FORMAT_GO_HEAP },
        { pf__read_count_text, PF_FORMAT_GO_COUNT },
        { pf__read_threadz, PF_FORMAT_THREADZ },
        { pf__read_contention, PF_FORMAT_CONTENTION },
        { pf__read_java, PF_FORMAT_JAVA },
        { pf__read_goroutine2, PF_FORMAT_GO_GOROUTINE2 },
        { pf__read_perf_script, PF_FORMAT_PERF_SCRIPT },
        { pf__read_folded, PF_FORMAT_FOLDED },
    };
    size_t i;
    int err;

    *out = NULL;
    if (fmt)
        *fmt = PF_FORMAT_UNKNOWN;
    for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
        err = readers[i].read(out, buf, len, opts);
        if (err == PF_ENOTFOUND)
            continue;
        if (err == PF_OK && fmt)
            *fmt = readers[i].fmt;
        return err;
    }
    return near_miss(buf, len);
}
