/*
 * The model: interning, the builder's de-duplication, accessors,
 * sample index resolution, clone, and out-of-memory handling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"

/* Internal test hook (arena.c): fail the Nth allocation from now. */
void pf__alloc_fail_after(unsigned long n);

static void test_model__interning_gives_one_pointer(void **state)
{
    pf_profile *p = pf_profile_new();
    char buf[] = "hello";
    const char *a, *b, *c, *e;

    (void)state;
    a = pf_profile_intern(p, "hello");
    b = pf_profile_intern(p, buf);
    c = pf_profile_intern_len(p, "hello world", 5);
    e = pf_profile_intern(p, "");
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_ptr_not_equal(a, buf);
    assert_string_equal(a, "hello");
    assert_string_equal(e, "");
    assert_ptr_equal(e, pf_profile_intern(p, NULL));
    /* Strings with NUL bytes keep their length. */
    a = pf_profile_intern_len(p, "a\0b", 3);
    b = pf_profile_intern_len(p, "a\0c", 3);
    assert_ptr_not_equal(a, b);
    pf_profile_free(p);
}

static void test_model__many_strings_survive_growth(void **state)
{
    pf_profile *p = pf_profile_new();
    const char *ptrs[5000];
    char buf[32];
    int i;

    (void)state;
    for (i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "s%d", i);
        ptrs[i] = pf_profile_intern(p, buf);
    }
    for (i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "s%d", i);
        assert_ptr_equal(pf_profile_intern(p, buf), ptrs[i]);
        assert_string_equal(ptrs[i], buf);
    }
    pf_profile_free(p);
}

static void test_model__builder_deduplicates(void **state)
{
    pf_profile *p = pf_profile_new();
    pf_mapping m = { 0 };
    uint32_t m1, m2, f1, f2, f3, l1, l2, l3;
    pf_line ln = { 0, 10, 0 };

    (void)state;
    m.start = 0x1000;
    m.limit = 0x2000;
    m.file = "/bin/x";
    m.build_id = "";
    assert_int_equal(pf_profile_add_mapping(&m1, p, &m), PF_OK);
    assert_int_equal(pf_profile_add_mapping(&m2, p, &m), PF_OK);
    assert_int_equal(m1, m2);
    assert_int_equal(pf_profile_mapping(p, m1)->id, 1);
    assert_int_equal(pf_profile_add_function(&f1, p, "f", "f", "f.c", 1), 0);
    assert_int_equal(pf_profile_add_function(&f2, p, "f", "f", "f.c", 1), 0);
    assert_int_equal(pf_profile_add_function(&f3, p, "f", "f", "f.c", 2), 0);
    assert_int_equal(f1, f2);
    assert_int_not_equal(f1, f3);
    assert_int_equal(pf_profile_function_count(p), 2);
    assert_int_equal(pf_profile_function(p, f3)->id, 2);
    ln.function = f1;
    assert_int_equal(pf_profile_add_location(&l1, p, m1, 0x1500, &ln, 1,
                                             false), 0);
    assert_int_equal(pf_profile_add_location(&l2, p, m1, 0x1500, &ln, 1,
                                             false), 0);
    assert_int_equal(pf_profile_add_location(&l3, p, m1, 0x1500, &ln, 1,
                                             true), 0);
    assert_int_equal(l1, l2);
    assert_int_not_equal(l1, l3);
    assert_int_equal(pf_profile_location_count(p), 2);
    pf_profile_free(p);
}

static void test_model__builder_rejects_bad_references(void **state)
{
    pf_profile *p = pf_profile_new();
    uint32_t out, loc = 3;
    pf_line ln = { 7, 1, 0 };
    int64_t v = 1;

    (void)state;
    assert_int_equal(pf_profile_add_location(&out, p, 5, 0x10, NULL, 0,
                                             false), PF_EINVAL);
    assert_int_equal(out, PF_NONE);
    assert_int_equal(pf_profile_add_location(&out, p, PF_NONE, 0x10, &ln, 1,
                                             false), PF_EINVAL);
    assert_int_equal(pf_profile_add_sample(p, NULL, 0, &v, NULL, 0),
                     PF_EINVAL); /* no sample types yet */
    assert_non_null(strstr(pf_error_last(), "no sample types"));
    assert_int_equal(pf_profile_add_sample_type(p, "n", "count"), PF_OK);
    assert_int_equal(pf_profile_add_sample(p, &loc, 1, &v, NULL, 0),
                     PF_EINVAL);
    assert_int_equal(pf_profile_add_sample(p, NULL, 0, &v, NULL, 0), PF_OK);
    /* The value layout is fixed once samples exist. */
    assert_int_equal(pf_profile_add_sample_type(p, "m", "bytes"), PF_EINVAL);
    pf_profile_free(p);
}

