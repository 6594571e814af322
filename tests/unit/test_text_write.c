/*
 * The text writers: Go debug=1 (heap, count, contention), debug=2
 * goroutine dumps, folded stacks. Profiles are built from scratch with
 * the builder so every expected byte can be derived by hand from
 * docs/FORMATS.md 2.1-2.5; the tab-stop and quoting helpers are checked
 * against outputs of Go's own text/tabwriter and strconv.Quote
 * (recorded from Go 1.19, the writers must reproduce them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "text_write.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static uint32_t fn(pf_profile *p, const char *name, const char *file)
{
    uint32_t f;
    assert_int_equal(pf_profile_add_function(&f, p, name, name, file, 0), 0);
    return f;
}

/* A location at ADDR with lines (function, line) pairs, innermost first. */
static uint32_t loc(pf_profile *p, uint64_t addr, size_t n, ...)
{
    pf_line lines[8];
    uint32_t l;
    va_list ap;
    size_t i;

    va_start(ap, n);
    for (i = 0; i < n; i++) {
        lines[i].function = va_arg(ap, uint32_t);
        lines[i].line = va_arg(ap, int);
        lines[i].column = 0;
    }
    va_end(ap);
    assert_int_equal(pf_profile_add_location(&l, p, PF_NONE, addr, lines, n,
                                             false), 0);
    return l;
}

static void sample(pf_profile *p, const uint32_t *locs, size_t n,
                   const int64_t *v, const pf_label *labs, size_t nl)
{
    assert_int_equal(pf_profile_add_sample(p, locs, n, v, labs, nl), 0);
}

enum { W_DEBUG1, W_DEBUG2, W_FOLDED };

/* The writer's output as a NUL-terminated string (caller frees);
 * asserts that it succeeds. */
static char *take_string(pf_membuf *mb);

static char *render(const pf_profile *p, int which, int idx)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_writer w = pf_writer_membuf(&mb);
    int err = which == W_DEBUG1 ? pf_profile_write_debug1(p, w)
              : which == W_DEBUG2 ? pf_profile_write_debug2(p, w)
                                  : pf_profile_write_folded(p, w, idx);

    if (err != PF_OK)
        fail_msg("writer failed: %s", pf_error_last());
    return take_string(&mb);
}

/* MB's bytes as a NUL-terminated string (caller frees); MB released. */
static char *take_string(pf_membuf *mb)
{
    pf_membuf m = *mb;
    char *s;

    s = malloc(m.len + 1);
    assert_non_null(s);
    if (m.len)
        memcpy(s, m.data, m.len);
    s[m.len] = '\0';
    pf_membuf_release(mb);
    return s;
}

static void expect_text(const pf_profile *p, int which, int idx,
                        const char *want)
{
    char *got = render(p, which, idx);
    assert_string_equal(got, want);
    free(got);
}

/* ------------------------------------------------------------------ */
/* Go's text/tabwriter and strconv.Quote                               */

static int tabw_run(const char *in, char **out)
{
    pf_membuf mb = PF_MEMBUF_INIT;
    pf_tsink s;
    pf_tabw t;
    int err;

    pf__tsink_init(&s, pf_writer_membuf(&mb));
    pf__tabw_init(&t, &s);
    /* Fed in odd pieces: line boundaries must not matter. */
    err = pf__tabw_write(&t, in, strlen(in) / 3);
    if (err == PF_OK)
        err = pf__tabw_write(&t, in + strlen(in) / 3,
                             strlen(in) - strlen(in) / 3);
    if (err == PF_OK)
        err = pf__tabw_flush(&t);
    pf__tabw_release(&t);
    if (err == PF_OK)
        err = pf__tsink_finish(&s);
    *out = malloc(mb.len + 1);
    assert_non_null(*out);
    memcpy(*out, mb.data ? (const char *)mb.data : "", mb.len);
    (*out)[mb.len] = '\0';
    pf_membuf_release(&mb);
    return err;
}

