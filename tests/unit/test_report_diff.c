/*
 * The change table of a diff (report_diff.c): rows, their order, cum
 * counted once per sample under recursion, names of unsymbolized
 * frames, the gate and its thresholds, the text, JSON and regression
 * lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "merge_helpers.h"

/* A sample main -> LEAF (at ADDR) of value V in P's first mapping. */
static void main_calls(pf_profile *p, const char *leaf, uint64_t addr,
                       int64_t v)
{
    uint32_t s[2];

    s[1] = mk_loc(p, 0, 0x1100, "main", 1);
    s[0] = mk_loc(p, 0, addr, leaf, 1);
    mk_sample(p, s, 2, &v, NULL, 0);
}

/* base: main->a 10, main->b 5.
 * new:  main->a 4, main->b 20, main->c->c 7 (recursion). */
static pf_profile *table_diff(void)
{
    pf_profile *base = mk_profile("cpu/nanoseconds", NULL);
    pf_profile *cur = mk_profile("cpu/nanoseconds", NULL);
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    pf_profile *d = NULL;
    uint32_t s[3];
    int64_t v = 7;

    mk_map(base, 0x1000, 0x9000, "/bin/prog", "");
    main_calls(base, "a", 0x1200, 10);
    main_calls(base, "b", 0x1300, 5);
    mk_map(cur, 0x1000, 0x9000, "/bin/prog", "");
    main_calls(cur, "a", 0x1200, 4);
    main_calls(cur, "b", 0x1300, 20);
    s[2] = mk_loc(cur, 0, 0x1100, "main", 1);
    s[1] = mk_loc(cur, 0, 0x1410, "c", 2);
    s[0] = mk_loc(cur, 0, 0x1400, "c", 1);
    mk_sample(cur, s, 3, &v, NULL, 0);

    if (pf_profile_diff(&d, base, cur, &o) != PF_OK)
        fail_msg("diff: %s", pf_error_last());
    pf_profile_free(base);
    pf_profile_free(cur);
    return d;
}

static pf_diff_table *table_of(const pf_profile *d, bool by_cum)
{
    pf_diff_table *t = NULL;

    if (pf_diff_table_new(&t, d, 0, by_cum) != PF_OK)
        fail_msg("table: %s", pf_error_last());
    return t;
}

static void assert_row(const pf_diff_row *r, const char *name, int64_t bf,
                       int64_t nf, int64_t bc, int64_t nc)
{
    assert_string_equal(r->name, name);
    assert_int_equal(r->base_flat, bf);
    assert_int_equal(r->new_flat, nf);
    assert_int_equal(r->base_cum, bc);
    assert_int_equal(r->new_cum, nc);
}

static void test_report_diff__rows_by_flat(void **state)
{
    pf_profile *d = table_diff();
    pf_diff_table *t = table_of(d, false);

    (void)state;
    assert_string_equal(t->sample_type, "cpu");
    assert_string_equal(t->sample_unit, "nanoseconds");
    assert_int_equal(t->base_total, 15);
    assert_int_equal(t->new_total, 31);
    assert_int_equal(t->nrows, 4);
    assert_row(&t->rows[0], "b", 5, 20, 5, 20);
    /* c appears twice on its stack: its cum counts the sample once */
    assert_row(&t->rows[1], "c", 0, 7, 0, 7);
    assert_row(&t->rows[2], "a", 10, 4, 10, 4);
    assert_row(&t->rows[3], "main", 0, 0, 15, 31);
    pf_diff_table_free(t);
    pf_profile_free(d);
}

static void test_report_diff__rows_by_cum(void **state)
{
    pf_profile *d = table_diff();
    pf_diff_table *t = table_of(d, true);

    (void)state;
    assert_int_equal(t->nrows, 4);
    assert_string_equal(t->rows[0].name, "main");
    assert_string_equal(t->rows[1].name, "b");
    assert_string_equal(t->rows[2].name, "c");
    assert_string_equal(t->rows[3].name, "a");
    pf_diff_table_free(t);
    pf_profile_free(d);
}

