/*
 * Placeholder for the legacy writers until they land (issue: every legacy
 * format pprof reads). Fails with a clear error instead of being
 * missing at link time; deleted by the change that implements them.
 */
#include "internal.h"


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
