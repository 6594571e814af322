/*
 * Plumbing shared by the text writers: a batching sink, Go's
 * text/tabwriter (elastic tab stops) as runtime/pprof uses it, Go's
 * %q quoting, and a key table for merging samples by a string key.
 */
#include "text_write.h"

#include <stdlib.h>

#define TSINK_CHUNK (64 * 1024)

void pf__tsink_init(pf_tsink *s, pf_writer w)
{
    memset(s, 0, sizeof(*s));
    s->w = w;
}

static int tsink_drain(pf_tsink *s)
{
    int err;

    if (s->err < 0)
        return s->err;
    err = pf__write(s->w, s->buf, s->len);
    s->len = 0;
    if (err < 0)
        s->err = err;
    return err;
}

int pf__tsink_finish(pf_tsink *s)
{
    int err = s->err < 0 ? s->err : tsink_drain(s);

    pf__free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
    return err;
}

char *pf__tsink_grow(pf_tsink *s, size_t n)
{
    size_t need;
    int err;

    if (s->err < 0)
        return NULL;
    if (s->len >= TSINK_CHUNK && tsink_drain(s) < 0)
        return NULL;
    if (!pf__add_ok(s->len, n, &need)) {
        s->err = pf__error_set(PF_ETOOBIG, "output line too long");
        return NULL;
    }
    if ((err = PF_VEC_RESERVE(s->buf, s->cap, need)) < 0) {
        s->err = err;
        return NULL;
    }
    s->len = need;
    return s->buf + need - n;
}

int pf__tsink_put(pf_tsink *s, const char *p, size_t n)
{
    char *d;

    if (n == 0)
        return s->err;
    d = pf__tsink_grow(s, n);
    if (!d)
        return s->err;
    memcpy(d, p, n);
    return PF_OK;
}

int pf__tsink_puts(pf_tsink *s, const char *str)
{
    return pf__tsink_put(s, str, strlen(str));
}

int pf__tsink_putc(pf_tsink *s, char c)
{
    return pf__tsink_put(s, &c, 1);
}

int pf__tsink_printf(pf_tsink *s, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;
    char *d;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return pf__error_set(PF_EINVAL, "bad format");
    if ((size_t)n < sizeof(small))
        return pf__tsink_put(s, small, (size_t)n);
    if (!(d = pf__tsink_grow(s, (size_t)n + 1)))
        return s->err;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len--; /* drop the NUL */
    return PF_OK;
}

char *pf__fmt_hex(char *dst, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;

    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    while (n)
        *dst++ = tmp[--n];
    return dst;
}

char *pf__fmt_i64(char *dst, int64_t v)
{
    char tmp[20];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = 0;

    if (v < 0)
        *dst++ = '-';
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        *dst++ = tmp[--n];
    return dst;
}

/* ------------------------------------------------------------------ */
/* Elastic tab stops                                                   */

void pf__tabw_init(pf_tabw *t, pf_tsink *out)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
}

void pf__tabw_release(pf_tabw *t)
{
    pf__free(t->text);
    pf__free(t->line_end);
    pf__free(t->colw);
    pf__free(t->textw);
    pf__free(t->cstart);
    memset(t, 0, sizeof(*t));
}

/* Width of S[0..N) in code points, as tabwriter counts (UTF-8 rune
 * count: every byte that is not a continuation byte starts one). */
static uint32_t runes(const char *s, size_t n)
{
    uint32_t r = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            r++;
    return r;
}

static size_t count_tabs(const char *s, size_t n)
{
    size_t c = 0, i;

    for (i = 0; i < n; i++)
        c += s[i] == '\t';
    return c;
}

static int put_tabs(pf_tsink *out, size_t n)
{
    static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
    while (n > 0) {
        size_t k = n < 16 ? n : 16;
        PF_TRY(pf__tsink_put(out, tabs, k));
        n -= k;
    }
    return PF_OK;
}

/* Format and emit the pending lines (each ends at line_end[i]; its
 * text includes its newline, if any). Column k's width is decided per
 * block: a maximal run of consecutive lines that all have a
 * TAB-terminated cell k. W = max(1, max(width + 1)); a cell of width w
 * is followed by ceil((roundup8(W) - w) / 8) TABs. */