static void test_report_diff__self_diff_has_no_rows(void **state)
{
    pf_profile *a = fixture_load("corpus/go_cpu.pb.gz");
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    pf_profile *d = NULL;
    pf_diff_table *t;

    (void)state;
    assert_int_equal(pf_profile_diff(&d, a, a, &o), PF_OK);
    t = table_of(d, false);
    assert_int_equal(t->nrows, 0);
    assert_int_equal(t->base_total, t->new_total);
    assert_int_equal(t->base_total, pf_profile_total(a, 0));
    pf_diff_table_free(t);
    assert_int_equal(pf_diff_table_new(&t, d, 9, false), PF_EINVAL);
    assert_null(t);
    pf_diff_table_free(NULL);
    pf_profile_free(d);
    pf_profile_free(a);
}

static void test_report_diff__unsymbolized_frames(void **state)
{
    pf_profile *base = mk_profile("samples/count", NULL);
    pf_profile *cur = mk_profile("samples/count", NULL);
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    pf_profile *d = NULL;
    pf_diff_table *t;
    uint32_t l[2], m;
    int64_t v = 3;

    (void)state;
    m = mk_map(cur, 0x400000, 0x500000, "/usr/bin/prog", "");
    assert_int_equal(pf_profile_add_location(&l[0], cur, m, 0x4011d6, NULL,
                                             0, false), PF_OK);
    assert_int_equal(pf_profile_add_location(&l[1], cur, PF_NONE, 0x7f00,
                                             NULL, 0, false), PF_OK);
    mk_sample(cur, l, 2, &v, NULL, 0);
    assert_int_equal(pf_profile_diff(&d, base, cur, &o), PF_OK);
    t = table_of(d, false);
    assert_int_equal(t->nrows, 2);
    assert_row(&t->rows[0], "prog 0x4011d6", 0, 3, 0, 3);
    assert_row(&t->rows[1], "0x7f00", 0, 0, 0, 3);
    pf_diff_table_free(t);
    pf_profile_free(d);
    pf_profile_free(base);
    pf_profile_free(cur);
}

static void test_report_diff__gate(void **state)
{
    pf_diff_gate g = PF_DIFF_GATE_INIT;

    (void)state;
    assert_false(pf_diff_regressed(&g, 1, 100));    /* no threshold */
    assert_false(pf_diff_regressed(NULL, 1, 100));
    g.have_pct = true;
    g.pct = 50;
    assert_true(pf_diff_regressed(&g, 100, 151));
    assert_false(pf_diff_regressed(&g, 100, 150));  /* not above */
    assert_false(pf_diff_regressed(&g, 100, 20));   /* improvement */
    assert_true(pf_diff_regressed(&g, 0, 1));       /* new: infinite */
    assert_true(pf_diff_regressed(&g, -100, -40));  /* of |base| */
    g.have_abs = true;
    g.abs = 60;
    assert_false(pf_diff_regressed(&g, 100, 151));  /* both must hold */
    assert_true(pf_diff_regressed(&g, 100, 161));
    g.have_pct = false;
    assert_true(pf_diff_regressed(&g, 1000, 1061));
    assert_false(pf_diff_regressed(&g, 1000, 1060));
}

static void test_report_diff__gate_abs_units(void **state)
{
    static const struct { const char *text, *unit; double want; } ok[] = {
        { "250ms", "nanoseconds", 250e6 }, { "2m", "nanoseconds", 120e9 },
        { "1h", "seconds", 3600 }, { "1.5MB", "bytes", 1572864 },
        { "2KiB", "bytes", 2048 }, { "1kb", "kilobytes", 1 },
        { "42", "count", 42 },
    };
    pf_diff_gate g = PF_DIFF_GATE_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        g.have_abs = false;
        assert_int_equal(pf_diff_gate_set_abs(&g, ok[i].text, ok[i].unit),
                         PF_OK);
        assert_true(g.have_abs);
        assert_true(g.abs == ok[i].want);
    }
    assert_int_equal(pf_diff_gate_set_abs(&g, "1ms", "bytes"), PF_EINVAL);
    assert_string_equal(pf_error_last(), "'1ms' is not an amount of bytes");
    assert_int_equal(pf_diff_gate_set_abs(&g, "5s", ""), PF_EINVAL);
    assert_string_equal(pf_error_last(),
                        "'5s' is not an amount of (no unit)");
    assert_int_equal(pf_diff_gate_set_abs(&g, "x", "bytes"), PF_EINVAL);
    assert_int_equal(pf_diff_gate_set_abs(&g, "-1", "bytes"), PF_EINVAL);
}

