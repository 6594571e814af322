/* Filters: each pprof filter on small built profiles, regexps, tags. */
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

/* fixture_small's samples (leaf first, cpu value):
 *   0: inl+work(int) <- main <- main   30ms  request=a bytes=512
 *   1: [libc]        <- main           10ms  request=b
 *   2: main                            50ms
 *   3: (empty stack)                   10ms                         */

static pf_profile *filtered(const pf_profile *p, const pf_filter_opts *o,
                            unsigned *matched)
{
    pf_profile *out = NULL;
    assert_int_equal(pf_profile_filter(&out, matched, p, o), 0);
    assert_int_equal(pf_profile_check(out), 0);
    return out;
}

static int64_t cpu_of(const pf_profile *p, size_t i)
{
    return pf_sample_values(p, i)[1];
}

static const char *leaf_name(const pf_profile *p, size_t i)
{
    size_t n;
    const uint32_t *st = pf_sample_locations(p, i, &n);
    const pf_location *l;

    if (n == 0)
        return "";
    l = pf_profile_location(p, st[0]);
    if (l->nline == 0)
        return "?";
    return pf_profile_function(p, pf_location_lines(p, l)[0].function)->name;
}

static void test_filter__focus_keeps_matching_samples(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    unsigned m;
    (void)state;

    o.focus = "^work";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_FOCUS);
    assert_int_equal(pf_profile_sample_count(f), 1);
    assert_int_equal(cpu_of(f, 0), 30000000);
    pf_profile_free(f);
    /* Mapping file names match too. */
    o.focus = "libc";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    assert_int_equal(cpu_of(f, 0), 10000000);
    pf_profile_free(f);
    /* Source file names match too. */
    o.focus = "work\\.cc";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    /* The original is untouched. */
    assert_int_equal(pf_profile_sample_count(p), 4);
    pf_profile_free(p);
}

