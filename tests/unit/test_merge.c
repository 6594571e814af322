/*
 * Merge: the reference's semantics (docs/FORMATS.md 5.2-5.3) on corpus
 * profiles and on small built profiles whose expected result follows
 * from the rules by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "merge_helpers.h"

/* A profile with the header of P and no samples. */
static pf_profile *empty_like(const pf_profile *p)
{
    pf_profile *e = pf_profile_new();
    size_t i;

    for (i = 0; i < pf_profile_sample_type_count(p); i++)
        assert_int_equal(pf_profile_add_sample_type(
                             e, pf_profile_sample_types(p)[i].type,
                             pf_profile_sample_types(p)[i].unit), PF_OK);
    assert_int_equal(pf_profile_set_period_type(
                         e, pf_profile_period_type(p).type,
                         pf_profile_period_type(p).unit), PF_OK);
    return e;
}

static void test_merge__with_empty_is_identity(void **state)
{
    pf_profile *a = fixture_load("corpus/go_cpu_labels.pb.gz");
    pf_profile *e = empty_like(a), *m;

    (void)state;
    pf_profile_set_time(e, pf_profile_time(a));
    m = merge2(a, e);
    assert_canon_equal(canon(m), canon(a));
    assert_int_equal(pf_profile_time(m), pf_profile_time(a));
    assert_int_equal(pf_profile_duration(m), pf_profile_duration(a));
    assert_int_equal(pf_profile_period(m), pf_profile_period(a));
    assert_string_equal(pf_profile_default_sample_type(m),
                        pf_profile_default_sample_type(a));
    /* Nothing of A is lost or duplicated: the reference's compaction
     * of A has exactly the same entities. */
    {
        pf_profile *c = merge1(a);
        assert_int_equal(pf_profile_sample_count(m),
                         pf_profile_sample_count(c));
        assert_int_equal(pf_profile_location_count(m),
                         pf_profile_location_count(c));
        assert_int_equal(pf_profile_function_count(m),
                         pf_profile_function_count(c));
        assert_int_equal(pf_profile_mapping_count(m),
                         pf_profile_mapping_count(c));
        pf_profile_free(c);
    }
    pf_profile_free(m);
    /* Empty first: same samples, A's time (0 never wins first). */
    m = merge2(e, a);
    assert_canon_equal(canon(m), canon(a));
    pf_profile_free(m);
    pf_profile_free(e);
    pf_profile_free(a);
}

static void test_merge__self_doubles_values(void **state)
{
    const char *files[] = { "corpus/go_cpu.pb.gz", "corpus/go_heap.pb.gz",
                            "corpus/go_block.pb.gz",
                            "corpus/go_goroutine.pb.gz" };
    size_t f;

    (void)state;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        pf_profile *a = fixture_load(files[f]);
        pf_profile *c = merge1(a), *m = merge2(a, a);
        size_t i, nv = pf_profile_sample_type_count(a);

        assert_canon_equal(canon(m), canon_mult(a, 2));
        /* Same keys as the compacted input, each value doubled. */
        assert_int_equal(pf_profile_sample_count(m),
                         pf_profile_sample_count(c));
        for (i = 0; i < pf_profile_sample_count(m); i++) {
            size_t j;
            for (j = 0; j < nv; j++)
                assert_int_equal(pf_sample_values(m, i)[j],
                                 2 * pf_sample_values(c, i)[j]);
        }
        assert_int_equal(pf_profile_location_count(m),
                         pf_profile_location_count(c));
        assert_int_equal(pf_profile_function_count(m),
                         pf_profile_function_count(c));
        assert_int_equal(pf_profile_mapping_count(m),
                         pf_profile_mapping_count(c));
        assert_int_equal(pf_profile_duration(m), 2 * pf_profile_duration(a));
        assert_int_equal(pf_profile_time(m), pf_profile_time(a));
        for (i = 0; i < nv; i++)
            assert_int_equal(pf_profile_total(m, i),
                             2 * pf_profile_total(a, i));
        pf_profile_free(m);
        pf_profile_free(c);
        pf_profile_free(a);
    }
}

static void test_merge__ids_renumbered_in_first_seen_order(void **state)
{
    pf_profile *a = fixture_load("corpus/go_cpu_labels.pb.gz");
    pf_profile *m = merge1(a);
    size_t i, j, nloc;
    uint64_t next = 1;

    (void)state;
    for (i = 0; i < pf_profile_mapping_count(m); i++)
        assert_int_equal(pf_profile_mapping(m, (uint32_t)i)->id, i + 1);
    for (i = 0; i < pf_profile_function_count(m); i++)
        assert_int_equal(pf_profile_function(m, (uint32_t)i)->id, i + 1);
    /* Locations appear for the first time in sample order. */
    for (i = 0; i < pf_profile_sample_count(m); i++) {
        const uint32_t *locs = pf_sample_locations(m, i, &nloc);
        for (j = 0; j < nloc; j++) {
            uint64_t id = pf_profile_location(m, locs[j])->id;
            assert_true(id <= next);
            if (id == next)
                next++;
        }
    }
    assert_int_equal(next - 1, pf_profile_location_count(m));
    assert_int_equal(pf_profile_check(m), PF_OK);
    pf_profile_free(m);
    pf_profile_free(a);
}

