/*
 * Java variants (docs/FORMATS.md 4.8): "--- heapz 1 ---" / "--- contentionz
 * 1 ---" text with "key=value" attributes, and (from legacy_cpu.c) the
 * CPU binary with header version 1. Samples are "V1 V2 @ 0x..." with
 * the *second* number the count; a text tail maps each address to
 * "function (file:line)". Locations get one line each and lose their
 * addresses, as in the reference.
 */
#include "legacy.h"

static bool wordc(char c)
{
    return pf__ldigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c == ' ';
}

/* attributeRx ([\w ]+)=([\w ]+), searched. */
static bool attribute(const char *s, size_t n, const char **k, size_t *kn,
                      const char **v, size_t *vn)
{
    size_t i = 0, j, e;

    while (i < n) {
        if (!wordc(s[i])) {
            i++;
            continue;
        }
        for (j = i; j < n && wordc(s[j]); j++)
            ;
        if (j + 1 < n && s[j] == '=' && wordc(s[j + 1])) {
            for (e = j + 1; e < n && wordc(s[e]); e++)
                ;
            *k = s + i;
            *kn = j - i;
            *v = s + j + 1;
            *vn = e - j - 1;
            pf__ltrim(k, kn);
            pf__ltrim(v, vn);
            return true;
        }
        i = j + 1;
    }
    return false;
}

/* javaSampleRx " *(\d+) +(\d+) +@ +([ x0-9a-f]*)", searched. */
static bool sample_line(const char *s, size_t n, const char **a, size_t *an,
                        const char **b, size_t *bn, const char **ad,
                        size_t *adn)
{
    size_t st = 0, i, j, k, m;

    while (st < n) {
        while (st < n && !pf__ldigit(s[st]))
            st++;
        if (st >= n)
            return false;
        for (i = st; i < n && pf__ldigit(s[i]); i++)
            ;
        for (j = i; j < n && s[j] == ' '; j++)
            ;
        for (k = j; k < n && pf__ldigit(s[k]); k++)
            ;
        for (m = k; m < n && s[m] == ' '; m++)
            ;
        if (j > i && k > j && m > k && m < n && s[m] == '@' && m + 1 < n &&
            s[m + 1] == ' ') {
            size_t q = m + 1;
            while (q < n && s[q] == ' ')
                q++;
            *a = s + st;
            *an = i - st;
            *b = s + j;
            *bn = k - j;
            *ad = s + q;
            for (*adn = 0; q + *adn < n &&
                           (s[q + *adn] == ' ' || s[q + *adn] == 'x' ||
                            pf__ldigit(s[q + *adn]) ||
                            (s[q + *adn] >= 'a' && s[q + *adn] <= 'f'));
                 (*adn)++)
                ;
            return true;
        }
        st = i;
    }
    return false;
}

/* Did the line the cursor just returned end with a newline? The
 * reference's Java header and sample loops only see such lines. */
static bool had_nl(const pf_lcur *c)
{
    return c->pos > c->line && c->pos[-1] == '\n';
}

/* filepath.Base */
static void base_name(const char **s, size_t *n)
{
    const char *p = *s;
    size_t m = *n, i;

    while (m > 1 && p[m - 1] == '/')
        m--;
    if (m == 0) {
        *s = ".";
        *n = 1;
        return;
    }
    for (i = m; i > 0 && p[i - 1] != '/'; i--)
        ;
    if (i == m) {           /* "/" */
        *s = "/";
        *n = 1;
        return;
    }
    *s = p + i;
    *n = m - i;
}

