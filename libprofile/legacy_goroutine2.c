/*
 * Go goroutine dumps, debug=2 (docs/FORMATS.md 2.5). The reference cannot
 * read them; we make each goroutine one sample of goroutine/count,
 * symbolized from the text:
 *
 *  - "FUNC(ARGS)" + "\tFILE:LINE +0xOFF" is one physical frame; the
 *    "FUNC(...)" frames printed before it (no offset) are inlined into
 *    it and become its inline lines, innermost first. Locations have no
 *    address (the dump has only offsets) and no mapping.
 *  - The header "[STATE, N minutes, locked to thread]" gives the string
 *    label "state", the numeric label "wait" (unit "minutes") and
 *    "locked"="true"; "created by FUNC" gives the label "created_by"
 *    (it is the creator's frame, not part of this goroutine's stack,
 *    just as in the runtime's own goroutine profile).
 *  - "...additional frames elided..." (and Go >= 1.23's "...N frames
 *    elided..."), "[originating from goroutine N]" ancestor sections,
 *    Go >= 1.21 "created by F in goroutine N", headers with extra
 *    fields before the bracket ("goroutine 1 gp=0x... m=0 [running]:")
 *    and " fp=... sp=... pc=..." suffixes are tolerated.
 */
#include "legacy.h"

typedef struct g2 {
    pf_profile *p;
    uint32_t *stk;
    size_t nstk, stk_cap;
    pf_line *chain;         /* inline frames waiting for their physical */
    size_t nchain, chain_cap;
    pf_label lab[4];
    size_t nlab;
    bool in_g;              /* inside a goroutine block */
    bool ancestors;         /* skipping an ancestor section */
    bool after_created;     /* next line is the creator's file line */
    bool have_func;
    bool func_inline;
    const char *func;       /* pending function name (interned) */
    size_t lineno;
} g2;

/* "goroutine N ...[...]:" -> status text in *ST (without brackets). */
static bool header(const char *s, size_t n, const char **st, size_t *stn)
{
    const char *e = s + n, *t, *lb;

    if (!pf__lstarts(s, n, "goroutine "))
        return false;
    t = s + 10;
    if (t >= e || !pf__ldigit(*t))
        return false;
    while (t < e && pf__ldigit(*t))
        t++;
    if (e - t < 4 || e[-1] != ':' || e[-2] != ']')
        return false;
    lb = memchr(t, '[', (size_t)(e - t));
    if (!lb || lb > e - 2)
        return false;
    *st = lb + 1;
    *stn = (size_t)(e - 2 - (lb + 1));
    return true;
}

static int flush(g2 *g)
{
    int64_t one = 1;
    int err;

    if (!g->in_g)
        return PF_OK;
    err = pf_profile_add_sample(g->p, g->stk, g->nstk, &one, g->lab,
                                g->nlab);
    g->in_g = false;
    g->nstk = g->nchain = g->nlab = 0;
    g->have_func = g->after_created = g->ancestors = false;
    return err;
}

static int add_str_label(g2 *g, const char *key, const char *v, size_t vn)
{
    const char *iv;

    /* Empty values and NUL bytes do not survive profile.proto. */
    if (g->nlab >= 4 || vn == 0 || memchr(v, '\0', vn))
        return PF_OK;
    iv = pf_profile_intern_len(g->p, v, vn);
    PF_CHECK_ALLOC(iv);
    g->lab[g->nlab].key = key;
    g->lab[g->nlab].str = iv;
    g->lab[g->nlab].num = 0;
    g->lab[g->nlab].unit = "";
    g->nlab++;
    return PF_OK;
}

static int start(g2 *g, const char *st, size_t stn)
{
    const char *e = st + stn, *part = st, *comma;
    int idx = 0;

    g->in_g = true;
    while (part <= e) {
        size_t pn;
        comma = pf__lfind(part, (size_t)(e - part), ", ");
        pn = comma ? (size_t)(comma - part) : (size_t)(e - part);
        if (idx == 0) {
            if (pn >= 7 && memcmp(part + pn - 7, " (scan)", 7) == 0)
                pn -= 7;
            PF_TRY(add_str_label(g, "state", part, pn));
        } else if (pn > 8 && memcmp(part + pn - 8, " minutes", 8) == 0) {
            int64_t m;
            if (pf__lparse_i64(part, pn - 8, false, &m) && m != 0 &&
                g->nlab < 4) {
                g->lab[g->nlab].key = "wait";
                g->lab[g->nlab].str = "";
                g->lab[g->nlab].num = m;
                g->lab[g->nlab].unit = "minutes";
                g->nlab++;
            }
        } else if (pn == 16 && memcmp(part, "locked to thread", 16) == 0) {
            PF_TRY(add_str_label(g, "locked", "true", 4));
        }
        idx++;
        if (!comma)
            break;
        part = comma + 2;
    }
    return PF_OK;
}

