/*
 * Legacy readers: each reader's grammar on small inline inputs, each
 * error path (with its line number), the unsampling formula, memory-map
 * forms and post-processing, detection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "legacy.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static pf_profile *rd_buf(const void *buf, size_t len, pf_format want)
{
    return fixture_read_as(buf, len, want);
}

static pf_profile *rd(const char *text, pf_format want)
{
    return rd_buf(text, strlen(text), want);
}

static void rd_err_buf(const void *buf, size_t len, int code,
                       const char *detail)
{
    fixture_read_err(buf, len, code, detail);
}

static void rd_err(const char *text, int code, const char *detail)
{
    rd_err_buf(text, strlen(text), code, detail);
}

static const pf_location *sloc(const pf_profile *p, size_t s, size_t k)
{
    size_t n;
    const uint32_t *l = pf_sample_locations(p, s, &n);

    assert_true(k < n);
    return pf_profile_location(p, l[k]);
}

static size_t snloc(const pf_profile *p, size_t s)
{
    size_t n;
    pf_sample_locations(p, s, &n);
    return n;
}

static const char *lfunc(const pf_profile *p, const pf_location *l, size_t k)
{
    assert_true(k < l->nline);
    return pf_profile_function(p, pf_location_lines(p, l)[k].function)->name;
}

static int64_t numlabel(const pf_profile *p, size_t s, const char *key)
{
    size_t n, i;
    const pf_label *l = pf_sample_labels(p, s, &n);

    for (i = 0; i < n; i++)
        if (strcmp(l[i].key, key) == 0)
            return l[i].num;
    fail_msg("no label %s", key);
    return 0;
}

static const char *strlabel(const pf_profile *p, size_t s, const char *key)
{
    size_t n, i;
    const pf_label *l = pf_sample_labels(p, s, &n);

    for (i = 0; i < n; i++)
        if (strcmp(l[i].key, key) == 0)
            return l[i].str;
    return NULL;
}

static void types_are(const pf_profile *p, const char *const *t, size_t n)
{
    size_t i;

    assert_int_equal(pf_profile_sample_type_count(p), n);
    for (i = 0; i < n; i++)
        assert_string_equal(pf_profile_sample_types(p)[i].type, t[i]);
}

/* ------------------------------------------------------------------ */
/* Heap                                                                */

static void test_legacy__unsample_formula(void **state)
{
    int64_t c = 1, s = 262144;
    (void)state;
    pf__heap_unsample(&c, &s, 524288);
    assert_int_equal(c, 2);
    assert_int_equal(s, 666237);
    c = 0, s = 0;
    pf__heap_unsample(&c, &s, 524288);
    assert_int_equal(c, 0);
    assert_int_equal(s, 0);
    c = 3, s = 300;                     /* rate <= 1: unchanged */
    pf__heap_unsample(&c, &s, 1);
    assert_int_equal(c, 3);
    assert_int_equal(s, 300);
}

static const char tcmalloc_heap[] =
    "heap profile:      3:   786432 [     3:   786432] @ heap_v2/524288\n"
    "     1:   262144 [     1:   262144] @ 0x0000000000401a2b "
    "0x0000000000401c10 0x00007f3a1b2c3d4e\n"
    "     2:   524288 [     2:   524288] @ 0x0000000000401a2b "
    "0x0000000000401d20\n"
    "\n"
    "MAPPED_LIBRARIES:\n"
    "00400000-00452000 r-xp 00000000 08:01 1312 /usr/local/bin/server\n"
    "7f3a1b200000-7f3a1b3c0000 r-xp 00000000 08:01 2231 "
    "/lib/x86_64-linux-gnu/libc-2.31.so\n";

static void test_legacy__heap_v2_example(void **state)
{
    static const char *const t[] = { "objects", "space" };
    pf_profile *p = rd(tcmalloc_heap, PF_FORMAT_GO_HEAP);
    const pf_mapping *m;
    (void)state;

    types_are(p, t, 2);
    assert_string_equal(pf_profile_period_type(p).type, "space");
    assert_int_equal(pf_profile_period(p), 524288);
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(pf_sample_values(p, 0)[1], 666237);
    assert_int_equal(pf_sample_values(p, 1)[0], 5);
    assert_int_equal(pf_sample_values(p, 1)[1], 1332474);
    assert_int_equal(numlabel(p, 0, "bytes"), 262144);
    assert_int_equal(numlabel(p, 1, "bytes"), 262144);
    /* Every heap address is adjusted by -1, the leaf too. */
    assert_int_equal(sloc(p, 0, 0)->address, 0x401a2a);
    assert_int_equal(sloc(p, 0, 2)->address, 0x7f3a1b2c3d4d);
    assert_ptr_equal(sloc(p, 0, 0), sloc(p, 1, 0));
    /* Locations numbered in order of first use. */
    assert_int_equal(sloc(p, 0, 0)->id, 1);
    assert_int_equal(sloc(p, 1, 1)->id, 4);
    /* Two mappings; main binary first; the 0x400000 quirk is a no-op. */
    assert_int_equal(pf_profile_mapping_count(p), 2);
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/usr/local/bin/server");
    assert_int_equal(m->start, 0x400000);
    assert_int_equal(m->limit, 0x452000);
    assert_int_equal(m->id, 1);
    assert_false(m->has_functions);
    assert_int_equal(sloc(p, 0, 0)->mapping, 0);
    assert_int_equal(sloc(p, 0, 2)->mapping, 1);
    assert_non_null(strstr(pf_profile_drop_frames(p), "tc_malloc"));
    assert_string_equal(pf_profile_keep_frames(p),
                        "runtime\\.panic|runtime\\.reflectcall|"
                        "runtime\\.call[0-9]*");
    pf_profile_free(p);
}

