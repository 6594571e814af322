/*
 * `perf script` text (libprofile/legacy_perf.c): call graphs and single
 * frames, several events, kernel frames, [unknown] symbols, +0xOFF
 * offsets, (deleted) files, build ids from MMAP2 records, srcline and
 * tracepoint lines, aggregation, and each malformed input with its line
 * number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "profile.h"

static pf_profile *perf_read(const char *text)
{
    return fixture_read_as(text, strlen(text), PF_FORMAT_PERF_SCRIPT);
}

static void perf_err(const char *text, const char *detail)
{
    fixture_read_err(text, strlen(text), PF_EFORMAT, detail);
}

/* Function name of frame K of sample S ("" for a frame with no symbol). */
static const char *frame_name(const pf_profile *p, size_t s, size_t k)
{
    size_t n;
    const uint32_t *l = pf_sample_locations(p, s, &n);
    const pf_location *loc;

    assert_true(k < n);
    loc = pf_profile_location(p, l[k]);
    if (loc->nline == 0)
        return "";
    return pf_profile_function(p, pf_location_lines(p, loc)[0].function)->name;
}

static const pf_mapping *frame_mapping(const pf_profile *p, size_t s, size_t k)
{
    size_t n;
    const uint32_t *l = pf_sample_locations(p, s, &n);
    const pf_location *loc;

    assert_true(k < n);
    loc = pf_profile_location(p, l[k]);
    return loc->mapping == PF_NONE ? NULL : pf_profile_mapping(p, loc->mapping);
}

/* Sum of value V over the samples whose leaf is function FN. */
static int64_t leaf_total(const pf_profile *p, size_t v, const char *fn)
{
    size_t i;
    int64_t t = 0;

    for (i = 0; i < pf_profile_sample_count(p); i++)
        if (strcmp(frame_name(p, i, 0), fn) == 0)
            t += pf_sample_values(p, i)[v];
    return t;
}

static const char callgraph[] =
    "spin 20797   836.480043:     250000 cpu-clock: \n"
    "\t           1469e handle_amd+0x7e (/usr/lib/ld-linux-x86-64.so.2)\n"
    "\t               0 [unknown] ([unknown])\n"
    "\n"
    "spin 20797   836.480294:     250000 cpu-clock: \n"
    "\tffffffff8167951a alloc_pages_mpol+0x8a ([kernel.kallsyms])\n"
    "\tffffffff81000c82 asm_exc_page_fault+0x22 ([kernel.kallsyms])\n"
    "\t            1158 leaf_a+0x1f (/tmp/w/spin)\n"
    "\t            11d8 main+0x1b (/tmp/w/spin)\n"
    "\n"
    "spin 20797   836.482060:     250000 cpu-clock: \n"
    "\t            1158 leaf_a+0x1f (/tmp/w/spin)\n"
    "\t            11d8 main+0x1b (/tmp/w/spin)\n"
    "\t           2724a __libc_start_call_main+0x7a (/usr/lib/libc.so.6 (deleted))\n"
    "\n"
    "spin 20797   836.482310:     500000 cpu-clock: \n"
    "\t            1158 leaf_a+0x1f (/tmp/w/spin)\n"
    "\t            11d8 main+0x1b (/tmp/w/spin)\n"
    "\t           2724a __libc_start_call_main+0x7a (/usr/lib/libc.so.6 (deleted))\n"
    "\n"
    "spin 20797   836.483000:     250000 cpu-clock: \n"
    "\t            7f00 [unknown] (/tmp/w/spin)\n"
    "\t            11d8 main (/tmp/w/spin)\n";

