/*
 * profile.proto codec: round trips, determinism, and every validation
 * rule of docs/FORMATS.md 1.10 on hand-made inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "helpers/fixture.h"
#include "helpers/pbuild.h"

static char *dump(const pf_profile *p)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    char *s;

    assert_int_equal(pf_profile_write_dump(p, pf_writer_membuf(&mb)), PF_OK);
    s = malloc(mb.len + 1);
    memcpy(s, mb.data, mb.len);
    s[mb.len] = '\0';
    pf_membuf_release(&mb);
    return s;
}

static pf_profile *decode_ok(const void *buf, size_t len)
{
    pf_profile *p = NULL;
    int err = pf_profile_decode(&p, buf, len, NULL);

    if (err != PF_OK)
        fail_msg("decode: %s", pf_error_last());
    return p;
}

/* Decode must fail with CODE and a detail containing NEEDLE. */
static void expect_decode_error(const pb *b, int code, const char *needle)
{
    pf_profile *p = (pf_profile *)1;
    int err = pf_profile_decode(&p, b->data, b->len, NULL);

    assert_int_equal(err, code);
    assert_null(p);
    if (!strstr(pf_error_last(), needle))
        fail_msg("error '%s' lacks '%s'", pf_error_last(), needle);
}

/* The docs/FORMATS.md 1.11 minimal profile, minus the parts a test adds. */
static void value_type(pb *b, uint32_t field, uint64_t type, uint64_t unit)
{
    pb vt = { .len = 0 };
    pb_uint(&vt, 1, type);
    pb_uint(&vt, 2, unit);
    pb_msg(b, field, &vt);
}

static void sample(pb *b, uint64_t loc, int64_t value)
{
    pb s = { .len = 0 };
    pb_uint(&s, 1, loc);
    pb_uint(&s, 2, (uint64_t)value);
    pb_msg(b, 2, &s);
}

static void location(pb *b, uint64_t id, uint64_t mapping, uint64_t fn)
{
    pb l = { .len = 0 }, ln = { .len = 0 };
    pb_uint(&l, 1, id);
    if (mapping)
        pb_uint(&l, 2, mapping);
    pb_uint(&l, 3, 0x1000);
    if (fn) {
        pb_uint(&ln, 1, fn);
        pb_uint(&ln, 2, 42);
        pb_msg(&l, 4, &ln);
    }
    pb_msg(b, 4, &l);
}

static void function(pb *b, uint64_t id)
{
    pb f = { .len = 0 };
    pb_uint(&f, 1, id);
    pb_uint(&f, 2, 5);
    pb_uint(&f, 3, 5);
    pb_uint(&f, 4, 6);
    pb_msg(b, 5, &f);
}

static void minimal(pb *b)
{
    b->len = 0;
    value_type(b, 1, 1, 2);
    sample(b, 1, 5);
    location(b, 1, 0, 0);
    pb_strings(b);
}

static void test_codec__minimal_profile_decodes(void **state)
{
    pb b;
    pf_profile *p;
    size_t n;
    const uint32_t *locs;

    (void)state;
    minimal(&b);
    p = decode_ok(b.data, b.len);
    assert_int_equal(pf_profile_sample_count(p), 1);
    assert_int_equal(pf_profile_sample_type_count(p), 1);
    assert_string_equal(pf_profile_sample_types(p)[0].type, "samples");
    assert_int_equal(pf_sample_values(p, 0)[0], 5);
    locs = pf_sample_locations(p, 0, &n);
    assert_int_equal(n, 1);
    assert_int_equal(pf_profile_location(p, locs[0])->address, 0x1000);
    assert_int_equal(pf_profile_location(p, locs[0])->mapping, PF_NONE);
    pf_profile_free(p);
}

