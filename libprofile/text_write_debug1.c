/*
 * Go debug=1 legacy text (docs/FORMATS.md 2.1-2.4): heap/allocs, count
 * profiles (goroutine, threadcreate, custom) and block/mutex
 * contention, written the way runtime/pprof writes them so that
 * `go tool pprof` reads back the values of the proto we started from.
 *
 * What cannot be kept is said in docs/FORMATS-CONVERSION.md; the
 * choices that matter for values:
 *  - heap: the proto carries unsampled values, the text raw sampled
 *    counts that readers unsample again (docs/FORMATS.md 4.3). We write the
 *    raw count that the reader's own formula maps back onto the
 *    proto's value (exact for profiles written by the Go runtime).
 *  - contention: cycles/second=1000000000, so a "cycle" is a
 *    nanosecond and delays survive exactly; sampling period=1 as the
 *    proto's values are already scaled.
 *  - `@` addresses are return addresses (location address + 1): every
 *    reader subtracts 1 again.
 */
#include "text_write.h"

#include <math.h>
#include <stdlib.h>

typedef struct d1 {
    const pf_profile *p;
    pf_tsink out;
    pf_tabw tw;
    uint64_t *addr;             /* per location, see pf__text_addresses */
    char *line;                 /* scratch for one output line */
    size_t line_cap;
    const pf__debug1_opts *o;   /* never NULL */
} d1;