static void test_legacy_perf__callgraph(void **state)
{
    pf_profile *p = perf_read(callgraph);
    const pf_mapping *m;
    size_t i, n, nl;
    const pf_label *lb;

    (void)state;
    fixture_assert_types(p, "cpu-clock_sample/count "
                            "cpu-clock_event/nanoseconds");
    assert_int_equal(pf_profile_default_index(p), 1);
    /* the two leaf_a samples with the same stack are one, with both
     * samples and both periods */
    assert_int_equal(pf_profile_sample_count(p), 4);
    assert_int_equal(leaf_total(p, 0, "leaf_a"), 2);
    assert_int_equal(leaf_total(p, 1, "leaf_a"), 750000);
    assert_int_equal(leaf_total(p, 1, "alloc_pages_mpol"), 250000);
    assert_int_equal(leaf_total(p, 1, "handle_amd"), 250000);
    assert_int_equal(pf_profile_duration(p), 836483000000 - 836480043000);
    /* frames: offsets dropped, [unknown] has no function, kernel and
     * "(deleted)" files are mappings by name */
    for (i = 0; i < pf_profile_sample_count(p); i++) {
        pf_sample_locations(p, i, &n);
        if (strcmp(frame_name(p, i, 0), "alloc_pages_mpol") == 0) {
            assert_int_equal(n, 4);
            assert_string_equal(frame_name(p, i, 1), "asm_exc_page_fault");
            assert_string_equal(frame_mapping(p, i, 0)->file,
                                "[kernel.kallsyms]");
            assert_string_equal(frame_name(p, i, 2), "leaf_a");
        } else if (strcmp(frame_name(p, i, 0), "handle_amd") == 0) {
            assert_int_equal(n, 2);
            assert_string_equal(frame_name(p, i, 1), "");
            assert_null(frame_mapping(p, i, 1));
        } else if (strcmp(frame_name(p, i, 0), "leaf_a") == 0) {
            assert_int_equal(n, 3);
            assert_string_equal(frame_mapping(p, i, 2)->file,
                                "/usr/lib/libc.so.6");
            assert_int_equal(pf_profile_location(p, pf_sample_locations(
                                 p, i, &n)[0])->address, 0x1158);
        } else {
            assert_string_equal(frame_name(p, i, 0), "");
            assert_string_equal(frame_name(p, i, 1), "main");
            assert_string_equal(frame_mapping(p, i, 0)->file, "/tmp/w/spin");
        }
        lb = pf_sample_labels(p, i, &nl);
        assert_int_equal(nl, 2);
        assert_string_equal(lb[0].key, "comm");
        assert_string_equal(lb[0].str, "spin");
        assert_string_equal(lb[1].key, "pid");
        assert_int_equal(lb[1].num, 20797);
    }
    /* the program (the comm's file) is the main mapping; ranges cover
     * the addresses seen */
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/tmp/w/spin");
    assert_int_equal(m->start, 0x1158);
    assert_int_equal(m->limit, 0x7f01);
    assert_true(m->has_functions);
    assert_int_equal(pf_profile_mapping_count(p), 4);
    for (i = 0; i < pf_profile_mapping_count(p); i++)
        assert_int_equal(pf_profile_mapping(p, i)->id, i + 1);
    pf_profile_free(p);
}

/* No -g: the frame on the header line; two events interleaved, one of
 * them a hardware event with a modifier; comm with a space; a pid/tid
 * pair and a CPU column. */
static void test_legacy_perf__events_single_frame(void **state)
{
    static const char text[] =
        "    Web Content  4242/4243 [001]   840.563541:     250000  cpu-clock:      7f0530b4c3e0 update_active.constprop.0+0x270 (/usr/lib/ld.so)\n"
        "    Web Content  4242/4243 [001]   840.563558:    1000123  cycles:u:      7f0530b4c3e0 update_active.constprop.0+0x270 (/usr/lib/ld.so)\n"
        "    Web Content  4242/4244 [000]   840.563789:     250000  cpu-clock:  ffffffff81704dc6 __d_lookup_rcu+0x56 ([kernel.kallsyms])\n"
        "    Web Content  4242/4244 [000]   840.563810:      99000  cycles:u:  ffffffff81704dc6 __d_lookup_rcu+0x56 ([kernel.kallsyms])\n"
        "    Web Content  4242/4243 [001]   840.564000:     250000  cpu-clock:      7f0530b4c3e0 update_active.constprop.0+0x270 (/usr/lib/ld.so)\n";
    pf_profile *p = perf_read(text);
    size_t i;
    const pf_label *lb;
    size_t nl;

    (void)state;
    fixture_assert_types(p, "cpu-clock_sample/count "
                            "cpu-clock_event/nanoseconds "
                            "cycles:u_sample/count cycles:u_event/count");
    assert_int_equal(pf_profile_default_index(p), 3);
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(leaf_total(p, 0, "update_active.constprop.0"), 2);
    assert_int_equal(leaf_total(p, 1, "update_active.constprop.0"), 500000);
    assert_int_equal(leaf_total(p, 2, "update_active.constprop.0"), 1);
    assert_int_equal(leaf_total(p, 3, "update_active.constprop.0"), 1000123);
    assert_int_equal(leaf_total(p, 3, "__d_lookup_rcu"), 99000);
    for (i = 0; i < 2; i++) {
        lb = pf_sample_labels(p, i, &nl);
        assert_string_equal(lb[0].str, "Web Content");
        assert_int_equal(lb[1].num, 4242);
    }
    pf_profile_free(p);
}

