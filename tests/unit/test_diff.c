/*
 * Diff: -base and -diff_base semantics, -normalize math (docs/FORMATS.md
 * 5.4), on corpus profiles and on small built ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "merge_helpers.h"

static pf_profile *diff(const pf_profile *base, const pf_profile *cur,
                        pf_diff_mode mode, bool normalize)
{
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    pf_profile *out = NULL;

    o.mode = mode;
    o.normalize = normalize;
    if (pf_profile_diff(&out, base, cur, &o) != PF_OK)
        fail_msg("diff: %s", pf_error_last());
    return out;
}

static bool has_base_label(const pf_profile *p, size_t i)
{
    size_t n, j, hits = 0;
    const pf_label *l = pf_sample_labels(p, i, &n);

    for (j = 0; j < n; j++)
        hits += strcmp(l[j].key, PF_DIFF_BASE_LABEL) == 0 &&
                strcmp(l[j].str, "true") == 0;
    assert_true(hits <= 1);
    return hits == 1;
}

static void test_diff__self_is_empty_under_base(void **state)
{
    const char *files[] = { "corpus/go_cpu_labels.pb.gz",
                            "corpus/go_heap.pb.gz", "corpus/go_block.pb.gz" };
    size_t f;

    (void)state;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        pf_profile *a = fixture_load(files[f]);
        pf_profile *d = diff(a, a, PF_DIFF_MODE_BASE, false);
        size_t i;

        assert_int_equal(pf_profile_sample_count(d), 0);
        assert_int_equal(pf_profile_location_count(d), 0);
        assert_int_equal(pf_profile_function_count(d), 0);
        for (i = 0; i < pf_profile_sample_type_count(a); i++)
            assert_int_equal(pf_profile_total(d, i), 0);
        /* Normalizing changes nothing when the totals are equal. */
        pf_profile_free(d);
        d = diff(a, a, PF_DIFF_MODE_BASE, true);
        assert_int_equal(pf_profile_sample_count(d), 0);
        pf_profile_free(d);
        pf_profile_free(a);
    }
}

/* -diff_base keeps both sides: the base negated and labelled, NEW as
 * it was; nothing cancels. */
static void test_diff__diff_base_labels_and_negates(void **state)
{
    pf_profile *base = fixture_load("corpus/go_cpu.pb.gz");
    pf_profile *cur = fixture_load("corpus/go_cpu_labels.pb.gz");
    pf_profile *d = diff(base, cur, PF_DIFF_MODE_DIFF_BASE, false);
    pf_profile *cb = merge1(base), *cc = merge1(cur);
    size_t i, j, nb = 0, nc = 0, nv = pf_profile_sample_type_count(d);
    int64_t sb[2] = { 0, 0 }, sc[2] = { 0, 0 };

    (void)state;
    assert_int_equal(nv, 2);
    for (i = 0; i < pf_profile_sample_count(d); i++) {
        const int64_t *v = pf_sample_values(d, i);
        if (has_base_label(d, i)) {
            nb++;
            for (j = 0; j < nv; j++) {
                assert_true(v[j] <= 0);
                sb[j] += v[j];
            }
        } else {
            nc++;
            for (j = 0; j < nv; j++) {
                assert_true(v[j] >= 0);
                sc[j] += v[j];
            }
        }
    }
    /* NEW's samples first, then the base's. */
    assert_false(has_base_label(d, 0));
    assert_true(has_base_label(d, pf_profile_sample_count(d) - 1));
    assert_int_equal(nb, pf_profile_sample_count(cb));
    assert_int_equal(nc, pf_profile_sample_count(cc));
    for (j = 0; j < nv; j++) {
        assert_int_equal(sb[j], -pf_profile_total(base, j));
        assert_int_equal(sc[j], pf_profile_total(cur, j));
    }
    /* Header: NEW first in the merge. */
    assert_int_equal(pf_profile_duration(d),
                     pf_profile_duration(base) + pf_profile_duration(cur));
    assert_string_equal(pf_profile_mapping(d, 0)->file,
                        pf_profile_mapping(cur, 0)->file);
    pf_profile_free(d);
    /* diff_base of a profile with itself: both sides, no cancelling. */
    d = diff(base, base, PF_DIFF_MODE_DIFF_BASE, false);
    assert_int_equal(pf_profile_sample_count(d),
                     2 * pf_profile_sample_count(cb));
    assert_int_equal(pf_profile_total(d, 1), 0);
    pf_profile_free(d);
    pf_profile_free(cb);
    pf_profile_free(cc);
    pf_profile_free(base);
    pf_profile_free(cur);
}