static int find_type(const pf_profile *p, const char *type, const char *unit)
{
    size_t i;

    for (i = 0; i < p->nsample_types; i++)
        if (strcmp(p->sample_types[i].type, type) == 0 &&
            (!unit || strcmp(p->sample_types[i].unit, unit) == 0))
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Frame comment lines (2.1)                                           */

/* One comment line per logical frame, leaf first, inlined frames
 * innermost first, all with the location's PC. Unlike the runtime we
 * do not hide leading runtime.* frames (or runtime.goexit): these
 * lines are the only symbols the text carries, and our reader takes
 * them back from here. profile.proto keeps no function entry: the
 * offset comes from the caller (pf__debug1_opts, the capture module
 * reads the symbol tables), else it is written as 0. */
static int frame_lines(d1 *c, const uint32_t *locs, size_t n)
{
    const pf_profile *p = c->p;
    size_t i, j;

    if (n == 0) {
        /* Go's frame iterator yields one empty frame for an empty
         * stack: "#\t0x0". */
        return pf__tabw_write(&c->tw, "#\t0x0\n\n", 7);
    }
    for (i = 0; i < n; i++) {
        const pf_location *l = &p->locations[locs[i]];
        const pf_line *ln = pf__loc_lines(p, l);
        uint64_t pc = c->addr[locs[i]];
        uint64_t off = c->o->func_offset ? c->o->func_offset[locs[i]]
                                         : PF__NO_OFFSET;
        size_t nl = l->nline ? l->nline : 1;

        for (j = 0; j < nl; j++) {
            const pf_function *f =
                l->nline ? &p->functions[ln[j].function] : NULL;
            const char *name = f ? pf__func_display(p, ln[j].function) : NULL;
            size_t namel = name ? pf__strlen(name) : 0, filel, need;
            char *d;

            filel = f ? pf__strlen(f->filename) : 0;
            need = namel + filel + 64;
            PF_TRY(PF_VEC_RESERVE(c->line, c->line_cap, need));
            d = c->line;
            memcpy(d, "#\t0x", 4);
            d = pf__fmt_hex(d + 4, pc);
            if (namel) {
                *d++ = '\t';
                memcpy(d, name, namel);
                d += namel;
                memcpy(d, "+0x", 3);
                d = pf__fmt_hex(d + 3, off == PF__NO_OFFSET ? 0 : off);
                *d++ = '\t';
                memcpy(d, f->filename, filel);
                d += filel;
                *d++ = ':';
                d = pf__fmt_i64(d, ln[j].line);
            }
            *d++ = '\n';
            PF_TRY(pf__tabw_write(&c->tw, c->line, (size_t)(d - c->line)));
        }
    }
    return pf__tabw_write(&c->tw, "\n", 1);
}

/* " 0x..." for each location, as return addresses, and a newline. */
static int at_addresses(d1 *c, const uint32_t *locs, size_t n)
{
    size_t i;
    char *d;

    PF_TRY(PF_VEC_RESERVE(c->line, c->line_cap, 19 * n + 2));
    d = c->line;
    for (i = 0; i < n; i++) {
        memcpy(d, " 0x", 3);
        d = pf__fmt_hex(d + 3, c->addr[locs[i]] + 1);
    }
    *d++ = '\n';
    return pf__tabw_write(&c->tw, c->line, (size_t)(d - c->line));
}

/* ------------------------------------------------------------------ */
/* heap / allocs (2.2)                                                 */

/* The reader's unsampling (docs/FORMATS.md 4.3). */
static void unsample(int64_t c, int64_t s, int64_t rate, int64_t *oc,
                     int64_t *os)
{
    double avg, scale;

    if (c == 0 || s == 0) {
        *oc = *os = 0;
        return;
    }
    if (rate <= 1) {
        *oc = c, *os = s;
        return;
    }
    avg = (double)s / (double)c;
    scale = 1 / (1 - exp(-avg / (double)rate));
    *oc = (int64_t)((double)c * scale);
    *os = (int64_t)((double)s * scale);
}

/* Raw (count, bytes) whose unsampling gives back (C1, S1). Go's heap
 * records hold objects of one size B (the `bytes` label), so raw bytes
 * are count × B and the count is the unique c with trunc(c × scale) =
 * C1: found exactly, except where float rounding makes no c hit. */
static void resample(int64_t c1, int64_t s1, int64_t rate, int64_t bsize,
                     int64_t *oc, int64_t *os)
{
    double scale;
    int64_t b, c0, c, k;

    if (c1 == 0) {
        /* Bytes without objects cannot be written (readers reject
         * "0: N"); nothing a reader could use is lost. */
        *oc = *os = 0;
        return;
    }
    if (rate <= 1 || s1 == 0) {
        *oc = c1, *os = s1;
        return;
    }
    b = bsize > 0 ? bsize : (int64_t)llround((double)s1 / (double)c1);
    if (b < 1)
        b = 1;
    scale = 1 / (1 - exp(-(double)b / (double)rate));
    c0 = (int64_t)llround((double)c1 / scale);
    for (k = -1; k <= 2; k++) {
        int64_t rc, rs;
        c = c0 + k;
        if (c < 1 || __builtin_mul_overflow(c, b, &rs))
            continue;
        unsample(c, rs, rate, &rc, &rs);
        if (rc == c1 && rs == s1) {
            *oc = c, *os = c * b;
            return;
        }
    }
    /* Values not written by the Go runtime (merged, scaled, ...):
     * the nearest raw pair. */
    *oc = c0 < 1 ? 1 : c0;
    *os = (int64_t)llround((double)s1 / scale);
    if (*os < 1)
        *os = 1;
}

typedef struct heaprec {
    int64_t v[4];               /* io, ib, ao, ab (raw) */
    uint32_t sample;
} heaprec;

static int cmp_heaprec(const void *a, const void *b)
{
    const heaprec *x = a, *y = b;

    if (x->v[1] != y->v[1])
        return x->v[1] > y->v[1] ? -1 : 1;
    return x->sample < y->sample ? -1 : x->sample > y->sample;
}

static int64_t bytes_label(const pf_profile *p, const pf_sample *s)
{
    const pf_label *l = pf__sample_labels(p, s);
    uint32_t i;

    for (i = 0; i < s->nlabel; i++)
        if (l[i].str[0] == '\0' && strcmp(l[i].key, "bytes") == 0)
            return l[i].num;
    return 0;
}

static int write_heap(d1 *c, int io, int ib, int ao, int ab)
{
    const pf_profile *p = c->p;
    int64_t rate = p->period > 0 ? p->period : 0, tot[4] = { 0, 0, 0, 0 };
    heaprec *r = NULL;
    size_t i, k;
    int err = PF_OK;

    if (rate > INT64_MAX / 2)
        return pf__error_set(PF_EUNSUPPORTED,
                             "heap sampling period %lld is too large for "
                             "the heap/R2 header", (long long)rate);
    if (p->nsamples &&
        !(r = pf__malloc(p->nsamples * sizeof(*r))))
        return pf__error_oom();
    for (i = 0; i < p->nsamples; i++) {
        const int64_t *v = pf__sample_vals(p, i);
        int64_t b = bytes_label(p, &p->samples[i]);
        int64_t vio = v[io], vib = v[ib];
        int64_t vao = ao >= 0 ? v[ao] : vio, vab = ab >= 0 ? v[ab] : vib;

        if (vao < 0 || vab < 0) {
            err = pf__error_set(PF_EUNSUPPORTED,
                                "sample %zu: negative allocation values "
                                "(a diff?) have no heap text form", i);
            goto done;
        }
        if ((vio < 0) != (vib < 0) && vio && vib) {
            err = pf__error_set(PF_EUNSUPPORTED,
                                "sample %zu: in-use objects and bytes of "
                                "opposite sign have no heap text form", i);
            goto done;
        }
        /* Negative in-use values (diffs) are written negated, as the
         * reader's formula is symmetric in sign. */
        if (vio < 0 || vib < 0) {
            resample(-vio, -vib, rate, b, &r[i].v[0], &r[i].v[1]);
            r[i].v[0] = -r[i].v[0], r[i].v[1] = -r[i].v[1];
        } else {
            resample(vio, vib, rate, b, &r[i].v[0], &r[i].v[1]);
        }
        resample(vao, vab, rate, b, &r[i].v[2], &r[i].v[3]);
        r[i].sample = (uint32_t)i;
        for (k = 0; k < 4; k++)
            if (__builtin_add_overflow(tot[k], r[i].v[k], &tot[k])) {
                err = pf__error_set(PF_ETOOBIG, "heap totals overflow");
                goto done;
            }
    }
    if (p->nsamples)
        qsort(r, p->nsamples, sizeof(*r), cmp_heaprec);
    if ((err = pf__tabw_printf(&c->tw,
                               "heap profile: %lld: %lld [%lld: %lld] @ "
                               "heap/%lld\n",
                               (long long)tot[0], (long long)tot[1],
                               (long long)tot[2], (long long)tot[3],
                               (long long)(2 * rate))) < 0)
        goto done;
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[r[i].sample];
        const uint32_t *locs = pf__sample_locs(p, s);

        if ((err = pf__tabw_printf(&c->tw, "%lld: %lld [%lld: %lld] @",
                                   (long long)r[i].v[0], (long long)r[i].v[1],
                                   (long long)r[i].v[2],
                                   (long long)r[i].v[3])) < 0 ||
            (err = at_addresses(c, locs, s->nloc)) < 0 ||
            (err = frame_lines(c, locs, s->nloc)) < 0)
            goto done;
    }
done:
    pf__free(r);
    return err;
}

