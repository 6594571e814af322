/*
 * Unit tests of the symbolizer: run-time to ELF address math, the
 * flattened interval index, demangling and simplification, and
 * pf_profile_symbolize end to end on the corpus binary c_workload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "symbolize_int.h"
#include "helpers/fixture.h"

/* ------------------------------------------------------------------ */
/* Address math                                                        */

/* The PT_LOAD layout of a gcc/ld PIE (as readelf -l shows it). */
static const pf_sym_seg pie_segs[] = {
    { 0x0, 0x8a8, 0x0, 0x8a8, false },
    { 0x1000, 0x709, 0x1000, 0x709, true },
    { 0x2000, 0x284, 0x2000, 0x284, false },
    { 0x3db0, 0x216d0, 0x2db0, 0x2b8, false },
};

static void test_symbolize__pie_address_uses_mapping_offset(void **state)
{
    uint64_t ea = 0;

    (void)state;
    /* r-xp mapping 55a1fe779000-55a1fe77a000 at file offset 0x1000. */
    assert_int_equal(pf__sym_elf_addr(&ea, pie_segs, 4, false,
                                      0x55a1fe779000, 0x55a1fe77a000, 0x1000,
                                      0x55a1fe7796bd), PF_OK);
    assert_int_equal(ea, 0x16bd);
    /* The same address through a mapping of the whole file (offset 0,
     * as older maps or joined legacy mappings give). */
    assert_int_equal(pf__sym_elf_addr(&ea, pie_segs, 4, false,
                                      0x55a1fe778000, 0x55a1fe77c000, 0,
                                      0x55a1fe7796bd), PF_OK);
    assert_int_equal(ea, 0x16bd);
}

static void test_symbolize__shared_lib_vaddr_differs_from_offset(void **state)
{
    /* A library whose code segment is linked 0x1000 above its file
     * offset: the ELF address is offset-relative plus that shift. */
    static const pf_sym_seg segs[] = {
        { 0x0, 0x25388, 0x0, 0x25388, false },
        { 0x27000, 0x1550fc, 0x26000, 0x1550fc, true },
    };
    uint64_t ea = 0;

    (void)state;
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, false, 0x7f19e2044000,
                                      0x7f19e219a000, 0x26000,
                                      0x7f19e2045249), PF_OK);
    assert_int_equal(ea, 0x28249);
    /* Outside the mapping or before its start: not found. */
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, false, 0x7f19e2044000,
                                      0x7f19e219a000, 0x26000,
                                      0x7f19e219a000), PF_ENOTFOUND);
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, false, 0x7f19e2044000,
                                      0x7f19e219a000, 0x26000, 0x1000),
                     PF_ENOTFOUND);
}

static void test_symbolize__non_pie_addresses_are_elf_addresses(void **state)
{
    static const pf_sym_seg segs[] = {
        { 0x400000, 0x6a8, 0x0, 0x6a8, false },
        { 0x401000, 0x7d5, 0x1000, 0x7d5, true },
    };
    uint64_t ea = 0;

    (void)state;
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, true, 0x401000, 0x402000,
                                      0x1000, 0x40163d), PF_OK);
    assert_int_equal(ea, 0x40163d);
    /* pprof's 0x400000 rule rewrites start/offset to 0x400000/0. */
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, true, 0x400000, 0x402000,
                                      0, 0x40163d), PF_OK);
    assert_int_equal(ea, 0x40163d);
    /* A fixed-address executable keeps an address no segment explains. */
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 2, true, 0x401000, 0x402000,
                                      0x9000, 0x401010), PF_OK);
    assert_int_equal(ea, 0x401010);
}

static void test_symbolize__zero_mapping_means_elf_addresses(void **state)
{
    uint64_t ea = 0;

    (void)state;
    /* Legacy text profiles: one fake mapping [0, max) at offset 0. */
    assert_int_equal(pf__sym_elf_addr(&ea, pie_segs, 4, false, 0, UINT64_MAX,
                                      0, 0x4b84b3), PF_OK);
    assert_int_equal(ea, 0x4b84b3);
}