static void test_legacy__heap_has_alloc_rule(void **state)
{
    static const char *const four[] = { "alloc_objects", "alloc_space",
                                        "inuse_objects", "inuse_space" };
    pf_profile *p;
    (void)state;

    /* Alloc pair equal to in-use, or "0": two types. */
    p = rd("heap profile: 1: 8 [0: 0] @ heapprofile\n1: 8 [0: 0] @ 0x10\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_profile_sample_type_count(p), 2);
    assert_int_equal(pf_profile_period(p), 1);
    assert_int_equal(pf_sample_values(p, 0)[1], 8);
    pf_profile_free(p);
    /* Different: four types, alloc first; no scaling for heapprofile. */
    p = rd("heap profile: 1: 8 [3: 24] @ heapprofile\n"
           "   1:    8 [   3:   24] @ 0x10 0x20\n",
           PF_FORMAT_GO_HEAP);
    types_are(p, four, 4);
    assert_int_equal(pf_sample_values(p, 0)[0], 3);
    assert_int_equal(pf_sample_values(p, 0)[1], 24);
    assert_int_equal(pf_sample_values(p, 0)[2], 1);
    assert_int_equal(pf_sample_values(p, 0)[3], 8);
    assert_int_equal(numlabel(p, 0, "bytes"), 8);
    pf_profile_free(p);
    /* In-use count 0: the alloc pair gives the block size. */
    p = rd("heap profile: 0: 0 [2: 64] @ heapprofile\n0: 0 [2: 64] @ 0x10\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(numlabel(p, 0, "bytes"), 32);
    pf_profile_free(p);
}

static void test_legacy__heap_go_variants(void **state)
{
    pf_profile *p;
    (void)state;

    /* Go: heap/R2 is 2 x MemProfileRate; pprof halves it. */
    p = rd("heap profile: 1: 262144 [1: 262144] @ heap/1048576\n"
           "1: 262144 [1: 262144] @ 0x4b84b4 0x4b8484\n"
           "#\t0x4b84b3\tmain.alloc+0x73\t\t/app/main.go:19\n"
           "#\t0x4b8483\tmain.main+0x43\t\t/app/main.go:39\n"
           "\n"
           "# runtime.MemStats\n# Alloc = 9550400\n# PauseNs = [0 0 0]\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_profile_period(p), 524288);
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(pf_sample_values(p, 0)[1], 666237);
    /* Symbolized from the frame comments. */
    assert_int_equal(sloc(p, 0, 0)->nline, 1);
    assert_string_equal(lfunc(p, sloc(p, 0, 0), 0), "main.alloc");
    assert_int_equal(pf_location_lines(p, sloc(p, 0, 0))[0].line, 19);
    assert_string_equal(
        pf_profile_function(p, pf_location_lines(p, sloc(p, 0, 0))[0]
                                   .function)->filename,
        "/app/main.go");
    assert_string_equal(lfunc(p, sloc(p, 0, 1), 0), "main.main");
    /* No mappings in Go text: one fake mapping, not marked symbolized. */
    assert_int_equal(pf_profile_mapping_count(p), 1);
    assert_int_equal(pf_profile_mapping(p, 0)->start, 0);
    assert_int_equal(pf_profile_mapping(p, 0)->limit, UINT64_MAX);
    assert_false(pf_profile_mapping(p, 0)->has_functions);
    pf_profile_free(p);

    /* "heap" with no rate: no scaling. */
    p = rd("heap profile: 1: 100 [1: 100] @ heap\n1: 100 [1: 100] @ 0x10\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_sample_values(p, 0)[1], 100);
    pf_profile_free(p);
    /* growthz and fragmentation: period 1, two types. */
    p = rd("heap profile: 5: 50 [5: 50] @ growthz\n5: 50 [5: 50] @ 0x10\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_profile_period(p), 1);
    assert_int_equal(pf_sample_values(p, 0)[1], 50);
    pf_profile_free(p);
    p = rd("heap profile: 5: 50 [5: 50] @ fragmentation\n"
           "5: 50 [5: 50] @ 0x10\n", PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_profile_sample_count(p), 1);
    pf_profile_free(p);
    /* Negative in-use values are accepted (as the reference does). */
    p = rd("heap profile: 1: 8 [1: 8] @ heap_v2/1\n-1: -8 [1: 8] @ 0x10\n",
           PF_FORMAT_GO_HEAP);
    assert_int_equal(pf_sample_values(p, 0)[0], -1);
    pf_profile_free(p);
}

static void test_legacy__heap_errors(void **state)
{
    (void)state;
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v2/2\n0: 8 [1: 8] @ 0x10\n",
           PF_EFORMAT, "line 2: inuse count was 0 but inuse bytes was 8");
    rd_err("heap profile: 1: 8 [2: 8] @ heap_v2/2\n1: 8 [0: 8] @ 0x10\n",
           PF_EFORMAT, "line 2: allocation count was 0");
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v2/2\n1: 8 [1: 8] @ 0x10\n"
           "\n"
           "bogus line\n",
           PF_EFORMAT, "line 4: expected a heap record");
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v2/2\n"
           "1: 8 [1: 8] @ 0x10 0x11111111111111111\n",
           PF_EFORMAT, "line 2: address '0x11111111111111111' does not fit");
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v2/2\n"
           "99999999999999999999: 8 [1: 8] @ 0x10\n",
           PF_EFORMAT, "line 2: inuse count or bytes out of range");
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v2/2\n1: 8 [1: 8 @ 0x10\n",
           PF_EFORMAT, "line 2:");
    /* An unknown variant is not a heap profile the reference reads;
     * we say what the header should look like. */
    rd_err("heap profile: 1: 8 [1: 8] @ heap_v9/2\n1: 8 [1: 8] @ 0x10\n",
           PF_EFORMAT, "line 1: malformed heap profile header");
    rd_err("# c\nthreadcreate profile: total x\n", PF_EFORMAT,
           "line 2: malformed count profile header");
}

static void test_legacy__long_line_is_an_error(void **state)
{
    static const char head[] = "heap profile: 1: 8 [1: 8] @ heap_v2/2\n"
                               "1: 8 [1: 8] @ 0x10\n";
    size_t n = strlen(head) + (PF_LEGACY_MAX_LINE + 10);
    char *buf = malloc(n);
    (void)state;

    assert_non_null(buf);
    memcpy(buf, head, strlen(head));
    memset(buf + strlen(head), ' ', n - strlen(head));
    rd_err_buf(buf, n, PF_EFORMAT, "line 3: line longer than");
    free(buf);
}

/* ------------------------------------------------------------------ */
/* Go count                                                            */

static void test_legacy__count_records_labels_empty(void **state)
{
    pf_profile *p;
    (void)state;

    p = rd("# a leading comment\n"
           "goroutine profile: total 6\n"
           "3 @ 0x438136 0x4b829b 0x462901\n"
           "# labels: {\"pool\":\"a\\\"b\", \"x\":\"\\u00e9\"}\n"
           "#\t0x4b829a\tmain.waiter+0x1a\t/app/main.go:23\n"
           "\n"
           "2 @\n"
           "#\t0x0\n"
           "\n"
           "1 @ 0x4b829b\n",
           PF_FORMAT_GO_COUNT);
    assert_string_equal(pf_profile_sample_types(p)[0].type, "goroutine");
    assert_string_equal(pf_profile_period_type(p).type, "goroutine");
    assert_int_equal(pf_profile_period(p), 1);
    assert_int_equal(pf_profile_sample_count(p), 3);
    assert_int_equal(pf_profile_total(p, 0), 6);
    assert_int_equal(snloc(p, 0), 3);
    assert_int_equal(sloc(p, 0, 0)->address, 0x438135);   /* all -1 */
    assert_string_equal(strlabel(p, 0, "pool"), "a\"b");
    assert_string_equal(strlabel(p, 0, "x"), "\xc3\xa9");
    /* Empty stack accepted. */
    assert_int_equal(snloc(p, 1), 0);
    assert_int_equal(pf_sample_values(p, 1)[0], 2);
    assert_null(strlabel(p, 1, "pool"));
    /* Shared location; symbolized once. */
    assert_ptr_equal(sloc(p, 2, 0), sloc(p, 0, 1));
    assert_string_equal(lfunc(p, sloc(p, 0, 1), 0), "main.waiter");
    /* The leading hidden runtime frame stays unsymbolized; the frame
     * after the printed ones is runtime.goexit. */
    assert_int_equal(sloc(p, 0, 0)->nline, 0);
    assert_string_equal(lfunc(p, sloc(p, 0, 2), 0), "runtime.goexit");
    assert_string_equal(pf_profile_drop_frames(p),
                        "ProfileData::Add|ProfileData::prof_handler|"
                        "CpuProfiler::prof_handler|__pthread_sighandler|"
                        "__restore");
    pf_profile_free(p);
}

static void test_legacy__count_inline_chain(void **state)
{
    pf_profile *p;
    const pf_location *l;
    (void)state;

    /* Two comment lines for one PC: an inline chain, innermost first. */
    p = rd("custom profile: total 1\n"
           "1 @ 0x4aa7e0 0x4b8865\n"
           "#\t0x4aa7df\tsync.(*Mutex).Unlock+0x9f\t/go/sync/mutex.go:223\n"
           "#\t0x4aa7df\tmain.hold+0x85\t\t/app/main.go:53\n"
           "#\t0x4b8864\tmain.main+0x424\t\t/app/main.go:60\n",
           PF_FORMAT_GO_COUNT);
    l = sloc(p, 0, 0);
    assert_int_equal(l->nline, 2);
    assert_string_equal(lfunc(p, l, 0), "sync.(*Mutex).Unlock");
    assert_string_equal(lfunc(p, l, 1), "main.hold");
    assert_int_equal(pf_location_lines(p, l)[1].line, 53);
    assert_string_equal(lfunc(p, sloc(p, 0, 1), 0), "main.main");
    assert_int_equal(pf_profile_function_count(p), 3);
    assert_int_equal(pf_profile_function(p, 0)->id, 1);
    pf_profile_free(p);
}

static void test_legacy__inferred_goexit_gives_way(void **state)
{
    pf_profile *p;
    const pf_location *l;
    (void)state;

    /* 0x31 gets no comment after a printed frame in record 1 (inferred
     * runtime.goexit); record 2 names it: the real name wins. */
    p = rd("custom profile: total 2\n"
           "1 @ 0x11 0x21 0x31\n"
           "#\t0x10\tmain.a+0x1\t/a.go:1\n"
           "#\t0x20\tmain.b+0x1\t/a.go:2\n"
           "\n"
           "1 @ 0x31\n"
           "#\t0x30\tmain.c+0x1\t/a.go:3\n",
           PF_FORMAT_GO_COUNT);
    l = sloc(p, 0, 2);
    assert_ptr_equal(l, sloc(p, 1, 0));
    assert_int_equal(l->nline, 1);
    assert_string_equal(lfunc(p, l, 0), "main.c");
    pf_profile_free(p);
}

static void test_legacy__repeated_pc_is_one_frame(void **state)
{
    static const char *const rep =
        "#\t0x200\truntime.doInit+0x70\t/p.go:6306\n";
    pf_profile *p;
    const pf_location *l;
    char buf[1024];
    unsigned char *data;
    size_t len, i, j;
    (void)state;

    /* Recursion: the repeat of a PC prints its frame again; that is
     * the next stack slot, not more lines of the location. */
    snprintf(buf, sizeof(buf),
             "heap profile: 1: 64 [1: 64] @ heap/2\n"
             "1: 64 [1: 64] @ 0x101 0x201 0x201 0x201 0x301\n"
             "#\t0x100\tdep.init+0x1\t/d.go:1\n%s%s%s"
             "#\t0x300\truntime.main+0x1\t/p.go:233\n"
             "\n"
             "0: 0 [0: 0] @ 0x201 0x301\n"
             "#\t0x200\truntime.doInit+0x70\t/p.go:6306\n"
             "#\t0x300\truntime.main+0x1\t/p.go:233\n",
             rep, rep, rep);
    p = rd(buf, PF_FORMAT_GO_HEAP);
    assert_int_equal(snloc(p, 0), 5);
    for (i = 1; i < 4; i++) {
        l = sloc(p, 0, i);
        assert_ptr_equal(l, sloc(p, 0, 1));
        assert_int_equal(l->nline, 1);
        assert_string_equal(lfunc(p, l, 0), "runtime.doInit");
    }
    assert_int_equal(sloc(p, 0, 4)->nline, 1);
    assert_string_equal(lfunc(p, sloc(p, 0, 4), 0), "runtime.main");
    /* An all-zero record keeps its (zero) block size, as the
     * reference's parser does. */
    assert_int_equal(pf_sample_values(p, 1)[1], 0);
    assert_int_equal(numlabel(p, 1, "bytes"), 0);
    assert_int_equal(numlabel(p, 0, "bytes"), 64);
    {
        size_t n;
        pf_sample_labels(p, 1, &n);
        assert_int_equal(n, 1);
    }
    pf_profile_free(p);

    /* A repeated PC with an inline chain: each repeat prints the whole
     * chain again; the location keeps it once. */
    p = rd("custom profile: total 1\n"
           "1 @ 0x11 0x11 0x21\n"
           "#\t0x10\tmain.inl+0x1\t/a.go:5\n"
           "#\t0x10\tmain.outer+0x9\t/a.go:9\n"
           "#\t0x10\tmain.inl+0x1\t/a.go:5\n"
           "#\t0x10\tmain.outer+0x9\t/a.go:9\n"
           "#\t0x20\tmain.main+0x1\t/a.go:1\n",
           PF_FORMAT_GO_COUNT);
    l = sloc(p, 0, 0);
    assert_ptr_equal(l, sloc(p, 0, 1));
    assert_int_equal(l->nline, 2);
    assert_string_equal(lfunc(p, l, 0), "main.inl");
    assert_string_equal(lfunc(p, l, 1), "main.outer");
    assert_string_equal(lfunc(p, sloc(p, 0, 2), 0), "main.main");
    pf_profile_free(p);

    /* A real one (testdata/go_recursive): no location of it holds the
     * same frame twice in a row. */
    data = fixture_read("go_recursive/heap.debug1.txt", &len);
    p = rd_buf(data, len, PF_FORMAT_GO_HEAP);
    for (i = 0; i < pf_profile_location_count(p); i++) {
        const pf_line *ln;
        l = pf_profile_location(p, (uint32_t)i);
        ln = pf_location_lines(p, l);
        for (j = 1; j < l->nline; j++)
            assert_false(ln[j].function == ln[j - 1].function &&
                         ln[j].line == ln[j - 1].line);
    }
    pf_profile_free(p);
    free(data);
}

static void test_legacy__count_errors(void **state)
{
    (void)state;
    rd_err("goroutine profile: total 1\n1 @ 0xZZ\n", PF_EFORMAT,
           "line 2: expected a record 'COUNT @ 0xADDR...'");
    rd_err("goroutine profile: total 1\n1 @ 0x10  0x20\n", PF_EFORMAT,
           "line 2: expected a record");
    rd_err("goroutine profile: total 1\n\n1 @ 0x10\nfoo\n", PF_EFORMAT,
           "line 4: expected a record");
    rd_err("goroutine profile: total 1\n99999999999999999999 @ 0x10\n",
           PF_EFORMAT, "line 2: count '99999999999999999999' out of range");
    rd_err("goroutine profile: total 1\n1 @ 0x123456789abcdef01\n",
           PF_EFORMAT, "line 2: address '0x123456789abcdef01' does not fit");
}

/* ------------------------------------------------------------------ */
/* Contention                                                          */

static void test_legacy__contention_cpp(void **state)
{
    pf_profile *p;
    (void)state;

    p = rd("--- contentionz 1 ---\n"
           "cycles/second = 2000000000\n"
           "sampling period = 100\n"
           "ms since reset = 60000\n"
           "discarded samples = 0\n"
           "  4000000 10 @ 0x401a2b 0x401c10\n"
           "--- Memory map: ---\n"
           "  00400000-00452000: /usr/local/bin/server\n",
           PF_FORMAT_CONTENTION);
    assert_string_equal(pf_profile_sample_types(p)[0].type, "contentions");
    assert_string_equal(pf_profile_sample_types(p)[1].unit, "nanoseconds");
    assert_int_equal(pf_profile_period(p), 100);
    assert_int_equal(pf_profile_duration(p), 60000000000LL);
    assert_int_equal(pf_sample_values(p, 0)[0], 1000);
    assert_int_equal(pf_sample_values(p, 0)[1], 200000000);
    assert_int_equal(sloc(p, 0, 0)->address, 0x401a2a);
    /* Brief mapping form; start - offset == 0x400000 already. */
    assert_int_equal(pf_profile_mapping_count(p), 1);
    assert_string_equal(pf_profile_mapping(p, 0)->file,
                        "/usr/local/bin/server");
    assert_non_null(strstr(pf_profile_drop_frames(p),
                           "(SpinLockHolder::)?~SpinLockHolder.*"));
    pf_profile_free(p);
}

static void test_legacy__contention_go(void **state)
{
    pf_profile *p;
    (void)state;

    p = rd("--- mutex:\n"
           "cycles/second=2600013887\n"
           "sampling period=2\n"
           "2201970810 799 @ 0x4b8385 0x4b8360 0x462901\n"
           "#\t0x4b8384\tsync.(*Mutex).Unlock+0xc4\t/go/sync/mutex.go:223\n"
           "#\t0x4b835f\tmain.contend+0x9f\t\t/app/main.go:30\n"
           "\n",
           PF_FORMAT_CONTENTION);
    assert_int_equal(pf_profile_period(p), 2);
    assert_int_equal(pf_sample_values(p, 0)[0], 1598);
    /* trunc(float64(2201970810) * 2 / (2600013887 / 1e9)) */
    assert_int_equal(pf_sample_values(p, 0)[1], 1693814653);
    assert_string_equal(lfunc(p, sloc(p, 0, 1), 0), "main.contend");
    assert_string_equal(lfunc(p, sloc(p, 0, 2), 0), "runtime.goexit");
    pf_profile_free(p);

    /* No cycles/second: delay is the cycle count. */
    p = rd("--- contention:\n5 2 @ 0x10\n", PF_FORMAT_CONTENTION);
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(pf_sample_values(p, 0)[1], 5);
    pf_profile_free(p);
}

static void test_legacy__contention_errors(void **state)
{
    (void)state;
    rd_err("--- contention:\ncycles/second=100\n12 3 @ 0x10\nbogus\n",
           PF_EFORMAT, "line 4: expected a record 'CYCLES COUNT @");
    /* Java attributes: not the C++ format; as Java, samples need the
     * "resolution" attribute for their sample types. */
    rd_err("--- contentionz 1 ---\nformat = java\n1 2 @ 0x10\n",
           PF_EFORMAT, "line 3: sample before any 'resolution' attribute");
    rd_err("--- contention:\nnonsense key = 3\n1 2 @ 0x10\n", PF_EFORMAT,
           "unrecognized profile format");
}

/* ------------------------------------------------------------------ */
/* threadz                                                             */

static void test_legacy__threadz(void **state)
{
    pf_profile *p;
    (void)state;

    p = rd("--- threadz 1 ---\n"
           "\n"
           "--- Thread 7f00aa001700 (name: worker/1234) stack: ---\n"
           "  PC: 0x401a2b 0x401c10 0x401c20\n"
           "--- Thread 7f00aa002700 (name: worker/1235) stack: ---\n"
           "  [same as previous thread]\n"
           "--- Thread 7f00aa003700 (name: main/1) stack: ---\n"
           "  0x401b00: main\n"
           "  0x401b00: dup\n"
           "--- Memory map: ---\n"
           "  00400000-00452000: /usr/local/bin/server\n",
           PF_FORMAT_THREADZ);
    assert_string_equal(pf_profile_sample_types(p)[0].type, "thread");
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(sloc(p, 0, 0)->address, 0x401a2b);   /* leaf kept */
    assert_int_equal(sloc(p, 0, 1)->address, 0x401c0f);
    /* Duplicate leaf ((0x401b00 - 1) + 1 == leaf) removed. */
    assert_int_equal(snloc(p, 1), 1);
    pf_profile_free(p);
}

static void test_legacy__threadz_errors(void **state)
{
    (void)state;
    rd_err("--- Thread 1 (name: a/1) stack: ---\n  0x10\n", PF_EFORMAT,
           "ends without a memory map");
    rd_err("--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n"
           "  0x10\n--- Bogus ---\n0x20\n--- Memory map: ---\n",
           PF_EFORMAT, "line 4: expected '--- Thread");
}

/* ------------------------------------------------------------------ */
/* CPU                                                                 */

typedef struct wbuf {
    unsigned char b[4096];
    size_t n;
    unsigned ws;
    int big;
} wbuf;

static void put(wbuf *w, uint64_t v)
{
    unsigned i;
    for (i = 0; i < w->ws; i++) {
        unsigned sh = w->big ? (w->ws - 1 - i) * 8 : i * 8;
        w->b[w->n++] = (unsigned char)(v >> sh);
    }
}

static void cpu_header(wbuf *w, unsigned ws, int big, uint64_t us)
{
    memset(w, 0, sizeof(*w));
    w->ws = ws;
    w->big = big;
    put(w, 0);
    put(w, 3);
    put(w, 0);
    put(w, us);
    put(w, 0);
}

static void test_legacy__cpu_word_formats(void **state)
{
    static const struct { unsigned ws; int big; } f[] = {
        { 4, 0 }, { 4, 1 }, { 8, 0 }, { 8, 1 } };
    static const char maps[] =
        "00400000-00401000 r-xp 00000000 08:01 1 /bin/a\n";
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++) {
        wbuf w;
        pf_profile *p;
        cpu_header(&w, f[i].ws, f[i].big, 10000);
        /* Distinct second frames, so none is taken for a signal frame. */
        put(&w, 3); put(&w, 2); put(&w, 0x400100); put(&w, 0x400200);
        put(&w, 1); put(&w, 2); put(&w, 0x400100); put(&w, 0x400300);
        put(&w, 0); put(&w, 1); put(&w, 0);
        memcpy(w.b + w.n, maps, strlen(maps));
        w.n += strlen(maps);
        p = rd_buf(w.b, w.n, PF_FORMAT_GPERF_CPU);
        assert_int_equal(pf_profile_period(p), 10000000);
        assert_string_equal(pf_profile_period_type(p).type, "cpu");
        assert_int_equal(pf_sample_values(p, 0)[0], 3);
        assert_int_equal(pf_sample_values(p, 0)[1], 30000000);
        assert_int_equal(sloc(p, 0, 0)->address, 0x400100);
        assert_int_equal(sloc(p, 0, 1)->address, 0x4001ff);
        assert_int_equal(pf_profile_mapping_count(p), 1);
        assert_string_equal(pf_profile_mapping(p, 0)->file, "/bin/a");
        pf_profile_free(p);
    }
}

