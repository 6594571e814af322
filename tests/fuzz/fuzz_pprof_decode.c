/*
 * Fuzz target for the profile.proto reader (corpus:
 * testdata/fuzz/pprof_decode/, protobufs raw and gzipped). The property
 * is in fuzz_read.h.
 */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_read_roundtrip(data, size);
}