/* ------------------------------------------------------------------ */
/* count profiles (2.3)                                                */

typedef struct qentry {
    size_t off, n;              /* a quoted "k":"v" inside the buffer */
} qentry;

static int cmp_qentry(const void *a, const void *b, void *ctx)
{
    const qentry *x = a, *y = b;
    const char *base = ctx;
    int r = memcmp(base + x->off, base + y->off, x->n < y->n ? x->n : y->n);

    return r ? r : (x->n < y->n ? -1 : x->n > y->n);
}

/* Append "\n# labels: {"k":"v", ...}" (entries sorted as strings, as
 * Go's labelMap.String) for the string labels of S, if any. Numeric
 * labels have no place in this format. */
static int labels_key(char **buf, size_t *len, size_t *cap,
                      const pf_profile *p, const pf_sample *s, char **qbuf,
                      size_t *qcap, qentry **ent, size_t *ecap)
{
    static const char head[] = "\n# labels: {";
    const pf_label *l = pf__sample_labels(p, s);
    size_t qlen = 0, ne = 0, i, need;

    for (i = 0; i < s->nlabel; i++)
        ne += l[i].str[0] != '\0';
    if (ne == 0)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(*ent, *ecap, ne));
    for (i = 0, ne = 0; i < s->nlabel; i++) {
        size_t start = qlen;
        if (l[i].str[0] == '\0')
            continue;
        PF_TRY(pf__go_quote(qbuf, &qlen, qcap, l[i].key,
                            pf__strlen(l[i].key)));
        PF_TRY(PF_VEC_RESERVE(*qbuf, *qcap, qlen + 1));
        (*qbuf)[qlen++] = ':';
        PF_TRY(pf__go_quote(qbuf, &qlen, qcap, l[i].str,
                            pf__strlen(l[i].str)));
        (*ent)[ne].off = start;
        (*ent)[ne].n = qlen - start;
        ne++;
    }
    qsort_r(*ent, ne, sizeof(**ent), cmp_qentry, *qbuf);
    need = *len + sizeof(head) - 1 + qlen + 2 * ne + 1;
    PF_TRY(PF_VEC_RESERVE(*buf, *cap, need));
    memcpy(*buf + *len, head, sizeof(head) - 1);
    *len += sizeof(head) - 1;
    for (i = 0; i < ne; i++) {
        if (i) {
            memcpy(*buf + *len, ", ", 2);
            *len += 2;
        }
        memcpy(*buf + *len, *qbuf + (*ent)[i].off, (*ent)[i].n);
        *len += (*ent)[i].n;
    }
    (*buf)[(*len)++] = '}';
    return PF_OK;
}