static void test_text_write__tabwriter_matches_go(void **state)
{
    /* Input and the output of Go 1.19's
     * tabwriter.NewWriter(w, 1, 8, 1, '\t', 0) for it. */
    static const char *const cases[][2] = {
        { "#\t0x1\ta+0x0\tf.go:1\n#\t0x22\tlonger.name+0x0\tf.go:2\n",
          "#\t0x1\ta+0x0\t\tf.go:1\n#\t0x22\tlonger.name+0x0\tf.go:2\n" },
        { "hdr\n#\t0x1\tabcdefg\tx\n#\t0x2\tabcdefghijklmno\ty\n\n#\t0x3\t"
          "abcdefghijklmnop\tz\n#\t0x4\n#\t0x5\tq\tr\n",
          "hdr\n#\t0x1\tabcdefg\t\tx\n#\t0x2\tabcdefghijklmno\ty\n\n#\t0x3\t"
          "abcdefghijklmnop\tz\n#\t0x4\n#\t0x5\tq\tr\n" },
        { "a\tb\tc\n\td\n\t\te\nno tabs\nx\tyy\n",
          "a\tb\tc\n\td\n\t\te\nno tabs\nx\tyy\n" },
        { "\xc3\xa9\tb\n12345678\tc\nlast\tno newline",
          "\xc3\xa9\t\tb\n12345678\tc\nlast\t\tno newline" },
        { "a\tx\nabcdefghijklmnopqrst\ty\n\tz\n",
          "a\t\t\tx\nabcdefghijklmnopqrst\ty\n\t\t\tz\n" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out;
        assert_int_equal(tabw_run(cases[i][0], &out), PF_OK);
        assert_string_equal(out, cases[i][1]);
        free(out);
    }
}

static void test_text_write__go_quote_matches_go(void **state)
{
    /* Input and Go 1.19's fmt "%q" of it. */
    static const char *const cases[][2] = {
        { "plain", "\"plain\"" },
        { "tab\there", "\"tab\\there\"" },
        { "q\"b\\s", "\"q\\\"b\\\\s\"" },
        { "\xc3\xa9 \xc3\xbc", "\"\xc3\xa9 \xc3\xbc\"" },
        { "\x01\x7f", "\"\\x01\\x7f\"" },
        { "bad\xffutf8", "\"bad\\xffutf8\"" },
        { "c1\xc2\x85", "\"c1\\u0085\"" },
        { "nl\n", "\"nl\\n\"" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        assert_int_equal(pf__go_quote(&buf, &len, &cap, cases[i][0],
                                      strlen(cases[i][0])), PF_OK);
        assert_int_equal(len, strlen(cases[i][1]));
        assert_memory_equal(buf, cases[i][1], len);
        pf__free(buf);
    }
}

/* ------------------------------------------------------------------ */
/* heap                                                                */

typedef struct heapfix {
    pf_profile *p;
    uint32_t malloc_, alloc, main_, rmain;
} heapfix;

static heapfix heap_profile(int64_t period)
{
    heapfix h;
    pf_profile *p = pf_profile_new();
    uint32_t fmalloc, falloc, fmain, frmain;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "alloc_objects", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "alloc_space", "bytes"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "inuse_objects", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "inuse_space", "bytes"), 0);
    assert_int_equal(pf_profile_set_period_type(p, "space", "bytes"), 0);
    pf_profile_set_period(p, period);
    fmalloc = fn(p, "runtime.mallocgc", "/go/src/runtime/malloc.go");
    falloc = fn(p, "main.alloc", "/app/main.go");
    fmain = fn(p, "main.main", "/app/main.go");
    frmain = fn(p, "runtime.main", "/go/src/runtime/proc.go");
    h.p = p;
    h.malloc_ = loc(p, 0x40a000, 1, fmalloc, 1000);
    h.alloc = loc(p, 0x4b84b3, 1, falloc, 19);
    h.main_ = loc(p, 0x4b8483, 1, fmain, 39);
    h.rmain = loc(p, 0x437d71, 1, frmain, 250);
    return h;
}

