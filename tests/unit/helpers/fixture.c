#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

unsigned char *fixture_read(const char *relpath, size_t *len)
{
    char path[4096];
    FILE *f;
    unsigned char *buf;
    long n;

    snprintf(path, sizeof(path), "testdata/%s", relpath);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

pf_profile *fixture_load(const char *relpath)
{
    size_t len;
    unsigned char *buf = fixture_read(relpath, &len);
    pf_profile *p = NULL;
    int err = pf_profile_read(&p, NULL, buf, len, NULL);

    free(buf);
    if (err != PF_OK)
        fail_msg("loading %s: %s", relpath, pf_error_last());
    return p;
}

unsigned char *fixture_encode(const pf_profile *p, int gzip, size_t *len)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_encode_opts o = PF_ENCODE_OPTS_INIT;

    o.raw = !gzip;
    assert_int_equal(pf_profile_encode(p, pf_writer_membuf(&mb), &o), PF_OK);
    *len = mb.len;
    return mb.data;
}

pf_profile *fixture_small(void)
{
    pf_profile *p = pf_profile_new();
    pf_mapping m = { 0 };
    uint32_t m1, m2, fmain, fwork, finl, l1, l2, l3;
    pf_line lines[2];
    uint32_t st1[] = { 0, 0, 0 }, st2[2], st3[1];
    int64_t v1[] = { 3, 30000000 }, v2[] = { 1, 10000000 },
            v3[] = { 5, 50000000 };
    pf_label lab1[] = { { "request", "a", 0, "" },
                        { "bytes", "", 512, "bytes" } };
    pf_label lab2[] = { { "request", "b", 0, "" } };

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), 0);
    assert_int_equal(pf_profile_set_period_type(p, "cpu", "nanoseconds"), 0);
    pf_profile_set_period(p, 10000000);
    pf_profile_set_time(p, 1700000000123456789LL);
    pf_profile_set_duration(p, 2000000000);
    assert_int_equal(pf_profile_add_comment(p, "built by fixture_small"), 0);
    assert_int_equal(pf_profile_set_drop_frames(p, "malloc|free"), 0);
    assert_int_equal(pf_profile_set_keep_frames(p, "keepme"), 0);
    m.start = 0x400000;
    m.limit = 0x500000;
    m.file = "/usr/bin/app";
    m.build_id = "abcdef0123";
    m.has_functions = m.has_filenames = m.has_line_numbers = true;
    assert_int_equal(pf_profile_add_mapping(&m1, p, &m), 0);
    m.start = 0x7f0000000000;
    m.limit = 0x7f0000100000;
    m.offset = 0x1000;
    m.file = "/lib/libc.so.6";
    m.build_id = "";
    m.has_functions = m.has_filenames = m.has_line_numbers = false;
    assert_int_equal(pf_profile_add_mapping(&m2, p, &m), 0);
    assert_int_equal(pf_profile_add_function(&fmain, p, "main", "main",
                                             "app.c", 10), 0);
    assert_int_equal(pf_profile_add_function(&fwork, p, "work(int)",
                                             "_Z4worki", "work.cc", 20), 0);
    assert_int_equal(pf_profile_add_function(&finl, p, "inl", "inl",
                                             "work.cc", 5), 0);
    lines[0] = (pf_line){ fmain, 15, 0 };
    assert_int_equal(pf_profile_add_location(&l1, p, m1, 0x401000, lines, 1,
                                             false), 0);
    lines[0] = (pf_line){ finl, 7, 3 };
    lines[1] = (pf_line){ fwork, 25, 0 };
    assert_int_equal(pf_profile_add_location(&l2, p, m1, 0x402000, lines, 2,
                                             false), 0);
    assert_int_equal(pf_profile_add_location(&l3, p, m2, 0x7f0000000100,
                                             NULL, 0, false), 0);
    st1[0] = l2, st1[1] = l1, st1[2] = l1;
    st2[0] = l3, st2[1] = l1;
    st3[0] = l1;
    assert_int_equal(pf_profile_add_sample(p, st1, 3, v1, lab1, 2), 0);
    assert_int_equal(pf_profile_add_sample(p, st2, 2, v2, lab2, 1), 0);
    assert_int_equal(pf_profile_add_sample(p, st3, 1, v3, NULL, 0), 0);
    assert_int_equal(pf_profile_add_sample(p, NULL, 0, v2, NULL, 0), 0);
    return p;
}

char *fixture_report_text(const pf_profile *p, pf_report_kind kind,
                          const pf_report_opts *o)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    char *s;

    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb), kind, o), 0);
    s = malloc(mb.len + 1);
    assert_non_null(s);
    memcpy(s, mb.data, mb.len);
    s[mb.len] = '\0';
    pf_membuf_release(&mb);
    return s;
}

pf_profile *fixture_read_as(const void *buf, size_t len, pf_format want)
{
    pf_profile *p = NULL;
    pf_format fmt = PF_FORMAT_UNKNOWN;
    int err = pf_profile_read(&p, &fmt, buf, len, NULL);

    if (err != PF_OK)
        fail_msg("read failed: %s", pf_error_last());
    assert_int_equal(fmt, want);
    assert_int_equal(pf_profile_check(p), PF_OK);
    return p;
}

void fixture_read_err(const void *buf, size_t len, int code,
                      const char *detail)
{
    pf_profile *p = (pf_profile *)1;
    int err = pf_profile_read(&p, NULL, buf, len, NULL);

    assert_int_equal(err, code);
    assert_null(p);
    if (!strstr(pf_error_last(), detail))
        fail_msg("error '%s' does not contain '%s'", pf_error_last(),
                 detail);
}

void fixture_assert_types(const pf_profile *p, const char *want)
{
    char got[1024] = "";
    size_t i, n = pf_profile_sample_type_count(p), k = 0;
    const pf_value_type *t = pf_profile_sample_types(p);

    for (i = 0; i < n && k < sizeof(got); i++)
        k += (size_t)snprintf(got + k, sizeof(got) - k, "%s%s/%s",
                              i ? " " : "", t[i].type, t[i].unit);
    assert_string_equal(got, want);
}