static void test_model__accessors_see_what_was_built(void **state)
{
    pf_profile *p = fixture_small();
    const pf_location *l;
    const pf_line *ln;
    const pf_label *lab;
    size_t n;

    (void)state;
    assert_int_equal(pf_profile_sample_count(p), 4);
    assert_int_equal(pf_profile_mapping_count(p), 2);
    assert_int_equal(pf_profile_location_count(p), 3);
    l = pf_profile_location(p, 1);
    assert_int_equal(l->nline, 2);
    ln = pf_location_lines(p, l);
    assert_string_equal(pf_profile_function(p, ln[0].function)->name, "inl");
    assert_string_equal(pf_profile_function(p, ln[1].function)->system_name,
                        "_Z4worki");
    lab = pf_sample_labels(p, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(lab[1].unit, "bytes");
    assert_int_equal(lab[1].num, 512);
    assert_int_equal(pf_profile_total(p, 0), 3 + 1 + 5 + 1);
    assert_int_equal(pf_profile_total(p, 1), 100000000LL);
    assert_int_equal(pf_profile_total(p, 7), 0);
    assert_null(pf_profile_location(p, 99));
    assert_null(pf_sample_values(p, 99));
    assert_int_equal(pf_profile_check(p), PF_OK);
    pf_profile_free(p);
}

static void test_model__sample_index_names(void **state)
{
    pf_profile *p = pf_profile_new();
    int i;

    (void)state;
    assert_int_equal(pf_profile_default_index(p), -1);
    pf_profile_add_sample_type(p, "objects", "count");
    pf_profile_add_sample_type(p, "space", "bytes");
    assert_int_equal(pf_profile_default_index(p), 1);
    assert_int_equal(pf_profile_sample_index(&i, p, "inuse_objects"), PF_OK);
    assert_int_equal(i, 0);
    assert_int_equal(pf_profile_sample_index(&i, p, "space"), PF_OK);
    assert_int_equal(i, 1);
    assert_int_equal(pf_profile_sample_index(&i, p, "0"), PF_OK);
    assert_int_equal(i, 0);
    assert_int_equal(pf_profile_sample_index(&i, p, "2"), PF_ENOTFOUND);
    assert_non_null(strstr(pf_error_last(), "outside the range [0..1]"));
    assert_int_equal(pf_profile_sample_index(&i, p, "cpu"), PF_ENOTFOUND);
    assert_non_null(strstr(pf_error_last(), "[objects space]"));
    pf_profile_set_default_sample_type(p, "objects");
    assert_int_equal(pf_profile_default_index(p), 0);
    assert_int_equal(pf_profile_sample_index(&i, p, ""), PF_OK);
    assert_int_equal(i, 0);
    pf_profile_free(p);
}

static void test_model__clone_is_equal_and_independent(void **state)
{
    pf_profile *a = fixture_load("corpus/go_cpu_labels.pb.gz"), *b;
    pf_membuf ea = PF_MEMBUF_INIT, eb = PF_MEMBUF_INIT;

    (void)state;
    assert_int_equal(pf_profile_clone(&b, a), PF_OK);
    assert_int_equal(pf_profile_encode(a, pf_writer_membuf(&ea), NULL), 0);
    pf_profile_free(a);
    assert_int_equal(pf_profile_encode(b, pf_writer_membuf(&eb), NULL), 0);
    assert_int_equal(ea.len, eb.len);
    assert_memory_equal(ea.data, eb.data, ea.len);
    pf_membuf_release(&ea);
    pf_membuf_release(&eb);
    pf_profile_free(b);
}

/* Every allocation failure during a decode gives PF_ENOMEM and frees
 * everything (ASan's leak check runs in the sanitizer build). */
static void test_model__decode_survives_every_oom(void **state)
{
    size_t len;
    unsigned char *buf = fixture_read("corpus/go_cpu_labels.pb.gz", &len);
    unsigned long n;
    int err = PF_ENOMEM;

    (void)state;
    for (n = 1; err == PF_ENOMEM && n < 100000; n++) {
        pf_profile *p = NULL;
        pf__alloc_fail_after(n);
        err = pf_profile_decode(&p, buf, len, NULL);
        pf__alloc_fail_after(0);
        if (err == PF_ENOMEM)
            assert_null(p);
        pf_profile_free(p);
    }
    assert_int_equal(err, PF_OK);
    assert_true(n > 10);
    free(buf);
}

static void test_model__builder_survives_every_oom(void **state)
{
    unsigned long n;
    int done = 0;

    (void)state;
    for (n = 1; !done && n < 10000; n++) {
        pf_profile *p;
        uint32_t f, l;
        pf_line ln = { 0, 1, 0 };
        int64_t v = 1;
        int err;

        pf__alloc_fail_after(n);
        p = pf_profile_new();
        if (!p) {
            pf__alloc_fail_after(0);
            continue;
        }
        err = pf_profile_add_sample_type(p, "n", "count");
        if (!err)
            err = pf_profile_add_function(&f, p, "fn", "fn", "x.c", 0);
        if (!err) {
            ln.function = f;
            err = pf_profile_add_location(&l, p, PF_NONE, 1, &ln, 1, false);
        }
        if (!err)
            err = pf_profile_add_sample(p, &l, 1, &v, NULL, 0);
        pf__alloc_fail_after(0);
        assert_true(err == PF_OK || err == PF_ENOMEM);
        done = err == PF_OK;
        pf_profile_free(p);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model__interning_gives_one_pointer),
        cmocka_unit_test(test_model__many_strings_survive_growth),
        cmocka_unit_test(test_model__builder_deduplicates),
        cmocka_unit_test(test_model__builder_rejects_bad_references),
        cmocka_unit_test(test_model__accessors_see_what_was_built),
        cmocka_unit_test(test_model__sample_index_names),
        cmocka_unit_test(test_model__clone_is_equal_and_independent),
        cmocka_unit_test(test_model__decode_survives_every_oom),
        cmocka_unit_test(test_model__builder_survives_every_oom),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