static void test_symbolize__debug_only_file_uses_code_segment(void **state)
{
    /* objcopy --only-keep-debug: NOBITS code, file offsets garbage. */
    static const pf_sym_seg segs[] = {
        { 0x0, 0x8a8, 0x0, 0x39c, false },
        { 0x1000, 0x709, 0x0, 0x0, true },
        { 0x2000, 0x284, 0x0, 0x0, false },
    };
    uint64_t ea = 0;

    (void)state;
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 3, false, 0x55a1fe779000,
                                      0x55a1fe77a000, 0x1000,
                                      0x55a1fe7796bd), PF_OK);
    assert_int_equal(ea, 0x16bd);
    /* Past the end of the code segment: not found. */
    assert_int_equal(pf__sym_elf_addr(&ea, segs, 3, false, 0x55a1fe779000,
                                      0x55a1fe77b000, 0x1000,
                                      0x55a1fe77a800), PF_ENOTFOUND);
}

/* ------------------------------------------------------------------ */
/* Interval index                                                      */

static void expect_node(const pf_sym_span *s, size_t n, uint64_t a,
                        uint32_t node)
{
    const pf_sym_span *hit = pf__sym_span_find(s, n, a);

    if (node == PF_NONE) {
        if (hit)
            fail_msg("0x%llx: want no span, got node %u",
                     (unsigned long long)a, hit->node);
        return;
    }
    if (!hit)
        fail_msg("0x%llx: want node %u, got none", (unsigned long long)a,
                 node);
    if (hit->node != node)
        fail_msg("0x%llx: want node %u, got %u", (unsigned long long)a, node,
                 hit->node);
}

static void check_nested(pf_sym_range *r, size_t n)
{
    pf_sym_span *s = NULL;
    size_t ns = 0, cap = 0;

    assert_int_equal(pf__sym_flatten(r, n, &s, &ns, &cap), PF_OK);
    expect_node(s, ns, 0xff, PF_NONE);
    expect_node(s, ns, 0x100, 0);
    expect_node(s, ns, 0x11f, 0);
    expect_node(s, ns, 0x120, 1);
    expect_node(s, ns, 0x12f, 1);
    expect_node(s, ns, 0x130, 2);
    expect_node(s, ns, 0x13f, 2);
    expect_node(s, ns, 0x140, 1);
    expect_node(s, ns, 0x160, 0);   /* gap between the inline's ranges */
    expect_node(s, ns, 0x170, 1);
    expect_node(s, ns, 0x17f, 1);
    expect_node(s, ns, 0x180, 0);
    expect_node(s, ns, 0x1ff, 0);
    expect_node(s, ns, 0x200, PF_NONE);
    expect_node(s, ns, 0x300, 3);
    expect_node(s, ns, 0x30f, 3);
    expect_node(s, ns, 0x310, PF_NONE);
    /* Disjoint and sorted, no empty spans. */
    for (size_t i = 0; i < ns; i++) {
        assert_true(s[i].lo < s[i].hi);
        if (i)
            assert_true(s[i - 1].hi <= s[i].lo);
    }
    assert_int_equal(ns, 8);
    pf__free(s);
}

static void test_symbolize__index_innermost_inline_wins(void **state)
{
    /* f0 [100,200) inlines f1 at [120,160)+[170,180), which inlines f2
     * at [130,140); f3 [300,310) elsewhere. */
    pf_sym_range r[] = {
        { 0x100, 0x200, 0, 0 }, { 0x120, 0x160, 1, 1 },
        { 0x170, 0x180, 1, 1 }, { 0x130, 0x140, 2, 2 },
        { 0x300, 0x310, 3, 0 },
    };
    pf_sym_range shuffled[] = { r[3], r[4], r[2], r[0], r[1] };

    (void)state;
    check_nested(r, 5);
    check_nested(shuffled, 5);
}

