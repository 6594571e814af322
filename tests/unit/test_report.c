/* Reports: unit formatting, node order and trimming, the text layouts. */
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

static char *report_text(const pf_profile *p, pf_report_kind kind,
                         const pf_report_opts *o)
{
    return fixture_report_text(p, kind, o);
}

static void test_report__unit_labels(void **state)
{
    char b[64];
    const char *u;
    (void)state;

    pf_unit_label(b, sizeof(b), 1270000000, "nanoseconds", "minimum");
    assert_string_equal(b, "1.27s");
    pf_unit_label(b, sizeof(b), 4194304, "bytes", "minimum");
    assert_string_equal(b, "4MB");
    pf_unit_label(b, sizeof(b), 409600, "bytes", "MB");
    assert_string_equal(b, "0.39MB");
    pf_unit_label(b, sizeof(b), 0, "bytes", "MB");
    assert_string_equal(b, "0");
    pf_unit_label(b, sizeof(b), 6, "count", "minimum");
    assert_string_equal(b, "6");
    pf_unit_label(b, sizeof(b), -1536, "bytes", "auto");
    assert_string_equal(b, "-1.50kB");
    pf_unit_label(b, sizeof(b), 2020000000, "nanoseconds", "ms");
    assert_string_equal(b, "2020ms");
    pf_unit_label(b, sizeof(b), 7, "requests", "minimum");
    assert_string_equal(b, "7");
    pf_unit_label(b, sizeof(b), 7, "widgets", "widgets");
    assert_string_equal(b, "7widgets");
    /* Aliases: upper case, plural, microseconds. */
    assert_true(pf_unit_scale(3, "KB", "bytes", &u) == 3072.0);
    assert_string_equal(u, "B");
    assert_true(pf_unit_scale(2, "Seconds", "ms", &u) == 2000.0);
    assert_string_equal(u, "ms");
    assert_true(pf_unit_scale(5000, "us", "auto", &u) == 5.0);
    assert_string_equal(u, "ms");
    assert_true(pf_unit_scale(7200000000000LL, "ns", "auto", &u) == 2.0);
    assert_string_equal(u, "hrs");
}

static void test_report__percentages(void **state)
{
    char b[32];
    (void)state;

    pf_unit_percentage(b, sizeof(b), 127, 200);
    assert_string_equal(b, "63.50%");
    pf_unit_percentage(b, sizeof(b), 1, 200);
    assert_string_equal(b, "  0.5%");
    pf_unit_percentage(b, sizeof(b), 200, 200);
    assert_string_equal(b, "  100%");
    pf_unit_percentage(b, sizeof(b), 0, 200);
    assert_string_equal(b, "    0%");
    pf_unit_percentage(b, sizeof(b), 1, 0);
    assert_string_equal(b, "    0%");
    pf_unit_percentage(b, sizeof(b), 1, 100000000);
    assert_string_equal(b, "1e-06%");
    pf_unit_percentage(b, sizeof(b), -50, 200);
    assert_string_equal(b, "25.00%");
}

static void test_report__top_rows_of_small_profile(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_top *t = NULL;
    (void)state;

    assert_int_equal(pf_report_top(&t, p, &o), 0);
    assert_string_equal(t->sample_type, "cpu");
    assert_int_equal(t->total, 100000000);
    assert_int_equal(t->nrows, 4);
    /* Flat order: main 50ms, inl 30ms, [libc.so.6] 10ms, work 0. */
    assert_string_equal(t->rows[0].name, "main");
    assert_int_equal(t->rows[0].flat, 50000000);
    assert_int_equal(t->rows[0].cum, 90000000);
    assert_string_equal(t->rows[1].name, "inl");
    assert_string_equal(t->rows[1].inline_label, "(inline)");
    assert_string_equal(t->rows[2].name, "[libc.so.6]");
    assert_int_equal(t->rows[2].flat, 10000000);
    assert_string_equal(t->rows[3].name, "work(int)");
    assert_int_equal(t->rows[3].flat, 0);
    assert_int_equal(t->rows[3].cum, 30000000);
    assert_string_equal(t->rows[3].inline_label, "");
    /* The empty-stack sample counts in the total only. */
    assert_int_equal(t->shown_flat, 90000000);
    pf_top_free(t);
    pf_profile_free(p);
}

static void test_report__cum_sort_and_nodecount(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_top *t = NULL;
    (void)state;

    o.cum_sort = true;
    o.nodecount = 2;
    assert_int_equal(pf_report_top(&t, p, &o), 0);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->nodes_before_count, 4);
    assert_string_equal(t->rows[0].name, "main");
    /* inl and work(int) tie on cum (30ms): the name decides. */
    assert_string_equal(t->rows[1].name, "inl");
    pf_top_free(t);
    pf_profile_free(p);
}