static int cmp_count(const void *a, const void *b, void *ctx)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const pf_keytab *kt = ctx;

    if (kt->sum[x] != kt->sum[y])
        return kt->sum[x] > kt->sum[y] ? -1 : 1;
    return pf__keytab_cmp(kt, x, y);
}

static int write_count(d1 *c)
{
    const pf_profile *p = c->p;
    const char *name = p->sample_types[0].type;
    pf_keytab kt;
    char *key = NULL, *qbuf = NULL;
    size_t kcap = 0, qcap = 0, ecap = 0, i, j, nord = 0;
    qentry *ent = NULL;
    uint32_t *ord = NULL;
    int64_t total = 0;
    int err = PF_OK;

    if (name[0] == '\0' || strpbrk(name, " \t\r\n\v\f"))
        return pf__error_set(PF_EUNSUPPORTED,
                             "count profile type '%s' cannot be a debug=1 "
                             "profile name (empty or has spaces)", name);
    pf__keytab_init(&kt);
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const uint32_t *locs = pf__sample_locs(p, s);
        int64_t v = pf__sample_vals(p, i)[0];
        size_t klen = 0;

        if (v < 0) {
            err = pf__error_set(PF_EUNSUPPORTED,
                                "sample %zu: negative count %lld (a diff?) "
                                "has no debug=1 text form", i, (long long)v);
            goto done;
        }
        if ((err = PF_VEC_RESERVE(key, kcap, 2 + 19 * (size_t)s->nloc)) < 0)
            goto done;
        key[klen++] = '@';
        for (j = 0; j < s->nloc; j++) {
            memcpy(key + klen, " 0x", 3);
            klen = (size_t)(pf__fmt_hex(key + klen + 3,
                                        c->addr[locs[j]] + 1) - key);
        }
        if ((err = labels_key(&key, &klen, &kcap, p, s, &qbuf, &qcap, &ent,
                              &ecap)) < 0 ||
            (err = pf__keytab_add(&kt, NULL, key, klen, v, (uint32_t)i)) < 0)
            goto done;
    }
    if (kt.n && !(ord = pf__malloc(kt.n * sizeof(*ord)))) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < kt.n; i++) {
        if (kt.sum[i] == 0)
            continue;   /* no stack was counted there */
        ord[nord++] = (uint32_t)i;
        if (__builtin_add_overflow(total, kt.sum[i], &total)) {
            err = pf__error_set(PF_ETOOBIG, "count total overflows");
            goto done;
        }
    }
    if (nord)
        qsort_r(ord, nord, sizeof(*ord), cmp_count, &kt);
    if ((err = pf__tabw_printf(&c->tw, "%s profile: total %lld\n", name,
                               (long long)total)) < 0)
        goto done;
    for (i = 0; i < nord; i++) {
        size_t klen;
        const char *k = pf__keytab_key(&kt, ord[i], &klen);
        const pf_sample *s = &p->samples[kt.first[ord[i]]];

        if ((err = pf__tabw_printf(&c->tw, "%lld ",
                                   (long long)kt.sum[ord[i]])) < 0 ||
            (err = pf__tabw_write(&c->tw, k, klen)) < 0 ||
            (err = pf__tabw_write(&c->tw, "\n", 1)) < 0 ||
            (err = frame_lines(c, pf__sample_locs(p, s), s->nloc)) < 0)
            goto done;
    }