static void test_symbolize__index_merges_and_skips_empty(void **state)
{
    pf_sym_range r[] = {
        { 0x10, 0x20, 7, 0 }, { 0x20, 0x30, 7, 0 }, { 0x40, 0x40, 8, 0 },
    };
    pf_sym_span *s = NULL;
    size_t ns = 0, cap = 0;

    (void)state;
    assert_int_equal(pf__sym_flatten(r, 3, &s, &ns, &cap), PF_OK);
    assert_int_equal(ns, 1);
    assert_int_equal(s[0].lo, 0x10);
    assert_int_equal(s[0].hi, 0x30);
    expect_node(s, ns, 0x40, PF_NONE);
    assert_null(pf__sym_span_find(s, 0, 0x10));
    pf__free(s);
}

/* ------------------------------------------------------------------ */
/* Demangling                                                          */

static void expect_demangled(const char *mangled, pf_demangle mode,
                             const char *want)
{
    char *d = pf__sym_demangle(mangled, mode);

    if (!want) {
        if (d)
            fail_msg("%s: want no demangling, got '%s'", mangled, d);
        return;
    }
    if (!d)
        fail_msg("%s: not demangled", mangled);
    assert_string_equal(d, want);
    pf__free(d);
}

static void test_symbolize__demangles_cxx_names(void **state)
{
    (void)state;
    if (!pf__sym_demangler_available())
        skip();
    expect_demangled("_ZN3foo3barEi", PF_DEMANGLE_FULL, "foo::bar(int)");
    expect_demangled("_ZN3foo3barEi", PF_DEMANGLE_SIMPLE, "foo::bar");
    expect_demangled("_ZNK3Foo3getEv", PF_DEMANGLE_FULL, "Foo::get() const");
    expect_demangled("_ZNK3Foo3getEv", PF_DEMANGLE_SIMPLE, "Foo::get");
    expect_demangled("_Z3maxIiET_S0_S0_", PF_DEMANGLE_SIMPLE, "max");
    expect_demangled("_ZN12_GLOBAL__N_13bazEv", PF_DEMANGLE_SIMPLE,
                     "(anonymous namespace)::baz");
    expect_demangled("_ZN3FooltERKS_", PF_DEMANGLE_SIMPLE, "Foo::operator<");
    expect_demangled("_ZN3FooclEv", PF_DEMANGLE_SIMPLE, "Foo::operator()");
    expect_demangled("_ZNSt6vectorIiSaIiEE9push_backERKi", PF_DEMANGLE_SIMPLE,
                     "std::vector::push_back");
    /* Not mangled, invalid, or demangling turned off: NULL. */
    expect_demangled("main", PF_DEMANGLE_SIMPLE, NULL);
    expect_demangled("_Zgarbage!", PF_DEMANGLE_SIMPLE, NULL);
    expect_demangled("_ZN3foo3barEi", PF_DEMANGLE_NONE, NULL);
}

static void expect_simple(const char *in, const char *want)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "%s", in);
    pf__sym_simplify(buf);
    assert_string_equal(buf, want);
}

static void test_symbolize__simplifies_like_pprof(void **state)
{
    (void)state;
    expect_simple("ns::Cls<int>::method(char const*, long) const &",
                  "ns::Cls::method");
    expect_simple("void ns::run<std::pair<int, int> >(int)", "ns::run");
    expect_simple("operator new(unsigned long)", "operator new");
    expect_simple("Foo::operator<<(std::ostream&)", "Foo::operator<<");
    expect_simple("bool operator< <Foo>(Foo const&, Foo const&)",
                  "operator<");
    expect_simple("Foo::operator int() const", "Foo::operator int");
    expect_simple("main::{lambda(int)#1}::operator()(int) const",
                  "main::{lambda(int)#1}::operator()");
    expect_simple("plain_c_function", "plain_c_function");
}

/* ------------------------------------------------------------------ */
/* End to end on c_workload (PIE, -g -O1, c_mix_step inlined)          */

