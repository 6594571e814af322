/*
 * The fast paths of the codec (gz.c): gzip output as parallel,
 * independent members and libdeflate inflate with zlib as the
 * diagnosing fallback. What matters: the output is valid gzip whose
 * payload is exactly the raw encoding, the bytes do not depend on the
 * number of threads, errors still stop the encoder cleanly, and the
 * inflate side keeps every limit and error of the zlib path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "helpers/fixture.h"
#include "internal.h"

/* Inflate every member of a gzip stream with zlib; returns the payload
 * and counts the members. Fails the test on any zlib error. */
static unsigned char *zlib_gunzip(const unsigned char *in, size_t len,
                                  size_t *outlen, size_t *members)
{
    size_t cap = len * 8 + 1024, n = 0;
    unsigned char *out = malloc(cap);
    z_stream z;
    int zr;

    *members = 0;
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    for (;;) {
        if (n == cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
        z.next_out = out + n;
        z.avail_out = (uInt)(cap - n);
        zr = inflate(&z, Z_NO_FLUSH);
        n = (size_t)(z.next_out - out);
        if (zr == Z_STREAM_END) {
            (*members)++;
            if (z.avail_in == 0)
                break;
            assert_int_equal(inflateReset(&z), Z_OK);
            continue;
        }
        if (zr != Z_OK)
            fail_msg("zlib inflate: %d %s", zr, z.msg ? z.msg : "");
    }
    inflateEnd(&z);
    *outlen = n;
    return out;
}

/* Deterministic bytes that compress a little (like a profile). */
static unsigned char *pseudo_bytes(size_t n, uint64_t seed)
{
    unsigned char *b = malloc(n ? n : 1);
    uint64_t x = seed;
    size_t i;

    for (i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        b[i] = (unsigned char)((x >> 60) + (i % 7 == 0 ? 0 : 'a'));
    }
    return b;
}

/* A profile of several MiB serialized (several gzip members). */
static pf_profile *big_profile(void)
{
    pf_profile *p = pf_profile_new();
    uint32_t fn[64], loc[512], stack[32];
    int64_t v[2];
    pf_label lab[2] = { { "worker", "", 0, "" }, { "bytes", "", 0, "bytes" } };
    char name[32], val[16];
    uint64_t x = 7;
    size_t i, j;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), 0);
    for (i = 0; i < 64; i++) {
        snprintf(name, sizeof(name), "pkg.func%zu", i);
        assert_int_equal(pf_profile_add_function(&fn[i], p, name, name,
                                                 "pkg/file.go", (int64_t)i),
                         0);
    }
    for (i = 0; i < 512; i++) {
        pf_line ln = { fn[i % 64], (int64_t)(10 + i), 0 };
        assert_int_equal(pf_profile_add_location(&loc[i], p, PF_NONE,
                                                 0x1000 + 16 * i, &ln, 1,
                                                 false),
                         0);
    }
    for (i = 0; i < 60000; i++) {
        for (j = 0; j < 32; j++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            stack[j] = loc[(x >> 33) % 512];
        }
        snprintf(val, sizeof(val), "w%zu", i % 13);
        lab[0].str = val;
        lab[1].num = (int64_t)(i % 4096) + 1;
        v[0] = (int64_t)(i % 5) + 1;
        v[1] = v[0] * 10000000;
        assert_int_equal(pf_profile_add_sample(p, stack, 32, v, lab, 2), 0);
    }
    return p;
}

static unsigned char *encode(const pf_profile *p, bool raw, unsigned threads,
                             size_t *len)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_encode_opts o = PF_ENCODE_OPTS_INIT;

    o.raw = raw;
    o.threads = threads;
    if (pf_profile_encode(p, pf_writer_membuf(&mb), &o) != PF_OK)
        fail_msg("encode: %s", pf_error_last());
    *len = mb.len;
    return mb.data;
}