static void test_codec__packed_and_unpacked_mix(void **state)
{
    pb b = { .len = 0 }, s = { .len = 0 }, packed = { .len = 0 };
    pf_profile *p;
    size_t n;

    (void)state;
    value_type(&b, 1, 1, 2);
    value_type(&b, 1, 3, 4);
    /* location ids: 1 unpacked, then [2, 1] packed */
    pb_uint(&s, 1, 1);
    pb_varint(&packed, 2);
    pb_varint(&packed, 1);
    pb_bytes(&s, 1, packed.data, packed.len);
    packed.len = 0;
    pb_varint(&packed, 7);
    pb_bytes(&s, 2, packed.data, packed.len);
    pb_uint(&s, 2, 70);
    pb_msg(&b, 2, &s);
    location(&b, 1, 0, 0);
    location(&b, 2, 0, 0);
    pb_strings(&b);
    p = decode_ok(b.data, b.len);
    assert_non_null(pf_sample_locations(p, 0, &n));
    assert_int_equal(n, 3);
    assert_int_equal(pf_sample_values(p, 0)[0], 7);
    assert_int_equal(pf_sample_values(p, 0)[1], 70);
    pf_profile_free(p);
}

static void test_codec__unknown_fields_are_skipped(void **state)
{
    pb b;
    pf_profile *p;

    (void)state;
    minimal(&b);
    pb_uint(&b, 99, 12345);             /* unknown varint */
    pb_str(&b, 100, "whatever");        /* unknown bytes */
    pb_tag(&b, 101, 1);                 /* unknown fixed64 */
    memset(b.data + b.len, 0xab, 8);
    b.len += 8;
    pb_tag(&b, 102, 5);                 /* unknown fixed32 */
    memset(b.data + b.len, 0xcd, 4);
    b.len += 4;
    p = decode_ok(b.data, b.len);
    assert_int_equal(pf_profile_sample_count(p), 1);
    pf_profile_free(p);
}

static void test_codec__unresolved_mapping_is_tolerated(void **state)
{
    pb b = { .len = 0 };
    pf_profile *p;

    (void)state;
    value_type(&b, 1, 1, 2);
    sample(&b, 1, 5);
    location(&b, 1, 77, 0);
    pb_strings(&b);
    p = decode_ok(b.data, b.len);
    assert_int_equal(pf_profile_location(p, 0)->mapping, PF_NONE);
    pf_profile_free(p);
}

static void test_codec__label_rule_of_the_reference(void **state)
{
    pb b = { .len = 0 }, s = { .len = 0 }, l = { .len = 0 };
    pf_profile *p;
    const pf_label *labs;
    size_t n;

    (void)state;
    value_type(&b, 1, 1, 2);
    pb_uint(&s, 1, 1);
    pb_uint(&s, 2, 1);
    pb_uint(&l, 1, 5);                  /* key main, str main.c */
    pb_uint(&l, 2, 6);
    pb_uint(&l, 3, 9);                  /* num ignored: str wins */
    pb_msg(&s, 3, &l);
    l.len = 0;
    pb_uint(&l, 1, 3);                  /* key cpu, num 64 unit count */
    pb_uint(&l, 3, 64);
    pb_uint(&l, 4, 2);
    pb_msg(&s, 3, &l);
    l.len = 0;
    pb_uint(&l, 1, 1);                  /* key only: discarded */
    pb_msg(&s, 3, &l);
    pb_msg(&b, 2, &s);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    p = decode_ok(b.data, b.len);
    labs = pf_sample_labels(p, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(labs[0].key, "main");
    assert_string_equal(labs[0].str, "main.c");
    assert_int_equal(labs[0].num, 0);
    assert_string_equal(labs[1].key, "cpu");
    assert_string_equal(labs[1].str, "");
    assert_int_equal(labs[1].num, 64);
    assert_string_equal(labs[1].unit, "count");
    pf_profile_free(p);
}

/* ---- every validation rule ---- */

static void test_codec__empty_input(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    expect_decode_error(&b, PF_EFORMAT, "empty input");
}

static void test_codec__truncated_varint(void **state)
{
    pb b;
    (void)state;
    minimal(&b);
    b.data[b.len++] = 0x48;             /* field 9 varint */
    b.data[b.len++] = 0xff;             /* continuation, then nothing */
    expect_decode_error(&b, PF_EFORMAT, "truncated varint");
}

static void test_codec__overlong_varint(void **state)
{
    pb b;
    (void)state;
    minimal(&b);
    b.data[b.len++] = 0x48;
    memset(b.data + b.len, 0xff, 11);
    b.len += 11;
    b.data[b.len++] = 0x01;
    expect_decode_error(&b, PF_EFORMAT, "varint");
}

static void test_codec__length_past_end(void **state)
{
    pb b;
    (void)state;
    minimal(&b);
    pb_tag(&b, 2, 2);
    pb_varint(&b, 1000);
    expect_decode_error(&b, PF_EFORMAT, "runs past the end");
}

static void test_codec__unknown_wire_type(void **state)
{
    unsigned wts[] = { 3, 4, 6, 7 };
    size_t i;
    pb b;

    (void)state;
    for (i = 0; i < 4; i++) {
        minimal(&b);
        pb_tag(&b, 50, wts[i]);
        expect_decode_error(&b, PF_EFORMAT, "unknown wire type");
    }
}

static void test_codec__wrong_wire_type_for_known_field(void **state)
{
    pb b;
    (void)state;
    minimal(&b);
    pb_uint(&b, 2, 1);                  /* sample as a varint */
    expect_decode_error(&b, PF_EFORMAT, "type mismatch");
    minimal(&b);
    pb_str(&b, 9, "x");                 /* time_nanos as bytes */
    expect_decode_error(&b, PF_EFORMAT, "type mismatch");
}

static void test_codec__wrong_wire_type_inside_message(void **state)
{
    pb b = { .len = 0 }, s = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    pb_str(&s, 3, "not a label message, a string that is not one");
    pb_tag(&s, 2, 5);                   /* value as fixed32 */
    memset(s.data + s.len, 0, 4);
    s.len += 4;
    pb_msg(&b, 2, &s);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "malformed sample message");
}