/* "\tFILE:LINE[ +0xOFF][ fp=...]" */
static void file_line(const char *s, size_t n, const char **file, size_t *fn,
                      int64_t *line)
{
    const char *e, *c, *cut;

    while (n && (*s == '\t' || *s == ' ')) {
        s++;
        n--;
    }
    e = s + n;
    if ((cut = pf__lfind(s, n, " +0x")) != NULL)
        e = cut;
    if ((cut = pf__lfind(s, (size_t)(e - s), " fp=")) != NULL)
        e = cut;
    while (e > s && pf__lspace(e[-1]))
        e--;
    *line = 0;
    for (c = e; c > s && pf__ldigit(c[-1]); c--)
        ;
    if (c < e && c > s && c[-1] == ':' &&
        pf__lparse_i64(c, (size_t)(e - c), false, line)) {
        *file = s;
        *fn = (size_t)(c - 1 - s);
    } else {
        *file = s;
        *fn = (size_t)(e - s);
    }
}

static int frame_file(g2 *g, const char *s, size_t n)
{
    const char *file;
    size_t fn;
    int64_t line;
    uint32_t f, loc;
    pf_line ln;

    file_line(s, n, &file, &fn, &line);
    {
        char small[512];
        char *fz = fn < sizeof(small) ? small : pf__malloc(fn + 1);
        int err;
        PF_CHECK_ALLOC(fz);
        memcpy(fz, file, fn);
        fz[fn] = '\0';
        err = pf_profile_add_function(&f, g->p, g->func, g->func, fz, 0);
        if (fz != small)
            pf__free(fz);
        PF_TRY(err);
    }
    ln.function = f;
    ln.line = line;
    ln.column = 0;
    PF_TRY(PF_VEC_RESERVE(g->chain, g->chain_cap, g->nchain + 1));
    g->chain[g->nchain++] = ln;
    g->have_func = false;
    if (g->func_inline)
        return PF_OK;           /* wait for the physical frame */
    PF_TRY(pf_profile_add_location(&loc, g->p, PF_NONE, 0, g->chain,
                                   g->nchain, false));
    g->nchain = 0;
    PF_TRY(PF_VEC_RESERVE(g->stk, g->stk_cap, g->nstk + 1));
    g->stk[g->nstk++] = loc;
    return PF_OK;
}

static int func_line(g2 *g, const char *s, size_t n)
{
    const char *e = s + n, *lp = NULL, *t;

    if (n && e[-1] == ')') {
        for (t = e - 1; t > s; t--) {
            if (t[-1] == '(') {
                lp = t - 1;
                break;
            }
        }
    }
    g->func_inline = lp && (size_t)(e - lp) == 5 && memcmp(lp, "(...)", 5) == 0;
    g->func = pf_profile_intern_len(g->p, s, lp ? (size_t)(lp - s) : n);
    PF_CHECK_ALLOC(g->func);
    g->have_func = true;
    return PF_OK;
}

static bool first_is_header(const uint8_t *buf, size_t len)
{
    pf_lcur c;
    const char *st;
    size_t stn;
    int r;

    pf__lcur_init(&c, buf, len, 0);
    while ((r = pf__lcur_next(&c)) > 0) {
        const char *s = c.line;
        size_t n = c.len;
        pf__ltrim(&s, &n);
        if (n == 0)
            continue;
        return header(s, n, &st, &stn);
    }
    return false;
}