static void test_codec_perf__gzip_output_is_members_of_the_raw_encoding(
    void **state)
{
    pf_profile *p = big_profile(), *q = NULL;
    unsigned char *raw, *gz, *payload;
    size_t rawlen, gzlen, plen, members;

    (void)state;
    raw = encode(p, true, 0, &rawlen);
    gz = encode(p, false, 2, &gzlen);
    assert_true(rawlen > 3 * PF_GZ_CHUNK);
    payload = zlib_gunzip(gz, gzlen, &plen, &members);
    assert_int_equal(plen, rawlen);
    assert_memory_equal(payload, raw, rawlen);
    assert_int_equal(members, (rawlen + PF_GZ_CHUNK - 1) / PF_GZ_CHUNK);
    /* ... and our own reader takes it back. */
    assert_int_equal(pf_profile_decode(&q, gz, gzlen, NULL), PF_OK);
    assert_int_equal(pf_profile_sample_count(q), pf_profile_sample_count(p));
    assert_int_equal(pf_profile_total(q, 1), pf_profile_total(p, 1));
    pf_profile_free(q);
    free(payload);
    free(gz);
    free(raw);
    pf_profile_free(p);
}

static void test_codec_perf__encode_is_identical_for_any_thread_count(
    void **state)
{
    pf_profile *p = big_profile();
    unsigned char *a, *b;
    size_t alen, blen;
    unsigned threads[] = { 0, 2, 3, 8 };
    size_t i;

    (void)state;
    a = encode(p, false, 1, &alen);
    for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
        b = encode(p, false, threads[i], &blen);
        assert_int_equal(blen, alen);
        assert_memory_equal(a, b, alen);
        free(b);
    }
    /* Twice with the same options: the same bytes. */
    b = encode(p, false, 2, &blen);
    assert_int_equal(blen, alen);
    assert_memory_equal(a, b, alen);
    free(b);
    free(a);
    pf_profile_free(p);
}

/* pf_gzw on odd write sizes and tiny chunks: one member per chunk, the
 * payload intact, for 1 and several threads. */
static void test_codec_perf__gzw_chunks_and_members(void **state)
{
    size_t len = 100000, chunk = 777, pieces[] = { 1, 5, 776, 777, 778, 4096 };
    unsigned char *data = pseudo_bytes(len, 3), *payload;
    unsigned threads[] = { 1, 3 };
    size_t t, i;

    (void)state;
    for (t = 0; t < 2; t++) {
        pf_membuf mb = PF_MEMBUF_INIT;
        pf_gzw *g = NULL;
        size_t off = 0, plen, members;

        assert_int_equal(pf__gzw_new(&g, pf_writer_membuf(&mb), 1,
                                     threads[t], chunk), PF_OK);
        for (i = 0; off < len; i = (i + 1) % 6) {
            size_t n = pieces[i] < len - off ? pieces[i] : len - off;
            assert_int_equal(pf__gzw_write(g, data + off, n), PF_OK);
            off += n;
        }
        assert_int_equal(pf__gzw_finish(g), PF_OK);
        pf__gzw_free(g);
        payload = zlib_gunzip(mb.data, mb.len, &plen, &members);
        assert_int_equal(plen, len);
        assert_memory_equal(payload, data, len);
        assert_int_equal(members, (len + chunk - 1) / chunk);
        free(payload);
        pf_membuf_release(&mb);
    }
    free(data);
}

static void test_codec_perf__gzw_empty_stream_is_valid_gzip(void **state)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_gzw *g = NULL;
    unsigned char *payload;
    size_t plen, members;

    (void)state;
    assert_int_equal(pf__gzw_new(&g, pf_writer_membuf(&mb), 1, 2, 0), PF_OK);
    assert_int_equal(pf__gzw_finish(g), PF_OK);
    pf__gzw_free(g);
    payload = zlib_gunzip(mb.data, mb.len, &plen, &members);
    assert_int_equal(plen, 0);
    assert_int_equal(members, 1);
    free(payload);
    pf_membuf_release(&mb);
}

static int fail_after_calls(void *ctx, const void *buf, size_t len)
{
    int *left = ctx;

    (void)buf;
    (void)len;
    return (*left)-- > 0 ? 0 : -1;
}

/* A writer failing mid-stream: PF_EIO, threads stopped, nothing leaks
 * (ASan), and later writes keep failing. */
static void test_codec_perf__writer_failure_stops_the_encoder(void **state)
{
    pf_profile *p = big_profile();
    pf_encode_opts o = PF_ENCODE_OPTS_INIT;
    unsigned threads[] = { 1, 2, 4 };
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        int left = 2;
        pf_writer w = { fail_after_calls, &left };
        o.threads = threads[i];
        assert_int_equal(pf_profile_encode(p, w, &o), PF_EIO);
    }
    {
        int left = 0;
        pf_writer w = { fail_after_calls, &left };
        unsigned char *data = pseudo_bytes(5000, 1);
        pf_gzw *g = NULL;
        assert_int_equal(pf__gzw_new(&g, w, 1, 2, 1000), PF_OK);
        assert_int_equal(pf__gzw_write(g, data, 5000), PF_EIO);
        assert_int_equal(pf__gzw_write(g, data, 10), PF_EIO);
        assert_int_equal(pf__gzw_finish(g), PF_EIO);
        pf__gzw_free(g);
        free(data);
    }
    pf_profile_free(p);
}

