/*
 * Thread profile text, "threadz" (docs/FORMATS.md 3.4): one sample per
 * thread, "[same as previous thread]" adding to the previous sample.
 * Like the reference, a file that does not end with a terminator line
 * is not a thread profile.
 */
#include "legacy.h"

/* --- threadz \d+ --- (searched) */
static bool threadz_start(const char *s, size_t n)
{
    const char *e = s + n, *h;
    size_t off = 0;

    while ((h = pf__lfind(s + off, n - off, "--- threadz ")) != NULL) {
        const char *t = h + 12, *d = t;
        while (t < e && pf__ldigit(*t))
            t++;
        if (t > d && e - t >= 4 && memcmp(t, " ---", 4) == 0)
            return true;
        off = (size_t)(h - s) + 1;
    }
    return false;
}

/* "--- Thread XHEX (name: NAME/TID) stack: ---" (searched) */
static bool thread_start(const char *s, size_t n)
{
    const char *e = s + n, *h;
    size_t off = 0;

    while ((h = pf__lfind(s + off, n - off, "--- Thread ")) != NULL) {
        const char *t = h + 11, *x = t, *end;
        off = (size_t)(h - s) + 1;
        while (t < e && pf__lhexval(*t) >= 0)
            t++;
        if (t == x || e - t < 8 || memcmp(t, " (name: ", 8) != 0)
            continue;
        t += 8;
        /* (.*) is greedy: any later "/DIGITS) stack: ---" will do. */
        for (end = e; end > t;) {
            const char *m = pf__lfind(t, (size_t)(end - t), ") stack: ---");
            const char *d;
            if (!m)
                break;
            d = m;
            while (d > t && pf__ldigit(d[-1]))
                d--;
            if (d < m && d > t && d[-1] == '/')
                return true;
            t = m + 1;
        }
    }
    return false;
}

int pf__read_threadz(pf_profile **out, const uint8_t *buf, size_t len,
                     const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur c;
    pf_profile *p;
    int err, r;
    const char *line;
    size_t llen, lno;

    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    while ((r = pf__lcur_next(&c)) > 0 &&
           pf__lspace_or_comment(c.line, c.len))
        ;
    if (r <= 0)
        return PF_ENOTFOUND;
    if (threadz_start(c.line, c.len)) {
        while ((r = pf__lcur_next(&c)) > 0) {
            if (pf__lis_maps_sentinel(c.line, c.len) ||
                (c.len && c.line[0] == '-'))
                break;
        }
        if (r < 0)
            return r;
        if (r == 0)
            return PF_ENOTFOUND;
    } else if (!thread_start(c.line, c.len)) {
        return PF_ENOTFOUND;
    }
    PF_TRY(pf__lb_init(&b, opts));
    p = b.p;
    if ((err = pf_profile_add_sample_type(p, "thread", "count")) < 0 ||
        (err = pf_profile_set_period_type(p, "thread", "count")) < 0)
        goto done;
    pf_profile_set_period(p, 1);
    line = c.line;
    llen = c.len;
    lno = c.lineno;
    while (!pf__lis_maps_sentinel(line, llen)) {
        bool same = false;
        size_t ntok = 0;

        if (pf__lstarts(line, llen, "---- no stack trace for")) {
            break;
        }
        if (!thread_start(line, llen)) {
            err = pf__error_set(PF_EFORMAT, "line %zu: expected '--- Thread "
                                "ID (name: NAME/TID) stack: ---' or a memory "
                                "map", lno);
            goto done;
        }
        b.nstk = 0;
        for (;;) {
            const char *s;
            size_t n, before;
            if ((r = pf__lcur_next(&c)) < 0) {
                err = r;
                goto done;
            }
            if (r == 0) {
                err = pf__error_set(PF_EFORMAT, "line %zu: thread profile "
                                    "ends without a memory map or "
                                    "'---- no stack trace for' line",
                                    c.lineno);
                goto done;
            }
            s = c.line;
            n = c.len;
            pf__ltrim(&s, &n);
            if (n == 0)
                continue;
            if (pf__lstarts(s, n, "---")) {
                line = s;
                llen = n;
                lno = c.lineno;
                break;
            }
            if (pf__lfind(s, n, "same as previous thread")) {
                same = true;
                continue;
            }
            before = b.nstk;
            if ((err = pf__lb_hex_tokens(&b, s, n, c.lineno,
                                         ntok ? 0 : 1)) < 0)
                goto done;
            ntok += b.nstk - before;
        }
        if (same || b.nstk == 0) {
            b.nstk = 0;
            if (p->nsamples)
                p->values[(p->nsamples - 1) * p->nsample_types]++;
            continue;
        }
        {
            int64_t one = 1;
            if ((err = pf__lb_sample(&b, &one, NULL, 0)) < 0)
                goto done;
        }
    }
    if ((r = pf__lcur_seek_maps(&c)) < 0) {
        err = r;
        goto done;
    }
    if ((err = pf__lb_finish(&b, r > 0 ? &c : NULL)) < 0)
        goto done;
    pf__lb_drop_duplicate_leaf(&b);
    *out = pf__lb_take(&b);
    err = PF_OK;
done:
    pf__lb_release(&b);
    return err;
}