static char *written(pf_membuf *mb)
{
    pf_writer w = pf_writer_membuf(mb);
    assert_int_equal(w.write(w.ctx, "", 1), 0);     /* NUL-terminate */
    return (char *)mb->data;
}

static void test_report_diff__text_json_regressions(void **state)
{
    pf_profile *d = table_diff();
    pf_diff_table *t = table_of(d, false);
    pf_diff_table_opts o = PF_DIFF_TABLE_OPTS_INIT;
    pf_diff_gate g = PF_DIFF_GATE_INIT;
    pf_membuf mb = PF_MEMBUF_INIT;
    size_t n = 99;

    (void)state;
    o.nodecount = 2;
    o.base_name = "old.pb.gz";
    o.new_name = "new.pb.gz";
    assert_int_equal(pf_diff_table_write(t, pf_writer_membuf(&mb), &o), PF_OK);
    assert_string_equal(written(&mb),
        "Type: cpu\n"
        "Mode: diff_base, by flat\n"
        "Total: base 15ns, new 31ns, delta +16ns (+106.7%)\n"
        "Showing 2 of 4 changed functions\n"
        "      delta    delta%        base         new  function\n"
        "      +15ns   +300.0%         5ns        20ns  b\n"
        "       +7ns       new           0         7ns  c\n"
        "");
    pf_membuf_release(&mb);

    g.have_pct = true;
    g.pct = 100;
    o.gate = &g;
    o.nodecount = 0;
    assert_int_equal(pf_diff_table_write_json(t, pf_writer_membuf(&mb), &o),
                     PF_OK);
    {
        const char *j = written(&mb);
        assert_non_null(strstr(j, "\"base\": \"old.pb.gz\""));
        assert_non_null(strstr(j, "\"total\": {\"base\": 15, \"new\": 31, "
                                  "\"delta\": 16, \"delta_pct\": 106.6667}"));
        assert_non_null(strstr(j, "{\"name\": \"c\", \"flat\": {\"base\": 0, "
                                  "\"new\": 7, \"delta\": 7, \"delta_pct\": "
                                  "null}"));
        assert_non_null(strstr(j, "\"thresholds\": {\"pct\": 100.0000, "
                                  "\"abs\": null}"));
        assert_non_null(strstr(j, "\"regressions\": [\n"
                                  "    {\"name\": null, \"delta\": 16, "
                                  "\"delta_pct\": 106.6667},\n"
                                  "    {\"name\": \"b\", \"delta\": 15, "
                                  "\"delta_pct\": 300.0000},\n"
                                  "    {\"name\": \"c\", \"delta\": 7, "
                                  "\"delta_pct\": null}\n  ]"));
        assert_non_null(strstr(j, "\"regressed\": true\n}\n"));
    }
    pf_membuf_release(&mb);

    assert_int_equal(pf_diff_table_regressions(&n, t, &g,
                                               pf_writer_membuf(&mb), "x: "),
                     PF_OK);
    assert_int_equal(n, 3);
    assert_string_equal(written(&mb),
                        "x: regression: total cpu +16ns (+106.7%)\n"
                        "x: regression: b: flat +15ns (+300.0%)\n"
                        "x: regression: c: flat +7ns (new)\n");
    pf_membuf_release(&mb);
    g.pct = 1000;
    assert_int_equal(pf_diff_table_regressions(&n, t, &g,
                                               pf_writer_membuf(&mb), NULL),
                     PF_OK);
    assert_int_equal(n, 1);                         /* only the new c */
    pf_membuf_release(&mb);
    pf_diff_table_free(t);
    pf_profile_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_diff__rows_by_flat),
        cmocka_unit_test(test_report_diff__rows_by_cum),
        cmocka_unit_test(test_report_diff__self_diff_has_no_rows),
        cmocka_unit_test(test_report_diff__unsymbolized_frames),
        cmocka_unit_test(test_report_diff__gate),
        cmocka_unit_test(test_report_diff__gate_abs_units),
        cmocka_unit_test(test_report_diff__text_json_regressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