static void test_codec_perf__gzw_rejects_bad_level(void **state)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_gzw *g = (pf_gzw *)1;

    (void)state;
    assert_int_equal(pf__gzw_new(&g, pf_writer_membuf(&mb), 10, 1, 0),
                     PF_EINVAL);
    assert_null(g);
}

/* zlib gzip of DATA (one member). */
static unsigned char *zlib_gzip(const void *data, size_t len, size_t *out)
{
    size_t cap = len + len / 8 + 1024;
    unsigned char *buf = malloc(cap);
    z_stream z;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out = cap - z.avail_out;
    deflateEnd(&z);
    return buf;
}

/* A big first member and a tiny last one: the trailer's size is no
 * guide, the output buffer must grow and the member be redone. */
static void test_codec_perf__gunzip_grows_past_the_trailer_size(void **state)
{
    size_t big = 3u << 20, n1, n2, olen;
    unsigned char *data = pseudo_bytes(big + 10, 9), *g1, *g2, *both, *out;

    (void)state;
    /* Compressible: the big member inflates far past 3x its size. */
    memset(data, 'x', big - big / 4);
    g1 = zlib_gzip(data, big, &n1);
    g2 = zlib_gzip(data + big, 10, &n2);
    both = malloc(n1 + n2 + 4);
    memcpy(both, g1, n1);
    memcpy(both + n1, g2, n2);
    memset(both + n1 + n2, 0, 4);   /* trailing zero padding is ignored */
    assert_int_equal(pf__gunzip(&out, &olen, both, n1 + n2 + 4, 0), PF_OK);
    assert_int_equal(olen, big + 10);
    assert_memory_equal(out, data, big + 10);
    pf__free(out);
    /* The cap holds on this path too: exactly at the size is fine, one
     * byte under is not. */
    assert_int_equal(pf__gunzip(&out, &olen, both, n1 + n2, big + 10), PF_OK);
    pf__free(out);
    assert_int_equal(pf__gunzip(&out, &olen, both, n1 + n2, big + 9),
                     PF_ETOOBIG);
    assert_null(out);
    assert_non_null(strstr(pf_error_last(), "exceeds the limit of"));
    free(both);
    free(g1);
    free(g2);
    free(data);
}

/* Corrupt data goes to zlib for the message; a bad CRC is an error. */
static void test_codec_perf__gunzip_corrupt_member_is_reported(void **state)
{
    size_t len = 200000, n, olen;
    unsigned char *data = pseudo_bytes(len, 5), *g, *out = NULL;

    (void)state;
    g = zlib_gzip(data, len, &n);
    g[n - 6] ^= 0x55;       /* CRC32 of the trailer */
    assert_int_equal(pf__gunzip(&out, &olen, g, n, 0), PF_EFORMAT);
    assert_null(out);
    assert_non_null(strstr(pf_error_last(), "gzip: incorrect data check"));
    g[n - 6] ^= 0x55;
    g[n / 2] ^= 0xff;       /* the middle of the deflate stream */
    assert_int_equal(pf__gunzip(&out, &olen, g, n, 0), PF_EFORMAT);
    assert_null(out);
    assert_non_null(strstr(pf_error_last(), "gzip: "));
    free(g);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_codec_perf__gzip_output_is_members_of_the_raw_encoding),
        cmocka_unit_test(
            test_codec_perf__encode_is_identical_for_any_thread_count),
        cmocka_unit_test(test_codec_perf__gzw_chunks_and_members),
        cmocka_unit_test(test_codec_perf__gzw_empty_stream_is_valid_gzip),
        cmocka_unit_test(test_codec_perf__writer_failure_stops_the_encoder),
        cmocka_unit_test(test_codec_perf__gzw_rejects_bad_level),
        cmocka_unit_test(test_codec_perf__gunzip_grows_past_the_trailer_size),
        cmocka_unit_test(test_codec_perf__gunzip_corrupt_member_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
