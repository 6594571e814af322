/*
 * Shared machinery of the legacy readers: the line cursor, number
 * scanners and the builder that maps addresses to locations. See
 * legacy.h for the contracts.
 */
#include "legacy.h"

/* ------------------------------------------------------------------ */
/* Line cursor                                                         */

void pf__lcur_init(pf_lcur *c, const void *buf, size_t len, size_t lineno0)
{
    c->pos = buf;
    c->end = c->pos + len;
    c->line = "";
    c->len = 0;
    c->lineno = lineno0;
    c->max_line = PF_LEGACY_MAX_LINE;
}

int pf__lcur_next(pf_lcur *c)
{
    const char *nl;
    size_t n;

    if (c->pos >= c->end) {
        c->line = "";
        c->len = 0;
        return 0;
    }
    n = (size_t)(c->end - c->pos);
    nl = memchr(c->pos, '\n', n > c->max_line ? c->max_line + 1 : n);
    c->lineno++;
    if (!nl) {
        if (n > c->max_line)
            return pf__error_set(PF_EFORMAT,
                                 "line %zu: line longer than %zu bytes",
                                 c->lineno, c->max_line);
        nl = c->end;
    }
    c->line = c->pos;
    c->len = (size_t)(nl - c->pos);
    c->pos = nl < c->end ? nl + 1 : nl;
    if (c->len && c->line[c->len - 1] == '\r')
        c->len--;
    return 1;
}

bool pf__lis_maps_sentinel(const char *s, size_t n)
{
    return pf__lfind(s, n, "--- Memory map: ---") ||
           pf__lfind(s, n, "MAPPED_LIBRARIES:");
}

int pf__lcur_seek_maps(pf_lcur *c)
{
    int r;

    if (pf__lis_maps_sentinel(c->line, c->len))
        return 1;
    while ((r = pf__lcur_next(c)) > 0) {
        if (pf__lis_maps_sentinel(c->line, c->len))
            return 1;
    }
    return r;
}

const signed char pf__lhex_tab[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
    ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* ------------------------------------------------------------------ */
/* Scanners                                                            */

void pf__ltrim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t m = *n;

    while (m && pf__lspace(*p)) {
        p++;
        m--;
    }
    while (m && pf__lspace(p[m - 1]))
        m--;
    *s = p;
    *n = m;
}

bool pf__lstarts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

const char *pf__lfind(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    return k <= n ? memmem(s, n, needle, k) : NULL;
}

bool pf__lspace_or_comment(const char *s, size_t n)
{
    pf__ltrim(&s, &n);
    return n == 0 || s[0] == '#';
}