/* Side-band records from --show-mmap-events: build ids and, for
 * absolute addresses, the recorded range and offset; other records
 * skipped; a header with no period (-F without period) counts 1. */
static void test_legacy_perf__mmap_build_ids(void **state)
{
    static const char text[] =
        "swapper     0     0.000000: PERF_RECORD_MMAP2 -1/0: [0xffffffff81000000(0x1259b00) @ 0xffffffff81000000 <32a7f3bacee6bf69da94f497a8a076483baea20e>]: ---p [kernel.kallsyms]_text\n"
        "spin 21869   856.202365: PERF_RECORD_COMM exec: spin:21869/21869\n"
        "spin 21869   856.202405: PERF_RECORD_MMAP2 21869/21869: [0x560ee27a2000(0x1000) @ 0x1000 <a21350c1ad20a469de0515d52a02a7449c90bb2f>]: r-xp /tmp/w/spin\n"
        "spin 21869   856.202445: PERF_RECORD_MMAP2 21869/21869: [0x7f8524f3b000(0x2000) @ 0 00:00 0 0]: r-xp [vdso]\n"
        "spin 21869   856.203000: cpu-clock:  560ee27a2158 leaf_a+0x1f (/tmp/w/spin)\n"
        "spin 21869   856.203100: cpu-clock:  ffffffff81000c82 asm_exc_page_fault+0x22 ([kernel.kallsyms])\n"
        "spin 21869   856.203200: cpu-clock:  7f8524f3b010 [unknown] ([vdso])\n";
    pf_profile *p = perf_read(text);
    const pf_mapping *m;
    size_t i;

    (void)state;
    assert_int_equal(pf_profile_sample_count(p), 3);
    assert_int_equal(leaf_total(p, 1, "leaf_a"), 1);
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/tmp/w/spin");
    assert_string_equal(m->build_id, "a21350c1ad20a469de0515d52a02a7449c90bb2f");
    assert_int_equal(m->start, 0x560ee27a2000);
    assert_int_equal(m->limit, 0x560ee27a3000);
    assert_int_equal(m->offset, 0x1000);
    for (i = 1; i < pf_profile_mapping_count(p); i++) {
        m = pf_profile_mapping(p, i);
        if (strcmp(m->file, "[kernel.kallsyms]") == 0) {
            assert_string_equal(m->build_id,
                                "32a7f3bacee6bf69da94f497a8a076483baea20e");
        } else {
            assert_string_equal(m->file, "[vdso]");
            assert_string_equal(m->build_id, "");
            assert_int_equal(m->start, 0x7f8524f3b000);
            assert_false(m->has_functions);
        }
    }
    pf_profile_free(p);
}

/* -F +srcline lines are skipped; tracepoint data after the event is not
 * a frame; a perf --header comment block; a final sample with no blank
 * line after it. */
