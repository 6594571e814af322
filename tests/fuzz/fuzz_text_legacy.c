/*
 * Fuzz target for the legacy readers (gperftools CPU/heap/contention/
 * threadz, Go debug=1 and debug=2 text, perf script and perf.data,
 * folded stacks; corpus:
 * testdata/fuzz/text_legacy/). The property is in fuzz_read.h.
 */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_read_roundtrip(data, size);
}
