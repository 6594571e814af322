/*
 * gperftools legacy CPU profile (docs/FORMATS.md 3.1, 4.6): binary words of
 * either size and byte order, then the /proc/self/maps text. Version 1
 * of the header is the Java variant (legacy_java.c).
 */
#include "legacy.h"

typedef struct wordfmt {
    unsigned size;
    bool big;
} wordfmt;

static uint64_t word(const uint8_t *b, wordfmt f)
{
    uint64_t v = 0;
    unsigned i;

    if (f.big) {
        for (i = 0; i < f.size; i++)
            v = (v << 8) | b[i];
    } else {
        for (i = f.size; i-- > 0;)
            v = (v << 8) | b[i];
    }
    return v;
}

/* 1 = C++, 2 = Java, 0 = not a CPU profile. */
static int detect(const uint8_t *buf, size_t len, wordfmt *f,
                  uint64_t *period)
{
    static const wordfmt fmts[4] = { { 4, false }, { 4, true },
                                     { 8, false }, { 8, true } };
    int i;

    for (i = 0; i < 4; i++) {
        wordfmt w = fmts[i];
        uint64_t h[5];
        int k;
        if (len < 5 * (size_t)w.size)
            continue;
        for (k = 0; k < 5; k++)
            h[k] = word(buf + k * w.size, w);
        if (h[0] == 0 && h[1] == 3 && h[3] > 0 && h[4] == 0 &&
            (h[2] == 0 || h[2] == 1)) {
            *f = w;
            *period = h[3];
            return h[2] == 0 ? 1 : 2;
        }
    }
    return 0;
}

/* Parse the records into B (with ADJUST, every frame but the leaf
 * minus one). *TAIL is set to the offset after the trailer (LEN if the
 * data ended without one). */
static int records(pf_lb *b, const uint8_t *buf, size_t len, wordfmt f,
                   int64_t period, bool adjust, size_t *tail)
{
    size_t off = 5 * (size_t)f.size, ws = f.size;
    int64_t vals[2];

    *tail = len;
    while (off < len) {
        uint64_t count, n, i;
        size_t rec = off;
        if (len - off < 2 * ws)
            return pf__error_set(PF_EFORMAT, "byte offset %zu: cpu profile "
                                 "record cut short (want count and depth)",
                                 rec);
        count = word(buf + off, f);
        n = word(buf + off + ws, f);
        off += 2 * ws;
        if (n > (len - off) / ws)
            return pf__error_set(PF_EFORMAT, "byte offset %zu: cpu profile "
                                 "record of %llu frames cut short (%zu bytes "
                                 "left)", rec, (unsigned long long)n,
                                 len - off);
        if (count == 0 && n == 1 && word(buf + off, f) == 0) {
            *tail = off + ws;
            return PF_OK;
        }
        if (count > (uint64_t)INT64_MAX ||
            (period > 0 && count > (uint64_t)INT64_MAX / (uint64_t)period))
            return pf__error_set(PF_EFORMAT, "byte offset %zu: absurd sample "
                                 "count %llu", rec,
                                 (unsigned long long)count);
        for (i = 0; i < n; i++) {
            uint64_t a = word(buf + off, f);
            off += ws;
            if (adjust && i > 0)
                a--;
            PF_TRY(pf__lb_push(b, a));
        }
        vals[0] = (int64_t)count;
        vals[1] = (int64_t)count * period;
        PF_TRY(pf__lb_sample(b, vals, NULL, 0));
    }
    return PF_OK;
}

/* Signal-frame stripping (docs/FORMATS.md 4.6), up to two rounds: if nearly
 * every sample has the same second frame, that frame is the signal
 * handler's and goes. */
static int strip_signal_frames(pf_lb *b)
{
    pf_profile *p = b->p;
    size_t nsamp = p->nsamples, margin = nsamp / 32, i, iter;
    uint32_t *cnt = NULL;
    int err = PF_OK;

    if (p->nlocations == 0)
        return PF_OK;
    cnt = pf__malloc(p->nlocations * sizeof(*cnt));
    PF_CHECK_ALLOC(cnt);
    for (iter = 0; iter < 2; iter++) {
        uint32_t hit = PF_NONE;
        memset(cnt, 0, p->nlocations * sizeof(*cnt));
        for (i = 0; i < nsamp; i++) {
            const pf_sample *s = &p->samples[i];
            if (s->nloc > 1) {
                uint32_t l = p->stack[s->loc_off + 1];
                if (++cnt[l] >= nsamp - margin && hit == PF_NONE)
                    hit = l;
            }
        }
        if (hit == PF_NONE)
            continue;
        for (i = 0; i < nsamp; i++) {
            pf_sample *s = &p->samples[i];
            uint32_t *st = p->stack + s->loc_off;
            if (s->nloc > 1 && st[1] == hit) {
                memmove(st + 1, st + 2, (s->nloc - 2) * sizeof(*st));
                s->nloc--;
            }
        }
    }
    pf__free(cnt);
    return err;
}

int pf__read_gperf_cpu(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur maps;
    wordfmt f;
    uint64_t us;
    int64_t period;
    size_t tail = len;
    int kind, err;

    *out = NULL;
    kind = detect(buf, len, &f, &us);
    if (kind == 0)
        return PF_ENOTFOUND;
    if (us > (uint64_t)INT64_MAX / 1000)
        return pf__error_set(PF_EFORMAT, "cpu profile: absurd sampling "
                             "period %llu us", (unsigned long long)us);
    period = (int64_t)us * 1000;
    PF_TRY(pf__lb_init(&b, opts));
    if ((err = pf_profile_add_sample_type(b.p, "samples", "count")) < 0 ||
        (err = pf_profile_add_sample_type(b.p, "cpu", "nanoseconds")) < 0 ||
        (err = pf_profile_set_period_type(b.p, "cpu", "nanoseconds")) < 0)
        goto done;
    pf_profile_set_period(b.p, period);
    if (kind == 2) {
        /* Java: no address adjustment, no frame cleanups; the tail
         * names each address instead of mapping it. */
        if ((err = records(&b, buf, len, f, period, false, &tail)) < 0)
            goto done;
        pf__lcur_init(&maps, buf + tail, len - tail, 0);
        if ((err = pf__java_locations(&b, &maps)) < 0 ||
            (err = pf__lb_finish(&b, NULL)) < 0)
            goto done;
        pf__java_zero_addresses(&b);
        *out = pf__lb_take(&b);
        goto done;
    }
    if ((err = records(&b, buf, len, f, period, true, &tail)) < 0 ||
        (err = strip_signal_frames(&b)) < 0)
        goto done;
    pf__lcur_init(&maps, buf + tail, len - tail, 0);
    if ((err = pf__lb_finish(&b, &maps)) < 0)
        goto done;
    pf__lb_drop_duplicate_leaf(&b);
    *out = pf__lb_take(&b);
done:
    pf__lb_release(&b);
    return err;
}
