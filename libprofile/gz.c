/*
 * gzip framing: inflate every member of a stream with a cap on the
 * output size (gzip bombs), deflate to a writer.
 *
 * Speed matters here more than anywhere else: on a 2M-sample profile
 * (~190 MB serialized) zlib's level-1 deflate alone took longer than
 * decoding and encoding the protobuf together. So:
 *
 *  - Inflating uses libdeflate, about twice as fast as zlib's inflate.
 *    libdeflate wants a whole member and an output buffer big enough
 *    for it: we size the buffer from the gzip trailer (exact for the
 *    usual single-member file) or a ratio guess, and grow and redo the
 *    member when it does not fit. Whenever libdeflate rejects the data
 *    we run zlib's streaming inflate over it instead, which either
 *    decodes it (libdeflate is not more lenient than zlib, but we do
 *    not rely on that) or fails with a precise message and offset.
 *
 *  - Deflating (pf_gzw) cuts the stream into fixed GZ_CHUNK-byte
 *    pieces and compresses each as an independent gzip member with
 *    libdeflate (2-3x faster than zlib level 1, and smaller), on a
 *    small pool of threads. Readers must accept multi-member streams
 *    (RFC 1952, docs/FORMATS.md 1.1: Go's gzip.Reader, zlib, gzip(1) do).
 *    The chunk boundaries depend only on the byte stream and every
 *    member is compressed alone, so the output is the same bytes
 *    whatever the number of threads. The members are written in order,
 *    as soon as they are ready; memory is bounded by the ring of
 *    2 x threads chunk slots (2 MiB each).
 */
#include "internal.h"

#include <endian.h>
#include <libdeflate.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <zlib.h>

bool pf__is_gzip(const void *buf, size_t len)
{
    const unsigned char *b = buf;
    return len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

/* ------------------------------------------------------------------ */
/* Inflate                                                             */

/* Deflate's densest code: 258 bytes from a 2-bit distance and a length
 * code, 1032:1 on long runs (zlib's technical details). */
#define GZ_MAX_RATIO 1032u

static int too_big(uint64_t cap)
{
    return pf__error_limit(PF_LIMIT_INFLATED,
                           "decompressed data exceeds the limit of %llu bytes",
                           (unsigned long long)cap);
}

/* zlib's allocations go through ours (failure injection, the budget). */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    size_t n;

    PF_UNUSED(opaque);
    return pf__mul_ok(items, size, &n) ? pf__malloc(n) : NULL;
}

static void z_free(voidpf opaque, voidpf p)
{
    PF_UNUSED(opaque);
    pf__free(p);
}

/* zlib streaming inflate of all members: the slow path, used for its
 * precise errors when libdeflate refuses the data. */
static int gunzip_zlib(unsigned char **out, size_t *outlen, const void *buf,
                       size_t len, uint64_t cap)
{
    z_stream z;
    unsigned char *dst = NULL;
    size_t dcap, dlen = 0;
    int err = PF_OK, zr;

    memset(&z, 0, sizeof(z));
    z.zalloc = z_alloc;
    z.zfree = z_free;
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return pf__error_oom();
    /* A guess at the ratio; grows geometrically from there. */
    dcap = len < ((size_t)1 << 28) ? len * 4 + 1024 : len;
    if (dcap > cap)
        dcap = (size_t)cap + 1;
    dst = pf__malloc(dcap);
    if (!dst) {
        err = pf__error_oom();
        goto done;
    }
    z.next_in = (unsigned char *)(uintptr_t)buf;
    for (;;) {
        size_t avail_in = len - (size_t)((const unsigned char *)z.next_in -
                                         (const unsigned char *)buf);
        size_t chunk_in = avail_in > UINT32_MAX ? UINT32_MAX : avail_in;
        size_t room;

        if (dlen == dcap) {
            size_t ncap = dcap * 2;
            unsigned char *nd;
            if (dlen > cap) {
                err = too_big(cap);
                goto done;
            }
            if (ncap > cap + 1)
                ncap = (size_t)cap + 1;
            nd = pf__realloc(dst, ncap);
            if (!nd) {
                err = pf__error_oom();
                goto done;
            }
            dst = nd;
            dcap = ncap;
        }
        room = dcap - dlen;
        z.avail_in = (uInt)chunk_in;
        z.next_out = dst + dlen;
        z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        zr = inflate(&z, Z_NO_FLUSH);
        dlen = (size_t)(z.next_out - dst);
        if (dlen > cap) {
            err = too_big(cap);
            goto done;
        }
        if (zr == Z_STREAM_END) {
            size_t consumed = (size_t)((const unsigned char *)z.next_in -
                                       (const unsigned char *)buf);
            /* Another member follows? (skip trailing zero padding) */
            if (consumed + 2 <= len && pf__is_gzip(z.next_in, len - consumed)) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && avail_in == chunk_in) {
            err = pf__error_set(PF_EFORMAT,
                                "gzip: unexpected end of data at byte %zu",
                                len);
            goto done;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            err = pf__error_set(PF_EFORMAT, "gzip: %s at compressed byte %zu",
                                z.msg ? z.msg : "corrupt data",
                                (size_t)((const unsigned char *)z.next_in -
                                         (const unsigned char *)buf));
            goto done;
        }
    }
    *out = dst;
    *outlen = dlen;
    dst = NULL;
done:
    inflateEnd(&z);
    pf__free(dst);
    return err;
}