/* Two profiles that each define the same mapping, functions and
 * locations under other ids and in another order. */
static void test_merge__dedups_mappings_functions_locations(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    pf_profile *b = mk_profile("samples/count", NULL);
    uint32_t am, bm, bx, a1, a2, b1, b2, b3, st[2];
    int64_t v = 1;

    (void)state;
    am = mk_map(a, 0x400000, 0x500000, "/bin/app", "");
    a1 = mk_loc(a, am, 0x401000, "f", 10);
    a2 = mk_loc(a, am, 0x402000, "g", 20);
    st[0] = a1, st[1] = a2;
    mk_sample(a, st, 2, &v, NULL, 0);
    bx = mk_map(b, 0x7f0000, 0x7f1000, "/lib/other.so", "");
    bm = mk_map(b, 0x400000, 0x500000, "/bin/app", "");
    b3 = mk_loc(b, bx, 0x7f0010, "h", 1);
    b2 = mk_loc(b, bm, 0x402000, "g", 20);
    b1 = mk_loc(b, bm, 0x401000, "f", 10);
    st[0] = b1, st[1] = b2;
    v = 5;
    mk_sample(b, st, 2, &v, NULL, 0);
    st[0] = b3;
    mk_sample(b, st, 1, &v, NULL, 0);
    {
        pf_profile *m = merge2(a, b);
        assert_int_equal(pf_profile_mapping_count(m), 2);
        assert_int_equal(pf_profile_function_count(m), 3);
        assert_int_equal(pf_profile_location_count(m), 3);
        assert_int_equal(pf_profile_sample_count(m), 2);
        assert_int_equal(pf_sample_values(m, 0)[0], 6);
        assert_int_equal(pf_sample_values(m, 1)[0], 5);
        assert_string_equal(pf_profile_mapping(m, 0)->file, "/bin/app");
        assert_string_equal(pf_profile_mapping(m, 1)->file, "/lib/other.so");
        assert_int_equal(pf_profile_check(m), PF_OK);
        pf_profile_free(m);
    }
    pf_profile_free(a);
    pf_profile_free(b);
}

/* The same binary loaded at another address (and with a limit that
 * differs by less than a page) is one mapping; B's addresses move. */
static void test_merge__aslr_shift(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    pf_profile *b = mk_profile("samples/count", NULL);
    uint32_t am, bm, l;
    int64_t v = 2;

    (void)state;
    am = mk_map(a, 0x555500000000, 0x555500010000, "/bin/app", "bid1");
    l = mk_loc(a, am, 0x555500001234, "f", 3);
    mk_sample(a, &l, 1, &v, NULL, 0);
    bm = mk_map(b, 0x5566aa000000, 0x5566aa00ff80, "/elsewhere/app", "bid1");
    l = mk_loc(b, bm, 0x5566aa001234, "f", 3);
    mk_sample(b, &l, 1, &v, NULL, 0);
    l = mk_loc(b, bm, 0x5566aa002000, "g", 4);
    mk_sample(b, &l, 1, &v, NULL, 0);
    {
        pf_profile *m = merge2(a, b);
        assert_int_equal(pf_profile_mapping_count(m), 1);
        assert_int_equal(pf_profile_mapping(m, 0)->start, 0x555500000000);
        assert_string_equal(pf_profile_mapping(m, 0)->file, "/bin/app");
        assert_int_equal(pf_profile_location_count(m), 2);
        assert_int_equal(pf_profile_location(m, 0)->address, 0x555500001234);
        assert_int_equal(pf_profile_location(m, 1)->address, 0x555500002000);
        assert_int_equal(pf_profile_sample_count(m), 2);
        assert_int_equal(pf_sample_values(m, 0)[0], 4);
        pf_profile_free(m);
    }
    pf_profile_free(a);
    pf_profile_free(b);
}