static void test_report__ties_sorted_by_name(void **state)
{
    pf_profile *p = pf_profile_new();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    const char *names[] = { "zeta", "alpha", "mid" };
    pf_top *t = NULL;
    (void)state;

    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    for (int i = 0; i < 3; i++) {
        uint32_t f, l;
        pf_line ln;
        int64_t v = 4;
        assert_int_equal(pf_profile_add_function(&f, p, names[i], names[i],
                                                 "x.c", 0), 0);
        ln = (pf_line){ f, 1, 0 };
        assert_int_equal(pf_profile_add_location(&l, p, PF_NONE,
                                                 0x100 + (uint64_t)i, &ln, 1,
                                                 false), 0);
        assert_int_equal(pf_profile_add_sample(p, &l, 1, &v, NULL, 0), 0);
    }
    assert_int_equal(pf_report_top(&t, p, &o), 0);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(t->rows[0].name, "alpha");
    assert_string_equal(t->rows[1].name, "mid");
    assert_string_equal(t->rows[2].name, "zeta");
    pf_top_free(t);
    pf_profile_free(p);
}

static void test_report__nodefraction_drops_small_nodes(void **state)
{
    pf_profile *p = pf_profile_new();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    uint32_t fbig, fsmall, lbig, lsmall;
    pf_line ln;
    int64_t big = 1000, small = 4;
    char *s;
    (void)state;

    assert_int_equal(pf_profile_add_sample_type(p, "space", "bytes"), 0);
    assert_int_equal(pf_profile_add_function(&fbig, p, "big", "", "", 0), 0);
    assert_int_equal(pf_profile_add_function(&fsmall, p, "small", "", "", 0),
                     0);
    ln = (pf_line){ fbig, 0, 0 };
    assert_int_equal(pf_profile_add_location(&lbig, p, PF_NONE, 1, &ln, 1,
                                             false), 0);
    ln = (pf_line){ fsmall, 0, 0 };
    assert_int_equal(pf_profile_add_location(&lsmall, p, PF_NONE, 2, &ln, 1,
                                             false), 0);
    assert_int_equal(pf_profile_add_sample(p, &lbig, 1, &big, NULL, 0), 0);
    assert_int_equal(pf_profile_add_sample(p, &lsmall, 1, &small, NULL, 0), 0);
    s = report_text(p, PF_REPORT_TOP, &o);
    /* 4 < 1004 * 0.005 = 5: dropped, and said so. */
    assert_non_null(strstr(s, "Showing nodes accounting for 1000B, 99.60% of "
                              "1004B total\nDropped 1 node (cum <= 5B)\n"));
    assert_null(strstr(s, "small"));
    free(s);
    o.nodefraction = 0;
    s = report_text(p, PF_REPORT_TOP, &o);
    assert_non_null(strstr(s, "  small\n"));
    free(s);
    pf_profile_free(p);
}

static void test_report__top_text_layout(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    char *s;
    (void)state;

    setenv("TZ", "UTC", 1);
    s = report_text(p, PF_REPORT_TOP, &o);
    assert_string_equal(s,
        "File: app\n"
        "Build ID: abcdef0123\n"
        "built by fixture_small\n"
        "Type: cpu\n"
        "Time: Nov 14, 2023 at 10:13pm (UTC)\n"
        "Duration: 2s, Total samples = 100ms ( 5.00%)\n"
        "Showing nodes accounting for 90ms, 90.00% of 100ms total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "      50ms 50.00% 50.00%       90ms 90.00%  main\n"
        "      30ms 30.00% 80.00%       30ms 30.00%  inl (inline)\n"
        "      10ms 10.00% 90.00%       10ms 10.00%  [libc.so.6]\n"
        "         0     0% 90.00%       30ms 30.00%  work(int)\n");
    free(s);
    pf_profile_free(p);
}

static void test_report__traces_print_labels_and_inline(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    char *s;
    (void)state;

    o.hide_file_line = true;
    s = report_text(p, PF_REPORT_TRACES, &o);
    assert_non_null(strstr(s,
        "-----------+-------------------------------------------------------\n"
        "   request:  a\n"
        "     bytes:  512B\n"
        "      30ms   inl (inline)\n"
        "             work(int)\n"
        "             main\n"
        "             main\n"));
    assert_null(strstr(s, "File:"));
    free(s);
    pf_profile_free(p);
}