static void test_text_write__heap_header_records_and_comments(void **state)
{
    heapfix h = heap_profile(1);
    uint32_t s1[] = { h.alloc, h.main_, h.rmain };
    uint32_t s2[] = { h.malloc_, h.alloc, h.rmain };
    uint32_t s3[] = { h.malloc_ };
    int64_t v1[] = { 5, 320, 2, 128 }, v2[] = { 11, 45056, 11, 45056 },
            v3[] = { 0, 0, 0, 0 };
    pf_label b64 = { "bytes", "", 64, "" }, b4k = { "bytes", "", 4096, "" };
    (void)state;

    sample(h.p, s1, 3, v1, &b64, 1);
    sample(h.p, s2, 3, v2, &b4k, 1);
    sample(h.p, s3, 1, v3, NULL, 0);
    /* Sorted by in-use bytes; period 1 means no sampling, values as
     * they are; R2 = 2 x period; `@` addresses are location + 1; every
     * frame gets a comment line (runtime ones too: they are the only
     * symbols the text keeps); no function entry in a proto: +0x0. */
    expect_text(h.p, W_DEBUG1, 0,
        "heap profile: 13: 45184 [16: 45376] @ heap/2\n"
        "11: 45056 [11: 45056] @ 0x40a001 0x4b84b4 0x437d72\n"
        "#\t0x40a000\truntime.mallocgc+0x0\t/go/src/runtime/malloc.go:1000\n"
        "#\t0x4b84b3\tmain.alloc+0x0\t\t/app/main.go:19\n"
        "#\t0x437d71\truntime.main+0x0\t/go/src/runtime/proc.go:250\n"
        "\n"
        "2: 128 [5: 320] @ 0x4b84b4 0x4b8484 0x437d72\n"
        "#\t0x4b84b3\tmain.alloc+0x0\t\t/app/main.go:19\n"
        "#\t0x4b8483\tmain.main+0x0\t\t/app/main.go:39\n"
        "#\t0x437d71\truntime.main+0x0\t/go/src/runtime/proc.go:250\n"
        "\n"
        "0: 0 [0: 0] @ 0x40a001\n"
        "#\t0x40a000\truntime.mallocgc+0x0\t/go/src/runtime/malloc.go:1000\n"
        "\n");
    pf_profile_free(h.p);
}

static void test_text_write__heap_sampled_writes_raw_counts(void **state)
{
    heapfix h = heap_profile(524288);
    uint32_t s1[] = { h.alloc };
    /* docs/FORMATS.md 4.3: raw (1, 262144) at rate 524288 unsamples to
     * (2, 666237); the writer must find the raw pair again. */
    int64_t v[] = { 2, 666237, 2, 666237 };
    pf_label b = { "bytes", "", 262144, "" };
    (void)state;

    sample(h.p, s1, 1, v, &b, 1);
    expect_text(h.p, W_DEBUG1, 0,
        "heap profile: 1: 262144 [1: 262144] @ heap/1048576\n"
        "1: 262144 [1: 262144] @ 0x4b84b4\n"
        "#\t0x4b84b3\tmain.alloc+0x0\t/app/main.go:19\n"
        "\n");
    pf_profile_free(h.p);
}

static void test_text_write__heap_negative_alloc_is_unsupported(void **state)
{
    heapfix h = heap_profile(1);
    uint32_t s1[] = { h.alloc };
    int64_t v[] = { -1, -64, 0, 0 };
    pf_membuf mb = PF_MEMBUF_INIT;
    (void)state;

    sample(h.p, s1, 1, v, NULL, 0);
    assert_int_equal(pf_profile_write_debug1(h.p, pf_writer_membuf(&mb)),
                     PF_EUNSUPPORTED);
    assert_non_null(strstr(pf_error_last(), "negative"));
    assert_int_equal(mb.len, 0);
    pf_membuf_release(&mb);
    pf_profile_free(h.p);
}

/* ------------------------------------------------------------------ */
/* count profiles                                                      */

