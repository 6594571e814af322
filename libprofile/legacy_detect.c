/*
 * pf__read_legacy: try the legacy readers in the reference's order
 * (FORMATS.md 4.1), then our own additions (Go debug=2 goroutine dumps,
 * folded stacks). A reader that recognises the start of the data but
 * then finds an error ends the attempt with that error.
 */
#include "legacy.h"

int pf__read_legacy(pf_profile **out, pf_format *fmt, const uint8_t *buf,
                    size_t len, const pf_decode_opts *opts)
{
    static const struct {
        int (*read)(pf_profile **, const uint8_t *, size_t,
                    const pf_decode_opts *);
        pf_format fmt;
    } readers[] = {
        { pf__read_gperf_cpu, PF_FORMAT_GPERF_CPU },
        { pf__read_heap_text, PF_FORMAT_GO_HEAP },
        { pf__read_count_text, PF_FORMAT_GO_COUNT },
        { pf__read_threadz, PF_FORMAT_THREADZ },
        { pf__read_contention, PF_FORMAT_CONTENTION },
        { pf__read_java, PF_FORMAT_JAVA },
        { pf__read_goroutine2, PF_FORMAT_GO_GOROUTINE2 },
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
    return PF_ENOTFOUND;
}