static void test_codec__first_string_not_empty(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 0, 0);
    pb_str(&b, 6, "x");
    expect_decode_error(&b, PF_EFORMAT, "string_table[0] is not empty");
}

static void test_codec__missing_string_table(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 0, 0);
    expect_decode_error(&b, PF_EFORMAT, "missing string table");
}

static void test_codec__string_index_out_of_range(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 99);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "string index 99 out of range");
    b.len = 0;
    pb_uint(&b, 7, (uint64_t)-1);       /* drop_frames = -1 */
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "string index -1 out of range");
}

static void test_codec__dangling_location_id(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    sample(&b, 2, 5);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "unknown location id 2");
}

static void test_codec__location_id_zero_in_sample(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    sample(&b, 0, 5);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "unknown location id 0");
}

static void test_codec__dangling_function_id(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    sample(&b, 1, 5);
    location(&b, 1, 0, 3);
    function(&b, 1);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "unknown function id 3");
}

static void test_codec__id_zero_rejected(void **state)
{
    pb b = { .len = 0 }, m = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    location(&b, 0, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "location at byte");
    b.len = 0;
    function(&b, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "function at byte");
    b.len = 0;
    pb_uint(&m, 2, 0x1000);
    pb_msg(&b, 3, &m);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "mapping at byte");
}

static void test_codec__duplicate_ids_rejected(void **state)
{
    pb b = { .len = 0 }, m = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    location(&b, 1, 0, 0);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "duplicate location id 1");
    b.len = 0;
    function(&b, 4);
    function(&b, 4);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "duplicate function id 4");
    b.len = 0;
    pb_uint(&m, 1, 2);
    pb_msg(&b, 3, &m);
    pb_msg(&b, 3, &m);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "duplicate mapping id 2");
}

static void test_codec__value_count_must_match(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    value_type(&b, 1, 1, 2);
    value_type(&b, 1, 3, 4);
    sample(&b, 1, 5);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "has 1 values, want 2");
}

static void test_codec__samples_need_sample_types(void **state)
{
    pb b = { .len = 0 };
    (void)state;
    sample(&b, 1, 5);
    location(&b, 1, 0, 0);
    pb_strings(&b);
    expect_decode_error(&b, PF_EFORMAT, "missing sample type information");
}

static void test_codec__concatenated_profiles(void **state)
{
    pb b;
    (void)state;
    minimal(&b);
    pb_uint(&b, 9, 100);
    pb_uint(&b, 9, 200);
    expect_decode_error(&b, PF_EFORMAT, "concatenated profiles");
}