/* The line of the first source line of testdata/corpus/c_workload.c
 * containing NEEDLE. */
static int64_t source_line(const char *needle)
{
    FILE *f = fopen("testdata/corpus/c_workload.c", "r");
    char line[512];
    int64_t n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        n++;
        if (strstr(line, needle)) {
            fclose(f);
            return n;
        }
    }
    fclose(f);
    fail_msg("'%s' not in c_workload.c", needle);
    return 0;
}

/* One location in c_hot_mix's inlined c_mix_step, with the run-time
 * mapping of c_cpu.prof. */
static pf_profile *c_workload_profile(const char *build_id)
{
    pf_profile *p = pf_profile_new();
    pf_mapping m;
    uint32_t mi, li;
    int64_t one = 1;

    assert_non_null(p);
    memset(&m, 0, sizeof(m));
    m.start = 0x5578f21c5000;
    m.limit = 0x5578f21c6000;
    m.offset = 0x1000;
    m.file = "/build/corpus/public/c/c_workload";
    m.build_id = build_id;
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), PF_OK);
    assert_int_equal(pf_profile_add_mapping(&mi, p, &m), PF_OK);
    assert_int_equal(pf_profile_add_location(&li, p, mi, 0x5578f21c5355, NULL,
                                             0, false), PF_OK);
    assert_int_equal(pf_profile_add_sample(p, &li, 1, &one, NULL, 0), PF_OK);
    return p;
}

static void test_symbolize__inline_chain_from_binary(void **state)
{
    const char *bins[] = { "testdata/corpus/c_workload" };
    pf_symbolize_opts o = PF_SYMBOLIZE_OPTS_INIT;
    pf_symbolize_report rep = PF_SYMBOLIZE_REPORT_INIT;
    pf_profile *p = c_workload_profile("");
    const pf_location *l;
    const pf_line *ln;
    const pf_mapping *m;
    int64_t def = source_line("uint64_t c_mix_step(uint64_t x)");

    (void)state;
    o.binaries = bins;
    o.nbinaries = 1;
    assert_int_equal(pf_profile_symbolize(p, &o, &rep), PF_OK);
    assert_int_equal(rep.nmappings, 1);
    assert_int_equal(rep.mappings[0].status, PF_SYM_OK);
    assert_false(rep.mappings[0].failed);
    assert_true(rep.mappings[0].dwarf);
    assert_int_equal(rep.mappings[0].nresolved, 1);
    assert_string_equal(rep.mappings[0].file, bins[0]);
    assert_int_equal(rep.nfailed, 0);
    l = pf_profile_location(p, 0);
    assert_int_equal(l->nline, 2);
    ln = pf_location_lines(p, l);
    assert_string_equal(pf_profile_function(p, ln[0].function)->name,
                        "c_mix_step");
    assert_string_equal(pf_profile_function(p, ln[1].function)->name,
                        "c_hot_mix");
    /* line[0] inside c_mix_step's body, line[1] the inlined call. */
    assert_true(ln[0].line > def && ln[0].line < def + 6);
    assert_int_equal(pf_profile_function(p, ln[0].function)->start_line, def);
    assert_int_equal(ln[1].line, source_line("x = c_mix_step(x);"));
    m = pf_profile_mapping(p, 0);
    assert_true(m->has_functions && m->has_filenames &&
                m->has_line_numbers && m->has_inline_frames);
    assert_int_equal(pf_profile_check(p), PF_OK);
    pf_symbolize_report_release(&rep);

    /* Symbolized locations are left alone: nothing wanted. */
    assert_int_equal(pf_profile_symbolize(p, &o, &rep), PF_OK);
    assert_int_equal(rep.nlocations, 0);
    assert_int_equal(rep.mappings[0].status, PF_SYM_NOTHING_TO_DO);
    pf_symbolize_report_release(&rep);
    pf_profile_free(p);
}

