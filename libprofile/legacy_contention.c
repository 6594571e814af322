/*
 * Contention text (docs/FORMATS.md 2.4, 3.3, 4.5): Go block ("--- contention:")
 * and mutex ("--- mutex:") profiles, C++ "--- contentionz" with its
 * "key = value" header. Files whose header has a key the C++ reader
 * does not know (the Java variant's "format", "resolution") are left to
 * the Java reader, as the reference does.
 */
#include "legacy.h"

/* Go strconv.ParseInt(s, 0, 64) with an optional sign. */
static bool parse_signed0(const char *s, size_t n, int64_t *out)
{
    int64_t v;

    if (n && (s[0] == '-' || s[0] == '+')) {
        if (!pf__lparse_i64_base0(s + 1, n - 1, &v))
            return false;
        *out = s[0] == '-' ? -v : v;
        return true;
    }
    return pf__lparse_i64_base0(s, n, out);
}

/* contentionSampleRE, searched: (\d+) *(\d+) @ then [ x0-9a-f]*. */
static bool match_sample(const char *s, size_t n, const char **v1,
                         size_t *n1, const char **v2, size_t *n2,
                         const char **addrs, size_t *na)
{
    size_t st = 0, i, j, k;

    while (st < n) {
        while (st < n && !pf__ldigit(s[st]))
            st++;
        if (st >= n)
            return false;
        for (i = st; i < n && pf__ldigit(s[i]); i++)
            ;
        /* First try: the whole run, spaces, a second run, " @". */
        for (j = i; j < n && s[j] == ' '; j++)
            ;
        for (k = j; k < n && pf__ldigit(s[k]); k++)
            ;
        if (k > j && n - k >= 2 && s[k] == ' ' && s[k + 1] == '@') {
            *v1 = s + st;
            *n1 = i - st;
            *v2 = s + j;
            *n2 = k - j;
        } else if (i - st >= 2 && n - i >= 2 && s[i] == ' ' &&
                   s[i + 1] == '@') {
            /* Backtracking: the run's last digit is the second number. */
            *v1 = s + st;
            *n1 = i - st - 1;
            *v2 = s + i - 1;
            *n2 = 1;
            k = i;
        } else {
            st = i;
            continue;
        }
        for (j = k + 2; j < n && (s[j] == ' ' || s[j] == 'x' ||
                                  pf__ldigit(s[j]) ||
                                  (s[j] >= 'a' && s[j] <= 'f'));
             j++)
            ;
        *addrs = s + k + 2;
        *na = j - k - 2;
        return true;
    }
    return false;
}

int pf__read_contention(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur c;
    pf_profile *p;
    int64_t hz = 0, period = 1, dur = 0;
    bool have_line;
    int err, r;

    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    if (pf__lcur_next(&c) <= 0)
        return PF_ENOTFOUND;
    if (!pf__lstarts(c.line, c.len, "--- contentionz ") &&
        !pf__lstarts(c.line, c.len, "--- mutex:") &&
        !pf__lstarts(c.line, c.len, "--- contention:"))
        return PF_ENOTFOUND;
    /* Attributes. */
    have_line = false;
    while ((r = pf__lcur_next(&c)) > 0) {
        const char *s = c.line, *eq, *k, *v;
        size_t n = c.len, kn, vn;
        int64_t x;

        pf__ltrim(&s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        if (pf__lstarts(s, n, "---")) {
            have_line = true;
            break;
        }
        eq = memchr(s, '=', n);
        if (!eq) {
            have_line = true;
            break;
        }
        k = s;
        kn = (size_t)(eq - s);
        v = eq + 1;
        vn = n - kn - 1;
        pf__ltrim(&k, &kn);
        pf__ltrim(&v, &vn);
#define KEY(lit) (kn == sizeof(lit) - 1 && memcmp(k, lit, kn) == 0)
        if (KEY("cycles/second")) {
            if (!parse_signed0(v, vn, &x))
                return PF_ENOTFOUND;
            hz = x;
        } else if (KEY("sampling period")) {
            if (!parse_signed0(v, vn, &x))
                return PF_ENOTFOUND;
            period = x;
        } else if (KEY("ms since reset")) {
            if (!parse_signed0(v, vn, &x))
                return PF_ENOTFOUND;
            dur = (int64_t)((uint64_t)x * 1000000u);
        } else if (!KEY("discarded samples")) {
            return PF_ENOTFOUND;    /* "format", "resolution", unknown */
        }
#undef KEY
    }
    if (r < 0)
        return r;
    PF_TRY(pf__lb_init(&b, opts));
    p = b.p;
    if ((err = pf_profile_add_sample_type(p, "contentions", "count")) < 0 ||
        (err = pf_profile_add_sample_type(p, "delay", "nanoseconds")) < 0 ||
        (err = pf_profile_set_period_type(p, "contentions", "count")) < 0)
        goto done;
    pf_profile_set_period(p, period);
    pf_profile_set_duration(p, dur);
    while (have_line) {
        const char *s = c.line, *a1, *a2, *ad;
        size_t n = c.len, n1, n2, na;
        int64_t cyc, cnt, vals[2];

        pf__ltrim(&s, &n);
        if (pf__lstarts(s, n, "---"))
            break;
        if (n && s[0] == '#') {
            if ((err = pf__lb_comment(&b, s, n)) < 0)
                goto done;
        } else if (n) {
            if (!match_sample(s, n, &a1, &n1, &a2, &n2, &ad, &na)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: expected a record "
                                    "'CYCLES COUNT @ 0xADDR...'", c.lineno);
                goto done;
            }
            if (!pf__lparse_i64(a1, n1, false, &cyc) ||
                !pf__lparse_i64(a2, n2, false, &cnt)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: cycles or count "
                                    "out of range", c.lineno);
                goto done;
            }
            if (period > 0) {
                if (hz > 0) {
                    double ghz = (double)hz / 1e9;
                    double d = (double)cyc * (double)period / ghz;
                    cyc = (d > -9.2233720368547758e18 &&
                           d < 9.2233720368547758e18) ? (int64_t)d
                                                      : INT64_MIN;
                }
                cnt = (int64_t)((uint64_t)cnt * (uint64_t)period);
            }
            vals[0] = cnt;
            vals[1] = cyc;
            if ((err = pf__lb_record_done(&b)) < 0 ||
                (err = pf__lb_hex_tokens(&b, ad, na, c.lineno, 0)) < 0 ||
                (err = pf__lb_sample(&b, vals, NULL, 0)) < 0)
                goto done;
            }
        if ((r = pf__lcur_next(&c)) < 0) {
            err = r;
            goto done;
        }
        if (r == 0)
            break;
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
    err = PF_OK;
done:
    pf__lb_release(&b);
    return err;
}