/* The location tail: "0xADDR rest" lines. */
int pf__java_locations(pf_lb *b, pf_lcur *c)
{
    pf_profile *p = b->p;
    pf_u64map byname;
    int r, err = PF_OK;

    pf__u64map_init(&byname);
    while ((r = pf__lcur_next(c)) > 0) {
        const char *s = c->line, *h, *rest, *fn, *file = "";
        size_t n = c->len, rn, fnn, filen = 0, i;
        uint64_t a;
        int64_t lineno = 0;
        uint32_t loc, fidx;
        pf_line ln;

        pf__ltrim(&s, &n);
        if (n < 3 || s[0] != '0' || s[1] != 'x')
            continue;
        for (h = s + 2, i = 2; i < n && pf__lhexval(s[i]) >= 0; i++)
            ;
        if (i == 2 || i >= n || !pf__lspace(s[i]))
            continue;
        if (!pf__lparse_hex(h, i - 2, &a)) {
            err = pf__error_set(PF_EFORMAT, "line %zu: address does not "
                                "fit in 64 bits", c->lineno);
            goto done;
        }
        rest = s + i;
        rn = n - i;
        pf__ltrim(&rest, &rn);
        loc = pf__lb_find(b, a);
        if (loc == PF_NONE)
            continue;
        fn = rest;
        fnn = rn;
        if (rn && rest[rn - 1] == ')') {
            const char *e = rest + rn - 1, *colon = NULL, *par = NULL, *t;
            /* "function (file:line)": the last ":[-]digits)" ... */
            for (t = e; t > rest && pf__ldigit(t[-1]); t--)
                ;
            if (t < e && t > rest && t[-1] == '-')
                t--;
            if (t > rest && t[-1] == ':' && t < e && (t[0] != '-' || t + 1 < e))
                colon = t - 1;
            /* ... and the last whitespace-preceded '(' before it, with a
             * non-empty file between. */
            for (t = colon ? colon - 1 : e - 1; t > rest; t--) {
                if (*t == '(' && pf__lspace(t[-1]) &&
                    (colon ? colon > t + 1 : true)) {
                    par = t;
                    break;
                }
            }
            if (par) {
                fn = rest;
                fnn = (size_t)(par - 1 - rest);
                file = par + 1;
                if (colon) {
                    int64_t v;
                    filen = (size_t)(colon - file);
                    if (pf__lparse_i64(colon + 1, (size_t)(e - colon - 1),
                                       true, &v) && v > 0)
                        lineno = v;
                } else {
                    filen = (size_t)(e - file);
                    base_name(&file, &filen);
                }
            }
        }
        if (fn == rest && fnn == rn &&
            pf__lfind(rest, rn, "generated stub/JIT")) {
            fn = "STUB";
            fnn = 4;
        }
        /* Functions are keyed by name: the first file seen stays. */
        {
            const char *iname = pf_profile_intern_len(p, fn, fnn);
            if (!iname) {
                err = PF_ENOMEM;
                goto done;
            }
            fidx = pf__u64map_get(&byname, (uint64_t)(uintptr_t)iname);
            if (fidx == PF_NONE) {
                if ((err = pf__lb_function(b, &fidx, fn, fnn, file,
                                           filen)) < 0 ||
                    (err = pf__u64map_put(&byname,
                                          (uint64_t)(uintptr_t)iname,
                                          fidx)) < 0)
                    goto done;
            }
        }
        ln.function = fidx;
        ln.line = lineno;
        ln.column = 0;
        if ((err = PF_VEC_RESERVE(p->lines, p->lines_cap,
                                  p->nlines + 1)) < 0)
            goto done;
        p->locations[loc].line_off = (uint32_t)p->nlines;
        p->locations[loc].nline = 1;
        /* Zeroed now, as the reference does, so that only unnamed
         * locations get the fake mapping. */
        p->locations[loc].address = 0;
        p->lines[p->nlines++] = ln;
    }
    err = r;
done:
    pf__u64map_release(&byname);
    return err;
}

void pf__java_zero_addresses(pf_lb *b)
{
    size_t i;

    for (i = 0; i < b->p->nlocations; i++)
        b->p->locations[i].address = 0;
}