/* Build id wins over the file name; mappings with neither coalesce. */
static void test_merge__mapping_keys(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    uint32_t m1, m2, f1, f2, l[4];
    int64_t v = 1;
    size_t i;

    (void)state;
    m1 = mk_map(a, 0x1000, 0x2000, "/bin/app", "aaaa");
    m2 = mk_map(a, 0x3000, 0x4000, "/bin/app", "bbbb");
    f1 = mk_map(a, 0x10000, 0x11000, "", "");
    f2 = mk_map(a, 0x20000, 0x21000, "", "");
    l[0] = mk_loc(a, m1, 0x1100, "x", 1);
    l[1] = mk_loc(a, m2, 0x3100, "x", 1);
    l[2] = mk_loc(a, f1, 0x10100, "y", 1);
    l[3] = mk_loc(a, f2, 0x20100, "y", 1);
    for (i = 0; i < 4; i++)
        mk_sample(a, &l[i], 1, &v, NULL, 0);
    {
        pf_profile *m = merge1(a);
        /* aaaa and bbbb stay apart although the file is the same; the
         * two fake mappings become one, so y's locations coincide. */
        assert_int_equal(pf_profile_mapping_count(m), 3);
        assert_int_equal(pf_profile_location_count(m), 3);
        assert_int_equal(pf_profile_sample_count(m), 3);
        assert_int_equal(pf_sample_values(m, 2)[0], 2);
        pf_profile_free(m);
    }
    pf_profile_free(a);
}

static void test_merge__function_key_has_start_line(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    uint32_t f1, f2, l1, l2;
    pf_line ln = { 0, 5, 0 };
    int64_t v = 1;

    (void)state;
    assert_int_equal(pf_profile_add_function(&f1, a, "f", "f", "a.c", 1), 0);
    assert_int_equal(pf_profile_add_function(&f2, a, "f", "f", "a.c", 2), 0);
    ln.function = f1;
    assert_int_equal(pf_profile_add_location(&l1, a, PF_NONE, 0x10, &ln, 1,
                                             false), 0);
    ln.function = f2;
    assert_int_equal(pf_profile_add_location(&l2, a, PF_NONE, 0x10, &ln, 1,
                                             false), 0);
    mk_sample(a, &l1, 1, &v, NULL, 0);
    mk_sample(a, &l2, 1, &v, NULL, 0);
    {
        pf_profile *m = merge1(a);
        assert_int_equal(pf_profile_function_count(m), 2);
        assert_int_equal(pf_profile_location_count(m), 2);
        assert_int_equal(pf_profile_sample_count(m), 2);
        assert_int_equal(pf_profile_mapping_count(m), 0);
        pf_profile_free(m);
    }
    pf_profile_free(a);
}

/* Labels are part of the sample key: order across keys does not
 * matter, the order of one key's values does, numeric units count. */
static void test_merge__labels_in_sample_key(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    uint32_t l;
    int64_t v = 1;
    pf_label ab[] = { { "x", "1", 0, "" }, { "y", "2", 0, "" } };
    pf_label ba[] = { { "y", "2", 0, "" }, { "x", "1", 0, "" } };
    pf_label x12[] = { { "x", "1", 0, "" }, { "x", "2", 0, "" } };
    pf_label x21[] = { { "x", "2", 0, "" }, { "x", "1", 0, "" } };
    pf_label n1[] = { { "n", "", 7, "" } };
    pf_label n1u[] = { { "n", "", 7, "bytes" } };

    (void)state;
    l = mk_loc(a, PF_NONE, 0x10, "f", 1);
    mk_sample(a, &l, 1, &v, ab, 2);     /* 0 */
    mk_sample(a, &l, 1, &v, ba, 2);     /* = 0 */
    mk_sample(a, &l, 1, &v, x12, 2);    /* 1 */
    mk_sample(a, &l, 1, &v, x21, 2);    /* 2 */
    mk_sample(a, &l, 1, &v, n1, 1);     /* 3 */
    mk_sample(a, &l, 1, &v, n1u, 1);    /* 4 */
    mk_sample(a, &l, 1, &v, n1u, 1);    /* = 4 */
    mk_sample(a, &l, 1, &v, NULL, 0);   /* 5 */
    {
        pf_profile *m = merge1(a);
        size_t nlab;
        const pf_label *lab;
        assert_int_equal(pf_profile_sample_count(m), 6);
        assert_int_equal(pf_sample_values(m, 0)[0], 2);
        assert_int_equal(pf_sample_values(m, 1)[0], 1);
        assert_int_equal(pf_sample_values(m, 2)[0], 1);
        assert_int_equal(pf_sample_values(m, 3)[0], 1);
        assert_int_equal(pf_sample_values(m, 4)[0], 2);
        assert_int_equal(pf_sample_values(m, 5)[0], 1);
        /* Values of one key keep their order. */
        lab = pf_sample_labels(m, 2, &nlab);
        assert_int_equal(nlab, 2);
        assert_string_equal(lab[0].str, "2");
        assert_string_equal(lab[1].str, "1");
        lab = pf_sample_labels(m, 4, &nlab);
        assert_int_equal(nlab, 1);
        assert_int_equal(lab[0].num, 7);
        assert_string_equal(lab[0].unit, "bytes");
        pf_profile_free(m);
    }
    pf_profile_free(a);
}