static void test_legacy__cpu_signal_frames_and_dup_leaf(void **state)
{
    wbuf w;
    pf_profile *p;
    int i;
    (void)state;

    /* 41 samples, all with 0x9001 as second frame (the handler's): it is
     * stripped (41 >= 41 - 41/32). The third frames differ, so the
     * second round strips nothing. The last sample has a duplicated
     * leaf. */
    cpu_header(&w, 8, 0, 100);
    for (i = 0; i < 40; i++) {
        put(&w, 1); put(&w, 3); put(&w, 0x5000 + (uint64_t)i);
        put(&w, 0x9001); put(&w, 0x7001 + 16 * (uint64_t)i);
    }
    put(&w, 1); put(&w, 3); put(&w, 0x6000); put(&w, 0x9001);
    put(&w, 0x6000);
    p = rd_buf(w.b, w.n, PF_FORMAT_GPERF_CPU);
    assert_int_equal(pf_profile_sample_count(p), 41);
    assert_int_equal(snloc(p, 0), 2);
    assert_int_equal(sloc(p, 0, 1)->address, 0x7000);
    assert_int_equal(sloc(p, 1, 1)->address, 0x7010);
    /* 0x6000 == (0x6000 - 1) + 1: the duplicate goes. */
    assert_int_equal(snloc(p, 40), 1);
    assert_int_equal(sloc(p, 40, 0)->address, 0x6000);
    /* No maps: one fake mapping. */
    assert_int_equal(pf_profile_mapping_count(p), 1);
    assert_int_equal(pf_profile_mapping(p, 0)->limit, UINT64_MAX);
    pf_profile_free(p);
}