bool pf__lparse_i64(const char *s, size_t n, bool neg_ok, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0, lim;
    size_t i = 0;

    if (n && s[0] == '-' && neg_ok) {
        neg = true;
        i = 1;
    } else if (n && s[0] == '+') {
        i = 1;
    }
    if (i == n)
        return false;
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9)
            return false;
        if (v > (lim - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool pf__lparse_hex(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (n == 0)
        return false;
    for (i = 0; i < n; i++) {
        int d = pf__lhexval(s[i]);
        if (d < 0 || v >> 60)
            return false;
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return true;
}

bool pf__lparse_i64_base0(const char *s, size_t n, int64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (!pf__lparse_hex(s + 2, n - 2, &v) || v > INT64_MAX)
            return false;
        *out = (int64_t)v;
        return true;
    }
    if (n > 1 && s[0] == '0') {
        for (i = 1; i < n; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 7 || v > ((uint64_t)INT64_MAX - d) / 8)
                return false;
            v = v * 8 + d;
        }
        *out = (int64_t)v;
        return true;
    }
    return pf__lparse_i64(s, n, false, out);
}

/* ------------------------------------------------------------------ */
/* Builder                                                             */

typedef struct pf_lb_slot {
    uint64_t key;
    uint32_t val;           /* PF_NONE = empty */
} pf_lb_slot;

static inline size_t amap_slot(uint64_t k)
{
    return (size_t)pf__hash_mix(0, k);
}

uint32_t pf__lb_find(const pf_lb *b, uint64_t addr)
{
    size_t mask, i;

    if (b->amap_cap == 0)
        return PF_NONE;
    mask = b->amap_cap - 1;
    for (i = amap_slot(addr) & mask; b->amap[i].val != PF_NONE;
         i = (i + 1) & mask) {
        if (b->amap[i].key == addr)
            return b->amap[i].val;
    }
    return PF_NONE;
}

static int amap_grow(pf_lb *b)
{
    size_t ncap = b->amap_cap ? b->amap_cap * 2 : 1024, i, j, bytes;
    pf_lb_slot *n;

    if (!pf__mul_ok(ncap, sizeof(*n), &bytes))
        return pf__error_set(PF_ETOOBIG, "too many addresses");
    n = pf__malloc(bytes);
    PF_CHECK_ALLOC(n);
    for (i = 0; i < ncap; i++)
        n[i].val = PF_NONE;
    for (i = 0; i < b->amap_cap; i++) {
        if (b->amap[i].val == PF_NONE)
            continue;
        for (j = amap_slot(b->amap[i].key) & (ncap - 1); n[j].val != PF_NONE;
             j = (j + 1) & (ncap - 1))
            ;
        n[j] = b->amap[i];
    }
    pf__free(b->amap);
    b->amap = n;
    b->amap_cap = ncap;
    return PF_OK;
}

int pf__lb_init(pf_lb *b, const pf_decode_opts *opts)
{
    memset(b, 0, sizeof(*b));
    b->opts = opts;
    b->sym_loc = PF_NONE;
    b->rec = 1;
    pf__idxset_init(&b->fnset);
    b->p = pf_profile_new();
    PF_CHECK_ALLOC(b->p);
    return PF_OK;
}

void pf__lb_release(pf_lb *b)
{
    pf_profile_free(b->p);
    b->p = NULL;
    pf__free(b->amap);
    b->amap = NULL;
    b->amap_cap = b->amap_len = 0;
    pf__idxset_release(&b->fnset);
    pf__free(b->stk);
    pf__free(b->stk_addr);
    b->stk = NULL;
    b->stk_addr = NULL;
    pf__free(b->seen);
    b->seen = NULL;
}

pf_profile *pf__lb_take(pf_lb *b)
{
    pf_profile *p = b->p;

    b->p = NULL;
    if (p)
        pf__profile_invalidate_sets(p);
    return p;
}

static int check_cap(pf_lb *b)
{
    uint64_t cap = b->opts ? b->opts->max_records : 0;

    if (cap && (uint64_t)(b->p->nsamples + b->p->nlocations +
                          b->p->nfunctions) > cap)
        return pf__error_limit(PF_LIMIT_RECORDS,
                               "more than %llu records (samples, locations, "
                               "functions)", (unsigned long long)cap);
    return PF_OK;
}

int pf__lb_push(pf_lb *b, uint64_t addr)
{
    size_t i, mask;
    uint32_t loc = PF_NONE;

    if ((b->amap_len + 1) * 2 > b->amap_cap)
        PF_TRY(amap_grow(b));
    mask = b->amap_cap - 1;
    for (i = amap_slot(addr) & mask; b->amap[i].val != PF_NONE;
         i = (i + 1) & mask) {
        if (b->amap[i].key == addr) {
            loc = b->amap[i].val;
            break;
        }
    }
    if (loc == PF_NONE) {
        PF_TRY(pf__location_append(b->p, &loc, b->p->nlocations + 1,
                                   PF_NONE, addr, NULL, 0, false));
        b->amap[i].key = addr;
        b->amap[i].val = loc;
        b->amap_len++;
    }
    if (b->nstk == b->stk_cap) {
        size_t cap2 = b->stk_cap;
        PF_TRY(PF_VEC_RESERVE(b->stk, b->stk_cap, b->nstk + 1));
        PF_TRY(PF_VEC_RESERVE(b->stk_addr, cap2, b->stk_cap));
    }
    b->stk_addr[b->nstk] = addr;
    b->stk[b->nstk++] = loc;
    return PF_OK;
}

int pf__lb_sample(pf_lb *b, const int64_t *values, const pf_label *labels,
                  size_t nlabel)
{
    int err = pf__sample_append(b->p, b->stk, b->nstk, values, labels,
                                nlabel);

    b->last_n = b->nstk;
    b->nstk = 0;
    if (err < 0)
        return err;
    return check_cap(b);
}

int pf__lb_label_last(pf_lb *b, const char *key, size_t klen,
                      const char *str, size_t slen)
{
    pf_profile *p = b->p;
    pf_sample *s;
    pf_label l;

    if (p->nsamples == 0 || slen == 0)
        return PF_OK;           /* an empty value does not survive proto */
    s = &p->samples[p->nsamples - 1];
    l.key = pf_profile_intern_len(p, key, klen);
    l.str = pf_profile_intern_len(p, str, slen);
    PF_CHECK_ALLOC(l.key);
    PF_CHECK_ALLOC(l.str);
    l.num = 0;
    l.unit = p->empty;
    PF_TRY(PF_VEC_RESERVE(p->labels, p->labels_cap, p->nlabels + 1));
    /* The last sample's labels are the tail of p->labels. */
    p->labels[p->nlabels++] = l;
    s->nlabel++;
    return PF_OK;
}

typedef struct fnkey {
    const char *name, *file;
} fnkey;

static bool fn_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_function *f = &((const pf_profile *)ctx)->functions[idx];
    const fnkey *k = key;

    return f->name == k->name && f->filename == k->file;
}

