/*
 * Folded stacks (the flame-graph "collapsed" format): one line per
 * stack, "root;caller;...;leaf COUNT". The reference cannot read it.
 * Each frame becomes a function of that name and a location with one
 * line and no address; the profile has one sample type,
 * samples/count. Blank lines and '#' comment lines are skipped.
 *
 * Frames are interned once and mapped to their location through the
 * interned pointer, so a big file costs one hash lookup per frame.
 *
 * Lines have no length cap: a deep recursion folds into one long line
 * (5 MB is a 100,000-frame stack), and the work per line is linear.
 * Memory is bounded by the caller's budget and record cap.
 */
#include "legacy.h"

/* Split "STACK COUNT": COUNT is the last blank-separated token. */
static bool split(const char *s, size_t n, size_t *stack_len, int64_t *count,
                  bool *count_bad)
{
    size_t i = n;

    *count_bad = false;
    while (i > 0 && !pf__lspace(s[i - 1]))
        i--;
    if (i == 0 || i == n)
        return false;
    if (!pf__lparse_i64(s + i, n - i, false, count)) {
        size_t k;
        for (k = i; k < n && pf__ldigit(s[k]); k++)
            ;
        *count_bad = k == n;    /* digits, but too big */
        return false;
    }
    *stack_len = i - 1;
    while (*stack_len && pf__lspace(s[*stack_len - 1]))
        (*stack_len)--;
    return *stack_len > 0;
}

int pf__read_folded(pf_profile **out, const uint8_t *buf, size_t len,
                    const pf_decode_opts *opts)
{
    pf_lcur c;
    pf_profile *p = NULL;
    pf_u64map frames;
    uint32_t *stk = NULL;
    size_t cap = 0, nstk, first = 0;
    int err = PF_OK, r;

    *out = NULL;
    pf__u64map_init(&frames);
    pf__lcur_init(&c, buf, len, 0);
    c.max_line = SIZE_MAX;
    /* Recognise: the first non-blank, non-comment line must parse. */
    while ((r = pf__lcur_next(&c)) > 0) {
        const char *s = c.line;
        size_t n = c.len, sl;
        int64_t v;
        bool bad;
        pf__ltrim(&s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        if (!split(s, n, &sl, &v, &bad))
            return PF_ENOTFOUND;
        first = c.lineno;
        break;
    }
    if (r <= 0 || first == 0)
        return PF_ENOTFOUND;
    p = pf_profile_new();
    PF_CHECK_ALLOC(p);
    if ((err = pf_profile_add_sample_type(p, "samples", "count")) < 0 ||
        (err = pf_profile_set_period_type(p, "samples", "count")) < 0)
        goto done;
    pf_profile_set_period(p, 1);
    pf__lcur_init(&c, buf, len, 0);
    c.max_line = SIZE_MAX;
    while ((r = pf__lcur_next(&c)) != 0) {
        const char *s = c.line, *e, *f;
        size_t n = c.len, sl;
        int64_t v;
        bool bad;

        if (r < 0) {
            err = r;
            goto done;
        }
        pf__ltrim(&s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        if (!split(s, n, &sl, &v, &bad)) {
            err = bad ? pf__error_set(PF_EFORMAT, "line %zu: count out of "
                                      "range", c.lineno)
                      : pf__error_set(PF_EFORMAT, "line %zu: expected "
                                      "'frame;frame;... COUNT'", c.lineno);
            goto done;
        }
        /* Frames root first; the sample wants leaf first. */
        nstk = 0;
        e = s + sl;
        while (e > s) {
            const char *fi;
            uint32_t loc;
            for (f = e; f > s && f[-1] != ';'; f--)
                ;
            if (f < e) {
                fi = pf_profile_intern_len(p, f, (size_t)(e - f));
                if (!fi) {
                    err = PF_ENOMEM;
                    goto done;
                }
                loc = pf__u64map_get(&frames, (uint64_t)(uintptr_t)fi);
                if (loc == PF_NONE) {
                    uint32_t fn;
                    pf_line ln = { 0, 0, 0 };
                    if ((err = pf_profile_add_function(&fn, p, fi, fi, "",
                                                       0)) < 0)
                        goto done;
                    ln.function = fn;
                    if ((err = pf_profile_add_location(&loc, p, PF_NONE, 0,
                                                       &ln, 1, false)) < 0 ||
                        (err = pf__u64map_put(&frames,
                                              (uint64_t)(uintptr_t)fi,
                                              loc)) < 0)
                        goto done;
                }
                if ((err = PF_VEC_RESERVE(stk, cap, nstk + 1)) < 0)
                    goto done;
                stk[nstk++] = loc;
            }
            e = f > s ? f - 1 : s;
        }
        if ((err = pf_profile_add_sample(p, stk, nstk, &v, NULL, 0)) < 0)
            goto done;
        if (opts && opts->max_records &&
            p->nsamples + p->nlocations > opts->max_records) {
            err = pf__error_limit(PF_LIMIT_RECORDS,
                                  "line %zu: more than %llu records",
                                  c.lineno,
                                  (unsigned long long)opts->max_records);
            goto done;
        }
    }
    *out = p;
    p = NULL;
done:
    pf_profile_free(p);
    pf__free(stk);
    pf__u64map_release(&frames);
    return err;
}