/* Zero input samples are skipped; a merged sample that sums to zero is
 * garbage-collected with the entities only it used, ids renumbered. */
static void test_merge__zero_samples_collected(void **state)
{
    pf_profile *a = mk_profile("samples/count,cpu/nanoseconds", NULL);
    pf_profile *b = mk_profile("samples/count,cpu/nanoseconds", NULL);
    uint32_t la, lb, lz;
    int64_t pos[] = { 2, 20 }, neg[] = { -2, -20 }, zero[] = { 0, 0 },
            one[] = { 1, 10 };

    (void)state;
    la = mk_loc(a, PF_NONE, 0x10, "gone", 1);
    lb = mk_loc(a, PF_NONE, 0x20, "kept", 1);
    lz = mk_loc(a, PF_NONE, 0x30, "zero", 1);
    mk_sample(a, &la, 1, pos, NULL, 0);
    mk_sample(a, &lz, 1, zero, NULL, 0);
    mk_sample(a, &lb, 1, one, NULL, 0);
    la = mk_loc(b, PF_NONE, 0x10, "gone", 1);
    mk_sample(b, &la, 1, neg, NULL, 0);
    {
        pf_profile *m = merge2(a, b);
        assert_int_equal(pf_profile_sample_count(m), 1);
        assert_int_equal(pf_profile_location_count(m), 1);
        assert_int_equal(pf_profile_function_count(m), 1);
        assert_string_equal(pf_profile_function(m, 0)->name, "kept");
        assert_int_equal(pf_profile_function(m, 0)->id, 1);
        assert_int_equal(pf_profile_location(m, 0)->id, 1);
        assert_int_equal(pf_sample_values(m, 0)[1], 10);
        pf_profile_free(m);
    }
    {
        /* A lone zero sample makes nothing at all. */
        pf_profile *c = mk_profile("samples/count,cpu/nanoseconds", NULL);
        pf_profile *m;
        lz = mk_loc(c, PF_NONE, 0x30, "zero", 1);
        mk_sample(c, &lz, 1, zero, NULL, 0);
        m = merge1(c);
        assert_int_equal(pf_profile_sample_count(m), 0);
        assert_int_equal(pf_profile_location_count(m), 0);
        assert_int_equal(pf_profile_function_count(m), 0);
        pf_profile_free(m);
        pf_profile_free(c);
    }
    pf_profile_free(a);
    pf_profile_free(b);
}

/* The first mapping of the first input that has mappings comes first,
 * even when no sample uses it. */
static void test_merge__main_binary_first(void **state)
{
    pf_profile *a = mk_profile("samples/count", NULL);
    pf_profile *b = mk_profile("samples/count", NULL);
    uint32_t l, lib;
    int64_t v = 1;

    (void)state;
    l = mk_loc(a, PF_NONE, 0x99, "nomap", 1);
    mk_sample(a, &l, 1, &v, NULL, 0);
    mk_map(b, 0x400000, 0x401000, "/bin/main", "");
    lib = mk_map(b, 0x7f0000, 0x7f1000, "/lib/x.so", "");
    l = mk_loc(b, lib, 0x7f0010, "inlib", 1);
    mk_sample(b, &l, 1, &v, NULL, 0);
    {
        pf_profile *m = merge2(a, b);
        assert_int_equal(pf_profile_mapping_count(m), 2);
        assert_string_equal(pf_profile_mapping(m, 0)->file, "/bin/main");
        assert_string_equal(pf_profile_mapping(m, 1)->file, "/lib/x.so");
        assert_int_equal(pf_profile_location(m, 0)->mapping, PF_NONE);
        assert_int_equal(pf_profile_location(m, 1)->mapping, 1);
        pf_profile_free(m);
    }
    pf_profile_free(a);
    pf_profile_free(b);
}

static pf_profile *hdr(int64_t time, int64_t dur, int64_t period,
                       const char *comment, const char *deflt)
{
    pf_profile *p = mk_profile("samples/count,cpu/nanoseconds", NULL);
    uint32_t l = mk_loc(p, PF_NONE, 0x10, "f", 1);
    int64_t v[] = { 1, 1 };

    pf_profile_set_time(p, time);
    pf_profile_set_duration(p, dur);
    pf_profile_set_period(p, period);
    if (comment)
        assert_int_equal(pf_profile_add_comment(p, comment), PF_OK);
    if (deflt)
        assert_int_equal(pf_profile_set_default_sample_type(p, deflt), PF_OK);
    mk_sample(p, &l, 1, v, NULL, 0);
    return p;
}

static pf_profile *merge_n(pf_profile **ps, size_t n)
{
    pf_profile *out = NULL;

    if (pf_profile_merge(&out, (const pf_profile *const *)ps, n, NULL) != 0)
        fail_msg("merge: %s", pf_error_last());
    return out;
}