static void test_filter__ignore_drops_matching_samples(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    unsigned m;
    (void)state;

    o.ignore = "inl";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_IGNORE);
    /* Sample 0 is ignored; the empty stack is never "focused". */
    assert_int_equal(pf_profile_sample_count(f), 2);
    assert_int_equal(cpu_of(f, 0), 10000000);
    assert_int_equal(cpu_of(f, 1), 50000000);
    pf_profile_free(f);
    o.ignore = "no_such_function";
    f = filtered(p, &o, &m);
    assert_false(m & PF_MATCHED_IGNORE);
    assert_int_equal(pf_profile_sample_count(f), 3);
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__hide_and_show_edit_frames(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    size_t n;
    unsigned m;
    (void)state;

    /* Hiding the inlined frame leaves work(int) as the leaf. */
    o.hide = "^inl$";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_HIDE);
    assert_string_equal(leaf_name(f, 0), "work(int)");
    pf_profile_free(f);
    /* Hiding main removes it from every stack; sample 2 goes. */
    o.hide = "^main$";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 2);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, 1);
    pf_profile_free(f);
    /* Show keeps only matching frames (unsymbolized ones go). */
    o.hide = NULL;
    o.show = "^main$";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_SHOW);
    assert_int_equal(pf_profile_sample_count(f), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(leaf_name(f, i), "main");
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__show_from_and_prune_from(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    size_t n;
    unsigned m;
    (void)state;

    o.show_from = "^work";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_SHOW_FROM);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, 1);
    pf_profile_free(f);
    o.show_from = NULL;
    /* prune_from=work: the location keeps work and what it inlined
     * from "work" down, i.e. the inlined "inl" line goes. */
    o.prune_from = "^work$";
    f = filtered(p, &o, &m);
    assert_string_equal(leaf_name(f, 0), "work(int)");
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__tag_ranges_and_values(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    unsigned m;
    (void)state;

    o.tagfocus = "bytes=512b";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_TAGFOCUS);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    /* As in pprof, a bound without a unit never equals a value that
     * has one (512 bytes scale to "B", the bound's unit is ""). */
    o.tagfocus = "bytes=512";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 0);
    pf_profile_free(f);
    o.tagfocus = "bytes=1kb:";
    f = filtered(p, &o, &m);
    assert_false(m & PF_MATCHED_TAGFOCUS);
    assert_int_equal(pf_profile_sample_count(f), 0);
    pf_profile_free(f);
    o.tagfocus = "bytes=:1kb";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    o.tagfocus = "bytes=256b:1kb";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    o.tagfocus = "0kb:1kb";            /* any key */
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    o.tagfocus = "request=b";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    assert_int_equal(cpu_of(f, 0), 10000000);
    pf_profile_free(f);
    o.tagfocus = "request:[ab]";       /* regexp on key:value */
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 2);
    pf_profile_free(f);
    o.tagfocus = NULL;
    o.tagignore = "request=a";
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_TAGIGNORE);
    /* request=b and the unlabelled main sample; the empty stack goes
     * as with every filter run (pprof's FilterSamplesByName). */
    assert_int_equal(pf_profile_sample_count(f), 2);
    assert_int_equal(cpu_of(f, 0), 10000000);
    assert_int_equal(cpu_of(f, 1), 50000000);
    pf_profile_free(f);
    o.tagignore = NULL;
    o.taghide = "^bytes$";
    f = filtered(p, &o, &m);
    {
        size_t nl;
        pf_sample_labels(f, 0, &nl);
        assert_int_equal(nl, 1);
    }
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__bad_regexps_are_errors(void **state)
{
    pf_profile *p = fixture_small(), *f = (pf_profile *)1;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    (void)state;

    o.focus = "(";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    assert_non_null(strstr(pf_error_last(), "focus"));
    assert_int_equal(pf_profile_filter(&f, NULL, p, &o), PF_EINVAL);
    assert_null(f);
    o.focus = "\\pL";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    o.focus = "[a";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    o.focus = "a\\1";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    o.focus = NULL;
    o.tagfocus = "key=(";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    assert_non_null(strstr(pf_error_last(), "tagfocus"));
    o.tagfocus = "key=99999999999999999999kb";
    assert_int_equal(pf_filter_opts_check(&o), PF_EINVAL);
    /* RE2 spellings that translate. */
    o.tagfocus = NULL;
    o.focus = "(?i)^MAIN$";
    f = filtered(p, &o, NULL);
    assert_int_equal(pf_profile_sample_count(f), 3);
    pf_profile_free(f);
    o.focus = "^w(?:o)rk\\(\\w+\\)$";
    f = filtered(p, &o, NULL);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    o.focus = "lib[\\w.]+\\.so\\.\\d";
    f = filtered(p, &o, NULL);
    assert_int_equal(pf_profile_sample_count(f), 1);
    pf_profile_free(f);
    o.focus = "^ma.*?n$";
    f = filtered(p, &o, NULL);
    assert_int_equal(pf_profile_sample_count(f), 3);
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__granularity_and_noinlines(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    const pf_location *l;
    (void)state;

    /* functions (default): addresses, lines and file names cleared. */
    f = filtered(p, &o, NULL);
    l = pf_profile_location(f, 1);
    assert_int_equal(l->address, 0);
    assert_int_equal(l->nline, 2);
    assert_int_equal(pf_location_lines(f, l)[0].line, 0);
    assert_string_equal(pf_profile_function(f, 1)->filename, "");
    assert_string_equal(pf_profile_function(f, 1)->name, "work(int)");
    pf_profile_free(f);
    /* lines: line numbers and files stay. */
    o.granularity = PF_GRAN_LINES;
    f = filtered(p, &o, NULL);
    l = pf_profile_location(f, 1);
    assert_int_equal(pf_location_lines(f, l)[0].line, 7);
    assert_string_equal(pf_profile_function(f, 1)->filename, "work.cc");
    pf_profile_free(f);
    /* files: function names go. */
    o.granularity = PF_GRAN_FILES;
    f = filtered(p, &o, NULL);
    assert_string_equal(pf_profile_function(f, 1)->name, "");
    assert_string_equal(pf_profile_function(f, 1)->filename, "work.cc");
    pf_profile_free(f);
    /* addresses keep everything, unless noinlines. */
    o.granularity = PF_GRAN_ADDRESSES;
    f = filtered(p, &o, NULL);
    assert_int_equal(pf_profile_location(f, 1)->address, 0x402000);
    assert_int_equal(pf_profile_location(f, 1)->nline, 2);
    pf_profile_free(f);
    o.noinlines = true;
    f = filtered(p, &o, NULL);
    l = pf_profile_location(f, 1);
    assert_int_equal(l->nline, 1);
    assert_string_equal(pf_profile_function(f, pf_location_lines(f, l)[0]
                                                    .function)->name,
                        "work(int)");
    pf_profile_free(f);
    pf_profile_free(p);
}

static void test_filter__drop_frames_prune(void **state)
{
    pf_profile *p = pf_profile_new(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    const char *names[] = { "malloc", "operator new(unsigned long)",
                            "alloc_user", "main" };
    uint32_t loc[4];
    int64_t v = 7;
    size_t n;
    (void)state;

    assert_int_equal(pf_profile_add_sample_type(p, "space", "bytes"), 0);
    assert_int_equal(pf_profile_set_drop_frames(p, "malloc|operator new"), 0);
    for (int i = 0; i < 4; i++) {
        uint32_t fn;
        pf_line ln;
        assert_int_equal(pf_profile_add_function(&fn, p, names[i], "", "", 0),
                         0);
        ln = (pf_line){ fn, 0, 0 };
        assert_int_equal(pf_profile_add_location(&loc[i], p, PF_NONE,
                                                 0x10 * (uint64_t)(i + 1),
                                                 &ln, 1, false), 0);
    }
    assert_int_equal(pf_profile_add_sample(p, loc, 4, &v, NULL, 0), 0);
    /* "operator new(unsigned long)" simplifies to "operator new". */
    f = filtered(p, &o, NULL);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(leaf_name(f, 0), "alloc_user");
    pf_profile_free(f);
    o.no_drop_frames = true;
    f = filtered(p, &o, NULL);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, 4);
    pf_profile_free(f);
    /* keep_frames protects a frame. */
    assert_int_equal(pf_profile_set_keep_frames(p, "operator new"), 0);
    o.no_drop_frames = false;
    f = filtered(p, &o, NULL);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, 3);
    assert_string_equal(leaf_name(f, 0), "operator new(unsigned long)");
    pf_profile_free(f);
    pf_profile_free(p);
}