/* -base: identical keys cancel, the rest is NEW minus BASE. */
static void test_diff__base_subtracts(void **state)
{
    pf_profile *b = mk_profile("samples/count,cpu/nanoseconds", NULL);
    pf_profile *n = mk_profile("samples/count,cpu/nanoseconds", NULL);
    uint32_t l;
    int64_t b1[] = { 10, 100 }, b2[] = { 4, 40 }, n1[] = { 7, 70 },
            n3[] = { 1, 10 };
    pf_label la[] = { { "k", "a", 0, "" } };

    (void)state;
    l = mk_loc(b, PF_NONE, 0x10, "same", 1);
    mk_sample(b, &l, 1, b1, NULL, 0);
    l = mk_loc(b, PF_NONE, 0x20, "gone", 1);
    mk_sample(b, &l, 1, b2, NULL, 0);
    l = mk_loc(n, PF_NONE, 0x10, "same", 1);
    mk_sample(n, &l, 1, n1, NULL, 0);
    l = mk_loc(n, PF_NONE, 0x20, "gone", 1);
    mk_sample(n, &l, 1, b2, la, 1);     /* same stack, other labels */
    l = mk_loc(n, PF_NONE, 0x30, "fresh", 1);
    mk_sample(n, &l, 1, n3, NULL, 0);
    {
        pf_profile *d = diff(b, n, PF_DIFF_MODE_BASE, false);
        /* same: 7-10; gone+label: 4; fresh: 1; gone: -4 */
        assert_int_equal(pf_profile_sample_count(d), 4);
        assert_int_equal(pf_sample_values(d, 0)[0], -3);
        assert_int_equal(pf_sample_values(d, 0)[1], -30);
        assert_int_equal(pf_sample_values(d, 1)[0], 4);
        assert_int_equal(pf_sample_values(d, 2)[0], 1);
        assert_int_equal(pf_sample_values(d, 3)[0], -4);
        assert_false(has_base_label(d, 3));
        assert_int_equal(pf_profile_total(d, 1),
                         pf_profile_total(n, 1) - pf_profile_total(b, 1));
        pf_profile_free(d);
    }
    pf_profile_free(b);
    pf_profile_free(n);
}

/* An existing pprof::base label of the base is replaced (SetLabel), and
 * other labels are kept. */
static void test_diff__base_label_replaces_existing(void **state)
{
    pf_profile *b = mk_profile("samples/count", NULL);
    pf_profile *n = mk_profile("samples/count", NULL);
    pf_label old[] = { { PF_DIFF_BASE_LABEL, "false", 0, "" },
                       { "keep", "me", 0, "" },
                       { PF_DIFF_BASE_LABEL, "maybe", 0, "" } };
    uint32_t l;
    int64_t v = 3;

    (void)state;
    l = mk_loc(b, PF_NONE, 0x10, "f", 1);
    mk_sample(b, &l, 1, &v, old, 3);
    l = mk_loc(n, PF_NONE, 0x10, "f", 1);
    mk_sample(n, &l, 1, &v, NULL, 0);
    {
        pf_profile *d = diff(b, n, PF_DIFF_MODE_DIFF_BASE, false);
        size_t nl;
        const pf_label *lab;
        assert_int_equal(pf_profile_sample_count(d), 2);
        lab = pf_sample_labels(d, 1, &nl);
        assert_int_equal(nl, 2);
        assert_string_equal(lab[0].key, "keep");
        assert_string_equal(lab[1].key, PF_DIFF_BASE_LABEL);
        assert_string_equal(lab[1].str, "true");
        assert_int_equal(pf_sample_values(d, 1)[0], -3);
        pf_profile_free(d);
    }
    pf_profile_free(b);
    pf_profile_free(n);
}

/* -normalize scales NEW by sum(base)/sum(new) per type, rounding half
 * away from zero after combining equal keys; a zero NEW sum gives 0. */