static void test_merge__header_rules(void **state)
{
    pf_profile *p[4], *m;
    size_t i;

    (void)state;
    p[0] = hdr(0, 10, 0, "one", NULL);
    p[1] = hdr(300, 20, 7, "two", "cpu");
    p[2] = hdr(200, 30, 5, "one", "samples");
    p[3] = hdr(250, 40, 9, "three", NULL);
    assert_int_equal(pf_profile_set_drop_frames(p[0], "drop0"), PF_OK);
    assert_int_equal(pf_profile_set_keep_frames(p[1], "keep1"), PF_OK);
    m = merge_n(p, 4);
    assert_int_equal(pf_profile_time(m), 200);       /* earliest non-zero */
    assert_int_equal(pf_profile_duration(m), 100);   /* sum */
    assert_int_equal(pf_profile_period(m), 9);       /* max */
    assert_string_equal(pf_profile_default_sample_type(m), "cpu");
    assert_string_equal(pf_profile_drop_frames(m), "drop0");
    assert_string_equal(pf_profile_keep_frames(m), "");  /* the first's */
    assert_int_equal(pf_profile_comment_count(m), 3);
    assert_string_equal(pf_profile_comment(m, 0), "one");
    assert_string_equal(pf_profile_comment(m, 1), "two");
    assert_string_equal(pf_profile_comment(m, 2), "three");
    assert_int_equal(pf_sample_values(m, 0)[0], 4);
    pf_profile_free(m);
    for (i = 0; i < 4; i++)
        pf_profile_free(p[i]);

    /* The reference's time rule, in input order: a later 0 resets it
     * (documented behaviour), and a 0 period is replaced. */
    p[0] = hdr(300, 0, 0, NULL, NULL);
    p[1] = hdr(0, 0, 4, NULL, NULL);
    p[2] = hdr(500, 0, 2, NULL, NULL);
    m = merge_n(p, 3);
    assert_int_equal(pf_profile_time(m), 500);
    assert_int_equal(pf_profile_period(m), 4);
    pf_profile_free(m);
    m = merge_n(p, 2);
    assert_int_equal(pf_profile_time(m), 0);
    pf_profile_free(m);
    for (i = 0; i < 3; i++)
        pf_profile_free(p[i]);
}

static void test_merge__incompatible_error_text(void **state)
{
    pf_profile *cpu = fixture_load("corpus/go_cpu.pb.gz");
    pf_profile *blk = fixture_load("corpus/go_block.pb.gz");
    pf_profile *heap = fixture_load("corpus/go_heap.pb.gz");
    pf_profile *cpu2 = mk_profile("samples/count,cpu/nanoseconds",
                                  "cpu/nanoseconds");
    const pf_profile *in[3];
    pf_profile *out = (pf_profile *)1;
    pf_merger *m;

    (void)state;
    in[0] = cpu;
    in[1] = cpu2;
    in[2] = heap;
    assert_int_equal(pf_profile_merge(&out, in, 3, NULL), PF_EINCOMPAT);
    assert_null(out);
    assert_string_equal(pf_error_last(),
                        "profile 2: period types differ: cpu/nanoseconds vs "
                        "space/bytes");
    assert_int_equal(pf_profile_set_period_type(blk, "cpu", "nanoseconds"),
                     PF_OK);
    in[1] = blk;
    assert_int_equal(pf_profile_merge(&out, in, 2, NULL), PF_EINCOMPAT);
    assert_string_equal(pf_error_last(),
                        "profile 1: sample types differ: [samples/count "
                        "cpu/nanoseconds] vs [contentions/count "
                        "delay/nanoseconds]");
    /* The streaming merger stays usable after an incompatible input. */
    assert_int_equal(pf_merger_new(&m, NULL), PF_OK);
    assert_int_equal(pf_merger_add(m, cpu), PF_OK);
    assert_int_equal(pf_merger_add(m, blk), PF_EINCOMPAT);
    assert_int_equal(pf_merger_add(m, cpu), PF_OK);
    assert_int_equal(pf_merger_count(m), 2);
    assert_int_equal(pf_merger_finish(&out, m), PF_OK);
    assert_int_equal(pf_profile_total(out, 1), 2 * pf_profile_total(cpu, 1));
    pf_profile_free(out);
    pf_merger_free(m);
    /* Nothing to merge. */
    assert_int_equal(pf_merger_new(&m, NULL), PF_OK);
    assert_int_equal(pf_merger_finish(&out, m), PF_EINVAL);
    assert_string_equal(pf_error_last(), "no profiles to merge");
    pf_merger_free(m);
    assert_int_equal(pf_profile_merge(&out, in, 0, NULL), PF_EINVAL);
    pf_profile_free(cpu);
    pf_profile_free(cpu2);
    pf_profile_free(blk);
    pf_profile_free(heap);
}