static void test_legacy__cpu_errors(void **state)
{
    wbuf w;
    (void)state;

    cpu_header(&w, 8, 0, 100);
    put(&w, 1); put(&w, 5); put(&w, 0x10);
    rd_err_buf(w.b, w.n, PF_EFORMAT,
               "byte offset 40: cpu profile record of 5 frames cut short");
    cpu_header(&w, 8, 0, 100);
    put(&w, 1);
    rd_err_buf(w.b, w.n, PF_EFORMAT, "byte offset 40: cpu profile record "
                                     "cut short");
    cpu_header(&w, 8, 0, 100);
    put(&w, UINT64_MAX / 2); put(&w, 1); put(&w, 0x10);
    rd_err_buf(w.b, w.n, PF_EFORMAT, "byte offset 40: absurd sample count");
}

/* ------------------------------------------------------------------ */
/* Java                                                                */

static void test_legacy__java_cpu(void **state)
{
    static const char tail[] = "0x1000 a.B.c (B.java:10)\n"
                               "  0x2000   VM\n";
    wbuf w;
    pf_profile *p;
    (void)state;

    memset(&w, 0, sizeof(w));
    w.ws = 8;
    put(&w, 0); put(&w, 3); put(&w, 1); put(&w, 100); put(&w, 0);
    put(&w, 2); put(&w, 2); put(&w, 0x1000); put(&w, 0x2000);
    put(&w, 0); put(&w, 1); put(&w, 0);
    memcpy(w.b + w.n, tail, strlen(tail));
    w.n += strlen(tail);
    p = rd_buf(w.b, w.n, PF_FORMAT_GPERF_CPU);
    assert_int_equal(pf_sample_values(p, 0)[1], 200000);
    /* Named from the tail, addresses dropped, no mapping needed. */
    assert_string_equal(lfunc(p, sloc(p, 0, 0), 0), "a.B.c");
    assert_int_equal(pf_location_lines(p, sloc(p, 0, 0))[0].line, 10);
    assert_int_equal(sloc(p, 0, 0)->address, 0);
    assert_string_equal(lfunc(p, sloc(p, 0, 1), 0), "VM");
    assert_int_equal(pf_profile_mapping_count(p), 0);
    pf_profile_free(p);
}