int pf__read_java(pf_profile **out, const uint8_t *buf, size_t len,
                  const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur c, mark;
    const char *s;
    size_t n;
    bool heap;
    int err = PF_OK, r;

    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    if (pf__lcur_next(&c) <= 0 || !had_nl(&c))
        return PF_ENOTFOUND;
    s = c.line;
    n = c.len;
    pf__ltrim(&s, &n);
    if (n == 15 && memcmp(s, "--- heapz 1 ---", 15) == 0)
        heap = true;
    else if (n == 21 && memcmp(s, "--- contentionz 1 ---", 21) == 0)
        heap = false;
    else
        return PF_ENOTFOUND;
    PF_TRY(pf__lb_init(&b, opts));
    /* Attributes: lines (with their newline) until one is not one. */
    for (;;) {
        const char *k, *v;
        size_t kn, vn;
        mark = c;
        if ((r = pf__lcur_next(&c)) < 0) {
            err = r;
            goto done;
        }
        if (r == 0 || !had_nl(&c)) {
            c = mark;           /* a last line without '\n' is not read */
            break;
        }
        s = c.line;
        n = c.len;
        pf__ltrim(&s, &n);
        if (n == 0)
            continue;
        if (!attribute(s, n, &k, &kn, &v, &vn)) {
            c = mark;
            break;
        }
#define IS(lit) (kn == sizeof(lit) - 1 && memcmp(k, lit, kn) == 0)
        if (IS("format")) {
            if (!(vn == 4 && memcmp(v, "java", 4) == 0)) {
                err = PF_ENOTFOUND;
                goto done;
            }
        } else if (IS("resolution")) {
            char unit[64];
            snprintf(unit, sizeof(unit), "%.*s", (int)vn, v);
            b.p->nsample_types = 0;
            if ((err = pf_profile_add_sample_type(b.p, heap ? "inuse_objects"
                                                  : "contentions",
                                                  "count")) < 0 ||
                (err = pf_profile_add_sample_type(b.p, heap ? "inuse_space"
                                                  : "delay", unit)) < 0)
                goto done;
        } else if (!heap && IS("sampling period")) {
            int64_t x;
            if (!pf__lparse_i64_base0(v, vn, &x)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: bad sampling "
                                    "period '%.*s'", c.lineno, (int)vn, v);
                goto done;
            }
            if ((err = pf_profile_set_period_type(b.p, "contentions",
                                                  "count")) < 0)
                goto done;
            pf_profile_set_period(b.p, x);
        } else if (!heap && IS("ms since reset")) {
            int64_t x;
            if (!pf__lparse_i64_base0(v, vn, &x)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: bad ms since "
                                    "reset '%.*s'", c.lineno, (int)vn, v);
                goto done;
            }
            pf_profile_set_duration(b.p, (int64_t)((uint64_t)x * 1000000u));
        } else {
            err = PF_ENOTFOUND;
            goto done;
        }
#undef IS
    }
    /* Samples. */
    for (;;) {
        const char *a1, *a2, *ad;
        size_t n1, n2, nad;
        int64_t v[2];
        pf_label lab;
        mark = c;
        if ((r = pf__lcur_next(&c)) < 0) {
            err = r;
            goto done;
        }
        if (r == 0 || !had_nl(&c)) {
            c = mark;
            break;
        }
        s = c.line;
        n = c.len;
        pf__ltrim(&s, &n);
        if (n == 0)
            continue;
        if (!sample_line(s, n, &a1, &n1, &a2, &n2, &ad, &nad)) {
            c = mark;
            break;
        }
        if (!pf__lparse_i64(a2, n2, false, &v[0]) ||
            !pf__lparse_i64(a1, n1, false, &v[1])) {
            err = pf__error_set(PF_EFORMAT, "line %zu: value out of range",
                                c.lineno);
            goto done;
        }
        if (b.p->nsample_types != 2) {
            err = pf__error_set(PF_EFORMAT, "line %zu: sample before any "
                                "'resolution' attribute (missing sample "
                                "type information)", c.lineno);
            goto done;
        }
        lab.key = lab.str = lab.unit = b.p->empty;
        lab.num = 0;
        if (heap) {
            if (v[0] == 0) {
                err = pf__error_set(PF_EFORMAT, "line %zu: second value must "
                                    "be non-zero", c.lineno);
                goto done;
            }
            lab.num = v[1] / v[0];
            pf__heap_unsample(&v[0], &v[1], 524288);
        } else if (b.p->period != 0) {
            v[0] = (int64_t)((uint64_t)v[0] * (uint64_t)b.p->period);
            v[1] = (int64_t)((uint64_t)v[1] * (uint64_t)b.p->period);
        }
        if ((err = pf__lb_hex_tokens(&b, ad, nad, c.lineno, INT32_MAX)) < 0)
            goto done;
        if (lab.num) {
            lab.key = pf_profile_intern(b.p, "bytes");
            lab.str = lab.unit = b.p->empty;
            if (!lab.key) {
                err = PF_ENOMEM;
                goto done;
            }
        }
        if ((err = pf__lb_sample(&b, v, &lab, lab.num != 0)) < 0)
            goto done;
    }
    if ((err = pf__java_locations(&b, &c)) < 0 ||
        (err = pf__lb_finish(&b, NULL)) < 0)
        goto done;
    pf__java_zero_addresses(&b);
    *out = pf__lb_take(&b);
done:
    pf__lb_release(&b);
    return err;
}