/* heap has alloc_objects alloc_space inuse_objects inuse_space; the
 * other keeps inuse_space and alloc_objects in another order. */
static void test_merge__common_types(void **state)
{
    pf_profile *heap = fixture_load("corpus/go_heap.pb.gz");
    pf_profile *other = mk_profile("inuse_space/bytes,alloc_objects/count,"
                                   "extra/count", "space/bytes");
    pf_merge_opts o = PF_MERGE_OPTS_INIT;
    const pf_profile *in[2];
    pf_profile *out = NULL, *s = NULL;
    pf_merger *m;
    uint32_t l;
    int64_t v[] = { 1000, 3, 77 }, v0[] = { 0, 0, 5 };
    int ai, ii;

    (void)state;
    l = mk_loc(other, PF_NONE, 0x10, "other", 1);
    mk_sample(other, &l, 1, v, NULL, 0);
    l = mk_loc(other, PF_NONE, 0x20, "extraonly", 1);
    mk_sample(other, &l, 1, v0, NULL, 0);
    in[0] = heap;
    in[1] = other;
    assert_int_equal(pf_profile_merge(&out, in, 2, NULL), PF_EINCOMPAT);
    o.common_types = true;
    assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_OK);
    assert_int_equal(pf_profile_sample_type_count(out), 2);
    assert_string_equal(pf_profile_sample_types(out)[0].type, "alloc_objects");
    assert_string_equal(pf_profile_sample_types(out)[1].type, "inuse_space");
    /* heap had to change and has no default: it gets the first common
     * type, and is the first input with a non-empty default. */
    assert_string_equal(pf_profile_default_sample_type(out), "alloc_objects");
    assert_int_equal(pf_profile_sample_index(&ai, heap, "alloc_objects"), 0);
    assert_int_equal(pf_profile_sample_index(&ii, heap, "inuse_space"), 0);
    assert_int_equal(pf_profile_total(out, 0),
                     pf_profile_total(heap, (size_t)ai) + 3);
    assert_int_equal(pf_profile_total(out, 1),
                     pf_profile_total(heap, (size_t)ii) + 1000);
    /* The sample only in "extra" is zero once reduced: gone. */
    {
        size_t i, found = 0;
        for (i = 0; i < pf_profile_function_count(out); i++)
            found += strcmp(pf_profile_function(out, (uint32_t)i)->name,
                            "extraonly") == 0;
        assert_int_equal(found, 0);
    }
    /* The streaming merger reduces as inputs arrive: same samples. */
    assert_int_equal(pf_merger_new(&m, &o), PF_OK);
    assert_int_equal(pf_merger_add(m, heap), PF_OK);
    assert_int_equal(pf_merger_add(m, other), PF_OK);
    assert_int_equal(pf_merger_finish(&s, m), PF_OK);
    pf_merger_free(m);
    assert_canon_equal(canon(s), canon(out));
    assert_string_equal(pf_profile_default_sample_type(s), "alloc_objects");
    pf_profile_free(s);
    pf_profile_free(out);
    /* Other first: its order, and its own default survives because it
     * is one of the common types. */
    assert_int_equal(pf_profile_set_default_sample_type(other, "inuse_space"),
                     PF_OK);
    in[0] = other;
    in[1] = heap;
    assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_OK);
    assert_string_equal(pf_profile_sample_types(out)[0].type, "inuse_space");
    assert_string_equal(pf_profile_sample_types(out)[1].type, "alloc_objects");
    assert_string_equal(pf_profile_default_sample_type(out), "inuse_space");
    pf_profile_free(out);
    in[0] = heap;
    /* Nothing in common. */
    {
        pf_profile *x = mk_profile("foo/count", "space/bytes");
        in[1] = x;
        assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_EINCOMPAT);
        assert_string_equal(pf_error_last(),
                            "profiles have no common sample types");
        pf_profile_free(x);
    }
    pf_profile_free(heap);
    pf_profile_free(other);
}

/* Units must still agree on a common type. */
static void test_merge__common_types_check_units(void **state)
{
    pf_profile *a = mk_profile("a/count,b/bytes", NULL);
    pf_profile *b = mk_profile("b/kilobytes,a/count", NULL);
    pf_merge_opts o = PF_MERGE_OPTS_INIT;
    const pf_profile *in[2];
    pf_profile *out = NULL;

    (void)state;
    o.common_types = true;
    in[0] = a;
    in[1] = b;
    assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_EINCOMPAT);
    assert_non_null(strstr(pf_error_last(), "sample types differ"));
    pf_profile_free(a);
    pf_profile_free(b);
}