static void test_text_write__count_groups_and_orders_like_go(void **state)
{
    pf_profile *p = pf_profile_new();
    uint32_t gp, recv, sleep, wsleep, gexit;
    int64_t one = 1, two = 2, three = 3;
    pf_label labs[] = { { "q", "a\"b", 0, "" },
                        { "pool", "sleepers", 0, "" },
                        { "app", "x y", 0, "" } };
    (void)state;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "goroutine", "count"), 0);
    assert_int_equal(pf_profile_set_period_type(p, "goroutine", "count"), 0);
    pf_profile_set_period(p, 1);
    gp = loc(p, 0x438935, 1, fn(p, "runtime.gopark", "/go/src/runtime/proc.go"), 363);
    recv = loc(p, 0x4dafc4, 1, fn(p, "main.waitRecv", "/app/main.go"), 358);
    sleep = loc(p, 0x4626b4, 1, fn(p, "time.Sleep", "/go/src/runtime/time.go"), 195);
    wsleep = loc(p, 0x4db104, 1, fn(p, "main.waitSleep", "/app/main.go"), 375);
    gexit = loc(p, 0x465620, 1, fn(p, "runtime.goexit", "/go/src/runtime/asm_amd64.s"), 1594);
    {
        uint32_t a[] = { gp, recv }, b[] = { gp, sleep, wsleep }, e[] = { gexit };
        sample(p, a, 2, &one, NULL, 0);
        sample(p, b, 3, &two, labs, 3);
        sample(p, a, 2, &two, NULL, 0);     /* same key as the first */
        sample(p, b, 3, &three, NULL, 0);   /* same stack, no labels */
        sample(p, e, 1, &one, NULL, 0);
    }
    /* Groups by (addresses, labels); count descending, then the key
     * "@ 0x..." in byte order ("0x46..." < "0x4d..."); label pairs
     * quoted and sorted. */
    expect_text(p, W_DEBUG1, 0,
        "goroutine profile: total 9\n"
        "3 @ 0x438936 0x4626b5 0x4db105\n"
        "#\t0x438935\truntime.gopark+0x0\t/go/src/runtime/proc.go:363\n"
        "#\t0x4626b4\ttime.Sleep+0x0\t\t/go/src/runtime/time.go:195\n"
        "#\t0x4db104\tmain.waitSleep+0x0\t/app/main.go:375\n"
        "\n"
        "3 @ 0x438936 0x4dafc5\n"
        "#\t0x438935\truntime.gopark+0x0\t/go/src/runtime/proc.go:363\n"
        "#\t0x4dafc4\tmain.waitRecv+0x0\t/app/main.go:358\n"
        "\n"
        "2 @ 0x438936 0x4626b5 0x4db105\n"
        "# labels: {\"app\":\"x y\", \"pool\":\"sleepers\", \"q\":\"a\\\"b\"}\n"
        "#\t0x438935\truntime.gopark+0x0\t/go/src/runtime/proc.go:363\n"
        "#\t0x4626b4\ttime.Sleep+0x0\t\t/go/src/runtime/time.go:195\n"
        "#\t0x4db104\tmain.waitSleep+0x0\t/app/main.go:375\n"
        "\n"
        "1 @ 0x465621\n"
        "#\t0x465620\truntime.goexit+0x0\t/go/src/runtime/asm_amd64.s:1594\n"
        "\n");
    pf_profile_free(p);
}

static void test_text_write__count_empty_and_unsymbolized_stacks(void **state)
{
    pf_profile *p = pf_profile_new();
    uint32_t bare, zero;
    int64_t seven = 7, one = 1, none = 0;
    (void)state;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "threadcreate", "count"), 0);
    bare = loc(p, 0x401000, 0);
    /* No address (e.g. read from folded text): a synthetic one, its
     * id, keeps it apart from other frames. */
    zero = loc(p, 0, 1, fn(p, "worker", "w.c"), 12);
    {
        uint32_t s[] = { bare, zero };
        sample(p, NULL, 0, &seven, NULL, 0);
        sample(p, s, 2, &one, NULL, 0);
        sample(p, s, 1, &none, NULL, 0);    /* nothing counted: left out */
    }
    expect_text(p, W_DEBUG1, 0,
        "threadcreate profile: total 8\n"
        "7 @\n"
        "#\t0x0\n"
        "\n"
        "1 @ 0x401001 0x3\n"
        "#\t0x401000\n"
        "#\t0x2\tworker+0x0\tw.c:12\n"
        "\n");
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* contention                                                          */

