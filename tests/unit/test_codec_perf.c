/*
 * The fast paths of the codec. gz.c: gzip output as parallel,
 * independent members and libdeflate inflate with zlib as the
 * diagnosing fallback; the output is valid gzip whose payload is
 * exactly the raw encoding, the bytes do not depend on the number of
 * threads, errors still stop the encoder cleanly, and the inflate side
 * keeps every limit and error of the zlib path. codec_pb.c: the
 * hand-written Sample decoder and encoder give exactly what protobuf-c
 * gives (pf__pb_fast_samples switches between them).
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
#include "helpers/pbuild.h"
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


/* ---- hand-written Sample paths vs protobuf-c ---- */

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

/* Decode BUF with the fast path and with protobuf-c: the same result,
 * a profile (same dump) or an error (same code and message). Returns
 * the error code. */
static int decode_both_ways(const void *buf, size_t len)
{
    pf_profile *a = NULL, *b = NULL;
    char msg[256];
    int ea, eb;

    pf__pb_fast_samples = true;
    ea = pf_profile_decode(&a, buf, len, NULL);
    snprintf(msg, sizeof(msg), "%s", pf_error_last());
    pf__pb_fast_samples = false;
    eb = pf_profile_decode(&b, buf, len, NULL);
    pf__pb_fast_samples = true;
    assert_int_equal(ea, eb);
    if (ea == PF_OK) {
        char *da = dump(a), *db = dump(b);
        assert_string_equal(da, db);
        free(da);
        free(db);
    } else {
        assert_string_equal(msg, pf_error_last());
    }
    pf_profile_free(a);
    pf_profile_free(b);
    return ea;
}

/* Encode P raw with both paths: byte-identical; and both decodes of
 * the bytes agree. */
static void encode_both_ways(const pf_profile *p)
{
    unsigned char *fast, *slow;
    size_t nf, ns;

    pf__pb_fast_samples = true;
    fast = encode(p, true, 1, &nf);
    pf__pb_fast_samples = false;
    slow = encode(p, true, 1, &ns);
    pf__pb_fast_samples = true;
    assert_int_equal(nf, ns);
    assert_memory_equal(fast, slow, nf);
    assert_int_equal(decode_both_ways(fast, nf), PF_OK);
    free(fast);
    free(slow);
}

static void test_codec_perf__fast_samples_match_protobuf_c_on_corpus(
    void **state)
{
    static const char *const files[] = {
        "corpus/go_cpu.pb.gz", "corpus/go_cpu_labels.pb.gz",
        "corpus/go_heap.pb.gz", "corpus/go_allocs.pb.gz",
        "corpus/go_goroutine.pb.gz", "corpus/go_block.pb.gz",
        "corpus/go_mutex.pb.gz", "corpus/go_threadcreate.pb.gz",
        "corpus/go_custom.pb.gz",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t len;
        unsigned char *buf = fixture_read(files[i], &len);
        pf_profile *p;
        /* The original bytes (Go's writer) both ways... */
        assert_int_equal(decode_both_ways(buf, len), PF_OK);
        /* ... and our re-encoding. */
        p = fixture_load(files[i]);
        encode_both_ways(p);
        pf_profile_free(p);
        free(buf);
    }
}

static void test_codec_perf__fast_samples_match_protobuf_c_on_built(
    void **state)
{
    pf_profile *p = fixture_small();
    pf_label lab[3] = { { "neg", "", -5, "" },
                        { "big", "", INT64_MAX, "bytes" },
                        { "s", "x", 0, "" } };
    int64_t v[2] = { -1, INT64_MIN };
    uint32_t locs[300];
    size_t i;

    (void)state;
    /* Negative values and numbers (10-byte varints), an empty stack,
     * a deep stack (multi-byte packed length). */
    assert_int_equal(pf_profile_add_sample(p, NULL, 0, v, lab, 3), PF_OK);
    for (i = 0; i < 300; i++)
        locs[i] = (uint32_t)(i % pf_profile_location_count(p));
    assert_int_equal(pf_profile_add_sample(p, locs, 300, v, NULL, 0), PF_OK);
    encode_both_ways(p);
    pf_profile_free(p);
    p = big_profile();
    encode_both_ways(p);
    pf_profile_free(p);
}

/* The minimal profile of docs/FORMATS.md 1.11 around a hand-made Sample. */
static void with_sample(pb *b, const pb *sample)
{
    pb vt = { .len = 0 }, loc = { .len = 0 };

    b->len = 0;
    pb_uint(&vt, 1, 1);
    pb_uint(&vt, 2, 2);
    pb_msg(b, 1, &vt);
    pb_msg(b, 2, sample);
    pb_uint(&loc, 1, 1);
    pb_uint(&loc, 3, 0x1000);
    pb_msg(b, 4, &loc);
    pb_uint(&loc, 1, 300);
    pb_msg(b, 4, &loc);
    pb_strings(b);
}