static void test_merge__deterministic_bytes(void **state)
{
    pf_profile *a = fixture_load("corpus/go_cpu.pb.gz");
    pf_profile *b = fixture_load("corpus/go_cpu_labels.pb.gz");
    pf_profile *m1 = merge2(a, b), *m2 = merge2(a, b);
    size_t l1, l2;
    unsigned char *e1 = fixture_encode(m1, 0, &l1);
    unsigned char *e2 = fixture_encode(m2, 0, &l2);

    (void)state;
    assert_int_equal(l1, l2);
    assert_memory_equal(e1, e2, l1);
    free(e1);
    free(e2);
    pf_profile_free(m1);
    pf_profile_free(m2);
    pf_profile_free(a);
    pf_profile_free(b);
}

/* Decode -> merge -> encode -> decode keeps the merged model. */
static void test_merge__result_roundtrips(void **state)
{
    pf_profile *a = fixture_load("corpus/go_heap.pb.gz");
    pf_profile *b = fixture_load("corpus/go_allocs.pb.gz");
    pf_profile *m = merge2(a, b), *d = NULL;
    size_t len;
    unsigned char *e = fixture_encode(m, 1, &len);

    (void)state;
    assert_int_equal(pf_profile_decode(&d, e, len, NULL), PF_OK);
    assert_canon_equal(canon(d), canon(m));
    assert_int_equal(pf_profile_check(d), PF_OK);
    free(e);
    pf_profile_free(d);
    pf_profile_free(m);
    pf_profile_free(a);
    pf_profile_free(b);
}

static void test_merge__scale(void **state)
{
    pf_profile *a = mk_profile("a/count,b/count", NULL);
    uint32_t l;
    int64_t v1[] = { 3, 5 }, v2[] = { -3, 1 }, v3[] = { 7, 0 };
    double half[] = { 0.5, 0.5 }, mixed[] = { 1.0, 0.1 }, ones[] = { 1, 1 };

    (void)state;
    l = mk_loc(a, PF_NONE, 0x10, "f", 1);
    mk_sample(a, &l, 1, v1, NULL, 0);
    mk_sample(a, &l, 1, v2, NULL, 0);
    mk_sample(a, &l, 1, v3, NULL, 0);
    assert_int_equal(pf_profile_scale(a, half, 1), PF_EINVAL);
    assert_int_equal(pf_profile_scale(a, ones, 2), PF_OK);
    assert_int_equal(pf_profile_sample_count(a), 3);
    /* Half away from zero, like Go's math.Round. */
    assert_int_equal(pf_profile_scale(a, half, 2), PF_OK);
    assert_int_equal(pf_profile_sample_count(a), 3);
    assert_int_equal(pf_sample_values(a, 0)[0], 2);
    assert_int_equal(pf_sample_values(a, 0)[1], 3);
    assert_int_equal(pf_sample_values(a, 1)[0], -2);
    assert_int_equal(pf_sample_values(a, 1)[1], 1);
    assert_int_equal(pf_sample_values(a, 2)[0], 4);
    /* ScaleN keeps a sample only if a scaled column is non-zero: (2,3)
     * -> (2,0) is dropped although column 0 is not zero; (-2,1) too. */
    assert_int_equal(pf_profile_scale(a, mixed, 2), PF_OK);
    assert_int_equal(pf_profile_sample_count(a), 0);
    pf_profile_free(a);
}

/* Three inputs in seconds, milliseconds, nanoseconds (streamed, so the
 * merged values are rescaled twice): everything ends up in the finest
 * unit, spelled as its input spells it; the period too. A sample whose
 * cpu rounds to 0 in a coarse input is removed whole (ScaleN). */