static void test_symbolize__build_id_mismatch_keeps_location(void **state)
{
    const char *bins[] = { "testdata/corpus/c_workload" };
    pf_symbolize_opts o = PF_SYMBOLIZE_OPTS_INIT;
    pf_symbolize_report rep = PF_SYMBOLIZE_REPORT_INIT;
    pf_profile *p = c_workload_profile("00112233445566778899aabbccddeeff0011"
                                       "2233");

    (void)state;
    o.binaries = bins;
    o.nbinaries = 1;
    o.debug_dir = "";
    assert_int_equal(pf_profile_symbolize(p, &o, &rep), PF_OK);
    assert_int_equal(rep.mappings[0].status, PF_SYM_BUILD_ID_MISMATCH);
    assert_true(rep.mappings[0].failed);
    assert_int_equal(rep.nfailed, 1);
    assert_non_null(strstr(rep.mappings[0].detail,
                           "profile wants 00112233445566778899"));
    assert_int_equal(pf_profile_location(p, 0)->nline, 0);
    assert_false(pf_profile_mapping(p, 0)->has_functions);
    pf_symbolize_report_release(&rep);
    pf_profile_free(p);
}

static void test_symbolize__every_allocation_failure_is_enomem(void **state)
{
    const char *bins[] = { "testdata/corpus/c_workload" };
    pf_symbolize_opts o = PF_SYMBOLIZE_OPTS_INIT;
    unsigned long n;

    (void)state;
    o.binaries = bins;
    o.nbinaries = 1;
    for (n = 1; n < 10000; n++) {
        pf_symbolize_report rep = PF_SYMBOLIZE_REPORT_INIT;
        pf_profile *p = c_workload_profile("");
        int err;

        pf__alloc_fail_after(n);
        err = pf_profile_symbolize(p, &o, &rep);
        pf__alloc_fail_after(0);
        /* Whatever failed, the profile stays valid. */
        assert_int_equal(pf_profile_check(p), PF_OK);
        if (err == PF_OK) {
            assert_int_equal(rep.nresolved, 1);
            assert_int_equal(pf_profile_location(p, 0)->nline, 2);
            pf_symbolize_report_release(&rep);
            pf_profile_free(p);
            return;
        }
        if (err != PF_ENOMEM)
            fail_msg("allocation %lu: error %d (%s)", n, err,
                     pf_error_last());
        pf_symbolize_report_release(&rep);
        pf_profile_free(p);
    }
    fail_msg("symbolize never succeeded");
}

static void test_symbolize__rejects_bad_options(void **state)
{
    pf_symbolize_opts o = PF_SYMBOLIZE_OPTS_INIT;
    pf_profile *p = pf_profile_new();

    (void)state;
    o.version = 99;
    assert_int_equal(pf_profile_symbolize(p, &o, NULL), PF_EINVAL);
    assert_non_null(strstr(pf_error_last(), "version"));
    /* No mapping, no binary: nothing happens, NULL report is fine. */
    assert_int_equal(pf_profile_symbolize(p, NULL, NULL), PF_OK);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbolize__pie_address_uses_mapping_offset),
        cmocka_unit_test(test_symbolize__shared_lib_vaddr_differs_from_offset),
        cmocka_unit_test(test_symbolize__non_pie_addresses_are_elf_addresses),
        cmocka_unit_test(test_symbolize__zero_mapping_means_elf_addresses),
        cmocka_unit_test(test_symbolize__debug_only_file_uses_code_segment),
        cmocka_unit_test(test_symbolize__index_innermost_inline_wins),
        cmocka_unit_test(test_symbolize__index_merges_and_skips_empty),
        cmocka_unit_test(test_symbolize__demangles_cxx_names),
        cmocka_unit_test(test_symbolize__simplifies_like_pprof),
        cmocka_unit_test(test_symbolize__inline_chain_from_binary),
        cmocka_unit_test(test_symbolize__build_id_mismatch_keeps_location),
        cmocka_unit_test(test_symbolize__every_allocation_failure_is_enomem),
        cmocka_unit_test(test_symbolize__rejects_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