static void label(pb *s, int64_t key, int64_t str, int64_t num, int64_t unit)
{
    pb l = { .len = 0 };

    if (key)
        pb_uint(&l, 1, (uint64_t)key);
    if (str)
        pb_uint(&l, 2, (uint64_t)str);
    if (num)
        pb_uint(&l, 3, (uint64_t)num);
    if (unit)
        pb_uint(&l, 4, (uint64_t)unit);
    pb_msg(s, 3, &l);
}

/* Wire oddities the fast path leaves to protobuf-c, and errors: each
 * hand-made Sample decodes (or fails) the same both ways. */
static void test_codec_perf__fast_samples_match_protobuf_c_on_oddities(
    void **state)
{
    pb s, b, packed;
    size_t i;
    int ok = 0;

    (void)state;
    for (i = 0; i < 14; i++) {
        s.len = packed.len = 0;
        switch (i) {
        case 0: /* unpacked ids and value */
            pb_uint(&s, 1, 1);
            pb_uint(&s, 1, 300);
            pb_uint(&s, 2, 7);
            break;
        case 1: /* packed and unpacked mixed, value first */
            pb_uint(&s, 2, 7);
            pb_varint(&packed, 300);
            pb_varint(&packed, 1);
            pb_bytes(&s, 1, packed.data, packed.len);
            pb_uint(&s, 1, 1);
            break;
        case 2: /* an unknown field in the sample is skipped */
            pb_uint(&s, 1, 1);
            pb_uint(&s, 2, 7);
            pb_uint(&s, 9, 123);
            pb_str(&s, 10, "junk");
            break;
        case 3: /* labels: repeated key (last wins), unit only, empty */
            pb_uint(&s, 1, 1);
            pb_uint(&s, 2, 7);
            label(&s, 5, 6, 0, 0);
            label(&s, 3, 0, 0, 4);
            label(&s, 3, 0, 0, 0);
            pb_uint(&packed, 1, 5);
            pb_uint(&packed, 1, 6);
            pb_uint(&packed, 3, 9);
            pb_msg(&s, 3, &packed);
            break;
        case 4: /* an unknown field inside a label */
            pb_uint(&s, 2, 7);
            pb_uint(&packed, 1, 5);
            pb_uint(&packed, 7, 1);
            pb_uint(&packed, 3, 9);
            pb_msg(&s, 3, &packed);
            break;
        case 5: /* wrong wire type for value (fixed64) */
            pb_uint(&s, 1, 1);
            pb_tag(&s, 2, 1);
            pb_varint(&packed, 0);
            memcpy(s.data + s.len, "\x07\0\0\0\0\0\0\0", 8);
            s.len += 8;
            break;
        case 6: /* wrong value count */
            pb_uint(&s, 1, 1);
            pb_uint(&s, 2, 7);
            pb_uint(&s, 2, 8);
            break;
        case 7: /* unknown location id */
            pb_uint(&s, 1, 2);
            pb_uint(&s, 2, 7);
            break;
        case 8: /* packed field running past the sample */
            pb_uint(&s, 2, 7);
            pb_tag(&s, 1, 2);
            pb_varint(&s, 5);
            pb_varint(&s, 1);
            break;
        case 9: /* packed varint cut at the end of its field */
            pb_uint(&s, 2, 7);
            pb_tag(&s, 1, 2);
            pb_varint(&s, 1);
            pb_varint(&s, 0x80);    /* 2 bytes, length says 1 */
            break;
        case 10: /* label string index out of range */
            pb_uint(&s, 2, 7);
            label(&s, 1, 99, 0, 0);
            break;
        case 11: /* 11-byte varint */
            pb_uint(&s, 2, 7);
            pb_tag(&s, 1, 0);
            memcpy(s.data + s.len, "\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11);
            s.len += 11;
            break;
        case 12: /* label with a wire type 2 field 1 */
            pb_uint(&s, 2, 7);
            pb_str(&packed, 1, "x");
            pb_msg(&s, 3, &packed);
            break;
        case 13: /* field number 0 */
            pb_uint(&s, 2, 7);
            pb_uint(&s, 0, 1);
            break;
        }
        with_sample(&b, &s);
        if (decode_both_ways(b.data, b.len) == PF_OK)
            ok++;
    }
    /* The first five are valid; the rest must fail. */
    assert_int_equal(ok, 5);
}

/* Pass 1 lists the header fields for the later passes, up to a limit,
 * and walks their byte range beyond it: both ways keep every comment
 * and sample type in order, wherever they sit in the input. */
static void test_codec_perf__header_fields_in_order_whatever_their_count(
    void **state)
{
    size_t counts[] = { 3, 200 }, k, i;

    (void)state;
    for (k = 0; k < 2; k++) {
        pf_profile *p = fixture_small(), *q = NULL;
        unsigned char *raw;
        size_t len;
        char c[32];

        for (i = 0; i < counts[k]; i++) {
            snprintf(c, sizeof(c), "comment %zu", i);
            assert_int_equal(pf_profile_add_comment(p, c), PF_OK);
        }
        raw = encode(p, true, 1, &len);
        assert_int_equal(pf_profile_decode(&q, raw, len, NULL), PF_OK);
        assert_int_equal(pf_profile_comment_count(q),
                         pf_profile_comment_count(p));
        for (i = 0; i < pf_profile_comment_count(p); i++)
            assert_string_equal(pf_profile_comment(q, i),
                                pf_profile_comment(p, i));
        {
            char *dp = dump(p), *dq = dump(q);
            assert_string_equal(dp, dq);
            free(dp);
            free(dq);
        }
        pf_profile_free(q);
        free(raw);
        pf_profile_free(p);
    }
}

/* Sample types after the samples, locations between samples, the
 * string table first: the passes still find everything. */
static void test_codec_perf__interleaved_fields_decode(void **state)
{
    pb b = { .len = 0 }, s = { .len = 0 }, vt = { .len = 0 },
       loc = { .len = 0 };
    pf_profile *p = NULL;
    size_t n;

    (void)state;
    pb_strings(&b);
    pb_uint(&s, 1, 2);
    pb_uint(&s, 2, 7);
    pb_msg(&b, 2, &s);
    pb_uint(&loc, 1, 2);
    pb_uint(&loc, 3, 0x2000);
    pb_msg(&b, 4, &loc);
    s.len = 0;
    pb_uint(&s, 1, 1);
    pb_uint(&s, 2, 9);
    pb_msg(&b, 2, &s);
    loc.len = 0;
    pb_uint(&loc, 1, 1);
    pb_uint(&loc, 3, 0x1000);
    pb_msg(&b, 4, &loc);
    pb_uint(&vt, 1, 1);
    pb_uint(&vt, 2, 2);
    pb_msg(&b, 1, &vt);
    pb_uint(&b, 13, 5);
    assert_int_equal(decode_both_ways(b.data, b.len), PF_OK);
    assert_int_equal(pf_profile_decode(&p, b.data, b.len, NULL), PF_OK);
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(pf_sample_values(p, 1)[0], 9);
    assert_int_equal(
        pf_profile_location(p, pf_sample_locations(p, 0, &n)[0])->address,
        0x2000);
    assert_int_equal(
        pf_profile_location(p, pf_sample_locations(p, 1, &n)[0])->address,
        0x1000);
    assert_string_equal(pf_profile_comment(p, 0), "main");
    pf_profile_free(p);
}

/* Every allocation failure in the gzip encoder (threads or not) and in
 * the decode of gzip input gives PF_ENOMEM or success, never a crash,
 * a hang or a leak (ASan build). */
static void test_codec_perf__allocation_failures(void **state)
{
    pf_profile *p = big_profile(), *small = fixture_small();
    unsigned char *gz;
    size_t gzlen, n;
    unsigned threads;
    int err, done;

    (void)state;
    for (threads = 1; threads <= 2; threads++) {
        for (n = 1, done = 0; !done && n < 1000; n++) {
            pf_membuf mb = PF_MEMBUF_INIT;
            pf_encode_opts o = PF_ENCODE_OPTS_INIT;
            o.threads = threads;
            pf__alloc_fail_after(n);
            err = pf_profile_encode(p, pf_writer_membuf(&mb), &o);
            pf__alloc_fail_after(0);
            /* The membuf writer turns its own failure into PF_EIO. */
            assert_true(err == PF_OK || err == PF_ENOMEM || err == PF_EIO);
            done = err == PF_OK;
            pf_membuf_release(&mb);
        }
        assert_true(done);
    }
    gz = encode(small, false, 1, &gzlen);
    for (n = 1, done = 0; !done && n < 10000; n++) {
        pf_profile *q = NULL;
        pf__alloc_fail_after(n);
        err = pf_profile_decode(&q, gz, gzlen, NULL);
        pf__alloc_fail_after(0);
        assert_true(err == PF_OK || err == PF_ENOMEM);
        done = err == PF_OK;
        pf_profile_free(q);
    }
    assert_true(done);
    free(gz);
    pf_profile_free(small);
    pf_profile_free(p);
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
        cmocka_unit_test(
            test_codec_perf__fast_samples_match_protobuf_c_on_corpus),
        cmocka_unit_test(
            test_codec_perf__fast_samples_match_protobuf_c_on_built),
        cmocka_unit_test(
            test_codec_perf__fast_samples_match_protobuf_c_on_oddities),
        cmocka_unit_test(
            test_codec_perf__header_fields_in_order_whatever_their_count),
        cmocka_unit_test(test_codec_perf__interleaved_fields_decode),
        cmocka_unit_test(test_codec_perf__allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