static int tabw_format(pf_tabw *t)
{
    size_t nl = t->nlines, i, k, maxc = 0, ncell = 0, start;
    size_t *cstart;             /* first cell slot of each line */
    uint32_t *textw;            /* text width of each cell */
    int err = PF_OK;

    if (nl == 0)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(t->cstart, t->cscap, nl + 1));
    cstart = t->cstart;
    for (i = 0, start = 0; i < nl; i++) {
        size_t c = count_tabs(t->text + start, t->line_end[i] - start);
        cstart[i] = ncell;
        ncell += c;
        if (c > maxc)
            maxc = c;
        start = t->line_end[i];
    }
    cstart[nl] = ncell;
    PF_TRY(PF_VEC_RESERVE(t->colw, t->ccap, ncell + 1));
    PF_TRY(PF_VEC_RESERVE(t->textw, t->twcap, ncell + 1));
    textw = t->textw;
    for (i = 0, start = 0; i < nl; i++) {
        const char *s = t->text + start, *e = t->text + t->line_end[i];
        size_t c = cstart[i];
        const char *tab;
        while (s < e && (tab = memchr(s, '\t', (size_t)(e - s))) != NULL) {
            textw[c++] = runes(s, (size_t)(tab - s));
            s = tab + 1;
        }
        start = t->line_end[i];
    }
    for (k = 0; k < maxc; k++) {
        i = 0;
        while (i < nl) {
            size_t j;
            uint32_t w = 1;
            if (cstart[i + 1] - cstart[i] <= k) {
                i++;
                continue;
            }
            for (j = i; j < nl && cstart[j + 1] - cstart[j] > k; j++)
                if (textw[cstart[j] + k] + 1 > w)
                    w = textw[cstart[j] + k] + 1;
            for (; i < j; i++)
                t->colw[cstart[i] + k] = w;
        }
    }
    for (i = 0, start = 0; i < nl && err == PF_OK; i++) {
        const char *s = t->text + start, *e = t->text + t->line_end[i];
        size_t c = cstart[i];
        while (s < e && err == PF_OK) {
            const char *tab = memchr(s, '\t', (size_t)(e - s));
            size_t cellw;
            if (!tab) {
                err = pf__tsink_put(t->out, s, (size_t)(e - s));
                break;
            }
            cellw = ((size_t)t->colw[c] + 7) / 8 * 8;
            if ((err = pf__tsink_put(t->out, s, (size_t)(tab - s))) < 0)
                break;
            err = put_tabs(t->out, (cellw - textw[c] + 7) / 8);
            c++;
            s = tab + 1;
        }
        start = t->line_end[i];
    }
    return err;
}

int pf__tabw_write(pf_tabw *t, const char *p, size_t n)
{
    while (n > 0) {
        const char *nlp = memchr(p, '\n', n);
        size_t take = nlp ? (size_t)(nlp - p) + 1 : n, need, ls;

        if (!pf__add_ok(t->tlen, take, &need))
            return pf__error_set(PF_ETOOBIG, "output line too long");
        PF_TRY(PF_VEC_RESERVE(t->text, t->tcap, need));
        memcpy(t->text + t->tlen, p, take);
        t->tlen = need;
        p += take;
        n -= take;
        if (!nlp)
            continue;
        ls = t->nlines ? t->line_end[t->nlines - 1] : 0;
        if (memchr(t->text + ls, '\t', t->tlen - ls)) {
            PF_TRY(PF_VEC_RESERVE(t->line_end, t->lcap, t->nlines + 1));
            t->line_end[t->nlines++] = t->tlen;
            continue;
        }
        /* A line without TAB ends every block: emit what is pending,
         * then the line itself. */
        PF_TRY(tabw_format(t));
        PF_TRY(pf__tsink_put(t->out, t->text + ls, t->tlen - ls));
        t->tlen = 0;
        t->nlines = 0;
    }
    return PF_OK;
}

int pf__tabw_printf(pf_tabw *t, const char *fmt, ...)
{
    char small[512], *big;
    const char *text;
    va_list ap;
    int n, err;

    va_start(ap, fmt);
    n = pf__vformat(&text, &big, small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    err = pf__tabw_write(t, text, (size_t)n);
    pf__free(big);
    return err;
}

int pf__tabw_flush(pf_tabw *t)
{
    size_t ls = t->nlines ? t->line_end[t->nlines - 1] : 0;

    /* A last line without newline is formatted with the others. */
    if (t->tlen > ls) {
        PF_TRY(PF_VEC_RESERVE(t->line_end, t->lcap, t->nlines + 1));
        t->line_end[t->nlines++] = t->tlen;
    }
    PF_TRY(tabw_format(t));
    t->tlen = 0;
    t->nlines = 0;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Go %q                                                               */

static int buf_add(char **buf, size_t *len, size_t *cap, const char *s,
                   size_t n)
{
    size_t need;

    if (!pf__add_ok(*len, n, &need))
        return pf__error_set(PF_ETOOBIG, "string too long");
    PF_TRY(PF_VEC_RESERVE(*buf, *cap, need));
    memcpy(*buf + *len, s, n);
    *len = need;
    return PF_OK;
}

size_t pf__utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t k, i;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        k = 2, c = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        k = 3, c = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        k = 4, c = s[0] & 0x07;
    else
        return 0;
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
        (k == 4 && (c < 0x10000 || c > 0x10FFFF)))
        return 0;
    *cp = c;
    return k;
}