static void test_codec__record_cap(void **state)
{
    pb b;
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;

    (void)state;
    /* 7 strings (pb_strings), a location and a sample */
    minimal(&b);
    o.max_records = 8;
    assert_int_equal(pf_profile_decode(&p, b.data, b.len, &o), PF_ETOOBIG);
    assert_int_equal(pf_error_limit(), PF_LIMIT_RECORDS);
    assert_non_null(strstr(pf_error_last(), "more than 8 records"));
    assert_null(p);
    o.max_records = 9;
    assert_int_equal(pf_profile_decode(&p, b.data, b.len, &o), PF_OK);
    pf_profile_free(p);
}

/* ---- gzip ---- */

static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    z_stream z;
    unsigned char *buf;
    size_t cap = len + 1024;

    (void)mb;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    buf = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out = cap - z.avail_out;
    deflateEnd(&z);
    return buf;
}

static void test_codec__gzip_multi_member(void **state)
{
    pb b;
    unsigned char *g1, *g2, *both;
    size_t n1, n2;
    pf_profile *p;

    (void)state;
    minimal(&b);
    /* Split the raw bytes in two gzip members. */
    g1 = gzip_bytes(b.data, 10, &n1);
    g2 = gzip_bytes(b.data + 10, b.len - 10, &n2);
    both = malloc(n1 + n2);
    memcpy(both, g1, n1);
    memcpy(both + n1, g2, n2);
    p = decode_ok(both, n1 + n2);
    assert_int_equal(pf_sample_values(p, 0)[0], 5);
    pf_profile_free(p);
    free(g1);
    free(g2);
    free(both);
}

static void test_codec__gzip_truncated(void **state)
{
    pb b;
    unsigned char *g;
    size_t n;
    pf_profile *p = NULL;

    (void)state;
    minimal(&b);
    g = gzip_bytes(b.data, b.len, &n);
    assert_int_equal(pf_profile_decode(&p, g, n - 9, NULL), PF_EFORMAT);
    assert_non_null(strstr(pf_error_last(), "gzip"));
    assert_null(p);
    free(g);
}

static void test_codec__gzip_bomb_over_cap(void **state)
{
    size_t big = 8u << 20, n;
    unsigned char *zeros = calloc(1, big), *g;
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;

    (void)state;
    g = gzip_bytes(zeros, big, &n);
    o.max_inflated = 1u << 20;
    assert_int_equal(pf_profile_decode(&p, g, n, &o), PF_ETOOBIG);
    assert_non_null(strstr(pf_error_last(), "exceeds the limit of 1048576"));
    assert_null(p);
    free(g);
    free(zeros);
}

/* ---- round trips on real profiles ---- */

static const char *const corpus[] = {
    "corpus/go_cpu.pb.gz", "corpus/go_cpu_labels.pb.gz",
    "corpus/go_heap.pb.gz", "corpus/go_allocs.pb.gz",
    "corpus/go_heap_sampled.pb.gz", "corpus/go_goroutine.pb.gz",
    "corpus/go_block.pb.gz", "corpus/go_mutex.pb.gz",
    "corpus/go_threadcreate.pb.gz", "corpus/go_custom.pb.gz",
};

static void test_codec__corpus_roundtrip_is_lossless(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
        pf_profile *a = fixture_load(corpus[i]), *b;
        size_t n1, n2;
        unsigned char *e1 = fixture_encode(a, 1, &n1);
        unsigned char *e2;
        char *d1, *d2;

        b = decode_ok(e1, n1);
        e2 = fixture_encode(b, 1, &n2);
        d1 = dump(a);
        d2 = dump(b);
        assert_string_equal(d1, d2);
        /* Deterministic: re-encoding the decoded copy gives the same
         * bytes. */
        assert_int_equal(n1, n2);
        assert_memory_equal(e1, e2, n1);
        assert_int_equal(pf_profile_check(b), PF_OK);
        free(d1);
        free(d2);
        free(e1);
        free(e2);
        pf_profile_free(a);
        pf_profile_free(b);
    }
}

