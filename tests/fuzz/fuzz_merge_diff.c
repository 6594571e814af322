/*
 * Fuzz target for merge and diff of two profiles: the first two bytes
 * give the length of the first profile, the rest is the second; both
 * are read in any format. Merging (with and without common types and
 * unit scaling) and diffing (both modes, normalized or not) either
 * succeed with a profile that passes pf_profile_check, or refuse with a
 * reason; a profile always merges with itself. Corpus:
 * testdata/fuzz/merge_diff/ (files made by tests/fuzz/mkpair.sh).
 */
#include "fuzz_util.h"

static void check(int err, pf_profile *out)
{
    fuzz_expect_reason(err);
    if (err == PF_OK && pf_profile_check(out) != PF_OK)
        abort();
    if (err != PF_OK && out)
        abort();
    pf_profile_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    size_t n1 = fuzz_byte(&in) << 8;
    pf_profile *a, *b;

    n1 |= fuzz_byte(&in);
    a = fuzz_read(fuzz_take(&in, n1));
    b = fuzz_read(in);
    if (a && b) {
        const pf_profile *both[2] = { a, b };
        for (int v = 0; v < 4; v++) {
            pf_merge_opts mo = PF_MERGE_OPTS_INIT;
            pf_diff_opts dopt = PF_DIFF_OPTS_INIT;
            pf_profile *out = NULL;

            mo.common_types = v & 1;
            mo.scale_units = v & 2;
            int err = pf_profile_merge(&out, both, 2, &mo);

            check(err, out);
            out = NULL;
            dopt.mode = (v & 1) ? PF_DIFF_MODE_BASE : PF_DIFF_MODE_DIFF_BASE;
            dopt.normalize = v & 2;
            dopt.common_types = !(v & 2);
            err = pf_profile_diff(&out, a, b, &dopt);
            check(err, out);
        }
    }
    if (a) {
        const pf_profile *twice[2] = { a, a };
        pf_profile *out = NULL;
        if (pf_profile_merge(&out, twice, 2, NULL) != PF_OK ||
            pf_profile_check(out) != PF_OK)
            abort();        /* a profile always merges with itself */
        pf_profile_free(out);
    }
    pf_profile_free(a);
    pf_profile_free(b);
    return 0;
}