done:
    pf__keytab_release(&kt);
    pf__free(key);
    pf__free(qbuf);
    pf__free(ent);
    pf__free(ord);
    return err;
}

/* ------------------------------------------------------------------ */
/* block / mutex (2.4)                                                 */

/* Go's block and mutex protos are identical in shape; the mutex
 * profile charges the unlocking stack, so its leaves are Unlock
 * functions ("--- mutex:"). Anything else is "--- contention:". */
static bool looks_like_mutex(const pf_profile *p)
{
    size_t i;
    bool named = false;

    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const pf_location *l;
        const char *name;

        if (s->nloc == 0)
            continue;
        l = &p->locations[pf__sample_locs(p, s)[0]];
        if (l->nline == 0)
            return false;
        name = pf__func_display(p, pf__loc_lines(p, l)[0].function);
        if (!strstr(name, "Unlock") && !strstr(name, "unlock"))
            return false;
        named = true;
    }
    return named;
}

typedef struct contrec {
    int64_t delay, count;
    uint32_t sample;
} contrec;

static int cmp_contrec(const void *a, const void *b)
{
    const contrec *x = a, *y = b;

    if (x->delay != y->delay)
        return x->delay > y->delay ? -1 : 1;
    return x->sample < y->sample ? -1 : x->sample > y->sample;
}

static int write_contention(d1 *c, int ic, int id)
{
    const pf_profile *p = c->p;
    bool mutex = c->o->contention == PF__D1_GUESS
                     ? looks_like_mutex(p)
                     : c->o->contention == PF__D1_MUTEX;
    int64_t period = mutex && c->o->mutex_period > 1 ? c->o->mutex_period : 1;
    contrec *r = NULL;
    size_t i;
    int err = PF_OK;

    if (p->nsamples && !(r = pf__malloc(p->nsamples * sizeof(*r))))
        return pf__error_oom();
    for (i = 0; i < p->nsamples; i++) {
        const int64_t *v = pf__sample_vals(p, i);
        if (v[ic] < 0 || v[id] < 0) {
            err = pf__error_set(PF_EUNSUPPORTED,
                                "sample %zu: negative contention values (a "
                                "diff?) have no debug=1 text form", i);
            goto done;
        }
        r[i].count = v[ic];
        r[i].delay = v[id];
        r[i].sample = (uint32_t)i;
        if (v[ic] % period || v[id] % period)
            period = 1;     /* not scaled by it: keep the values exact */
    }
    if (p->nsamples)
        qsort(r, p->nsamples, sizeof(*r), cmp_contrec);
    /* One "cycle" per nanosecond: delays convert back exactly. Values
     * are raw, the reader scales them by the sampling period. */
    if ((err = pf__tabw_printf(&c->tw, "--- %s:\ncycles/second=1000000000\n",
                               mutex ? "mutex" : "contention")) < 0 ||
        (mutex && (err = pf__tabw_printf(&c->tw, "sampling period=%lld\n",
                                         (long long)period)) < 0))
        goto done;
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[r[i].sample];
        const uint32_t *locs = pf__sample_locs(p, s);

        if ((err = pf__tabw_printf(&c->tw, "%lld %lld @",
                                   (long long)(r[i].delay / period),
                                   (long long)(r[i].count / period))) < 0 ||
            (err = at_addresses(c, locs, s->nloc)) < 0 ||
            (err = frame_lines(c, locs, s->nloc)) < 0)
            goto done;
    }
