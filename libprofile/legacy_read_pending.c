/*
 * Placeholder for the legacy readers until they land (issue: every legacy
 * format pprof reads). Fails with a clear error instead of being
 * missing at link time; deleted by the change that implements them.
 */
#include "internal.h"
int pf__read_legacy(pf_profile **out, pf_format *fmt, const uint8_t *buf,
                    size_t len, const pf_decode_opts *opts)
{
    PF_UNUSED(buf);
    PF_UNUSED(len);
    PF_UNUSED(opts);
    *out = NULL;
    if (fmt)
        *fmt = PF_FORMAT_UNKNOWN;
    return PF_ENOTFOUND;
}

