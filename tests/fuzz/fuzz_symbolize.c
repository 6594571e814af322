/*
 * Fuzz target for the symbolizer: the input is an ELF file (possibly
 * with DWARF, possibly broken), handed to pf_profile_symbolize as the
 * binary of a profile whose locations sit at a few fixed addresses.
 * Malformed files must be refused or give no symbols, with a reason,
 * never crash or read out of bounds; a symbolized profile passes
 * pf_profile_check. Corpus: small ELF files built from
 * tests/fuzz/seeds/tiny.c (mk/fuzz.mk), plus testdata/fuzz/symbolize/
 * for inputs a fuzzer found.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t addrs[] = { 0x1000, 0x1040, 0x1139, 0x11a0,
                                      0x2000, 0x401000, 0x401126 };
    pf_symbolize_opts so = PF_SYMBOLIZE_OPTS_INIT;
    pf_symbolize_report rep;
    pf_mapping m = { 0, 0x0, 0x800000, 0, "fuzzed.bin", "", false, false,
                     false, false };
    char path[64];
    const char *bins[1] = { path };
    pf_profile *p;
    uint32_t mi, locs[sizeof(addrs) / sizeof(addrs[0])];
    int64_t one = 1;
    int fd, err;

    fd = memfd_create("fuzzed.bin", 0);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (!(p = pf_profile_new()) ||
        pf_profile_add_sample_type(p, "samples", "count") != PF_OK ||
        pf_profile_add_mapping(&mi, p, &m) != PF_OK)
        abort();
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
        if (pf_profile_add_location(&locs[i], p, mi, addrs[i], NULL, 0,
                                    false) != PF_OK)
            abort();
    if (pf_profile_add_sample(p, locs, sizeof(addrs) / sizeof(addrs[0]),
                              &one, NULL, 0) != PF_OK)
        abort();
    so.binaries = bins;
    so.nbinaries = 1;
    so.debug_dir = "";
    memset(&rep, 0, sizeof(rep));
    err = pf_profile_symbolize(p, &so, &rep);
    fuzz_expect_reason(err);
    if (err == PF_OK && pf_profile_check(p) != PF_OK)
        abort();
    pf_symbolize_report_release(&rep);
    pf_profile_free(p);
    close(fd);
    return 0;
}