int pf__go_quote(char **buf, size_t *len, size_t *cap, const char *s,
                 size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    char esc[16];

    PF_TRY(buf_add(buf, len, cap, "\"", 1));
    while (i < n) {
        uint32_t cp;
        size_t k = pf__utf8_len(u + i, n - i, &cp);
        const char *rep = NULL;

        if (k == 0) {
            snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
            PF_TRY(buf_add(buf, len, cap, esc, 4));
            i++;
            continue;
        }
        switch (cp) {
        case '\a': rep = "\\a"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        case '\v': rep = "\\v"; break;
        case '\\': rep = "\\\\"; break;
        case '"': rep = "\\\""; break;
        default: break;
        }
        if (rep) {
            PF_TRY(buf_add(buf, len, cap, rep, 2));
        } else if (cp < 0x20 || cp == 0x7F) {
            snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)cp);
            PF_TRY(buf_add(buf, len, cap, esc, 4));
        } else if (cp >= 0x80 && cp < 0xA0) {
            /* C1 controls are not printable: Go writes \u00XX. */
            snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
            PF_TRY(buf_add(buf, len, cap, esc, 6));
        } else {
            PF_TRY(buf_add(buf, len, cap, s + i, k));
        }
        i += k;
    }
    return buf_add(buf, len, cap, "\"", 1);
}

/* ------------------------------------------------------------------ */
/* Key table                                                           */

void pf__keytab_init(pf_keytab *k)
{
    memset(k, 0, sizeof(*k));
    pf__idxset_init(&k->set);
}

void pf__keytab_release(pf_keytab *k)
{
    pf__free(k->bytes);
    pf__free(k->off);
    pf__free(k->sum);
    pf__free(k->first);
    pf__idxset_release(&k->set);
    memset(k, 0, sizeof(*k));
}

struct keyref {
    const char *s;
    size_t n;
};

static bool key_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_keytab *k = ctx;
    const struct keyref *r = key;
    size_t n;
    const char *s = pf__keytab_key(k, idx, &n);

    return n == r->n && memcmp(s, r->s, n) == 0;
}

int pf__keytab_add(pf_keytab *k, uint32_t *id, const char *key, size_t len,
                   int64_t value, uint32_t sample)
{
    uint64_t h = pf__hash_bytes(key, len, 0x6b6579);
    struct keyref r = { key, len };
    uint32_t i = pf__idxset_find(&k->set, h, key_eq, k, &r);
    size_t need;

    if (i == PF_NONE) {
        if (k->n >= UINT32_MAX - 1)
            return pf__error_set(PF_ETOOBIG, "too many distinct stacks");
        if (!pf__add_ok(k->blen, len, &need))
            return pf__error_set(PF_ETOOBIG, "stack keys too large");
        PF_TRY(PF_VEC_RESERVE(k->bytes, k->bcap, need));
        /* off[] holds n+1 offsets: the new key's end goes last. */
        PF_TRY(PF_VEC_RESERVE(k->off, k->ocap, k->n + 2));
        PF_TRY(PF_VEC_RESERVE(k->sum, k->scap, k->n + 1));
        PF_TRY(PF_VEC_RESERVE(k->first, k->fcap, k->n + 1));
        memcpy(k->bytes + k->blen, key, len);
        if (k->n == 0)
            k->off[0] = 0;
        k->blen = need;
        i = (uint32_t)k->n;
        k->off[i + 1] = need;
        k->sum[i] = 0;
        k->first[i] = sample;
        k->n++;
        PF_TRY(pf__idxset_insert(&k->set, h, i));
    }
    if (__builtin_add_overflow(k->sum[i], value, &k->sum[i]))
        return pf__error_set(PF_ETOOBIG, "sum of values overflows");
    if (id)
        *id = i;
    return PF_OK;
}

int pf__keytab_cmp(const pf_keytab *k, uint32_t a, uint32_t b)
{
    size_t na, nb;
    const char *sa = pf__keytab_key(k, a, &na), *sb = pf__keytab_key(k, b, &nb);
    int c = memcmp(sa, sb, na < nb ? na : nb);

    if (c)
        return c;
    return na < nb ? -1 : na > nb;
}

/* ------------------------------------------------------------------ */

int pf__text_addresses(uint64_t **out, const pf_profile *p)
{
    uint64_t *a = NULL, next = 1;
    pf_u64map used;
    size_t i;
    bool any_zero = false;
    int err = PF_OK;

    *out = NULL;
    pf__u64map_init(&used);
    a = pf__malloc((p->nlocations ? p->nlocations : 1) * sizeof(*a));
    if (!a)
        return pf__error_oom();
    for (i = 0; i < p->nlocations; i++) {
        a[i] = p->locations[i].address;
        if (a[i] == 0)
            any_zero = true;
    }
    if (any_zero) {
        for (i = 0; i < p->nlocations; i++)
            if (a[i] && (err = pf__u64map_put(&used, a[i], 0)) < 0)
                goto done;
        for (i = 0; i < p->nlocations; i++) {
            if (a[i])
                continue;
            /* Prefer the location id: stable and usually small. */
            next = p->locations[i].id ? p->locations[i].id : next;
            while (pf__u64map_get(&used, next) != PF_NONE)
                next++;
            a[i] = next;
            if ((err = pf__u64map_put(&used, next, 0)) < 0)
                goto done;
        }
    }
    *out = a;
    a = NULL;
done:
    pf__free(a);
    pf__u64map_release(&used);
    return err;
}