static const char *root_name(const pf_profile *p, size_t i, const char **file)
{
    size_t n;
    const uint32_t *st = pf_sample_locations(p, i, &n);
    const pf_location *l = pf_profile_location(p, st[n - 1]);
    const pf_function *fn =
        pf_profile_function(p, pf_location_lines(p, l)[0].function);

    *file = fn->filename;
    return fn->name;
}

/* -tagroot/-tagleaf add a frame per key named after the label values
 * (the key as file name, "" without a value), before the filters, which
 * can then match it; a key no sample has leaves its matched bit clear. */
static void test_filter__tagroot_tagleaf_frames(void **state)
{
    pf_profile *p = fixture_small(), *f;
    pf_filter_opts o = PF_FILTER_OPTS_INIT;
    const char *file;
    size_t n0, n;
    unsigned m;
    (void)state;

    pf_sample_locations(p, 0, &n0);
    o.tagroot = "request";
    o.tagleaf = "request";
    o.granularity = PF_GRAN_FILEFUNCTIONS;  /* keeps file names */
    f = filtered(p, &o, &m);
    assert_true(m & PF_MATCHED_TAGROOT);
    assert_true(m & PF_MATCHED_TAGLEAF);
    assert_int_equal(pf_profile_sample_count(f), 4);
    pf_sample_locations(f, 0, &n);
    assert_int_equal(n, n0 + 2);
    assert_string_equal(leaf_name(f, 0), "a");
    assert_string_equal(root_name(f, 0, &file), "a");
    assert_string_equal(file, "request");
    assert_string_equal(root_name(f, 1, &file), "b");
    assert_string_equal(root_name(f, 2, &file), "");
    assert_string_equal(file, "request");
    pf_profile_free(f);
    /* The filters see the frames. */
    o.tagleaf = NULL;
    o.focus = "^b$";
    f = filtered(p, &o, &m);
    assert_int_equal(pf_profile_sample_count(f), 1);
    assert_int_equal(cpu_of(f, 0), 10000000);
    pf_profile_free(f);
    o.focus = NULL;
    o.tagroot = "nosuch";
    f = filtered(p, &o, &m);
    assert_false(m & PF_MATCHED_TAGROOT);
    assert_true(m & PF_MATCHED_TAGLEAF);
    pf_profile_free(f);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter__focus_keeps_matching_samples),
        cmocka_unit_test(test_filter__ignore_drops_matching_samples),
        cmocka_unit_test(test_filter__hide_and_show_edit_frames),
        cmocka_unit_test(test_filter__show_from_and_prune_from),
        cmocka_unit_test(test_filter__tag_ranges_and_values),
        cmocka_unit_test(test_filter__bad_regexps_are_errors),
        cmocka_unit_test(test_filter__granularity_and_noinlines),
        cmocka_unit_test(test_filter__drop_frames_prune),
        cmocka_unit_test(test_filter__tagroot_tagleaf_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