static void test_report__peek_and_folded(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_membuf mb = PF_MEMBUF_INIT;
    char *s;
    (void)state;

    o.symbol = "^work";
    s = report_text(p, PF_REPORT_PEEK, &o);
    assert_non_null(strstr(s, "                                              "
                              "30ms   100% |   main\n"));
    assert_non_null(strstr(s, "| work(int)\n"));
    assert_non_null(strstr(s, "100% |   inl (inline)\n"));
    free(s);
    o.symbol = "nothing_matches";
    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb), PF_REPORT_PEEK,
                                     &o), PF_ENOTFOUND);
    assert_int_equal(mb.len, 0);
    o.symbol = NULL;
    s = report_text(p, PF_REPORT_FOLDED, &o);
    assert_string_equal(s, "main;main;work(int);inl 30000000\n"
                           "main;[libc.so.6] 10000000\n"
                           "main 50000000\n");
    free(s);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report__unknown_sample_index(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_membuf mb = PF_MEMBUF_INIT;
    (void)state;

    o.sample_index = "alloc_space";
    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb), PF_REPORT_TOP,
                                     &o), PF_ENOTFOUND);
    assert_non_null(strstr(pf_error_last(), "alloc_space"));
    o.sample_index = "samples";
    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb), PF_REPORT_TOP,
                                     &o), 0);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report__json_is_stable(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_membuf a = PF_MEMBUF_INIT, b = PF_MEMBUF_INIT;
    pf_top *t = NULL;
    (void)state;

    assert_int_equal(pf_report_top(&t, p, &o), 0);
    assert_int_equal(pf_top_write_json(t, pf_writer_membuf(&a)), 0);
    assert_int_equal(pf_top_write_json(t, pf_writer_membuf(&b)), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    {
        static const char want[] = "{\"name\": \"inl\", \"inline\": "
                                   "\"(inline)\", \"flat\": 30000000";
        assert_non_null(memmem(a.data, a.len, want, sizeof(want) - 1));
    }
    pf_membuf_release(&a);
    pf_membuf_release(&b);
    pf_top_free(t);
    pf_profile_free(p);
}

static void test_report__tags_and_comments(void **state)
{
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    char *s;
    (void)state;

    /* keys by name, values by size; right-aligned columns */
    s = report_text(p, PF_REPORT_TAGS, &o);
    assert_string_equal(s, " bytes: Total 30.0ms\n"
                           "        30.0ms (  100%): 512B\n"
                           "\n"
                           " request: Total 40.0ms\n"
                           "          30.0ms (75.00%): a\n"
                           "          10.0ms (25.00%): b\n"
                           "\n");
    free(s);
    o.filter.tagfocus = "request=b";
    o.sample_index = "samples";
    s = report_text(p, PF_REPORT_TAGS, &o);
    assert_string_equal(s, " request: Total 1.0\n"
                           "          1.0 (  100%): b\n"
                           "\n");
    free(s);
    s = report_text(p, PF_REPORT_COMMENTS, &o);
    assert_string_equal(s, "built by fixture_small\n");
    free(s);
    pf_profile_free(p);
}

/* Every report kind with a JSON form gives one JSON object with its
 * schema first; kinds without one say so. */
static void test_report__json_every_kind(void **state)
{
    static const struct { pf_report_kind kind; const char *schema; } k[] = {
        { PF_REPORT_TOP, "libprofile.top/1" },
        { PF_REPORT_TRACES, "libprofile.traces/1" },
        { PF_REPORT_TREE, "libprofile.tree/1" },
        { PF_REPORT_PEEK, "libprofile.tree/1" },
        { PF_REPORT_FOLDED, "libprofile.folded/1" },
        { PF_REPORT_TAGS, "libprofile.tags/1" },
        { PF_REPORT_COMMENTS, "libprofile.comments/1" },
        { PF_REPORT_RAW, "libprofile.raw/1" },
    };
    pf_profile *p = fixture_small();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_membuf mb = PF_MEMBUF_INIT;
    char want[64];
    (void)state;

    o.symbol = "work";
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        assert_int_equal(pf_report_write_json(p, pf_writer_membuf(&mb),
                                              k[i].kind, &o), 0);
        snprintf(want, sizeof(want), "{\n  \"schema\": \"%s\",\n",
                 k[i].schema);
        assert_true(mb.len > strlen(want) + 2);
        assert_memory_equal(mb.data, want, strlen(want));
        assert_memory_equal(mb.data + mb.len - 2, "}\n", 2);
        pf_membuf_release(&mb);
    }
    assert_int_equal(pf_report_write_json(p, pf_writer_membuf(&mb),
                                          PF_REPORT_DOT, &o),
                     PF_EUNSUPPORTED);
    /* raw JSON keeps what the text layout of pprof -raw leaves out */
    assert_int_equal(pf_report_write_json(p, pf_writer_membuf(&mb),
                                          PF_REPORT_RAW, &o), 0);
    {
        static const char col[] = "\"line\": 7, \"column\": 3}";
        static const char keep[] = "\"keep_frames\": \"keepme\"";
        assert_non_null(memmem(mb.data, mb.len, col, sizeof(col) - 1));
        assert_non_null(memmem(mb.data, mb.len, keep, sizeof(keep) - 1));
    }
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__unit_labels),
        cmocka_unit_test(test_report__percentages),
        cmocka_unit_test(test_report__top_rows_of_small_profile),
        cmocka_unit_test(test_report__cum_sort_and_nodecount),
        cmocka_unit_test(test_report__ties_sorted_by_name),
        cmocka_unit_test(test_report__nodefraction_drops_small_nodes),
        cmocka_unit_test(test_report__top_text_layout),
        cmocka_unit_test(test_report__traces_print_labels_and_inline),
        cmocka_unit_test(test_report__peek_and_folded),
        cmocka_unit_test(test_report__unknown_sample_index),
        cmocka_unit_test(test_report__json_is_stable),
        cmocka_unit_test(test_report__tags_and_comments),
        cmocka_unit_test(test_report__json_every_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