int pf__lb_function(pf_lb *b, uint32_t *out, const char *name, size_t nlen,
                    const char *file, size_t flen)
{
    pf_profile *p = b->p;
    pf_function f;
    fnkey k;
    uint64_t h;
    uint32_t hit;

    k.name = pf_profile_intern_len(p, name, nlen);
    k.file = pf_profile_intern_len(p, file, flen);
    PF_CHECK_ALLOC(k.name);
    PF_CHECK_ALLOC(k.file);
    h = pf__hash_mix(pf__hash_mix(7, (uint64_t)(uintptr_t)k.name),
                     (uint64_t)(uintptr_t)k.file);
    hit = pf__idxset_find(&b->fnset, h, fn_eq, p, &k);
    if (hit != PF_NONE) {
        *out = hit;
        return PF_OK;
    }
    f.id = p->nfunctions + 1;
    f.name = f.system_name = k.name;
    f.filename = k.file;
    f.start_line = 0;
    PF_TRY(pf__function_append(p, out, &f));
    return pf__idxset_insert(&b->fnset, h, *out);
}

/* "#" TAB+ "0x" PC TAB+ FUNC "+0x" OFF TAB+ FILE ":" LINE */
int pf__lb_comment(pf_lb *b, const char *s, size_t n)
{
    pf_profile *p = b->p;
    const char *e = s + n, *q, *fn, *fe, *file, *colon, *h;
    uint64_t pc;
    int64_t line = 0;
    uint32_t loc, fidx;
    pf_location *l;
    pf_line ln;

    if (n < 2 || s[0] != '#')
        return PF_OK;
    q = s + 1;
    while (q < e && (*q == '\t' || *q == ' '))
        q++;
    if (e - q < 3 || q[0] != '0' || q[1] != 'x')
        return PF_OK;
    q += 2;
    h = q;
    while (q < e && pf__lhexval(*q) >= 0)
        q++;
    if (!pf__lparse_hex(h, (size_t)(q - h), &pc) ||
        (q < e && *q != '\t' && *q != ' '))
        return PF_OK;
    /* Which location, and does it take this line? Decided before the
     * rest of the line is scanned: most comment lines repeat a frame
     * that an earlier record already symbolized. */
    /* Comments follow the record's frames in order: look a few frames
     * ahead in the record just read before asking the address map. The
     * per-location state (comment stamp, symbolized bit) sits in one
     * small array, so a repeated frame costs no visit to the location. */
    loc = PF_NONE;
    {
        size_t k, lim = b->cmt_k + 4 < b->last_n ? b->cmt_k + 4 : b->last_n;
        for (k = b->cmt_k; k < lim; k++) {
            if (b->stk_addr[k] == pc) {
                loc = b->stk[k];
                b->cmt_k = (uint32_t)k;
                break;
            }
        }
    }
    if (loc == PF_NONE)
        loc = pf__lb_find(b, pc);
    if (loc == PF_NONE) {
        b->sym_loc = PF_NONE;
        return PF_OK;
    }
    if (b->seen_cap < p->nlocations) {
        size_t old = b->seen_cap;
        PF_TRY(PF_VEC_RESERVE(b->seen, b->seen_cap, p->nlocations));
        memset(b->seen + old, 0, (b->seen_cap - old) * sizeof(*b->seen));
    }
    /* the frame was printed */
    b->seen[loc] = (b->seen[loc] & PF_LB_SYMBOLIZED) | b->rec;
    b->sym_active = true;
    if (b->sym_loc == loc && b->sym_pc == pc) {
        /* Another inline line of the location being symbolized. */
        l = &p->locations[loc];
        if (l->line_off + l->nline != p->nlines)
            return PF_OK;
    } else if (b->seen[loc] & PF_LB_SYMBOLIZED) {
        b->sym_loc = PF_NONE;   /* symbolized by an earlier record */
        return PF_OK;
    }
    while (q < e && (*q == '\t' || *q == ' '))
        q++;
    if (q == e) {
        b->sym_loc = PF_NONE;   /* "#\t0xPC": no symbol */
        return PF_OK;
    }
    fn = q;
    q = memchr(q, '\t', (size_t)(e - q));
    if (!q)
        q = e;
    fe = q;
    /* Strip "+0xOFF" from the function field. */
    for (const char *t = fe; t > fn; t--) {
        if (t[-1] == '+') {
            if (fe - t >= 2 && t[0] == '0' && t[1] == 'x')
                fe = t - 1;
            break;
        }
    }
    while (q < e && (*q == '\t' || *q == ' '))
        q++;
    file = q;
    colon = NULL;
    for (const char *t = e; t > file; t--) {
        if (t[-1] == ':') {
            colon = t - 1;
            break;
        }
        if (!pf__ldigit(t[-1]))
            break;
    }
    if (!colon || colon + 1 >= e ||
        !pf__lparse_i64(colon + 1, (size_t)(e - colon - 1), false, &line)) {
        colon = e;              /* no ":LINE": all of it is the file */
        line = 0;
    }
    PF_TRY(pf__lb_function(b, &fidx, fn, (size_t)(fe - fn), file,
                           (size_t)(colon - file)));
    l = &p->locations[loc];
    if (b->sym_loc == loc && b->sym_pc == pc && l->nline > 0 &&
        p->lines[l->line_off].function == fidx &&
        p->lines[l->line_off].line == line) {
        /* The location's innermost frame again: not one more inlined
         * caller but the next stack slot with the same PC (recursion,
         * e.g. runtime.doInit). Go prints the same lines for it, which
         * the location already has. */
        b->sym_loc = PF_NONE;
        if (b->cmt_k + 1 < b->last_n && b->stk_addr[b->cmt_k + 1] == pc)
            b->cmt_k++;
        return PF_OK;
    }
    b->seen[loc] |= PF_LB_SYMBOLIZED;
    if (!(b->sym_loc == loc && b->sym_pc == pc)) {
        /* Fresh lines; a runtime.goexit inferred by an earlier record
         * (pf__lb_record_done) gives way to a real symbol. */
        l->line_off = (uint32_t)p->nlines;
        l->nline = 0;
        b->sym_loc = loc;
        b->sym_pc = pc;
    }
    ln.function = fidx;
    ln.line = line;
    ln.column = 0;
    if (p->nlines + 1 > UINT32_MAX)
        return pf__error_set(PF_ETOOBIG, "too many lines");
    PF_TRY(PF_VEC_RESERVE(p->lines, p->lines_cap, p->nlines + 1));
    p->lines[p->nlines++] = ln;
    l->nline++;
    return PF_OK;
}