done:
    pf__free(r);
    return err;
}

/* ------------------------------------------------------------------ */

static void type_list(char *buf, size_t size, const pf_profile *p)
{
    size_t i, n = 0;

    buf[0] = '\0';
    for (i = 0; i < p->nsample_types && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s/%s", i ? ", " : "",
                              p->sample_types[i].type,
                              p->sample_types[i].unit);
}

int pf_profile_write_debug1(const pf_profile *p, pf_writer w)
{
    return pf__profile_write_debug1(p, w, NULL);
}

int pf__profile_write_debug1(const pf_profile *p, pf_writer w,
                             const pf__debug1_opts *o)
{
    static const pf__debug1_opts none = { NULL, PF__D1_GUESS, 1 };
    d1 c;
    int io, ib, ao, ab, ic, id, err;
    char types[160];

    io = find_type(p, "inuse_objects", "count");
    ib = find_type(p, "inuse_space", "bytes");
    if (io < 0 || ib < 0) {
        io = find_type(p, "objects", "count");
        ib = find_type(p, "space", "bytes");
    }
    ao = find_type(p, "alloc_objects", "count");
    ab = find_type(p, "alloc_space", "bytes");
    ic = find_type(p, "contentions", "count");
    id = find_type(p, "delay", NULL);

    memset(&c, 0, sizeof(c));
    c.p = p;
    c.o = o ? o : &none;
    if (!(io >= 0 && ib >= 0) && !(ic >= 0 && id >= 0)) {
        type_list(types, sizeof(types), p);
        if (find_type(p, "cpu", NULL) >= 0 ||
            strcmp(p->period_type.type, "cpu") == 0)
            return pf__error_set(PF_EUNSUPPORTED,
                                 "cpu profiles have no debug=1 text form");
        if (p->nsample_types != 1 ||
            strcmp(p->sample_types[0].unit, "count") != 0)
            return pf__error_set(PF_EUNSUPPORTED,
                                 "a profile of %s has no debug=1 text form "
                                 "(only heap, count and contention "
                                 "profiles have one)",
                                 p->nsample_types ? types : "no sample types");
    }
    if (!(io >= 0 && ib >= 0) && ic >= 0 && id >= 0 &&
        strcmp(p->sample_types[id].unit, "nanoseconds") != 0)
        return pf__error_set(PF_EUNSUPPORTED,
                             "contention delay in '%s' has no debug=1 form "
                             "(want nanoseconds)",
                             p->sample_types[id].unit);
    if ((ao >= 0) != (ab >= 0))
        ao = ab = -1;

    pf__tsink_init(&c.out, w);
    pf__tabw_init(&c.tw, &c.out);
    if ((err = pf__text_addresses(&c.addr, p)) < 0)
        goto done;
    if (io >= 0 && ib >= 0)
        err = write_heap(&c, io, ib, ao, ab);
    else if (ic >= 0 && id >= 0)
        err = write_contention(&c, ic, id);
    else
        err = write_count(&c);
    if (err == PF_OK)
        err = pf__tabw_flush(&c.tw);
done:
    pf__tabw_release(&c.tw);
    if (err < 0 && c.out.err == PF_OK)
        c.out.err = err;    /* drop pending output */
    {
        int ferr = pf__tsink_finish(&c.out);
        if (err == PF_OK)
            err = ferr;
    }
    pf__free(c.addr);
    pf__free(c.line);
    return err;
}