static pf_profile *contention_profile(const char *leaf)
{
    pf_profile *p = pf_profile_new();
    uint32_t m, n;
    int64_t v1[] = { 10, 27059048 }, v2[] = { 5, 52696318 };

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "contentions", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "delay", "nanoseconds"), 0);
    assert_int_equal(pf_profile_set_period_type(p, "contentions", "count"), 0);
    pf_profile_set_period(p, 1);
    m = loc(p, 0x4dc5de, 2, fn(p, leaf, "/go/src/sync/mutex.go"), 223,
            fn(p, "main.holdLock", "/app/main.go"), 583);
    n = loc(p, 0x438571, 1, fn(p, "runtime.main", "/go/src/runtime/proc.go"), 250);
    {
        uint32_t s1[] = { m, n }, s2[] = { m };
        sample(p, s1, 2, v1, NULL, 0);
        sample(p, s2, 1, v2, NULL, 0);
    }
    return p;
}

static void test_text_write__mutex_header_and_records(void **state)
{
    pf_profile *p = contention_profile("sync.(*Mutex).Unlock");
    (void)state;

    /* Unlock leaves: a mutex profile. Delays in ns with one "cycle"
     * per ns; records by delay, descending; inline frames expanded
     * with the location's PC; runtime frames all shown. */
    expect_text(p, W_DEBUG1, 0,
        "--- mutex:\n"
        "cycles/second=1000000000\n"
        "sampling period=1\n"
        "52696318 5 @ 0x4dc5df\n"
        "#\t0x4dc5de\tsync.(*Mutex).Unlock+0x0\t/go/src/sync/mutex.go:223\n"
        "#\t0x4dc5de\tmain.holdLock+0x0\t\t/app/main.go:583\n"
        "\n"
        "27059048 10 @ 0x4dc5df 0x438572\n"
        "#\t0x4dc5de\tsync.(*Mutex).Unlock+0x0\t/go/src/sync/mutex.go:223\n"
        "#\t0x4dc5de\tmain.holdLock+0x0\t\t/app/main.go:583\n"
        "#\t0x438571\truntime.main+0x0\t\t/go/src/runtime/proc.go:250\n"
        "\n");
    pf_profile_free(p);
}

static void test_text_write__block_header(void **state)
{
    pf_profile *p = contention_profile("sync.(*Mutex).Lock");
    char *out;
    (void)state;

    out = render(p, W_DEBUG1, 0);
    assert_true(strncmp(out, "--- contention:\ncycles/second=1000000000\n"
                             "52696318 5 @ 0x4dc5df\n", 63) == 0);
    assert_null(strstr(out, "sampling period"));
    free(out);
    pf_profile_free(p);
}

/* What the capture module adds (pf__debug1_opts): the kind of a
 * contention profile whatever its leaves, the mutex sampling fraction
 * (values written raw, divided by it, as Go writes them) and function
 * offsets per location. */
static char *render_opts(const pf_profile *p, const pf__debug1_opts *o)
{
    pf_membuf mb = PF_MEMBUF_INIT;

    if (pf__profile_write_debug1(p, pf_writer_membuf(&mb), o) != PF_OK)
        fail_msg("writer failed: %s", pf_error_last());
    return take_string(&mb);
}

