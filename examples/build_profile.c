/*
 * Build a CPU profile from scratch with the builder API and write it as
 * profile.proto: the smallest complete use of libprofile.
 *
 *   build_profile OUT.pb.gz
 *
 * The profile has a known shape: main -> run -> {hot 60%, warm 30%,
 * cold 10% (with `mix` inlined into cold)}, 100 samples at 100 Hz.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"

static int check(int err, const char *what)
{
    if (err < 0) {
        fprintf(stderr, "build_profile: %s: %s\n", what, pf_error_last());
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    pf_profile *p = pf_profile_new();
    pf_mapping m = { 0 };
    uint32_t map, fmain, frun, fhot, fwarm, fcold, fmix;
    uint32_t lmain, lrun, lhot, lwarm, lcold;
    pf_line ln[2];
    FILE *f;
    int rc = 0;

    if (argc != 2 || !p) {
        fprintf(stderr, "usage: build_profile OUT.pb.gz\n");
        return 2;
    }
    rc |= check(pf_profile_add_sample_type(p, "samples", "count"), "type");
    rc |= check(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), "type");
    rc |= check(pf_profile_set_period_type(p, "cpu", "nanoseconds"), "period");
    pf_profile_set_period(p, 10000000);
    pf_profile_set_time(p, 1700000000000000000LL);
    pf_profile_set_duration(p, 1000000000);

    m.start = 0x400000;
    m.limit = 0x500000;
    m.file = "/usr/bin/example";
    m.build_id = "0123456789abcdef";
    m.has_functions = m.has_filenames = m.has_line_numbers = true;
    m.has_inline_frames = true;
    rc |= check(pf_profile_add_mapping(&map, p, &m), "mapping");

    rc |= check(pf_profile_add_function(&fmain, p, "main", "main", "example.c", 40), "fn");
    rc |= check(pf_profile_add_function(&frun, p, "run", "run", "example.c", 30), "fn");
    rc |= check(pf_profile_add_function(&fhot, p, "hot", "hot", "example.c", 10), "fn");
    rc |= check(pf_profile_add_function(&fwarm, p, "warm", "warm", "example.c", 15), "fn");
    rc |= check(pf_profile_add_function(&fcold, p, "cold", "cold", "example.c", 20), "fn");
    rc |= check(pf_profile_add_function(&fmix, p, "mix", "mix", "example.c", 5), "fn");
    if (rc)
        goto done;

#define LOC(out, addr, fn, line)                                            \
    ln[0] = (pf_line){ (fn), (line), 0 };                                  \
    rc |= check(pf_profile_add_location(&(out), p, map, (addr), ln, 1,      \
                                        false), "location")
    LOC(lmain, 0x401000, fmain, 42);
    LOC(lrun, 0x402000, frun, 33);
    LOC(lhot, 0x403000, fhot, 11);
    LOC(lwarm, 0x404000, fwarm, 16);
    /* mix inlined into cold: innermost first. */
    ln[0] = (pf_line){ fmix, 6, 0 };
    ln[1] = (pf_line){ fcold, 22, 0 };
    rc |= check(pf_profile_add_location(&lcold, p, map, 0x405000, ln, 2,
                                        false), "location");
    if (rc)
        goto done;
    {
        const uint32_t s_hot[] = { lhot, lrun, lmain };
        const uint32_t s_warm[] = { lwarm, lrun, lmain };
        const uint32_t s_cold[] = { lcold, lrun, lmain };
        const int64_t v_hot[] = { 60, 600000000 };
        const int64_t v_warm[] = { 30, 300000000 };
        const int64_t v_cold[] = { 10, 100000000 };
        const pf_label lab = { "phase", "steady", 0, "" };
        rc |= check(pf_profile_add_sample(p, s_hot, 3, v_hot, &lab, 1), "sample");
        rc |= check(pf_profile_add_sample(p, s_warm, 3, v_warm, NULL, 0), "sample");
        rc |= check(pf_profile_add_sample(p, s_cold, 3, v_cold, NULL, 0), "sample");
    }
    if (rc)
        goto done;
    f = strcmp(argv[1], "-") == 0 ? stdout : fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        rc = 1;
        goto done;
    }
    rc = check(pf_profile_encode(p, pf_writer_file(f), NULL), argv[1]);
    if (f != stdout && fclose(f) != 0)
        rc = 1;
done:
    pf_profile_free(p);
    return rc;
}