int pf__gunzip(unsigned char **out, size_t *outlen, const void *buf,
               size_t len, uint64_t cap)
{
    const unsigned char *in = buf;
    struct libdeflate_decompressor *d = NULL;
    unsigned char *dst = NULL;
    size_t dcap, dlen = 0, pos = 0, limit;
    uint32_t isize = 0;
    int err = PF_OK;

    *out = NULL;
    *outlen = 0;
    if (cap == 0)
        cap = PF_MAX_INFLATED_DEFAULT;
    limit = cap >= SIZE_MAX ? SIZE_MAX : (size_t)cap + 1;
    if (len < 18)   /* shorter than any member: let zlib say why */
        return gunzip_zlib(out, outlen, buf, len, cap);
    /* The trailer's ISIZE is the size (mod 2^32) of the last member:
     * the exact total for a single-member file. Otherwise (or if it is
     * implausibly small, or more than deflate's best ratio, about
     * 1032:1, allows: a truncated or forged trailer must not make us
     * allocate gigabytes up front) guess from the compressed size. */
    memcpy(&isize, in + len - 4, 4);
    isize = le32toh(isize);
    dcap = isize >= len / 2 && isize / GZ_MAX_RATIO <= len
               ? (size_t)isize + 1
               : len * 3 + 1024;
    if (dcap > limit)
        dcap = limit;
    d = libdeflate_alloc_decompressor();
    dst = pf__malloc(dcap);
    if (!d || !dst) {
        err = pf__error_oom();
        goto done;
    }
    for (;;) {
        size_t used_in = 0, got = 0;
        enum libdeflate_result r;

        r = libdeflate_gzip_decompress_ex(d, in + pos, len - pos, dst + dlen,
                                          dcap - dlen, &used_in, &got);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
            /* Grow and redo this member (whole members only: the
             * redone work is at most what the buffer held so far). */
            size_t ncap = dcap > limit / 2 ? limit : dcap * 2;
            unsigned char *nd;
            if (dcap >= limit) {
                err = too_big(cap);
                goto done;
            }
            nd = pf__realloc(dst, ncap);
            if (!nd) {
                err = pf__error_oom();
                goto done;
            }
            dst = nd;
            dcap = ncap;
            continue;
        }
        if (r != LIBDEFLATE_SUCCESS) {
            /* Corrupt or truncated: zlib gives the precise error. */
            pf__free(dst);
            dst = NULL;
            err = gunzip_zlib(out, outlen, buf, len, cap);
            goto done;
        }
        dlen += got;
        pos += used_in;
        if (dlen > cap) {
            err = too_big(cap);
            goto done;
        }
        /* Another member follows? (trailing bytes that are not a gzip
         * header, e.g. zero padding, are ignored) */
        if (!(pos + 2 <= len && pf__is_gzip(in + pos, len - pos)))
            break;
    }
    *out = dst;
    *outlen = dlen;
    dst = NULL;
done:
    libdeflate_free_decompressor(d);
    pf__free(dst);
    return err;
}

/* ------------------------------------------------------------------ */
/* Deflate: parallel gzip members                                      */

#define GZ_MAX_THREADS 8

enum { SLOT_FREE, SLOT_QUEUED, SLOT_BUSY, SLOT_DONE };

typedef struct gz_slot {
    unsigned char *in;      /* GZ_CHUNK bytes */
    size_t in_len;
    unsigned char *out;     /* gzw->out_bound bytes */
    size_t out_len;         /* 0 = compression failed */
    int state;
} gz_slot;