static void test_legacy_perf__srcline_tracepoint(void **state)
{
    static const char text[] =
        "# ========\n"
        "# captured on    : Sat Dec  5 00:00:00 2026\n"
        "# ========\n"
        "#\n"
        "spin 20797   836.480043:     250000 cpu-clock: \n"
        "\t           1469e handle_amd+0x7e (/usr/lib/ld.so)\n"
        "  dl-get-cpu-features.c:327\n"
        "\tffffffff8167951a alloc_pages_mpol+0x8a ([kernel.kallsyms])\n"
        "  [kernel.kallsyms][ffffffff8167951a]\n"
        "\n"
        "perf  1234 [002]   900.000001:          1 sched:sched_switch: prev_comm=perf prev_pid=1234 ==> next_comm=swapper/2\n"
        "\tffffffff81e5a0b1 __schedule+0x2e1 ([kernel.kallsyms])\n"
        "\tffffffff81e5a5d3 schedule+0x43 ([kernel.kallsyms])";
    pf_profile *p = perf_read(text);
    size_t n;

    (void)state;
    fixture_assert_types(p, "cpu-clock_sample/count "
                            "cpu-clock_event/nanoseconds "
                            "sched:sched_switch_sample/count "
                            "sched:sched_switch_event/count");
    assert_int_equal(pf_profile_sample_count(p), 2);
    pf_sample_locations(p, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(frame_name(p, 0, 1), "alloc_pages_mpol");
    pf_sample_locations(p, 1, &n);
    assert_int_equal(n, 2);
    assert_string_equal(frame_name(p, 1, 0), "__schedule");
    assert_int_equal(pf_sample_values(p, 1)[2], 1);
    assert_int_equal(pf_sample_values(p, 1)[3], 1);
    assert_int_equal(pf_sample_values(p, 1)[0], 0);
    pf_profile_free(p);
}

static void test_legacy_perf__roundtrip(void **state)
{
    pf_profile *p = perf_read(callgraph), *q = NULL;
    size_t len;
    unsigned char *buf = fixture_encode(p, 1, &len);

    (void)state;
    assert_int_equal(pf_profile_decode(&q, buf, len, NULL), PF_OK);
    assert_int_equal(pf_profile_check(q), PF_OK);
    assert_int_equal(pf_profile_sample_count(q), pf_profile_sample_count(p));
    assert_int_equal(leaf_total(q, 1, "leaf_a"), 750000);
    assert_string_equal(pf_profile_mapping(q, 0)->file, "/tmp/w/spin");
    free(buf);
    pf_profile_free(p);
    pf_profile_free(q);
}

static void test_legacy_perf__errors(void **state)
{
    (void)state;
    perf_err("spin 1 1.000000: 250000 cpu-clock: \n"
             "\t1158 leaf_a+0x1f (/tmp/w/spin)\n"
             "\tthis is no frame\n",
             "line 3: expected a stack frame 'ADDRESS SYMBOL (DSO)'");
    perf_err("spin 1 1.000000: 250000 cpu-clock: \n"
             "\t1158 leaf_a (/tmp/w/spin)\n"
             "\n"
             "garbage line here\n",
             "line 4: expected a sample header 'COMM PID TIME: PERIOD EVENT:'");
    perf_err("spin 1 1.000000: 250000 cpu-clock: \n"
             "\t1158 leaf_a (/tmp/w/spin)\n"
             "\t123456789abcdef01 deep (/tmp/w/spin)\n",
             "line 3: address does not fit in 64 bits");
    perf_err("spin 1 1.000000: 9223372036854775807 cpu-clock: \n"
             "\t1158 leaf_a (/tmp/w/spin)\n"
             "\n"
             "spin 1 1.000001: 9223372036854775807 cpu-clock: \n"
             "\t1158 leaf_a (/tmp/w/spin)\n",
             "line 4: event total overflows");
    perf_err("spin 1 1.000000: 250000 cpu-clock: \n"
             "\t1158 leaf_a (/tmp/w/spin)\n"
             "\n"
             "\t1158 leaf_a (/tmp/w/spin)\n",
             "line 4: stack frame outside a sample");
}

/* Texts that are not perf script stay with their own readers. */
static void test_legacy_perf__not_perf(void **state)
{
    static const char folded[] = "main;leaf_a 10\nmain;leaf_b 5\n";
    static const char words[] = "hello world: this is: not perf\n";
    pf_profile *p = NULL;
    pf_format fmt = PF_FORMAT_UNKNOWN;

    (void)state;
    assert_int_equal(pf_profile_read(&p, &fmt, folded, strlen(folded), NULL),
                     PF_OK);
    assert_int_equal(fmt, PF_FORMAT_FOLDED);
    pf_profile_free(p);
    p = NULL;
    assert_int_not_equal(pf_profile_read(&p, &fmt, words, strlen(words),
                                         NULL), PF_OK);
    assert_null(p);
}

static void test_legacy_perf__max_records(void **state)
{
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = (pf_profile *)1;

    (void)state;
    o.max_records = 3;
    assert_int_equal(pf_profile_read(&p, NULL, callgraph, strlen(callgraph),
                                     &o), PF_ETOOBIG);
    assert_null(p);
    assert_non_null(strstr(pf_error_last(), "more than 3 records"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_perf__callgraph),
        cmocka_unit_test(test_legacy_perf__events_single_frame),
        cmocka_unit_test(test_legacy_perf__mmap_build_ids),
        cmocka_unit_test(test_legacy_perf__srcline_tracepoint),
        cmocka_unit_test(test_legacy_perf__roundtrip),
        cmocka_unit_test(test_legacy_perf__errors),
        cmocka_unit_test(test_legacy_perf__not_perf),
        cmocka_unit_test(test_legacy_perf__max_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