static void test_codec__threadcreate_keeps_empty_stacks(void **state)
{
    pf_profile *p = fixture_load("corpus/go_threadcreate.pb.gz"), *q;
    size_t i, n, empty = 0, len;
    unsigned char *e;

    (void)state;
    for (i = 0; i < pf_profile_sample_count(p); i++) {
        pf_sample_locations(p, i, &n);
        empty += n == 0;
    }
    assert_true(empty > 0);
    e = fixture_encode(p, 0, &len);
    q = decode_ok(e, len);
    assert_int_equal(pf_profile_sample_count(q), pf_profile_sample_count(p));
    assert_int_equal(pf_profile_total(q, 0), pf_profile_total(p, 0));
    free(e);
    pf_profile_free(p);
    pf_profile_free(q);
}

static void test_codec__builder_profile_roundtrips(void **state)
{
    pf_profile *a = fixture_small(), *b;
    size_t n;
    unsigned char *e = fixture_encode(a, 0, &n);
    char *d1, *d2;
    const pf_line *ln;

    (void)state;
    b = decode_ok(e, n);
    d1 = dump(a);
    d2 = dump(b);
    assert_string_equal(d1, d2);
    /* The newer fields survive: column of the inlined line. */
    ln = pf_location_lines(b, pf_profile_location(b, 1));
    assert_int_equal(ln[0].column, 3);
    assert_string_equal(pf_profile_drop_frames(b), "malloc|free");
    assert_string_equal(pf_profile_keep_frames(b), "keepme");
    assert_int_equal(pf_profile_comment_count(b), 1);
    free(d1);
    free(d2);
    free(e);
    pf_profile_free(a);
    pf_profile_free(b);
}

static int fail_writer(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

static void test_codec__writer_failure_is_reported(void **state)
{
    pf_profile *p = fixture_small();
    pf_writer w = { fail_writer, NULL };

    (void)state;
    assert_int_equal(pf_profile_encode(p, w, NULL), PF_EIO);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec__minimal_profile_decodes),
        cmocka_unit_test(test_codec__packed_and_unpacked_mix),
        cmocka_unit_test(test_codec__unknown_fields_are_skipped),
        cmocka_unit_test(test_codec__unresolved_mapping_is_tolerated),
        cmocka_unit_test(test_codec__label_rule_of_the_reference),
        cmocka_unit_test(test_codec__empty_input),
        cmocka_unit_test(test_codec__truncated_varint),
        cmocka_unit_test(test_codec__overlong_varint),
        cmocka_unit_test(test_codec__length_past_end),
        cmocka_unit_test(test_codec__unknown_wire_type),
        cmocka_unit_test(test_codec__wrong_wire_type_for_known_field),
        cmocka_unit_test(test_codec__wrong_wire_type_inside_message),
        cmocka_unit_test(test_codec__first_string_not_empty),
        cmocka_unit_test(test_codec__missing_string_table),
        cmocka_unit_test(test_codec__string_index_out_of_range),
        cmocka_unit_test(test_codec__dangling_location_id),
        cmocka_unit_test(test_codec__location_id_zero_in_sample),
        cmocka_unit_test(test_codec__dangling_function_id),
        cmocka_unit_test(test_codec__id_zero_rejected),
        cmocka_unit_test(test_codec__duplicate_ids_rejected),
        cmocka_unit_test(test_codec__value_count_must_match),
        cmocka_unit_test(test_codec__samples_need_sample_types),
        cmocka_unit_test(test_codec__concatenated_profiles),
        cmocka_unit_test(test_codec__record_cap),
        cmocka_unit_test(test_codec__gzip_multi_member),
        cmocka_unit_test(test_codec__gzip_truncated),
        cmocka_unit_test(test_codec__gzip_bomb_over_cap),
        cmocka_unit_test(test_codec__corpus_roundtrip_is_lossless),
        cmocka_unit_test(test_codec__threadcreate_keeps_empty_stacks),
        cmocka_unit_test(test_codec__builder_profile_roundtrips),
        cmocka_unit_test(test_codec__writer_failure_is_reported),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