int pf__lb_record_done(pf_lb *b)
{
    pf_profile *p = b->p;
    const pf_sample *s;
    const uint32_t *st;
    uint32_t k, fidx = PF_NONE;
    bool printed = false;

    b->sym_loc = PF_NONE;
    if (b->sym_active && p->nsamples) {
        s = &p->samples[p->nsamples - 1];
        st = p->stack + s->loc_off;
        for (k = 0; k < s->nloc; k++) {
            pf_location *l = &p->locations[st[k]];
            pf_line ln;
            if (st[k] < b->seen_cap &&
                (b->seen[st[k]] & ~PF_LB_SYMBOLIZED) == b->rec) {
                printed = true;
                continue;
            }
            if (!printed || l->nline)
                continue;
            if (fidx == PF_NONE)
                PF_TRY(pf__lb_function(b, &fidx, "runtime.goexit", 14, "", 0));
            ln.function = fidx;
            ln.line = 0;
            ln.column = 0;
            PF_TRY(PF_VEC_RESERVE(p->lines, p->lines_cap, p->nlines + 1));
            l->line_off = (uint32_t)p->nlines;
            l->nline = 1;
            p->lines[p->nlines++] = ln;
        }
    }
    b->sym_active = false;
    b->cmt_k = 0;
    if (++b->rec == PF_LB_SYMBOLIZED) {
        size_t i;               /* stamps wrapped: forget them */
        for (i = 0; i < b->seen_cap; i++)
            b->seen[i] &= PF_LB_SYMBOLIZED;
        b->rec = 1;
    }
    return PF_OK;
}

int pf__lb_hex_tokens(pf_lb *b, const char *s, size_t n, size_t lineno,
                      int adjust_from)
{
    size_t i = 0, k = 0;

    while (i + 2 < n) {
        const char *t;
        size_t j;
        uint64_t a;

        t = memchr(s + i, '0', n - i);
        if (!t)
            break;
        i = (size_t)(t - s);
        if (i + 2 >= n)
            break;
        if (s[i + 1] != 'x' ||
            !((s[i + 2] >= '0' && s[i + 2] <= '9') ||
              (s[i + 2] >= 'a' && s[i + 2] <= 'f'))) {
            i++;
            continue;
        }
        j = i + 2;
        while (j < n && ((s[j] >= '0' && s[j] <= '9') ||
                         (s[j] >= 'a' && s[j] <= 'f')))
            j++;
        if (!pf__lparse_hex(s + i + 2, j - i - 2, &a))
            return pf__error_set(PF_EFORMAT,
                                 "line %zu: address '%.*s' does not fit in "
                                 "64 bits", lineno,
                                 (int)(j - i > 40 ? 40 : j - i), s + i);
        if ((int)k >= adjust_from)
            a--;
        PF_TRY(pf__lb_push(b, a));
        k++;
        i = j;
    }
    return PF_OK;
}