static void test_legacy__java_heapz_contentionz(void **state)
{
    pf_profile *p;
    const pf_function *f;
    (void)state;

    p = rd("--- heapz 1 ---\n"
           "format = java\n"
           "resolution = bytes\n"
           "  262144 1 @ 0x10 0x20\n"
           "0x10 com.example.Foo.alloc (Foo.java:12)\n"
           "0x20 libjvm (/usr/lib/jvm/libjvm.so)\n",
           PF_FORMAT_JAVA);
    assert_string_equal(pf_profile_sample_types(p)[1].type, "inuse_space");
    /* The second number is the count; unsampled with R = 524288. */
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(pf_sample_values(p, 0)[1], 666237);
    assert_int_equal(numlabel(p, 0, "bytes"), 262144);
    f = pf_profile_function(p, pf_location_lines(p, sloc(p, 0, 1))[0].function);
    assert_string_equal(f->name, "libjvm");
    assert_string_equal(f->filename, "libjvm.so");
    pf_profile_free(p);

    p = rd("--- contentionz 1 ---\n"
           "format = java\n"
           "resolution = microseconds\n"
           "sampling period = 10\n"
           "ms since reset = 5000\n"
           "  500 3 @ 0x10\n"
           "0x10 java.lang.Object.wait (Object.java:502)\n",
           PF_FORMAT_JAVA);
    assert_string_equal(pf_profile_sample_types(p)[1].unit, "microseconds");
    assert_int_equal(pf_sample_values(p, 0)[0], 30);
    assert_int_equal(pf_sample_values(p, 0)[1], 5000);
    assert_int_equal(pf_profile_duration(p), 5000000000LL);
    pf_profile_free(p);
    rd_err("--- heapz 1 ---\nformat = java\nresolution = bytes\n"
           "  5 0 @ 0x10\n", PF_EFORMAT,
           "line 4: second value must be non-zero");
}