struct pf_gzw {
    pf_writer w;
    int level;
    unsigned nthreads;      /* including the caller's thread */
    size_t chunk, out_bound;
    struct libdeflate_compressor *comp;     /* the caller's thread's */
    gz_slot *slots;
    unsigned nslots;
    /* Chunks are numbered in stream order. Slot of chunk n: n % nslots.
     * next_write <= next_take <= next_fill, next_fill - next_write <
     * nslots; chunk next_fill is the one being filled (by the caller),
     * [next_take, next_fill) are queued, [next_write, next_take) busy
     * or done. */
    uint64_t next_fill, next_take, next_write;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    bool sync_init;
    pthread_t tids[GZ_MAX_THREADS];
    unsigned nworkers;
    bool stop;
    int err;                /* sticky: first failure */
};

static unsigned online_cpus(void)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static void compress_slot(struct libdeflate_compressor *c, gz_slot *s,
                          size_t bound)
{
    s->out_len = libdeflate_gzip_compress(c, s->in, s->in_len, s->out, bound);
}

static gz_slot *slot_of(pf_gzw *g, uint64_t n)
{
    return &g->slots[n % g->nslots];
}

static void *worker_main(void *arg)
{
    pf_gzw *g = arg;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(g->level);

    if (!c)
        return NULL;        /* the caller's thread does the work */
    pthread_mutex_lock(&g->mu);
    for (;;) {
        gz_slot *s;
        while (!g->stop && g->next_take == g->next_fill)
            pthread_cond_wait(&g->work_cv, &g->mu);
        if (g->stop)
            break;
        s = slot_of(g, g->next_take++);
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&g->mu);
        compress_slot(c, s, g->out_bound);
        pthread_mutex_lock(&g->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&g->done_cv);
    }
    pthread_mutex_unlock(&g->mu);
    libdeflate_free_compressor(c);
    return NULL;
}

static void start_workers(pf_gzw *g)
{
    while (g->nworkers + 1 < g->nthreads) {
        if (pthread_create(&g->tids[g->nworkers], NULL, worker_main, g) != 0)
            break;          /* fewer threads: still correct */
        g->nworkers++;
    }
}

static void stop_workers(pf_gzw *g)
{
    unsigned i;

    if (!g->nworkers)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_broadcast(&g->work_cv);
    pthread_mutex_unlock(&g->mu);
    for (i = 0; i < g->nworkers; i++)
        pthread_join(g->tids[i], NULL);
    g->nworkers = 0;
}

/* Write out the oldest chunk, compressing queued chunks on this thread
 * while it is not done (so the caller's thread is never idle). */
static int write_oldest(pf_gzw *g)
{
    gz_slot *s = slot_of(g, g->next_write);

    if (g->nworkers) {
        pthread_mutex_lock(&g->mu);
        while (s->state != SLOT_DONE) {
            if (g->next_take < g->next_fill) {
                gz_slot *t = slot_of(g, g->next_take++);
                t->state = SLOT_BUSY;
                pthread_mutex_unlock(&g->mu);
                compress_slot(g->comp, t, g->out_bound);
                pthread_mutex_lock(&g->mu);
                t->state = SLOT_DONE;
            } else {
                pthread_cond_wait(&g->done_cv, &g->mu);
            }
        }
        pthread_mutex_unlock(&g->mu);
    } else if (s->state != SLOT_DONE) {
        /* No workers: chunks are compressed in order, right here. */
        g->next_take++;
        compress_slot(g->comp, s, g->out_bound);
        s->state = SLOT_DONE;
    }
    if (s->out_len == 0)
        return g->err = pf__error_set(PF_EIO, "deflate failed");
    if ((g->err = pf__write(g->w, s->out, s->out_len)) < 0)
        return g->err;
    s->state = SLOT_FREE;
    s->in_len = 0;
    g->next_write++;
    return PF_OK;
}

static bool oldest_done(pf_gzw *g)
{
    bool done;

    pthread_mutex_lock(&g->mu);
    done = g->next_write < g->next_take &&
           slot_of(g, g->next_write)->state == SLOT_DONE;
    pthread_mutex_unlock(&g->mu);
    return done;
}

/* Queue the chunk being filled and make room for the next one. Workers
 * start with the first full chunk, so small outputs (one chunk, LAST)
 * never create threads. */