static void test_merge__scale_units_to_finest(void **state)
{
    pf_profile *s = mk_profile("samples/count,cpu/seconds", "cpu/s");
    pf_profile *ms = mk_profile("samples/count,cpu/ms", "cpu/milliseconds");
    pf_profile *ns = mk_profile("samples/count,cpu/nanoseconds",
                                "cpu/nanoseconds");
    pf_merge_opts o = PF_MERGE_OPTS_INIT;
    const pf_profile *in[3];
    pf_profile *out = NULL;
    uint32_t l;
    int64_t vs[] = { 2, 3 }, vs0[] = { 7, 0 }, vms[] = { 1, 5 },
            vns[] = { 4, 9 };

    (void)state;
    pf_profile_set_period(s, 1);
    pf_profile_set_period(ms, 10);
    pf_profile_set_period(ns, 20);
    l = mk_loc(s, PF_NONE, 0x10, "f", 1);
    mk_sample(s, &l, 1, vs, NULL, 0);
    l = mk_loc(s, PF_NONE, 0x20, "zero", 1);
    mk_sample(s, &l, 1, vs0, NULL, 0);
    l = mk_loc(ms, PF_NONE, 0x10, "f", 1);
    mk_sample(ms, &l, 1, vms, NULL, 0);
    l = mk_loc(ns, PF_NONE, 0x10, "f", 1);
    mk_sample(ns, &l, 1, vns, NULL, 0);
    in[0] = s;
    in[1] = ms;
    in[2] = ns;
    assert_int_equal(pf_profile_merge(&out, in, 3, NULL), PF_EINCOMPAT);
    o.scale_units = true;
    assert_int_equal(pf_profile_merge(&out, in, 3, &o), PF_OK);
    assert_string_equal(pf_profile_sample_types(out)[1].unit, "nanoseconds");
    assert_string_equal(pf_profile_period_type(out).unit, "nanoseconds");
    assert_int_equal(pf_profile_period(out), 1000000000);
    assert_int_equal(pf_profile_sample_count(out), 1);
    assert_int_equal(pf_sample_values(out, 0)[0], 2 + 1 + 4);
    assert_int_equal(pf_sample_values(out, 0)[1],
                     3000000000 + 5000000 + 9);
    /* What only the removed sample referenced is gone too. */
    assert_int_equal(pf_profile_function_count(out), 1);
    pf_profile_free(out);
    /* Finest first: the others are scaled on their way in, the same. */
    in[0] = ns;
    in[2] = s;
    assert_int_equal(pf_profile_merge(&out, in, 3, &o), PF_OK);
    assert_string_equal(pf_profile_sample_types(out)[1].unit, "nanoseconds");
    assert_int_equal(pf_profile_sample_count(out), 1);
    assert_int_equal(pf_sample_values(out, 0)[1],
                     3000000000 + 5000000 + 9);
    assert_int_equal(pf_profile_period(out), 1000000000);
    pf_profile_free(out);
    pf_profile_free(s);
    pf_profile_free(ms);
    pf_profile_free(ns);
}

/* Bytes and kilobytes convert; bytes and nanoseconds, or equal units
 * under different type names, do not. */
static void test_merge__scale_units_incompatible(void **state)
{
    pf_profile *b = mk_profile("space/bytes", "space/bytes");
    pf_profile *kb = mk_profile("space/kB", "space/kilobytes");
    pf_profile *t = mk_profile("space/nanoseconds", "space/bytes");
    pf_profile *n = mk_profile("spaces/kB", "space/bytes");
    pf_merge_opts o = PF_MERGE_OPTS_INIT;
    pf_profile *out = NULL;
    uint32_t l;
    int64_t v = 3;

    (void)state;
    o.scale_units = true;
    l = mk_loc(b, PF_NONE, 0x10, "f", 1);
    mk_sample(b, &l, 1, &v, NULL, 0);
    l = mk_loc(kb, PF_NONE, 0x10, "f", 1);
    mk_sample(kb, &l, 1, &v, NULL, 0);
    {
        const pf_profile *in[2] = { kb, b };
        assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_OK);
        assert_string_equal(pf_profile_sample_types(out)[0].unit, "bytes");
        assert_int_equal(pf_sample_values(out, 0)[0], 3 * 1024 + 3);
        pf_profile_free(out);
    }
    {
        const pf_profile *in[2] = { b, t };
        assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_EINCOMPAT);
        assert_non_null(strstr(pf_error_last(), "sample types differ"));
    }
    {
        const pf_profile *in[2] = { b, n };
        assert_int_equal(pf_profile_merge(&out, in, 2, &o), PF_EINCOMPAT);
    }
    pf_profile_free(b);
    pf_profile_free(kb);
    pf_profile_free(t);
    pf_profile_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge__with_empty_is_identity),
        cmocka_unit_test(test_merge__self_doubles_values),
        cmocka_unit_test(test_merge__ids_renumbered_in_first_seen_order),
        cmocka_unit_test(test_merge__dedups_mappings_functions_locations),
        cmocka_unit_test(test_merge__aslr_shift),
        cmocka_unit_test(test_merge__mapping_keys),
        cmocka_unit_test(test_merge__function_key_has_start_line),
        cmocka_unit_test(test_merge__labels_in_sample_key),
        cmocka_unit_test(test_merge__zero_samples_collected),
        cmocka_unit_test(test_merge__main_binary_first),
        cmocka_unit_test(test_merge__header_rules),
        cmocka_unit_test(test_merge__incompatible_error_text),
        cmocka_unit_test(test_merge__common_types),
        cmocka_unit_test(test_merge__common_types_check_units),
        cmocka_unit_test(test_merge__deterministic_bytes),
        cmocka_unit_test(test_merge__result_roundtrips),
        cmocka_unit_test(test_merge__scale),
        cmocka_unit_test(test_merge__scale_units_to_finest),
        cmocka_unit_test(test_merge__scale_units_incompatible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