/* ------------------------------------------------------------------ */
/* Memory maps                                                         */

static pf_profile *with_maps(const char *maps, const char *addrs)
{
    char buf[4096];

    snprintf(buf, sizeof(buf),
             "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @ %s\n"
             "MAPPED_LIBRARIES:\n%s", addrs, maps);
    return rd(buf, PF_FORMAT_GO_HEAP);
}

static void test_legacy__maps_forms(void **state)
{
    pf_profile *p;
    const pf_mapping *m;
    (void)state;

    /* Form A with the (deleted) suffix ignored; non-executable dropped;
     * split executable parts joined. */
    p = with_maps(
        "5608161a8000-5608161a9000 r--p 00000000 00:00 1 /b/app\n"
        "5608161a9000-5608161aa000 r-xp 00001000 00:00 1 /b/app (deleted)\n"
        "5608161aa000-5608161ab000 r-xp 00002000 00:00 1 /b/app\n"
        "7f00-8f00 r-xp 00000000 00:00 2 /lib/libc.so.6\n",
        "0x5608161a9101");
    assert_int_equal(pf_profile_mapping_count(p), 2);
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/b/app");
    assert_int_equal(m->start, 0x5608161a9000);
    assert_int_equal(m->limit, 0x5608161ab000);
    assert_int_equal(m->offset, 0x1000);
    assert_string_equal(pf_profile_mapping(p, 1)->file, "/lib/libc.so.6");
    pf_profile_free(p);

    /* Form B: offset in "(@...)", a build id, 0x prefixes, glog prefix,
     * $variables; the shared library stays behind the main binary. */
    p = with_maps(
        "I0101 10:00:00.000 foo.cc:12] 0x7000 0x8000 r-xp /lib/libx.so\n"
        "build=/srv/bin\n"
        "  02e00000-02e8a000: $build/server (@2a00000) 0123abcd\n",
        "0x2e00011 0x7011");
    assert_int_equal(pf_profile_mapping_count(p), 2);
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/srv/bin/server");
    /* 0x2e00000 - 0x2a00000 == 0x400000: the quirk applies, so the
     * offset was read. */
    assert_int_equal(m->start, 0x400000);
    assert_int_equal(m->offset, 0);
    assert_string_equal(m->build_id, "0123abcd");
    m = pf_profile_mapping(p, 1);
    assert_string_equal(m->file, "/lib/libx.so");
    assert_int_equal(m->start, 0x7000);
    pf_profile_free(p);

    /* Permissions read greedily: "rpc_server" after the range is the
     * permission "rp" (no x), so the entry is dropped, as the
     * reference does; the address falls to the fake mapping. */
    p = with_maps("00400000-00452000 rpc_server\n", "0x400011");
    assert_int_equal(pf_profile_mapping_count(p), 1);
    assert_string_equal(pf_profile_mapping(p, 0)->file, "");
    assert_int_equal(pf_profile_mapping(p, 0)->limit, UINT64_MAX);
    pf_profile_free(p);
}

