/*
 * Go count profile text (docs/FORMATS.md 2.3, 4.4): goroutine, threadcreate
 * and custom profiles, "NAME profile: total N".
 *
 * Two deliberate differences from the reference reader, both so that a
 * debug=1 file gives the same profile as the proto of the same
 * snapshot: records with an empty stack ("7 @", Go's threadcreate) are
 * accepted as samples without locations, and "# labels: {...}" lines
 * become string labels of their record.
 */
#include "legacy.h"

/* ^(\S+) profile: total \d+$ */
static bool match_header(const char *s, size_t n, size_t *namelen)
{
    static const char mid[] = " profile: total ";
    size_t i = 0, k = sizeof(mid) - 1;

    while (i < n && !pf__lspace(s[i]))
        i++;
    if (i == 0 || n - i <= k || memcmp(s + i, mid, k) != 0)
        return false;
    *namelen = i;
    for (i += k; i < n; i++)
        if (!pf__ldigit(s[i]))
            return false;
    return true;
}

/* Decode one Go-quoted string at *S (just past the opening quote) into
 * OUT; returns false if malformed. */
static bool unquote(const char **sp, const char *e, char *out, size_t *olen,
                    size_t ocap)
{
    const char *s = *sp;
    size_t o = 0;

    while (s < e && *s != '"') {
        unsigned long cp;
        int nd = 0, base = 16;
        char c = *s++;
        if (c == '\0')
            return false;       /* a NUL cannot live in a label string */
        if (c != '\\') {
            if (o >= ocap)
                return false;
            out[o++] = c;
            continue;
        }
        if (s >= e)
            return false;
        c = *s++;
        switch (c) {
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'v': c = '\v'; break;
        case '\\': case '"': case '\'': break;
        case 'x': nd = 2; break;
        case 'u': nd = 4; break;
        case 'U': nd = 8; break;
        default:
            if (c >= '0' && c <= '7') {
                base = 8;
                s--;
                nd = 3;
            } else {
                return false;
            }
        }
        if (nd == 0) {
            if (o >= ocap)
                return false;
            out[o++] = c;
            continue;
        }
        cp = 0;
        for (int i = 0; i < nd; i++) {
            int d = s < e ? pf__lhexval(*s) : -1;
            if (d < 0 || d >= base)
                return false;
            cp = cp * (unsigned)base + (unsigned)d;
            s++;
        }
        if (cp == 0)
            return false;
        if (c == 'x' || base == 8) {
            if (o >= ocap || cp > 255)
                return false;
            out[o++] = (char)cp;
            continue;
        }
        if (o + 4 > ocap || cp > 0x10ffff)
            return false;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xc0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xe0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[o++] = (char)(0xf0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    if (s >= e)
        return false;
    *sp = s + 1;
    *olen = o;
    return true;
}

/* "# labels: {"k":"v", "k2":"v2"}" -> labels of the last sample. A
 * line that does not parse is left alone, like any other comment. */
static int labels_line(pf_lb *b, const char *s, size_t n, char **scratch,
                       size_t *scap)
{
    static const char tag[] = "# labels: {";
    const char *e = s + n, *q;
    size_t kl, vl, need = n * 2 + 8;

    if (!pf__lstarts(s, n, tag))
        return PF_OK;
    if (*scap < need)
        PF_TRY(PF_VEC_RESERVE(*scratch, *scap, need));
    /* Validate everything first, so a bad line adds no label. */
    for (int pass = 0; pass < 2; pass++) {
        q = s + sizeof(tag) - 1;
        while (q < e && *q == ' ')
            q++;
        if (q < e && *q == '}')
            return PF_OK;
        for (;;) {
            char *kb = *scratch, *vb = *scratch + n + 4;
            if (q >= e || *q != '"')
                return PF_OK;
            q++;
            if (!unquote(&q, e, kb, &kl, n + 4))
                return PF_OK;
            if (q >= e || *q != ':')
                return PF_OK;
            q++;
            while (q < e && *q == ' ')
                q++;
            if (q >= e || *q != '"')
                return PF_OK;
            q++;
            if (!unquote(&q, e, vb, &vl, n + 4))
                return PF_OK;
            if (pass == 1)
                PF_TRY(pf__lb_label_last(b, kb, kl, vb, vl));
            if (q < e && *q == ',') {
                q++;
                while (q < e && *q == ' ')
                    q++;
                continue;
            }
            if (q < e && *q == '}')
                break;
            return PF_OK;
        }
    }
    return PF_OK;
}

int pf__read_count_text(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts)
{
    pf_lb b;
    pf_lcur c;
    pf_profile *p;
    size_t namelen;
    char *scratch = NULL, *name = NULL;
    size_t scap = 0;
    int err, r;

    *out = NULL;
    pf__lcur_init(&c, buf, len, 0);
    while ((r = pf__lcur_next(&c)) > 0 &&
           pf__lspace_or_comment(c.line, c.len))
        ;
    if (r <= 0 || !match_header(c.line, c.len, &namelen))
        return PF_ENOTFOUND;
    PF_TRY(pf__lb_init(&b, opts));
    p = b.p;
    name = pf__malloc(namelen + 1);
    if (!name) {
        err = pf__error_oom();
        goto done;
    }
    memcpy(name, c.line, namelen);
    name[namelen] = '\0';
    if ((err = pf_profile_add_sample_type(p, name, "count")) < 0 ||
        (err = pf_profile_set_period_type(p, name, "count")) < 0)
        goto done;
    pf_profile_set_period(p, 1);
    for (;;) {
        const char *s, *t, *e;
        size_t n;
        int64_t v;

        if ((r = pf__lcur_next(&c)) <= 0) {
            err = r;
            if (r < 0)
                goto done;
            break;
        }
        s = c.line;
        n = c.len;
        if (pf__lspace_or_comment(s, n)) {
            const char *ts = s;
            size_t tn = n;
            pf__ltrim(&ts, &tn);
            if (tn && (err = labels_line(&b, ts, tn, &scratch, &scap)) < 0)
                goto done;
            if (tn && (err = pf__lb_comment(&b, ts, tn)) < 0)
                goto done;
            continue;
        }
        if (pf__lstarts(s, n, "---"))
            break;
        /* ^(\d+) @( 0x[0-9a-f]+)*$  (the reference wants at least one) */
        e = s + n;
        for (t = s; t < e && pf__ldigit(*t); t++)
            ;
        if (t == s || e - t < 2 || t[0] != ' ' || t[1] != '@')
            goto bad;
        if (!pf__lparse_i64_base0(s, (size_t)(t - s), &v)) {
            err = pf__error_set(PF_EFORMAT, "line %zu: count '%.*s' out of "
                                "range", c.lineno,
                                (int)(t - s > 40 ? 40 : t - s), s);
            goto done;
        }
        if ((err = pf__lb_record_done(&b)) < 0)
            goto done;
        for (t += 2; t < e;) {
            const char *h;
            uint64_t a;
            if (e - t < 4 || t[0] != ' ' || t[1] != '0' || t[2] != 'x')
                goto bad;
            for (h = t += 3; t < e && (pf__ldigit(*t) ||
                                       (*t >= 'a' && *t <= 'f'));
                 t++)
                ;
            if (t == h || (t < e && *t != ' '))
                goto bad;
            if (!pf__lparse_hex(h, (size_t)(t - h), &a)) {
                err = pf__error_set(PF_EFORMAT, "line %zu: address "
                                    "'0x%.*s' does not fit in 64 bits",
                                    c.lineno,
                                    (int)(t - h > 40 ? 40 : t - h), h);
                goto done;
            }
            if ((err = pf__lb_push(&b, a - 1)) < 0)
                goto done;
        }
        if ((err = pf__lb_sample(&b, &v, NULL, 0)) < 0)
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
    goto done;
bad:
    err = pf__error_set(PF_EFORMAT, "line %zu: expected a record "
                        "'COUNT @ 0xADDR...'", c.lineno);
done:
    pf__free(scratch);
    pf__free(name);
    pf__lb_release(&b);
    return err;
}