static int submit(pf_gzw *g, bool last)
{
    if (g->nthreads > 1 && g->nworkers == 0 && g->next_fill == 0 && !last)
        start_workers(g);
    if (g->nworkers) {
        pthread_mutex_lock(&g->mu);
        slot_of(g, g->next_fill)->state = SLOT_QUEUED;
        g->next_fill++;
        pthread_cond_signal(&g->work_cv);
        pthread_mutex_unlock(&g->mu);
        /* Stream out whatever is ready, then wait only if the ring is
         * full. */
        while (oldest_done(g))
            PF_TRY(write_oldest(g));
    } else {
        slot_of(g, g->next_fill)->state = SLOT_QUEUED;
        g->next_fill++;
    }
    while (g->next_fill - g->next_write >= g->nslots)
        PF_TRY(write_oldest(g));
    return PF_OK;
}

void pf__gzw_free(pf_gzw *g)
{
    unsigned i;

    if (!g)
        return;
    stop_workers(g);
    if (g->sync_init) {
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->work_cv);
        pthread_cond_destroy(&g->done_cv);
    }
    if (g->slots) {
        for (i = 0; i < g->nslots; i++) {
            pf__free(g->slots[i].in);
            pf__free(g->slots[i].out);
        }
    }
    pf__free(g->slots);
    libdeflate_free_compressor(g->comp);
    pf__free(g);
}

int pf__gzw_new(pf_gzw **out, pf_writer w, int level, unsigned threads,
                size_t chunk)
{
    pf_gzw *g;
    unsigned i;
    int err = PF_OK;

    *out = NULL;
    if (level < 1 || level > 9)
        return pf__error_set(PF_EINVAL, "gzip level %d not in 1..9", level);
    if (threads == 0)
        threads = online_cpus();
    if (threads > GZ_MAX_THREADS)
        threads = GZ_MAX_THREADS;
    g = pf__calloc(1, sizeof(*g));
    PF_CHECK_ALLOC(g);
    g->w = w;
    g->level = level;
    g->nthreads = threads;
    g->chunk = chunk ? chunk : PF_GZ_CHUNK;
    g->comp = libdeflate_alloc_compressor(level);
    if (!g->comp) {
        err = pf__error_oom();
        goto done;
    }
    g->out_bound = libdeflate_gzip_compress_bound(g->comp, g->chunk);
    /* Two slots per thread: one being compressed, one waiting. */
    g->nslots = threads > 1 ? 2 * threads : 1;
    g->slots = pf__calloc(g->nslots, sizeof(*g->slots));
    if (!g->slots) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < g->nslots; i++) {
        g->slots[i].in = pf__malloc(g->chunk);
        g->slots[i].out = pf__malloc(g->out_bound);
        if (!g->slots[i].in || !g->slots[i].out) {
            err = pf__error_oom();
            goto done;
        }
    }
    if (threads > 1) {
        if (pthread_mutex_init(&g->mu, NULL) != 0) {
            err = pf__error_oom();
            goto done;
        }
        if (pthread_cond_init(&g->work_cv, NULL) != 0) {
            pthread_mutex_destroy(&g->mu);
            err = pf__error_oom();
            goto done;
        }
        if (pthread_cond_init(&g->done_cv, NULL) != 0) {
            pthread_cond_destroy(&g->work_cv);
            pthread_mutex_destroy(&g->mu);
            err = pf__error_oom();
            goto done;
        }
        g->sync_init = true;
    }
    *out = g;
    g = NULL;
done:
    pf__gzw_free(g);
    return err;
}

int pf__gzw_write(pf_gzw *g, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    if (g->err < 0)
        return g->err;
    while (len) {
        gz_slot *s = slot_of(g, g->next_fill);
        size_t n = g->chunk - s->in_len;
        if (n > len)
            n = len;
        memcpy(s->in + s->in_len, p, n);
        s->in_len += n;
        p += n;
        len -= n;
        if (s->in_len == g->chunk)
            PF_TRY(submit(g, false));
    }
    return PF_OK;
}

int pf__gzw_finish(pf_gzw *g)
{
    if (g->err < 0)
        return g->err;
    /* The last, partial chunk; an empty stream still gets one (empty)
     * member, so the output is always valid gzip. */
    if (slot_of(g, g->next_fill)->in_len > 0 || g->next_fill == 0)
        PF_TRY(submit(g, true));
    while (g->next_write < g->next_fill)
        PF_TRY(write_oldest(g));
    stop_workers(g);
    return PF_OK;
}

int pf__gzip_write(pf_writer w, const void *buf, size_t len, int level)
{
    pf_gzw *g = NULL;
    int err;

    if (level <= 0 || level > 9)
        level = 1;
    if ((err = pf__gzw_new(&g, w, level, 0, 0)) < 0)
        return err;
    if ((err = pf__gzw_write(g, buf, len)) >= 0)
        err = pf__gzw_finish(g);
    pf__gzw_free(g);
    return err;
}