int pf__read_goroutine2(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts)
{
    pf_lcur c;
    g2 g;
    int err = PF_OK, r;

    *out = NULL;
    if (!first_is_header(buf, len))
        return PF_ENOTFOUND;
    memset(&g, 0, sizeof(g));
    g.p = pf_profile_new();
    PF_CHECK_ALLOC(g.p);
    if ((err = pf_profile_add_sample_type(g.p, "goroutine", "count")) < 0 ||
        (err = pf_profile_set_period_type(g.p, "goroutine", "count")) < 0)
        goto done;
    pf_profile_set_period(g.p, 1);
    pf__lcur_init(&c, buf, len, 0);
    while ((r = pf__lcur_next(&c)) != 0) {
        const char *s = c.line, *st;
        size_t n = c.len, stn;

        if (r < 0) {
            err = r;
            goto done;
        }
        if (opts && opts->max_records &&
            pf_profile_sample_count(g.p) + pf_profile_location_count(g.p) >
                opts->max_records) {
            err = pf__error_limit(PF_LIMIT_RECORDS,
                                  "line %zu: more than %llu records",
                                  c.lineno,
                                  (unsigned long long)opts->max_records);
            goto done;
        }
        {
            const char *ts = s;
            size_t tn = n;
            pf__ltrim(&ts, &tn);
            if (tn == 0) {
                if (g.have_func && !g.func_inline && g.in_g &&
                    !g.ancestors) {
                    err = pf__error_set(PF_EFORMAT, "line %zu: expected "
                                        "'\\tFILE:LINE' after a function "
                                        "line", c.lineno);
                    goto done;
                }
                if ((err = flush(&g)) < 0)
                    goto done;
                continue;
            }
        }
        if (header(s, n, &st, &stn)) {
            if ((err = flush(&g)) < 0 || (err = start(&g, st, stn)) < 0)
                goto done;
            continue;
        }
        if (!g.in_g) {
            err = pf__error_set(PF_EFORMAT, "line %zu: expected a goroutine "
                                "header 'goroutine N [STATE]:'", c.lineno);
            goto done;
        }
        if (g.ancestors)
            continue;
        if (g.after_created) {
            g.after_created = false;
            if (n && s[0] == '\t')
                continue;
        }
        if (n && s[0] == '\t') {
            const char *ts = s;
            size_t tn = n;
            pf__ltrim(&ts, &tn);
            if (pf__lstarts(ts, tn, "goroutine running on other thread"))
                continue;
            if (!g.have_func) {
                err = pf__error_set(PF_EFORMAT, "line %zu: file:line with no "
                                    "function line before it", c.lineno);
                goto done;
            }
            if ((err = frame_file(&g, s, n)) < 0)
                goto done;
            continue;
        }
        if (g.have_func) {
            err = pf__error_set(PF_EFORMAT, "line %zu: expected '\\tFILE:LINE' "
                                "after function line %zu", c.lineno,
                                c.lineno - 1);
            goto done;
        }
        if (pf__lstarts(s, n, "created by ")) {
            const char *f = s + 11, *in;
            size_t fn = n - 11;
            if ((in = pf__lfind(f, fn, " in goroutine ")) != NULL)
                fn = (size_t)(in - f);
            if ((err = add_str_label(&g, "created_by", f, fn)) < 0)
                goto done;
            g.after_created = true;
            continue;
        }
        if (pf__lstarts(s, n, "[originating from goroutine ")) {
            g.ancestors = true;
            continue;
        }
        if (pf__lstarts(s, n, "...") && pf__lfind(s, n, "frames elided"))
            continue;   /* "...additional frames elided...", Go >= 1.23
                         * "...N frames elided..." */
        if (pf__lstarts(s, n, "non-Go function at pc=0x")) {
            uint64_t a;
            uint32_t loc;
            const char *h = s + 24, *e = h;
            while (e < s + n && pf__lhexval(*e) >= 0)
                e++;
            if (!pf__lparse_hex(h, (size_t)(e - h), &a)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: bad pc", c.lineno);
                goto done;
            }
            if ((err = pf_profile_add_location(&loc, g.p, PF_NONE, a, NULL, 0,
                                               false)) < 0 ||
                (err = PF_VEC_RESERVE(g.stk, g.stk_cap, g.nstk + 1)) < 0)
                goto done;
            g.stk[g.nstk++] = loc;
            continue;
        }
        if ((err = func_line(&g, s, n)) < 0)
            goto done;
    }
    if (g.have_func && !g.func_inline) {
        err = pf__error_set(PF_EFORMAT, "line %zu: dump ends after a function "
                            "line, expected '\\tFILE:LINE'", c.lineno);
        goto done;
    }
    if ((err = flush(&g)) < 0)
        goto done;
    *out = g.p;
    g.p = NULL;
done:
    pf_profile_free(g.p);
    pf__free(g.stk);
    pf__free(g.chain);
    return err;
}