static void test_legacy__maps_quirks_and_binding(void **state)
{
    pf_profile *p;
    const pf_mapping *m;
    (void)state;

    /* 0x400000 quirk: start - offset == 0x400000. */
    p = with_maps("00401000-00452000 r-xp 00001000 08:01 1 /bin/s\n",
                  "0x401011");
    m = pf_profile_mapping(p, 0);
    assert_int_equal(m->start, 0x400000);
    assert_int_equal(m->offset, 0);
    pf_profile_free(p);

    /* Hugepage mapping first and adjacent to the next: removed. */
    p = with_maps("00400000-00600000 r-xp 00000000 00:00 0 /anon_hugepage\n"
                  "00600000-00700000 r-xp 00200000 08:01 1 /lib/a.so\n",
                  "0x600011");
    assert_int_equal(pf_profile_mapping_count(p), 1);
    assert_string_equal(pf_profile_mapping(p, 0)->file, "/lib/a.so");
    pf_profile_free(p);

    /* An address below a mapping with an offset extends it down. */
    p = with_maps("7f0000005000-7f0000009000 r-xp 00005000 08:01 1 /lib/b.so\n",
                  "0x7f0000001011");
    m = pf_profile_mapping(p, 0);
    assert_int_equal(m->start, 0x7f0000000000);
    assert_int_equal(m->offset, 0);
    assert_int_equal(sloc(p, 0, 0)->mapping, 0);
    pf_profile_free(p);

    /* Unmatched addresses share one fake mapping, appended last. */
    p = with_maps("7000-8000 r-xp 00000000 08:01 1 /bin/x\n",
                  "0x7011 0x100011 0x200011");
    assert_int_equal(pf_profile_mapping_count(p), 2);
    assert_int_equal(pf_profile_mapping(p, 1)->id, 2);
    assert_int_equal(pf_profile_mapping(p, 1)->limit, UINT64_MAX);
    assert_int_equal(sloc(p, 0, 1)->mapping, 1);
    assert_int_equal(sloc(p, 0, 2)->mapping, 1);
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* Goroutine debug=2                                                   */

static const char dump[] =
    "goroutine 1 [running]:\n"
    "main.main()\n"
    "\t/srv/app/main.go:66 +0x74c\n"
    "\n"
    "goroutine 18 [chan receive, 2 minutes]:\n"
    "main.waiter(0x0?)\n"
    "\t/srv/app/main.go:23 +0x1b\n"
    "created by main.main\n"
    "\t/srv/app/main.go:42 +0x145\n"
    "\n"
    "goroutine 7 [select (no cases), locked to thread]:\n"
    "main.pollOnce(...)\n"
    "\t/srv/app/poll.go:18\n"
    "main.pollLoop(0xc0000a6000, {0x6b2f40, 0xc0000b0010})\n"
    "\t/srv/app/poll.go:31 +0x8a fp=0xc0000 sp=0xc0001 pc=0x47\n"
    "...additional frames elided...\n"
    "created by main.startPoller in goroutine 1\n"
    "\t/srv/app/poll.go:12 +0x5e\n"
    "\n"
    "goroutine 9 [running]:\n"
    "\tgoroutine running on other thread; stack unavailable\n"
    "\n"
    "goroutine 33 gp=0xc000007c00 m=nil [sync.Mutex.Lock, 71 minutes]:\n"
    "main.deep(...)\n"
    "\t/srv/app/deep.go:5\n"
    "main.deep(0x2)\n"
    "\t/srv/app/deep.go:9 +0x1f\n"
    "...12 frames elided...\n"
    "main.root()\n"
    "\t/srv/app/deep.go:20 +0x2a\n";

static void test_legacy__goroutine2(void **state)
{
    pf_profile *p = rd(dump, PF_FORMAT_GO_GOROUTINE2);
    const pf_location *l;
    (void)state;

    assert_string_equal(pf_profile_sample_types(p)[0].type, "goroutine");
    assert_int_equal(pf_profile_sample_count(p), 5);
    assert_int_equal(pf_profile_total(p, 0), 5);
    assert_string_equal(strlabel(p, 0, "state"), "running");
    assert_string_equal(lfunc(p, sloc(p, 0, 0), 0), "main.main");
    assert_string_equal(strlabel(p, 1, "state"), "chan receive");
    assert_int_equal(numlabel(p, 1, "wait"), 2);
    assert_string_equal(strlabel(p, 1, "created_by"), "main.main");
    assert_int_equal(snloc(p, 1), 1);   /* "created by" is not a frame */
    l = sloc(p, 1, 0);
    assert_int_equal(pf_location_lines(p, l)[0].line, 23);
    assert_int_equal(l->address, 0);
    assert_int_equal(l->mapping, PF_NONE);
    /* The inlined pollOnce belongs to pollLoop's location. */
    assert_string_equal(strlabel(p, 2, "state"), "select (no cases)");
    assert_string_equal(strlabel(p, 2, "locked"), "true");
    assert_string_equal(strlabel(p, 2, "created_by"), "main.startPoller");
    assert_int_equal(snloc(p, 2), 1);
    l = sloc(p, 2, 0);
    assert_int_equal(l->nline, 2);
    assert_string_equal(lfunc(p, l, 0), "main.pollOnce");
    assert_string_equal(lfunc(p, l, 1), "main.pollLoop");
    assert_int_equal(pf_location_lines(p, l)[1].line, 31);
    assert_string_equal(
        pf_profile_function(p, pf_location_lines(p, l)[1].function)->filename,
        "/srv/app/poll.go");
    assert_int_equal(snloc(p, 3), 0);
    /* Go >= 1.21 header with extra fields; middle elision skipped. */
    assert_string_equal(strlabel(p, 4, "state"), "sync.Mutex.Lock");
    assert_int_equal(numlabel(p, 4, "wait"), 71);
    assert_int_equal(snloc(p, 4), 2);
    assert_string_equal(lfunc(p, sloc(p, 4, 1), 0), "main.root");
    pf_profile_free(p);
}

static void test_legacy__goroutine2_errors(void **state)
{
    (void)state;
    rd_err("goroutine 1 [running]:\nmain.main()\nmain.other()\n", PF_EFORMAT,
           "line 3: expected '\\tFILE:LINE' after function line 2");
    rd_err("goroutine 1 [running]:\n\t/a.go:1\n", PF_EFORMAT,
           "line 2: file:line with no function line");
    rd_err("goroutine 1 [running]:\nmain.main()\n\t/a.go:1\n\nstray\n",
           PF_EFORMAT, "line 5: expected a goroutine header");
    rd_err("goroutine 1 [running]:\nmain.main()\n", PF_EFORMAT,
           "dump ends after a function line");
}

/* ------------------------------------------------------------------ */
/* Folded                                                              */

static void test_legacy__folded(void **state)
{
    pf_profile *p;
    (void)state;

    p = rd("main;work;leaf 10\n"
           "\n"
           "main;work 5\n"
           "main;other;leaf 1\n",
           PF_FORMAT_FOLDED);
    assert_string_equal(pf_profile_sample_types(p)[0].type, "samples");
    assert_int_equal(pf_profile_sample_count(p), 3);
    assert_int_equal(pf_profile_total(p, 0), 16);
    assert_int_equal(snloc(p, 0), 3);
    assert_string_equal(lfunc(p, sloc(p, 0, 0), 0), "leaf");
    assert_string_equal(lfunc(p, sloc(p, 0, 2), 0), "main");
    assert_ptr_equal(sloc(p, 0, 1), sloc(p, 1, 0));
    assert_ptr_equal(sloc(p, 0, 0), sloc(p, 2, 0));
    assert_int_equal(pf_profile_function_count(p), 4);
    pf_profile_free(p);
    /* Frames with spaces (C++ signatures). */
    p = rd("main;ns::f(int, char) 3\n", PF_FORMAT_FOLDED);
    assert_string_equal(lfunc(p, sloc(p, 0, 0), 0), "ns::f(int, char)");
    pf_profile_free(p);
}

static void test_legacy__folded_errors(void **state)
{
    (void)state;
    rd_err("a;b 1\na;c x\n", PF_EFORMAT,
           "line 2: expected 'frame;frame;... COUNT'");
    rd_err("a;b 1\na;c 99999999999999999999\n", PF_EFORMAT,
           "line 2: count out of range");
    rd_err("just some words\n", PF_EFORMAT, "unrecognized profile format");
}

static void test_legacy__max_records(void **state)
{
    static const char text[] = "goroutine profile: total 3\n"
                               "1 @ 0x10\n1 @ 0x20\n1 @ 0x30\n";
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;
    (void)state;

    o.max_records = 4;
    assert_int_equal(pf_profile_read(&p, NULL, text, strlen(text), &o),
                     PF_ETOOBIG);
    assert_null(p);
    assert_non_null(strstr(pf_error_last(), "more than 4 records"));
    o.max_records = 6;
    assert_int_equal(pf_profile_read(&p, NULL, text, strlen(text), &o),
                     PF_OK);
    pf_profile_free(p);
}

/* ------------------------------------------------------------------ */
/* Corpus                                                              */

static void test_legacy__corpus_formats(void **state)
{
    static const struct {
        const char *file;
        pf_format fmt;
        int64_t total0;
    } c[] = {
        { "corpus/go_heap.debug1.txt", PF_FORMAT_GO_HEAP, 1610 },
        { "corpus/go_threadcreate.debug1.txt", PF_FORMAT_GO_COUNT, 8 },
        { "corpus/go_goroutine.debug1.txt", PF_FORMAT_GO_COUNT, 19 },
        { "corpus/go_goroutine.debug2.txt", PF_FORMAT_GO_GOROUTINE2, 19 },
        { "corpus/go_block.debug1.txt", PF_FORMAT_CONTENTION, 28 },
        { "corpus/go_mutex.debug1.txt", PF_FORMAT_CONTENTION, 19 },
        { "corpus/c_heap.0001.heap", PF_FORMAT_GO_HEAP, 1605 },
        { "corpus/c_cpu.prof", PF_FORMAT_GPERF_CPU, -1 },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        size_t len;
        unsigned char *buf = fixture_read(c[i].file, &len);
        pf_profile *p = rd_buf(buf, len, c[i].fmt);
        if (c[i].total0 >= 0)
            assert_int_equal(pf_profile_total(p, 0), c[i].total0);
        else
            assert_true(pf_profile_total(p, 0) > 0);
        pf_profile_free(p);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy__unsample_formula),
        cmocka_unit_test(test_legacy__heap_v2_example),
        cmocka_unit_test(test_legacy__heap_has_alloc_rule),
        cmocka_unit_test(test_legacy__heap_go_variants),
        cmocka_unit_test(test_legacy__heap_errors),
        cmocka_unit_test(test_legacy__long_line_is_an_error),
        cmocka_unit_test(test_legacy__count_records_labels_empty),
        cmocka_unit_test(test_legacy__count_inline_chain),
        cmocka_unit_test(test_legacy__inferred_goexit_gives_way),
        cmocka_unit_test(test_legacy__repeated_pc_is_one_frame),
        cmocka_unit_test(test_legacy__count_errors),
        cmocka_unit_test(test_legacy__contention_cpp),
        cmocka_unit_test(test_legacy__contention_go),
        cmocka_unit_test(test_legacy__contention_errors),
        cmocka_unit_test(test_legacy__threadz),
        cmocka_unit_test(test_legacy__threadz_errors),
        cmocka_unit_test(test_legacy__cpu_word_formats),
        cmocka_unit_test(test_legacy__cpu_signal_frames_and_dup_leaf),
        cmocka_unit_test(test_legacy__cpu_errors),
        cmocka_unit_test(test_legacy__java_cpu),
        cmocka_unit_test(test_legacy__java_heapz_contentionz),
        cmocka_unit_test(test_legacy__maps_forms),
        cmocka_unit_test(test_legacy__maps_quirks_and_binding),
        cmocka_unit_test(test_legacy__goroutine2),
        cmocka_unit_test(test_legacy__goroutine2_errors),
        cmocka_unit_test(test_legacy__folded),
        cmocka_unit_test(test_legacy__folded_errors),
        cmocka_unit_test(test_legacy__max_records),
        cmocka_unit_test(test_legacy__corpus_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