static void test_text_write__mutex_opts_period_and_offsets(void **state)
{
    /* leaves not named Unlock: guessed a block profile, told mutex */
    pf_profile *p = pf_profile_new();
    uint64_t off[] = { 0x1c, PF__NO_OFFSET };
    pf__debug1_opts o = { off, PF__D1_MUTEX, 2 };
    int64_t v1[] = { 4, 1000 }, v2[] = { 6, 3000 }, odd[] = { 3, 7 };
    uint32_t s1[2];
    char *out;
    (void)state;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "contentions", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "delay", "nanoseconds"), 0);
    s1[0] = loc(p, 0x1000, 1, fn(p, "lock_leaf", "/src/a.c"), 12);
    s1[1] = loc(p, 0x2000, 1, fn(p, "main", "/src/a.c"), 40);
    sample(p, s1, 2, v1, NULL, 0);
    sample(p, s1, 1, v2, NULL, 0);
    out = render_opts(p, &o);
    assert_string_equal(out,
        "--- mutex:\n"
        "cycles/second=1000000000\n"
        "sampling period=2\n"
        "1500 3 @ 0x1001\n"
        "#\t0x1000\tlock_leaf+0x1c\t/src/a.c:12\n"
        "\n"
        "500 2 @ 0x1001 0x2001\n"
        "#\t0x1000\tlock_leaf+0x1c\t/src/a.c:12\n"
        "#\t0x2000\tmain+0x0\t/src/a.c:40\n"
        "\n");
    free(out);
    /* a value that is not a multiple of the fraction: written as is,
     * with sampling period=1, so that readers get it back exactly */
    sample(p, s1, 1, odd, NULL, 0);
    out = render_opts(p, &o);
    {
        static const char want[] = "--- mutex:\ncycles/second=1000000000\n"
                                   "sampling period=1\n3000 6 @";
        assert_true(strncmp(out, want, sizeof(want) - 1) == 0);
    }
    free(out);
    /* told it is a block profile: no sampling period, values as is */
    o.contention = PF__D1_BLOCK;
    out = render_opts(p, &o);
    {
        static const char want[] = "--- contention:\n"
                                   "cycles/second=1000000000\n3000 6 @";
        assert_true(strncmp(out, want, sizeof(want) - 1) == 0);
    }
    free(out);
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* unsupported                                                         */

