/*
 * Heap profile text (docs/FORMATS.md 3.2, 4.2, 4.3): gperftools heapprofile,
 * tcmalloc heap_v2/heapz_v2, Go heap/allocs (debug=1, "@ heap/R2"),
 * growth and fragmentation. Go's "#\t0x..." frame comments symbolize
 * the locations; the "# runtime.MemStats" trailer is comments too.
 *
 * The hot loop handles one record line at a time without allocating:
 * numbers are scanned by hand and addresses go straight to the
 * builder's address map.
 */
#include "legacy.h"

#include <math.h>

typedef struct sv {
    const char *s;
    size_t n;
} sv;

static size_t spaces(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

static size_t digits(const char *s, size_t n, size_t i, bool neg_ok, sv *out)
{
    size_t j = i;

    if (neg_ok && j < n && s[j] == '-')
        j++;
    if (j >= n || !pf__ldigit(s[j]))
        return 0;
    while (j < n && pf__ldigit(s[j]))
        j++;
    out->s = s + i;
    out->n = j - i;
    return j;
}

/* " *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\]" at I; returns the end or 0. */
static size_t header_counts(const char *s, size_t n, size_t i, sv v[4])
{
    i = spaces(s, n, i);
    if (!(i = digits(s, n, i, false, &v[0])) || i >= n || s[i] != ':')
        return 0;
    i = spaces(s, n, i + 1);
    if (!(i = digits(s, n, i, false, &v[1])))
        return 0;
    i = spaces(s, n, i);
    if (i >= n || s[i] != '[')
        return 0;
    i = spaces(s, n, i + 1);
    if (!(i = digits(s, n, i, false, &v[2])) || i >= n || s[i] != ':')
        return 0;
    i = spaces(s, n, i + 1);
    if (!(i = digits(s, n, i, false, &v[3])))
        return 0;
    i = spaces(s, n, i);
    if (i >= n || s[i] != ']')
        return 0;
    return i + 1;
}

typedef enum hvariant { HV_NONE, HV_V2, HV_PROFILE, HV_HEAP, HV_FLAT } hvariant;

static bool sveq(sv a, sv b)
{
    return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

static bool sv_is(sv a, const char *lit)
{
    return a.n == strlen(lit) && memcmp(a.s, lit, a.n) == 0;
}

/* Recognise the first line. Returns HV_NONE when it is not a heap
 * header the reference accepts. */
static hvariant parse_header(const char *s, size_t n, int64_t *period,
                             bool *has_alloc)
{
    static const char tag[] = "heap profile:";
    const char *h;
    size_t off = 0, i;
    sv v[4], var, rate;
    int pass;

    /* heapHeaderRE first (any occurrence), then growth, fragmentation. */
    for (pass = 0; pass < 3; pass++) {
        for (off = 0; (h = pf__lfind(s + off, n - off, tag)) != NULL;
             off = (size_t)(h - s) + 1) {
            i = header_counts(s, n, (size_t)(h - s) + sizeof(tag) - 1, v);
            if (!i)
                continue;
            if (pass == 0) {
                i = spaces(s, n, i);
                if (i >= n || s[i] != '@')
                    continue;
                i = spaces(s, n, i + 1);
                if (n - i < 4 || memcmp(s + i, "heap", 4) != 0)
                    continue;
                var.s = s + i;
                for (i += 4; i < n && (s[i] == '_' || pf__ldigit(s[i]) ||
                                       (s[i] >= 'a' && s[i] <= 'z'));
                     i++)
                    ;
                var.n = (size_t)(s + i - var.s);
                if (i < n && s[i] == '/')
                    i++;
                rate.s = s + i;
                while (i < n && pf__ldigit(s[i]))
                    i++;
                rate.n = (size_t)(s + i - rate.s);
                *period = 0;
                if (rate.n && !pf__lparse_i64(rate.s, rate.n, false, period))
                    return HV_NONE;
                *has_alloc = (!sveq(v[2], v[0]) && !sv_is(v[2], "0")) ||
                             (!sveq(v[3], v[1]) && !sv_is(v[3], "0"));
                if (sv_is(var, "heapz_v2") || sv_is(var, "heap_v2"))
                    return HV_V2;
                if (sv_is(var, "heapprofile")) {
                    *period = 1;
                    return HV_PROFILE;
                }
                if (sv_is(var, "heap")) {
                    *period /= 2;
                    return HV_HEAP;
                }
                return HV_NONE;
            }
            if (n - i >= 3 && memcmp(s + i, " @ ", 3) == 0 &&
                pf__lstarts(s + i + 3, n - i - 3,
                            pass == 1 ? "growth" : "fragmentation")) {
                *period = 1;
                *has_alloc = false;
                return HV_FLAT;
            }
        }
    }
    return HV_NONE;
}

void pf__heap_unsample(int64_t *c, int64_t *s, int64_t rate)
{
    double avg, scale, x, y;

    if (*c == 0 || *s == 0) {
        *c = *s = 0;
        return;
    }
    if (rate <= 1)
        return;
    avg = (double)*s / (double)*c;
    scale = 1 / (1 - exp(-avg / (double)rate));
    x = (double)*c * scale;
    y = (double)*s * scale;
    /* float64 -> int64 as Go on amd64: out of range gives INT64_MIN. */
    *c = (x > -9.2233720368547758e18 && x < 9.2233720368547758e18)
             ? (int64_t)x : INT64_MIN;
    *s = (y > -9.2233720368547758e18 && y < 9.2233720368547758e18)
             ? (int64_t)y : INT64_MIN;
}

/* heapSampleRE, searched: (-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @
 * followed by the address text [ x0-9a-f]*. */
static bool match_sample(const char *s, size_t n, sv v[4], sv *addrs)
{
    size_t st = 0, i;

    while (st < n) {
        while (st < n && !pf__ldigit(s[st]) &&
               !(s[st] == '-' && st + 1 < n && pf__ldigit(s[st + 1])))
            st++;
        if (st >= n)
            return false;
        i = digits(s, n, st, true, &v[0]);
        if (i && i < n && s[i] == ':') {
            size_t j = spaces(s, n, i + 1);
            if ((j = digits(s, n, j, true, &v[1]))) {
                j = spaces(s, n, j);
                if (j < n && s[j] == '[') {
                    j = spaces(s, n, j + 1);
                    if ((j = digits(s, n, j, false, &v[2])) && j < n &&
                        s[j] == ':') {
                        j = spaces(s, n, j + 1);
                        if ((j = digits(s, n, j, false, &v[3]))) {
                            j = spaces(s, n, j);
                            if (n - j >= 3 && s[j] == ']' && s[j + 1] == ' ' &&
                                s[j + 2] == '@') {
                                size_t k = j + 3;
                                while (k < n &&
                                       (s[k] == ' ' || s[k] == 'x' ||
                                        pf__ldigit(s[k]) ||
                                        (s[k] >= 'a' && s[k] <= 'f')))
                                    k++;
                                addrs->s = s + j + 3;
                                addrs->n = k - j - 3;
                                return true;
                            }
                        }
                    }
                }
            }
        }
        /* Skip the rest of this digit run: no start inside it matches. */
        if (st < n && s[st] == '-')
            st++;
        while (st < n && pf__ldigit(s[st]))
            st++;
    }
    return false;
}

static int add_pair(size_t lineno, sv cs, sv ss, const char *what,
                    bool v2, int64_t rate, int64_t *vals, int64_t *bs)
{
    int64_t c, s;

    if (!pf__lparse_i64(cs.s, cs.n, true, &c) ||
        !pf__lparse_i64(ss.s, ss.n, true, &s))
        return pf__error_set(PF_EFORMAT, "line %zu: %s count or bytes out "
                             "of range", lineno, what);
    if (c == 0 && s != 0)
        return pf__error_set(PF_EFORMAT, "line %zu: %s count was 0 but %s "
                             "bytes was %lld", lineno, what, what,
                             (long long)s);
    if (c != 0) {
        *bs = c == -1 ? (int64_t)(0 - (uint64_t)s) : s / c;
        if (v2)
            pf__heap_unsample(&c, &s, rate);
    }
    vals[0] = c;
    vals[1] = s;
    return PF_OK;
}

int pf__read_heap_text(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur c;
    pf_profile *p;
    hvariant hv;
    int64_t period = 0, vals[4];
    bool has_alloc = false, v2;
    pf_label lab;
    int err, r;

    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    r = pf__lcur_next(&c);
    if (r <= 0)
        return r < 0 ? PF_ENOTFOUND : PF_ENOTFOUND;
    hv = parse_header(c.line, c.len, &period, &has_alloc);
    if (hv == HV_NONE)
        return PF_ENOTFOUND;
    v2 = hv == HV_V2 || hv == HV_HEAP;
    PF_TRY(pf__lb_init(&b, opts));
    p = b.p;
    if (has_alloc) {
        if ((err = pf_profile_add_sample_type(p, "alloc_objects", "count")) ||
            (err = pf_profile_add_sample_type(p, "alloc_space", "bytes")) ||
            (err = pf_profile_add_sample_type(p, "inuse_objects", "count")) ||
            (err = pf_profile_add_sample_type(p, "inuse_space", "bytes")))
            goto done;
    } else {
        if ((err = pf_profile_add_sample_type(p, "objects", "count")) ||
            (err = pf_profile_add_sample_type(p, "space", "bytes")))
            goto done;
    }
    if ((err = pf_profile_set_period_type(p, "space", "bytes")))
        goto done;
    pf_profile_set_period(p, period);
    lab.key = pf_profile_intern(p, "bytes");
    lab.str = lab.unit = p->empty;
    if (!lab.key) {
        err = PF_ENOMEM;
        goto done;
    }
    for (;;) {
        const char *s;
        size_t n;
        sv v[4], addrs;
        int64_t bs = 0;

        if ((r = pf__lcur_next(&c)) <= 0) {
            err = r;
            if (r < 0)
                goto done;
            break;
        }
        s = c.line;
        n = c.len;
        pf__ltrim(&s, &n);
        if (n == 0)
            continue;
        if (s[0] == '#') {
            if ((err = pf__lb_comment(&b, s, n)) < 0)
                goto done;
            continue;
        }
        if (pf__lis_maps_sentinel(s, n))
            break;
        if (!match_sample(s, n, v, &addrs)) {
            err = pf__error_set(PF_EFORMAT, "line %zu: expected a heap "
                                "record 'N: BYTES [N: BYTES] @ 0xADDR...'",
                                c.lineno);
            goto done;
        }
        if (has_alloc &&
            (err = add_pair(c.lineno, v[2], v[3], "allocation", v2, period,
                            vals, &bs)) < 0)
            goto done;
        if ((err = add_pair(c.lineno, v[0], v[1], "inuse", v2, period,
                            vals + (has_alloc ? 2 : 0), &bs)) < 0)
            goto done;
        if ((err = pf__lb_record_done(&b)) < 0 ||
            (err = pf__lb_hex_tokens(&b, addrs.s, addrs.n, c.lineno, 0)) < 0)
            goto done;
        /* Every record gets its block size, 0 for an all-zero record,
         * as the reference's parser gives it (its proto decoder later
         * drops a zero number, and so does ours). */
        lab.num = bs;
        if ((err = pf__lb_sample(&b, vals, &lab, 1)) < 0)
            goto done;
    }
    if ((err = pf__lb_record_done(&b)) < 0)
        goto done;
    if ((r = pf__lcur_seek_maps(&c)) < 0) {
        err = r;
        goto done;
    }
    if ((err = pf__lb_finish(&b, r > 0 ? &c : NULL)) < 0)
        goto done;
    *out = pf__lb_take(&b);
done:
    pf__lb_release(&b);
    return err;
}
