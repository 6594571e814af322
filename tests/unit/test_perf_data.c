/*
 * perf.data (libprofile/perf_data.c) on files built here byte by byte:
 * one event with call chains and context markers, mmaps with and
 * without build ids (MMAP2 and the build-id feature), comm names, two
 * events told apart by PERF_SAMPLE_IDENTIFIER with names from the
 * event-description feature, big-endian files, and the errors:
 * truncated records, pipe mode, compressed data, a bad attribute
 * section.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/perf_event.h>

#include "helpers/fixture.h"
#include "profile.h"

/* ------------------------------------------------------------------ */
/* A perf.data builder                                                 */

typedef struct fb {
    uint8_t *p;
    size_t len, cap;
    bool be;                /* write big-endian */
} fb;

static void put(fb *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void putn(fb *b, uint64_t v, size_t n)
{
    uint8_t t[8];
    size_t i;

    for (i = 0; i < n; i++)
        t[b->be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
    put(b, t, n);
}
#define U16(b, v) putn(b, v, 2)
#define U32(b, v) putn(b, v, 4)
#define U64(b, v) putn(b, v, 8)

static void patch64(fb *b, size_t at, uint64_t v)
{
    size_t i;

    for (i = 0; i < 8; i++)
        b->p[at + (b->be ? 7 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* A record: header then BODY (padded to 8). */
static void rec(fb *b, uint32_t type, uint16_t misc, const fb *body)
{
    size_t pad = (8 - body->len % 8) % 8;
    static const uint8_t z[8];

    U32(b, type);
    U16(b, misc);
    U16(b, (uint16_t)(8 + body->len + pad));
    put(b, body->p, body->len);
    put(b, z, pad);
}

typedef struct evdef {
    uint32_t type;
    uint64_t config, period, sample_type;
    uint64_t id;
    const char *name;       /* NULL: no event-description entry */
} evdef;

typedef struct pfile {
    fb f;
    size_t data_at;
} pfile;

/* Header + attrs (+ ids) now; data with data_begin/end; features after. */
static void file_begin(pfile *pf, bool be, const evdef *ev, size_t nev)
{
    fb *b = &pf->f;
    size_t i, attrs_at, ids_at;
    const size_t asz = 120;     /* PERF_ATTR_SIZE_VER5 */

    memset(pf, 0, sizeof(*pf));
    b->be = be;
    put(b, be ? "2ELIFREP" : "PERFILE2", 8);
    U64(b, 104);
    U64(b, asz + 16);
    U64(b, 0); U64(b, 0);       /* attrs: patched */
    U64(b, 0); U64(b, 0);       /* data: patched */
    U64(b, 0); U64(b, 0);       /* event types */
    U64(b, 0); U64(b, 0); U64(b, 0); U64(b, 0);     /* features */
    ids_at = b->len;
    for (i = 0; i < nev; i++)
        U64(b, ev[i].id);
    attrs_at = b->len;
    for (i = 0; i < nev; i++) {
        size_t start = b->len;
        U32(b, ev[i].type);
        U32(b, (uint32_t)asz);
        U64(b, ev[i].config);
        U64(b, ev[i].period);
        U64(b, ev[i].sample_type);
        U64(b, 0);              /* read_format */
        U64(b, 0);              /* flags: not freq */
        while (b->len < start + asz)
            U32(b, 0);
        U64(b, ids_at + i * 8);
        U64(b, 8);
    }
    patch64(b, 24, attrs_at);
    patch64(b, 32, nev * (asz + 16));
    pf->data_at = b->len;
    patch64(b, 40, b->len);
}

static void data_end(pfile *pf)
{
    patch64(&pf->f, 48, pf->f.len - pf->data_at);
}

/* Feature sections for FEATS (ascending), bodies given. */
static void features(pfile *pf, const unsigned *feats, const fb *bodies,
                     size_t n)
{
    fb *b = &pf->f;
    size_t i, table = b->len, at;
    uint64_t bits = 0;

    for (i = 0; i < n; i++) {
        bits |= 1ull << feats[i];
        U64(b, 0);
        U64(b, 0);
    }
    for (i = 0; i < n; i++) {
        at = b->len;
        put(b, bodies[i].p, bodies[i].len);
        patch64(b, table + 16 * i, at);
        patch64(b, table + 16 * i + 8, bodies[i].len);
    }
    patch64(b, 72, bits);
}

static void comm_rec(pfile *pf, uint32_t pid, const char *name)
{
    fb body = { NULL, 0, 0, pf->f.be };

    U32(&body, pid);
    U32(&body, pid);
    put(&body, name, strlen(name) + 1);
    rec(&pf->f, PERF_RECORD_COMM, 0, &body);
    free(body.p);
}

/* MMAP2; BID (20 bytes as hex) NULL for dev/inode form. */
static void mmap2_rec(pfile *pf, uint32_t pid, uint64_t start, uint64_t len,
                      uint64_t pgoff, const uint8_t *bid, const char *file)
{
    fb body = { NULL, 0, 0, pf->f.be };
    static const uint8_t z[24];

    U32(&body, pid);
    U32(&body, pid);
    U64(&body, start);
    U64(&body, len);
    U64(&body, pgoff);
    if (bid) {
        uint8_t n = 20;
        put(&body, &n, 1);
        put(&body, z, 3);
        put(&body, bid, 20);
    } else {
        put(&body, z, 24);
    }
    U32(&body, 5);
    U32(&body, 2);
    put(&body, file, strlen(file) + 1);
    rec(&pf->f, PERF_RECORD_MMAP2, bid ? PERF_RECORD_MISC_MMAP_BUILD_ID : 0,
        &body);
    free(body.p);
}

/* A sample: [IDENTIFIER] IP TID TIME PERIOD [CALLCHAIN]. */
static void sample_rec(pfile *pf, uint64_t st, uint64_t id, uint64_t ip,
                       uint32_t pid, uint64_t time, uint64_t period,
                       const uint64_t *chain, size_t nchain)
{
    fb body = { NULL, 0, 0, pf->f.be };
    size_t i;

    if (st & PERF_SAMPLE_IDENTIFIER)
        U64(&body, id);
    U64(&body, ip);
    U32(&body, pid);
    U32(&body, pid);
    U64(&body, time);
    U64(&body, period);
    if (st & PERF_SAMPLE_CALLCHAIN) {
        U64(&body, nchain);
        for (i = 0; i < nchain; i++)
            U64(&body, chain[i]);
    }
    rec(&pf->f, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, &body);
    free(body.p);
}

static const uint8_t bid_spin[20] = { 0xa2, 0x13, 0x50, 0xc1, 0xad, 0x20,
                                      0xa4, 0x69, 0xde, 0x05, 0x15, 0xd5,
                                      0x2a, 0x02, 0xa7, 0x44, 0x9c, 0x90,
                                      0xbb, 0x2f };

#define ST_G (PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |        \
              PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN)

/* One cpu-clock event with call chains: spin (build id in MMAP2),
 * libc (build id from the feature section), the kernel (pid -1). */
static void one_event_file(pfile *pf, bool be)
{
    static const evdef ev = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK,
                              250000, ST_G, 17, NULL };
    const uint64_t chain1[] = { (uint64_t)PERF_CONTEXT_USER, 0x5600001158,
                                0x56000011d8, 0x7f000002724a, 0 };
    const uint64_t chain2[] = { (uint64_t)PERF_CONTEXT_KERNEL,
                                0xffffffff81000c82, 0xffffffff81000d00,
                                (uint64_t)PERF_CONTEXT_USER, 0x56000011d8 };
    fb bidf = { NULL, 0, 0, be };
    unsigned feat = 2;
    size_t at;

    file_begin(pf, be, &ev, 1);
    comm_rec(pf, 100, "perf-exec");
    comm_rec(pf, 100, "spin");
    mmap2_rec(pf, 100, 0x5600001000, 0x1000, 0x1000, bid_spin, "/tmp/w/spin");
    mmap2_rec(pf, 100, 0x7f0000000000, 0x200000, 0, NULL,
              "/usr/lib/libc.so.6");
    mmap2_rec(pf, UINT32_MAX, 0xffffffff81000000, 0x1000000,
              0xffffffff81000000, NULL, "[kernel.kallsyms]_text");
    sample_rec(pf, ST_G, 0, 0x5600001158, 100, 1000000000, 250000, chain1, 5);
    sample_rec(pf, ST_G, 0, 0x5600001158, 100, 1000250000, 250000, chain1, 5);
    sample_rec(pf, ST_G, 0, 0xffffffff81000c82, 100, 1001000000, 500000,
               chain2, 5);
    data_end(pf);
    /* build-id feature: libc's */
    U32(&bidf, 67);     /* PERF_RECORD_HEADER_BUILD_ID */
    U16(&bidf, 0);
    at = bidf.len;
    U16(&bidf, 0);
    U32(&bidf, 100);
    {
        uint8_t id[24] = { 0x93, 0xac, 0x61, 0xec };
        put(&bidf, id, 24);
    }
    put(&bidf, "/usr/lib/libc.so.6\0\0\0\0\0", 24);
    bidf.p[at + (be ? 1 : 0)] = (uint8_t)bidf.len;
    features(pf, &feat, &bidf, 1);
    free(bidf.p);
}

static pf_profile *read_ok(const pfile *pf)
{
    return fixture_read_as(pf->f.p, pf->f.len, PF_FORMAT_PERF_DATA);
}

static const pf_location *sloc(const pf_profile *p, size_t s, size_t k)
{
    size_t n;
    const uint32_t *l = pf_sample_locations(p, s, &n);

    assert_true(k < n);
    return pf_profile_location(p, l[k]);
}

static void check_one_event(pf_profile *p)
{
    const pf_mapping *m;
    const pf_label *lb;
    size_t n, nl, i;

    fixture_assert_types(p, "cpu-clock_sample/count "
                            "cpu-clock_event/nanoseconds");
    assert_int_equal(pf_profile_duration(p), 1000000);
    /* the two identical user samples are one */
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(pf_sample_values(p, 0)[0], 2);
    assert_int_equal(pf_sample_values(p, 0)[1], 500000);
    /* leaf at the PC, callers one byte before their return address,
     * markers and the 0 frame dropped */
    pf_sample_locations(p, 0, &n);
    assert_int_equal(n, 3);
    assert_int_equal(sloc(p, 0, 0)->address, 0x5600001158);
    assert_int_equal(sloc(p, 0, 1)->address, 0x56000011d7);
    assert_int_equal(sloc(p, 0, 2)->address, 0x7f0000027249);
    lb = pf_sample_labels(p, 0, &nl);
    assert_int_equal(nl, 2);
    assert_string_equal(lb[0].str, "spin");     /* the last comm of pid */
    assert_int_equal(lb[1].num, 100);
    /* kernel frames in the kernel's mapping, then user */
    pf_sample_locations(p, 1, &n);
    assert_int_equal(n, 3);
    assert_int_equal(pf_sample_values(p, 1)[1], 500000);
    m = pf_profile_mapping(p, sloc(p, 1, 0)->mapping);
    assert_string_equal(m->file, "[kernel.kallsyms]");
    assert_int_equal(sloc(p, 1, 1)->address, 0xffffffff81000cff);
    /* main binary first, with its build id; libc's from the feature */
    m = pf_profile_mapping(p, 0);
    assert_string_equal(m->file, "/tmp/w/spin");
    assert_string_equal(m->build_id, "a21350c1ad20a469de0515d52a02a7449c90bb2f");
    assert_int_equal(m->start, 0x5600001000);
    assert_int_equal(m->limit, 0x5600002000);
    assert_int_equal(m->offset, 0x1000);
    for (i = 0; i < pf_profile_mapping_count(p); i++) {
        m = pf_profile_mapping(p, i);
        assert_int_equal(m->id, i + 1);
        if (strcmp(m->file, "/usr/lib/libc.so.6") == 0)
            assert_string_equal(m->build_id,
                                "93ac61ec00000000000000000000000000000000");
    }
}

static void test_perf_data__one_event(void **state)
{
    pfile pf;
    pf_profile *p;

    (void)state;
    one_event_file(&pf, false);
    p = read_ok(&pf);
    check_one_event(p);
    pf_profile_free(p);
    free(pf.f.p);
}

static void test_perf_data__big_endian(void **state)
{
    pfile pf;
    pf_profile *p;

    (void)state;
    one_event_file(&pf, true);
    p = read_ok(&pf);
    check_one_event(p);
    pf_profile_free(p);
    free(pf.f.p);
}

/* Two events, samples told apart by PERF_SAMPLE_IDENTIFIER, names from
 * HEADER_EVENT_DESC; no call chains. */
static void test_perf_data__two_events(void **state)
{
    const uint64_t st = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP |
                        PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                        PERF_SAMPLE_PERIOD;
    const evdef ev[2] = {
        { PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 0, st, 7, "cycles:u" },
        { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 0, st, 9, NULL },
    };
    pfile pf;
    fb desc = { NULL, 0, 0, false };
    unsigned feat = 12;
    pf_profile *p;

    (void)state;
    file_begin(&pf, false, ev, 2);
    mmap2_rec(&pf, 5, 0x400000, 0x1000, 0, NULL, "/bin/app");
    sample_rec(&pf, st, 7, 0x400100, 5, 10, 1000, NULL, 0);
    sample_rec(&pf, st, 9, 0x400100, 5, 20, 250000, NULL, 0);
    sample_rec(&pf, st, 7, 0x400200, 5, 30, 3000, NULL, 0);
    data_end(&pf);
    /* event description: one entry (cycles:u), task-clock by default */
    U32(&desc, 1);
    U32(&desc, 120);
    {
        uint8_t attr[120] = { 0 };
        put(&desc, attr, sizeof(attr));
    }
    U32(&desc, 1);
    U32(&desc, 16);
    put(&desc, "cycles:u\0\0\0\0\0\0\0\0", 16);
    U64(&desc, 7);
    features(&pf, &feat, &desc, 1);
    free(desc.p);
    p = read_ok(&pf);
    fixture_assert_types(p, "cycles:u_sample/count cycles:u_event/count "
                            "task-clock_sample/count "
                            "task-clock_event/nanoseconds");
    assert_int_equal(pf_profile_sample_count(p), 2);
    assert_int_equal(pf_sample_values(p, 0)[0], 1);
    assert_int_equal(pf_sample_values(p, 0)[1], 1000);
    assert_int_equal(pf_sample_values(p, 0)[2], 1);
    assert_int_equal(pf_sample_values(p, 0)[3], 250000);
    assert_int_equal(pf_sample_values(p, 1)[1], 3000);
    assert_int_equal(pf_sample_values(p, 1)[3], 0);
    assert_string_equal(pf_profile_mapping(p, 0)->file, "/bin/app");
    pf_profile_free(p);
    free(pf.f.p);
}

static void test_perf_data__errors(void **state)
{
    pfile pf;
    uint8_t pipe[16];
    size_t cut;

    (void)state;
    one_event_file(&pf, false);
    /* a sample cut short: its size now runs past the data section */
    cut = pf.f.len;
    {
        uint8_t *copy = malloc(pf.f.len);
        uint64_t dsize;
        memcpy(copy, pf.f.p, pf.f.len);
        memcpy(&dsize, copy + 48, 8);
        dsize -= 8;             /* drop the last 8 bytes of data */
        memcpy(copy + 48, &dsize, 8);
        fixture_read_err(copy, cut, PF_EFORMAT,
                 "record size runs past the data section");
        /* compressed data */
        memcpy(&dsize, copy + 72, 8);
        dsize |= 1ull << 27;
        memcpy(copy + 72, &dsize, 8);
        fixture_read_err(copy, cut, PF_EUNSUPPORTED, "compressed data");
        /* data section beyond the file */
        fixture_read_err(copy, 200, PF_EFORMAT, "byte offset 40: data section "
                 "outside the file");
        free(copy);
    }
    /* a call chain longer than its record */
    {
        uint8_t *copy = malloc(pf.f.len);
        size_t k;
        memcpy(copy, pf.f.p, pf.f.len);
        for (k = 0; k + 8 <= pf.f.len; k++) {
            uint64_t v;
            memcpy(&v, copy + k, 8);
            if (v == 5 && k > 200) {    /* the first chain's nr */
                v = 500;
                memcpy(copy + k, &v, 8);
                break;
            }
        }
        fixture_read_err(copy, pf.f.len, PF_EFORMAT, "call chain runs past the "
                 "record");
        free(copy);
    }
    /* an attribute section with a bad entry size */
    {
        uint8_t *copy = malloc(pf.f.len);
        uint64_t v = 17;
        memcpy(copy, pf.f.p, pf.f.len);
        memcpy(copy + 16, &v, 8);
        fixture_read_err(copy, pf.f.len, PF_EFORMAT, "byte offset 16: bad attribute "
                 "section");
        free(copy);
    }
    /* pipe mode */
    memcpy(pipe, "PERFILE2", 8);
    memset(pipe + 8, 0, 8);
    pipe[8] = 16;
    fixture_read_err(pipe, sizeof(pipe), PF_EUNSUPPORTED, "pipe-mode");
    free(pf.f.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perf_data__one_event),
        cmocka_unit_test(test_perf_data__big_endian),
        cmocka_unit_test(test_perf_data__two_events),
        cmocka_unit_test(test_perf_data__errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