static void test_text_write__cpu_is_unsupported(void **state)
{
    pf_profile *p = fixture_small();
    pf_membuf mb = PF_MEMBUF_INIT;
    (void)state;

    assert_int_equal(pf_profile_write_debug1(p, pf_writer_membuf(&mb)),
                     PF_EUNSUPPORTED);
    assert_string_equal(pf_error_last(), "cpu profiles have no debug=1 text form");
    assert_int_equal(mb.len, 0);
    assert_int_equal(pf_profile_write_debug2(p, pf_writer_membuf(&mb)),
                     PF_EUNSUPPORTED);
    assert_non_null(strstr(pf_error_last(), "a cpu profile has no debug=2"));
    assert_int_equal(mb.len, 0);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static int failing_write(void *ctx, const void *buf, size_t len)
{
    (void)ctx, (void)buf, (void)len;
    return -1;
}

static void test_text_write__writer_failure_is_eio(void **state)
{
    pf_profile *p = contention_profile("sync.(*Mutex).Unlock");
    pf_writer w = { failing_write, NULL };
    (void)state;

    assert_int_equal(pf_profile_write_debug1(p, w), PF_EIO);
    assert_int_equal(pf_profile_write_folded(p, w, -1), PF_EIO);
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* folded                                                              */

static pf_profile *folded_profile(void)
{
    pf_profile *p = pf_profile_new();
    uint32_t fmain, fwork, finl, a, b, c, d;
    int64_t v1[] = { 1, 10 }, v2[] = { 2, 20 }, v3[] = { 3, 30 },
            v4[] = { 4, 40 }, v5[] = { 5, 50 }, v6[] = { 0, 0 },
            v7[] = { 7, 0 };
    pf_label lab = { "request", "a", 0, "" };

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    assert_int_equal(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), 0);
    fmain = fn(p, "main", "a.c");
    fwork = fn(p, "work", "a.c");
    finl = fn(p, "inl", "a.c");
    a = loc(p, 0x10, 2, finl, 3, fwork, 10);   /* inl inlined into work */
    b = loc(p, 0x20, 1, fmain, 20);
    c = loc(p, 0x30, 1, fwork, 11);            /* another work address */
    d = loc(p, 0x40, 0);                       /* unsymbolized */
    {
        uint32_t ab[] = { a, b }, cb[] = { c, b }, db[] = { d, b }, dd[] = { d };
        sample(p, ab, 2, v1, NULL, 0);
        sample(p, cb, 2, v2, NULL, 0);
        sample(p, ab, 2, v3, &lab, 1);  /* labels do not split stacks */
        sample(p, db, 2, v4, NULL, 0);
        sample(p, NULL, 0, v5, NULL, 0);
        sample(p, cb, 2, v6, NULL, 0);
        sample(p, dd, 1, v7, NULL, 0);  /* 0 for cpu: skipped there */
    }
    return p;
}

static void test_text_write__folded_merges_and_orders(void **state)
{
    pf_profile *p = folded_profile();
    (void)state;

    /* Default index: the last (cpu). */
    expect_text(p, W_FOLDED, -1,
        "[unknown] 50\n"
        "main;0x40 40\n"
        "main;work 20\n"
        "main;work;inl 40\n");
    expect_text(p, W_FOLDED, 0,
        "0x40 7\n"
        "[unknown] 5\n"
        "main;0x40 4\n"
        "main;work 2\n"
        "main;work;inl 4\n");
    pf_profile_free(p);
}

static void test_text_write__folded_bad_index(void **state)
{
    pf_profile *p = folded_profile();
    pf_membuf mb = PF_MEMBUF_INIT;
    (void)state;

    assert_int_equal(pf_profile_write_folded(p, pf_writer_membuf(&mb), 2),
                     PF_EINVAL);
    assert_non_null(strstr(pf_error_last(), "out of range"));
    assert_int_equal(mb.len, 0);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* debug=2                                                             */

static void test_text_write__debug2_blocks_and_states(void **state)
{
    pf_profile *p = pf_profile_new();
    uint32_t fmain, fwork, finl, a, b;
    int64_t two = 2, one = 1;
    /* The labels our debug=2 reader makes of a header and of a
     * "created by" line. */
    pf_label waiting[] = { { "state", "chan receive", 0, "" },
                           { "wait", "", 2, "minutes" },
                           { "created_by", "main.start", 0, "" } };
    pf_label sel[] = { { "state", "select", 0, "" },
                       { "locked", "true", 0, "" } };
    (void)state;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "goroutine", "count"), 0);
    fmain = fn(p, "main.main", "/a.go");
    fwork = fn(p, "main.work", "/a.go");
    finl = fn(p, "main.inl", "/a.go");
    a = loc(p, 0x10, 2, finl, 3, fwork, 10);
    b = loc(p, 0x20, 1, fmain, 20);
    {
        uint32_t ab[] = { a, b }, bb[] = { b };
        sample(p, ab, 2, &two, waiting, 3);
        sample(p, bb, 1, &one, sel, 2);
    }
    /* A sample of 2 is two goroutines; inlined frames "(...)" with no
     * offset, physical ones "()" with one. */
    expect_text(p, W_DEBUG2, 0,
        "goroutine 1 [chan receive, 2 minutes]:\n"
        "main.inl(...)\n\t/a.go:3\n"
        "main.work()\n\t/a.go:10 +0x0\n"
        "main.main()\n\t/a.go:20 +0x0\n"
        "created by main.start\n"
        "\n"
        "goroutine 2 [chan receive, 2 minutes]:\n"
        "main.inl(...)\n\t/a.go:3\n"
        "main.work()\n\t/a.go:10 +0x0\n"
        "main.main()\n\t/a.go:20 +0x0\n"
        "created by main.start\n"
        "\n"
        "goroutine 3 [select, locked to thread]:\n"
        "main.main()\n\t/a.go:20 +0x0\n");
    pf_profile_free(p);
}

static void test_text_write__debug2_without_state(void **state)
{
    pf_profile *p = pf_profile_new();
    uint32_t l;
    int64_t one = 1;
    (void)state;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "threads", "count"), 0);
    l = loc(p, 0x7f00, 0);
    sample(p, &l, 1, &one, NULL, 0);
    expect_text(p, W_DEBUG2, 0,
        "goroutine 1 [unknown]:\n"
        "non-Go function at pc=0x7f00\n");
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* allocation failures                                                 */

