/*
 * Placeholder for the legacy readers and writers until they land
 * (issue: every legacy format pprof reads). Each entry point fails
 * with a clear error instead of being missing at link time. This file
 * is deleted by the change that implements them.
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

int pf_profile_write_debug1(const pf_profile *p, pf_writer w)
{
    PF_UNUSED(p);
    PF_UNUSED(w);
    return pf__error_set(PF_EUNSUPPORTED, "debug1 output is not built yet");
}

int pf_profile_write_debug2(const pf_profile *p, pf_writer w)
{
    PF_UNUSED(p);
    PF_UNUSED(w);
    return pf__error_set(PF_EUNSUPPORTED, "debug2 output is not built yet");
}

int pf_profile_write_folded(const pf_profile *p, pf_writer w, int idx)
{
    PF_UNUSED(p);
    PF_UNUSED(w);
    PF_UNUSED(idx);
    return pf__error_set(PF_EUNSUPPORTED, "folded output is not built yet");
}