static void test_diff__normalize_math(void **state)
{
    pf_profile *b = mk_profile("a/count,b/count,c/count", NULL);
    pf_profile *n = mk_profile("a/count,b/count,c/count", NULL);
    uint32_t lf, lg;
    int64_t bv[] = { 10, 9, 4 }, nf1[] = { 1, 3, 0 }, nf2[] = { 2, 3, 0 },
            ng[] = { 17, 0, 0 };
    double r[3];

    (void)state;
    lf = mk_loc(b, PF_NONE, 0x10, "f", 1);
    mk_sample(b, &lf, 1, bv, NULL, 0);
    lf = mk_loc(n, PF_NONE, 0x10, "f", 1);
    lg = mk_loc(n, PF_NONE, 0x20, "g", 1);
    mk_sample(n, &lf, 1, nf1, NULL, 0);
    mk_sample(n, &lf, 1, nf2, NULL, 0);  /* combined with nf1 first */
    mk_sample(n, &lg, 1, ng, NULL, 0);
    /* sums: base 10 9 4, new 20 6 0 -> ratios 0.5 1.5 0 */
    assert_int_equal(pf_profile_normalize_ratios(r, 3, b, n), PF_OK);
    assert_true(r[0] == 0.5 && r[1] == 1.5 && r[2] == 0.0);
    assert_int_equal(pf_profile_normalize_ratios(r, 2, b, n), PF_EINVAL);
    {
        pf_profile *d = diff(b, n, PF_DIFF_MODE_DIFF_BASE, true);
        /* f: (3,6,0) -> (1.5->2, 9, 0); g: (17,0,0) -> (8.5->9, 0, 0) */
        assert_int_equal(pf_profile_sample_count(d), 3);
        assert_int_equal(pf_sample_values(d, 0)[0], 2);
        assert_int_equal(pf_sample_values(d, 0)[1], 9);
        assert_int_equal(pf_sample_values(d, 0)[2], 0);
        assert_int_equal(pf_sample_values(d, 1)[0], 9);
        assert_true(has_base_label(d, 2));
        assert_int_equal(pf_sample_values(d, 2)[0], -10);
        assert_int_equal(pf_sample_values(d, 2)[2], -4);
        pf_profile_free(d);
        d = diff(b, n, PF_DIFF_MODE_BASE, true);
        /* f: 2-10, 9-9, 0-4; g: 9, 0, 0 */
        assert_int_equal(pf_profile_sample_count(d), 2);
        assert_int_equal(pf_sample_values(d, 0)[0], -8);
        assert_int_equal(pf_sample_values(d, 0)[1], 0);
        assert_int_equal(pf_sample_values(d, 0)[2], -4);
        assert_int_equal(pf_sample_values(d, 1)[0], 9);
        pf_profile_free(d);
    }
    pf_profile_free(b);
    pf_profile_free(n);
}

/* Normalized, NEW's totals match the base's up to rounding. */
static void test_diff__normalize_matches_base_totals(void **state)
{
    pf_profile *base = fixture_load("corpus/go_heap_sampled.pb.gz");
    pf_profile *cur = fixture_load("corpus/go_heap.pb.gz");
    pf_profile *d = diff(base, cur, PF_DIFF_MODE_BASE, true);
    size_t j;

    (void)state;
    for (j = 0; j < pf_profile_sample_type_count(d); j++) {
        int64_t t = pf_profile_total(d, j);
        /* At most half a unit of rounding per sample of NEW. */
        assert_true(t <= (int64_t)pf_profile_sample_count(cur) &&
                    t >= -(int64_t)pf_profile_sample_count(cur));
    }
    pf_profile_free(d);
    pf_profile_free(base);
    pf_profile_free(cur);
}

static void test_diff__incompatible(void **state)
{
    pf_profile *cpu = fixture_load("corpus/go_cpu.pb.gz");
    pf_profile *heap = fixture_load("corpus/go_heap.pb.gz");
    pf_profile *blk = fixture_load("corpus/go_block.pb.gz");
    pf_profile *mtx = mk_profile("contentions/count", "contentions/count");
    pf_profile *out = (pf_profile *)1;
    pf_diff_opts o = PF_DIFF_OPTS_INIT;

    (void)state;
    assert_int_equal(pf_profile_diff(&out, heap, cpu, NULL), PF_EINCOMPAT);
    assert_null(out);
    assert_string_equal(pf_error_last(),
                        "period types differ: space/bytes vs cpu/nanoseconds");
    assert_int_equal(pf_profile_diff(&out, blk, mtx, NULL), PF_EINCOMPAT);
    assert_string_equal(pf_error_last(),
                        "sample types differ: [contentions/count "
                        "delay/nanoseconds] vs [contentions/count]");
    /* With common types the shared one is compared. */
    o.common_types = true;
    assert_int_equal(pf_profile_diff(&out, blk, mtx, &o), PF_OK);
    assert_int_equal(pf_profile_sample_type_count(out), 1);
    assert_int_equal(pf_profile_total(out, 0), -pf_profile_total(blk, 0));
    pf_profile_free(out);
    o.version = 99;
    assert_int_equal(pf_profile_diff(&out, blk, blk, &o), PF_EINVAL);
    pf_profile_free(cpu);
    pf_profile_free(heap);
    pf_profile_free(blk);
    pf_profile_free(mtx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff__self_is_empty_under_base),
        cmocka_unit_test(test_diff__diff_base_labels_and_negates),
        cmocka_unit_test(test_diff__base_subtracts),
        cmocka_unit_test(test_diff__base_label_replaces_existing),
        cmocka_unit_test(test_diff__normalize_math),
        cmocka_unit_test(test_diff__normalize_matches_base_totals),
        cmocka_unit_test(test_diff__incompatible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