/* Fail the Nth allocation of each writer, for every N until one run
 * needs fewer: each must report PF_ENOMEM (or succeed when the failing
 * allocation is not reached), never crash, leak (ASan) or half-write. */
static void oom_sweep(const pf_profile *p, int which)
{
    unsigned long n;

    for (n = 1; n < 10000; n++) {
        pf_membuf mb = PF_MEMBUF_INIT;
        pf_writer w = pf_writer_membuf(&mb);
        int err;

        pf__alloc_fail_after(n);
        err = which == W_DEBUG1 ? pf_profile_write_debug1(p, w)
              : which == W_DEBUG2 ? pf_profile_write_debug2(p, w)
                                  : pf_profile_write_folded(p, w, -1);
        pf__alloc_fail_after(0);
        pf_membuf_release(&mb);
        if (err == PF_OK)
            return;
        /* The membuf writer's own growth failing shows up as EIO. */
        if (err != PF_ENOMEM && err != PF_EIO)
            fail_msg("allocation %lu: error %d (%s)", n, err,
                     pf_error_last());
    }
    fail_msg("writer never succeeded");
}

static pf_profile *labelled_count_profile(void)
{
    pf_profile *p = pf_profile_new();
    uint32_t a, b;
    int64_t two = 2;
    pf_label labs[] = { { "state", "select", 0, "" },
                        { "pool", "x", 0, "" } };

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "goroutine", "count"), 0);
    a = loc(p, 0x10, 2, fn(p, "inl", "a.go"), 3, fn(p, "work", "a.go"), 10);
    b = loc(p, 0x20, 1, fn(p, "main", "a.go"), 20);
    {
        uint32_t ab[] = { a, b };
        sample(p, ab, 2, &two, labs, 2);
        sample(p, ab, 1, &two, NULL, 0);
    }
    return p;
}

static void test_text_write__allocation_failures(void **state)
{
    heapfix h = heap_profile(524288);
    uint32_t s1[] = { h.alloc, h.main_ };
    int64_t v[] = { 2, 666237, 2, 666237 };
    pf_profile *c = contention_profile("sync.(*Mutex).Unlock");
    pf_profile *f = folded_profile();
    (void)state;

    sample(h.p, s1, 2, v, NULL, 0);
    oom_sweep(h.p, W_DEBUG1);
    oom_sweep(c, W_DEBUG1);
    oom_sweep(f, W_FOLDED);
    pf_profile_free(f);
    f = labelled_count_profile();
    oom_sweep(f, W_DEBUG1);
    oom_sweep(f, W_DEBUG2);
    pf_profile_free(h.p);
    pf_profile_free(c);
    pf_profile_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_write__tabwriter_matches_go),
        cmocka_unit_test(test_text_write__go_quote_matches_go),
        cmocka_unit_test(test_text_write__heap_header_records_and_comments),
        cmocka_unit_test(test_text_write__heap_sampled_writes_raw_counts),
        cmocka_unit_test(test_text_write__heap_negative_alloc_is_unsupported),
        cmocka_unit_test(test_text_write__count_groups_and_orders_like_go),
        cmocka_unit_test(test_text_write__count_empty_and_unsymbolized_stacks),
        cmocka_unit_test(test_text_write__mutex_header_and_records),
        cmocka_unit_test(test_text_write__mutex_opts_period_and_offsets),
        cmocka_unit_test(test_text_write__block_header),
        cmocka_unit_test(test_text_write__cpu_is_unsupported),
        cmocka_unit_test(test_text_write__writer_failure_is_eio),
        cmocka_unit_test(test_text_write__folded_merges_and_orders),
        cmocka_unit_test(test_text_write__folded_bad_index),
        cmocka_unit_test(test_text_write__debug2_blocks_and_states),
        cmocka_unit_test(test_text_write__debug2_without_state),
        cmocka_unit_test(test_text_write__allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
