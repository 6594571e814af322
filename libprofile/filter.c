/*
 * Filters on the model, with the semantics of pprof's driver
 * (applyFocus, Prune, PruneFrom, Aggregate). They run in place on a
 * profile the caller owns; pf_profile_filter wraps them around a clone.
 *
 * Regexps: pprof uses RE2. We translate the common RE2 spellings to
 * POSIX ERE and use regcomp (see profile.h for what is accepted).
 */
#include "report_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Dynamic strings                                                     */

int pf__sbuf_add(pf_sbuf *b, const char *s, size_t n)
{
    size_t need;

    if (!pf__add_ok(b->len, n + 1, &need))
        return pf__error_set(PF_ETOOBIG, "string too long");
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *ns;
        while (cap < need)
            cap *= 2;
        ns = pf__realloc(b->s, cap);
        if (!ns)
            return pf__error_oom();
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return PF_OK;
}

int pf__sbuf_puts(pf_sbuf *b, const char *s)
{
    return pf__sbuf_add(b, s, strlen(s));
}

int pf__sbuf_printf(pf_sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return pf__error_set(PF_EINVAL, "bad format");
    if ((size_t)n < sizeof(small))
        return pf__sbuf_add(b, small, (size_t)n);
    {
        char *big = pf__malloc((size_t)n + 1);
        int err;
        if (!big)
            return pf__error_oom();
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        err = pf__sbuf_add(b, big, (size_t)n);
        pf__free(big);
        return err;
    }
}

void pf__sbuf_release(pf_sbuf *b)
{
    pf__free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ */
/* RE2 -> POSIX ERE                                                    */

#define ERE_SPECIAL ".[]{}()*+?|^$\\"

static int re_unsupported(const char *what, const char *pat, const char *why)
{
    return pf__error_set(PF_EINVAL, "%s: invalid regexp '%s': %s", what, pat,
                         why);
}

/* Parse \xHH or \x{H..} at S (after the 'x'); returns bytes consumed or
 * -1. Only ASCII results are accepted (matching is byte-wise). */
static int parse_hex(const char *s, int *out)
{
    int v = 0, n = 0;

    if (s[0] == '{') {
        n = 1;
        while (pf__hexval(s[n]) >= 0 && n < 8)
            v = v * 16 + pf__hexval(s[n++]);
        if (s[n] != '}' || n == 1)
            return -1;
        n++;
    } else {
        if (pf__hexval(s[0]) < 0 || pf__hexval(s[1]) < 0)
            return -1;
        v = pf__hexval(s[0]) * 16 + pf__hexval(s[1]);
        n = 2;
    }
    if (v <= 0 || v > 0x7f)
        return -1;
    *out = v;
    return n;
}

static int simple_escape(int c)
{
    switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'v': return '\v';
    case 'a': return '\a';
    default: return 0;
    }
}

/* A bracket expression: members collected, then emitted in an order
 * POSIX accepts (']' first, '-' last, '^' not first). */
static int translate_bracket(pf_sbuf *out, const char *pat, size_t *pi,
                             const char *what)
{
    const char *s = pat + *pi;   /* at '[' */
    size_t i = 1;
    bool neg = false, has_rbr = false, has_dash = false, has_caret = false;
    pf_sbuf body = { 0 };
    int err = PF_OK;

    if (s[i] == '^') {
        neg = true;
        i++;
    }
    if (s[i] == ']') {
        has_rbr = true;
        i++;
    }
    for (;;) {
        int lo = -1, hi = -1;
        const char *cls = NULL;

        if (s[i] == '\0') {
            err = re_unsupported(what, pat, "missing closing ]");
            goto done;
        }
        if (s[i] == ']')
            break;
        if (s[i] == '[' && s[i + 1] == ':') {
            const char *end = strstr(s + i + 2, ":]");
            if (!end) {
                err = re_unsupported(what, pat, "invalid character class");
                goto done;
            }
            if ((err = pf__sbuf_add(&body, s + i,
                                    (size_t)(end + 2 - (s + i)))) < 0)
                goto done;
            i = (size_t)(end + 2 - s);
            continue;
        }
        if (s[i] == '\\') {
            int c = (unsigned char)s[i + 1], e;
            if (c == 'd') cls = "0-9";
            else if (c == 'w') cls = "0-9A-Za-z_";
            else if (c == 's') cls = "[:space:]";
            else if (c == 'D' || c == 'W' || c == 'S') {
                err = re_unsupported(what, pat,
                                     "negated class inside [...] unsupported");
                goto done;
            } else if (c == 'x') {
                int n = parse_hex(s + i + 2, &lo);
                if (n < 0) {
                    err = re_unsupported(what, pat, "invalid escape sequence");
                    goto done;
                }
                i += 2 + (size_t)n;
            } else if ((e = simple_escape(c)) != 0) {
                lo = e;
                i += 2;
            } else if (c != 0 && !isalnum(c)) {
                lo = c;
                i += 2;
            } else {
                err = re_unsupported(what, pat, "invalid escape sequence");
                goto done;
            }
            if (cls) {
                if ((err = pf__sbuf_puts(&body, cls)) < 0)
                    goto done;
                i += 2;
                continue;
            }
        } else {
            lo = (unsigned char)s[i++];
        }
        /* A range? */
        if (s[i] == '-' && s[i + 1] != ']' && s[i + 1] != '\0') {
            i++;
            if (s[i] == '\\') {
                int c = (unsigned char)s[i + 1], e;
                if ((e = simple_escape(c)) != 0)
                    hi = e;
                else if (c != 0 && !isalnum(c))
                    hi = c;
                else {
                    err = re_unsupported(what, pat, "invalid range");
                    goto done;
                }
                i += 2;
            } else {
                hi = (unsigned char)s[i++];
            }
            if (hi < lo) {
                err = re_unsupported(what, pat, "invalid character class range");
                goto done;
            }
        }
        if (hi >= 0) {
            char r[3] = { (char)lo, '-', (char)hi };
            if (lo == ']' || lo == '^' || lo == '-' || hi == ']') {
                /* Rare; split into the endpoints and the inside. */
                err = re_unsupported(what, pat,
                                     "range with ']', '^' or '-' endpoint "
                                     "unsupported");
                goto done;
            }
            if ((err = pf__sbuf_add(&body, r, 3)) < 0)
                goto done;
        } else if (lo == ']') {
            has_rbr = true;
        } else if (lo == '-') {
            has_dash = true;
        } else if (lo == '^') {
            has_caret = true;
        } else {
            char c = (char)lo;
            if ((err = pf__sbuf_add(&body, &c, 1)) < 0)
                goto done;
        }
    }
    *pi += i + 1;
    if (!neg && !has_rbr && body.len == 0 && !has_dash && has_caret) {
        err = pf__sbuf_puts(out, "\\^");
        goto done;
    }
    if ((err = pf__sbuf_puts(out, neg ? "[^" : "[")) < 0)
        goto done;
    if (has_rbr && (err = pf__sbuf_puts(out, "]")) < 0)
        goto done;
    if (body.len && (err = pf__sbuf_add(out, body.s, body.len)) < 0)
        goto done;
    if (has_caret && (err = pf__sbuf_puts(out, "^")) < 0)
        goto done;
    if (has_dash && (err = pf__sbuf_puts(out, "-")) < 0)
        goto done;
    err = pf__sbuf_puts(out, "]");
done:
    pf__sbuf_release(&body);
    return err;
}

/* Is PAT at '{' a valid RE2 repetition {n}, {n,} or {n,m}? */
static size_t repetition_len(const char *s)
{
    size_t i = 1;

    if (!isdigit((unsigned char)s[i]))
        return 0;
    while (isdigit((unsigned char)s[i]))
        i++;
    if (s[i] == ',') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++;
    }
    return s[i] == '}' ? i + 1 : 0;
}

static int translate(pf_sbuf *out, int *cflags, const char *pat,
                     const char *what)
{
    size_t i = 0, depth = 0;
    int err;

    /* Leading flag group: (?i), (?s), (?is)... */
    if (pat[0] == '(' && pat[1] == '?') {
        size_t j = 2;
        while (pat[j] == 'i' || pat[j] == 's' || pat[j] == 'm' ||
               pat[j] == 'U')
            j++;
        if (j > 2 && pat[j] == ')') {
            if (memchr(pat + 2, 'i', j - 2))
                *cflags |= REG_ICASE;
            i = j + 1;
        }
    }
    while (pat[i]) {
        unsigned char c = (unsigned char)pat[i];
        bool quant = false;

        if (c == '\\') {
            int d = (unsigned char)pat[i + 1], e;
            const char *rep = NULL;
            char lit[3];

            switch (d) {
            case 'd': rep = "[0-9]"; break;
            case 'D': rep = "[^0-9]"; break;
            case 'w': rep = "[0-9A-Za-z_]"; break;
            case 'W': rep = "[^0-9A-Za-z_]"; break;
            case 's': rep = "[[:space:]]"; break;
            case 'S': rep = "[^[:space:]]"; break;
            case 'A': rep = "^"; break;
            case 'z': rep = "$"; break;
            case 'b': rep = "\\b"; break;
            case 'B': rep = "\\B"; break;
            default: break;
            }
            if (rep) {
                if ((err = pf__sbuf_puts(out, rep)) < 0)
                    return err;
                i += 2;
                continue;
            }
            if (d == 'x') {
                int v, n = parse_hex(pat + i + 2, &v);
                if (n < 0)
                    return re_unsupported(what, pat, "invalid escape sequence");
                d = v;
                i += 2 + (size_t)n;
            } else if ((e = simple_escape(d)) != 0) {
                d = e;
                i += 2;
            } else if (d != 0 && !isalnum(d)) {
                i += 2;
            } else {
                return re_unsupported(what, pat,
                                      d == 0 ? "trailing backslash"
                                             : "invalid escape sequence");
            }
            if (strchr(ERE_SPECIAL, d)) {
                lit[0] = '\\';
                lit[1] = (char)d;
                err = pf__sbuf_add(out, lit, 2);
            } else {
                lit[0] = (char)d;
                err = pf__sbuf_add(out, lit, 1);
            }
            if (err < 0)
                return err;
            continue;
        }
        if (c == '[') {
            if ((err = translate_bracket(out, pat, &i, what)) < 0)
                return err;
            continue;
        }
        if (c == '(' && pat[i + 1] == '?') {
            if (pat[i + 2] == ':') {
                i += 3;
            } else if (pat[i + 2] == 'P' && pat[i + 3] == '<') {
                const char *gt = strchr(pat + i + 4, '>');
                if (!gt)
                    return re_unsupported(what, pat, "invalid named capture");
                i = (size_t)(gt - pat) + 1;
            } else {
                return re_unsupported(what, pat,
                                      "flag groups other than a leading "
                                      "(?i) are unsupported");
            }
            if ((err = pf__sbuf_puts(out, "(")) < 0)
                return err;
            depth++;
            continue;
        }
        if (c == '{') {
            size_t n = repetition_len(pat + i);
            if (n == 0) {
                if ((err = pf__sbuf_puts(out, "\\{")) < 0)
                    return err;
                i++;
                continue;
            }
            if ((err = pf__sbuf_add(out, pat + i, n)) < 0)
                return err;
            i += n;
            quant = true;
        } else {
            char ch = (char)c;
            if ((err = pf__sbuf_add(out, &ch, 1)) < 0)
                return err;
            i++;
            quant = c == '*' || c == '+' || c == '?';
        }
        /* Lazy quantifier: only a yes/no match is ever asked for, so
         * it means the same as the greedy one. */
        if (quant && pat[i] == '?')
            i++;
        /* RE2 rejects a repetition of a repetition (a**, a+{2}). */
        if (quant && (pat[i] == '*' || pat[i] == '+' || pat[i] == '?' ||
                      (pat[i] == '{' && repetition_len(pat + i))))
            return re_unsupported(what, pat,
                                  "invalid nested repetition operator");
        if (c == '(')
            depth++;
        else if (c == ')' && depth-- == 0)
            return re_unsupported(what, pat, "unexpected )");
    }
    if (out->len == 0)
        return pf__sbuf_puts(out, "()");
    return PF_OK;
}

int pf__re_compile(regex_t *out, const char *pattern, bool whole,
                   const char *what)
{
    pf_sbuf b = { 0 };
    int cflags = REG_EXTENDED | REG_NOSUB;
    int err, rc;

    if (whole && (err = pf__sbuf_puts(&b, "^(")) < 0)
        goto done;
    if ((err = translate(&b, &cflags, pattern, what)) < 0)
        goto done;
    if (whole && (err = pf__sbuf_puts(&b, ")$")) < 0)
        goto done;
    rc = regcomp(out, b.s, cflags);
    if (rc != 0) {
        char msg[128];
        regerror(rc, out, msg, sizeof(msg));
        regfree(out);
        err = pf__error_set(rc == REG_ESPACE ? PF_ENOMEM : PF_EINVAL,
                            "%s: invalid regexp '%s': %s", what, pattern, msg);
        goto done;
    }
    err = PF_OK;
done:
    pf__sbuf_release(&b);
    return err;
}

bool pf__re_match(const regex_t *re, const char *s)
{
    return regexec(re, s, 0, NULL, 0) == 0;
}

/* ------------------------------------------------------------------ */
/* Paths (Go's path/filepath on Unix)                                  */

const char *pf__path_clean(pf_profile *p, const char *path)
{
    size_t n = strlen(path), r = 0, w = 0, dotdot = 0;
    bool rooted = n > 0 && path[0] == '/';
    char small[512], *buf = small;
    const char *res;

    if (n == 0)
        return pf_profile_intern(p, ".");
    if (n + 1 > sizeof(small) && !(buf = pf__malloc(n + 1)))
        return NULL;
    if (rooted) {
        buf[w++] = '/';
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' &&
                   (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && buf[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    buf[w++] = '/';
                buf[w++] = '.';
                buf[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                buf[w++] = '/';
            while (r < n && path[r] != '/')
                buf[w++] = path[r++];
        }
    }
    if (w == 0)
        buf[w++] = '.';
    res = pf_profile_intern_len(p, buf, w);
    if (buf != small)
        pf__free(buf);
    return res;
}

const char *pf__path_base(pf_profile *p, const char *path)
{
    size_t n = strlen(path);
    const char *s;

    if (n == 0)
        return pf_profile_intern(p, ".");
    while (n > 0 && path[n - 1] == '/')
        n--;
    if (n == 0)
        return pf_profile_intern(p, "/");
    s = path + n;
    while (s > path && s[-1] != '/')
        s--;
    return pf_profile_intern_len(p, s, (size_t)(path + n - s));
}

/* ------------------------------------------------------------------ */
/* Numeric label units                                                 */

static int numunits_set(pf_numunits *u, const char *key, const char *unit)
{
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 8;
        const char **k = pf__realloc(u->key, cap * sizeof(*k));
        const char **v;
        if (!k)
            return pf__error_oom();
        u->key = k;
        v = pf__realloc(u->unit, cap * sizeof(*v));
        if (!v)
            return pf__error_oom();
        u->unit = v;
        u->cap = cap;
    }
    u->key[u->n] = key;
    u->unit[u->n] = unit;
    u->n++;
    return PF_OK;
}

static ssize_t numunits_find(const pf_numunits *u, const char *key)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->key[i] == key || strcmp(u->key[i], key) == 0)
            return (ssize_t)i;
    return -1;
}

int pf__numunits_init(pf_numunits *u, const pf_profile *p)
{
    memset(u, 0, sizeof(*u));
    for (size_t i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const pf_label *l = pf__sample_labels(p, s);
        for (uint32_t j = 0; j < s->nlabel; j++) {
            ssize_t k;
            if (l[j].str[0])
                continue;
            k = numunits_find(u, l[j].key);
            if (k < 0) {
                PF_TRY(numunits_set(u, l[j].key, l[j].unit));
            } else if (u->unit[k][0] == '\0') {
                u->unit[k] = l[j].unit;
            }
        }
    }
    for (size_t i = 0; i < u->n; i++) {
        if (u->unit[i][0])
            continue;
        if (strcmp(u->key[i], "alignment") == 0 ||
            strcmp(u->key[i], "request") == 0)
            u->unit[i] = "bytes";
        else
            u->unit[i] = u->key[i];
    }
    return PF_OK;
}

const char *pf__numunits_get(const pf_numunits *u, const char *key)
{
    ssize_t k = numunits_find(u, key);
    return k < 0 ? "" : u->unit[k];
}

void pf__numunits_release(pf_numunits *u)
{
    pf__free(u->key);
    pf__free(u->unit);
    memset(u, 0, sizeof(*u));
}

/* ------------------------------------------------------------------ */
/* Tag filters (-tagfocus / -tagignore)                                */

enum { TF_EQ, TF_GE, TF_LE, TF_RANGE };

typedef struct tagfilter {
    char *key;              /* NULL: any key */
    bool numeric;
    int mode;
    double lo, hi;
    const char *unit;       /* canonical unit of the bounds */
    regex_t *rx;
    size_t nrx;
} tagfilter;

static void tagfilter_release(tagfilter *t)
{
    for (size_t i = 0; i < t->nrx; i++)
        regfree(&t->rx[i]);
    pf__free(t->rx);
    pf__free(t->key);
    memset(t, 0, sizeof(*t));
}

/* Find the next match of ([+-]?[0-9]+)([A-Za-z]+)? in S from *POS. */
static bool next_num(const char *s, size_t *pos, size_t *start, size_t *numend,
                     size_t *end)
{
    for (size_t i = *pos; s[i]; i++) {
        size_t j = i;
        if ((s[j] == '+' || s[j] == '-') && isdigit((unsigned char)s[j + 1]))
            j++;
        if (!isdigit((unsigned char)s[j]))
            continue;
        while (isdigit((unsigned char)s[j]))
            j++;
        *start = i;
        *numend = j;
        while (isalpha((unsigned char)s[j]))
            j++;
        *end = j;
        *pos = j;
        return true;
    }
    return false;
}

static bool parse_i64(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    char *end;

    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *out = strtoll(buf, &end, 10);
    return errno == 0 && *end == '\0';
}

/* pprof's parseTagFilterRange; false when VALUE is not a range. */
static int parse_range(tagfilter *t, const char *value, const char *what,
                       bool *is_range)
{
    size_t pos = 0, s1, n1, e1, s2, n2, e2;
    size_t len = strlen(value);
    int64_t v;
    char unit1[32], unit2[32];
    const char *cu1, *cu2;

    *is_range = false;
    if (!next_num(value, &pos, &s1, &n1, &e1))
        return PF_OK;
    if (!parse_i64(value + s1, n1 - s1, &v))
        return pf__error_set(PF_EINVAL, "%s: number out of range in '%s'",
                             what, value);
    if (e1 - n1 >= sizeof(unit1))
        return PF_OK;
    memcpy(unit1, value + n1, e1 - n1);
    unit1[e1 - n1] = '\0';
    t->lo = pf_unit_scale(v, unit1, unit1, &cu1);
    t->unit = cu1;
    if (!next_num(value, &pos, &s2, &n2, &e2)) {
        size_t mlen = e1 - s1;
        if (s1 == 0 && e1 == len)
            t->mode = TF_EQ;
        else if (s1 == 0 && e1 + 1 == len && value[e1] == ':')
            t->mode = TF_GE;
        else if (s1 == 1 && value[0] == ':' && 1 + mlen == len)
            t->mode = TF_LE;
        else
            return PF_OK;
        *is_range = true;
        return PF_OK;
    }
    if (!(s1 == 0 && value[e1] == ':' && s2 == e1 + 1 && e2 == len))
        return PF_OK;
    if (!parse_i64(value + s2, n2 - s2, &v))
        return pf__error_set(PF_EINVAL, "%s: number out of range in '%s'",
                             what, value);
    if (e2 - n2 >= sizeof(unit2))
        return PF_OK;
    memcpy(unit2, value + n2, e2 - n2);
    unit2[e2 - n2] = '\0';
    t->hi = pf_unit_scale(v, unit2, t->unit, &cu2);
    if (strcmp(cu2, t->unit) != 0)
        return PF_OK;
    t->mode = TF_RANGE;
    *is_range = true;
    return PF_OK;
}

static int tagfilter_compile(tagfilter *t, const char *spec, const char *what)
{
    const char *eq = strchr(spec, '=');
    const char *value = spec;
    bool is_range;
    int err;

    memset(t, 0, sizeof(*t));
    if (eq) {
        size_t kl = (size_t)(eq - spec);
        t->key = pf__malloc(kl + 1);
        if (!t->key)
            return pf__error_oom();
        memcpy(t->key, spec, kl);
        t->key[kl] = '\0';
        value = eq + 1;
    }
    if ((err = parse_range(t, value, what, &is_range)) < 0)
        goto fail;
    if (is_range) {
        t->numeric = true;
        return PF_OK;
    }
    {
        size_t n = 1;
        const char *c;
        for (c = value; *c; c++)
            n += *c == ',';
        t->rx = pf__calloc(n, sizeof(regex_t));
        if (!t->rx) {
            err = pf__error_oom();
            goto fail;
        }
        c = value;
        for (;;) {
            const char *comma = strchr(c, ',');
            size_t l = comma ? (size_t)(comma - c) : strlen(c);
            char *part = pf__malloc(l + 1);
            if (!part) {
                err = pf__error_oom();
                goto fail;
            }
            memcpy(part, c, l);
            part[l] = '\0';
            err = pf__re_compile(&t->rx[t->nrx], part, false, what);
            pf__free(part);
            if (err < 0)
                goto fail;
            t->nrx++;
            if (!comma)
                break;
            c = comma + 1;
        }
    }
    return PF_OK;
fail:
    tagfilter_release(t);
    return err;
}

static bool num_in(const tagfilter *t, int64_t v, const char *unit)
{
    const char *su;
    double sv = pf_unit_scale(v, unit, t->unit, &su);

    if (strcmp(su, t->unit) != 0)
        return false;
    switch (t->mode) {
    case TF_EQ: return sv == t->lo;
    case TF_GE: return sv >= t->lo;
    case TF_LE: return sv <= t->lo;
    default: return sv >= t->lo && sv <= t->hi;
    }
}

static bool tagfilter_match(const tagfilter *t, const pf_label *l, size_t n,
                            const pf_numunits *units, pf_sbuf *scratch)
{
    if (t->numeric) {
        for (size_t i = 0; i < n; i++) {
            if (l[i].str[0])
                continue;
            if (t->key && strcmp(l[i].key, t->key) != 0)
                continue;
            if (num_in(t, l[i].num, pf__numunits_get(units, l[i].key)))
                return true;
        }
        return false;
    }
    if (t->key) {
        for (size_t r = 0; r < t->nrx; r++)
            for (size_t i = 0; i < n; i++)
                if (l[i].str[0] && strcmp(l[i].key, t->key) == 0 &&
                    pf__re_match(&t->rx[r], l[i].str))
                    return true;
        return false;
    }
    for (size_t r = 0; r < t->nrx; r++) {
        bool hit = false;
        for (size_t i = 0; i < n && !hit; i++) {
            if (!l[i].str[0])
                continue;
            scratch->len = 0;
            if (pf__sbuf_puts(scratch, l[i].key) < 0 ||
                pf__sbuf_puts(scratch, ":") < 0 ||
                pf__sbuf_puts(scratch, l[i].str) < 0)
                return false;
            hit = pf__re_match(&t->rx[r], scratch->s);
        }
        if (!hit)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Option checking                                                     */

static bool set(const char *s)
{
    return s && *s;
}

static int check_re(const char *re, const char *what)
{
    regex_t r;

    if (!set(re))
        return PF_OK;
    PF_TRY(pf__re_compile(&r, re, false, what));
    regfree(&r);
    return PF_OK;
}

static int check_tag(const char *spec, const char *what)
{
    tagfilter t;

    if (!set(spec))
        return PF_OK;
    PF_TRY(tagfilter_compile(&t, spec, what));
    tagfilter_release(&t);
    return PF_OK;
}

int pf_filter_opts_check(const pf_filter_opts *o)
{
    if (!o)
        return PF_OK;
    if (o->version != PF_FILTER_OPTS_VERSION)
        return pf__error_set(PF_EINVAL, "filter options: version %u, want %u",
                             o->version, PF_FILTER_OPTS_VERSION);
    if ((unsigned)o->granularity > PF_GRAN_ADDRESSES)
        return pf__error_set(PF_EINVAL, "unknown granularity %d",
                             (int)o->granularity);
    PF_TRY(check_re(o->focus, "focus"));
    PF_TRY(check_re(o->ignore, "ignore"));
    PF_TRY(check_re(o->hide, "hide"));
    PF_TRY(check_re(o->show, "show"));
    PF_TRY(check_re(o->show_from, "show_from"));
    PF_TRY(check_tag(o->tagfocus, "tagfocus"));
    PF_TRY(check_tag(o->tagignore, "tagignore"));
    PF_TRY(check_re(o->tagshow, "tagshow"));
    PF_TRY(check_re(o->taghide, "taghide"));
    PF_TRY(check_re(o->prune_from, "prune_from"));
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* In-place edits                                                      */

/* Keep the samples with KEEP[i] set (order kept). */
static void keep_samples(pf_profile *p, const uint8_t *keep)
{
    size_t w = 0, nv = p->nsample_types;

    for (size_t i = 0; i < p->nsamples; i++) {
        if (!keep[i])
            continue;
        if (w != i) {
            p->samples[w] = p->samples[i];
            memmove(p->values + w * nv, p->values + i * nv,
                    nv * sizeof(*p->values));
        }
        w++;
    }
    p->nsamples = w;
}

/* Per-function match cache: 0 unknown, 1 no, 2 yes. */
typedef struct fmatch {
    const regex_t *re;
    uint8_t *fn;            /* name or filename matches */
    uint8_t *mp;            /* mapping file matches */
} fmatch;

static int fmatch_init(fmatch *m, const pf_profile *p, const regex_t *re)
{
    m->re = re;
    m->fn = pf__calloc(p->nfunctions + 1, 1);
    m->mp = pf__calloc(p->nmappings + 1, 1);
    if (!m->fn || !m->mp)
        return pf__error_oom();
    return PF_OK;
}

static void fmatch_release(fmatch *m)
{
    pf__free(m->fn);
    pf__free(m->mp);
    m->fn = m->mp = NULL;
}

static bool fmatch_fn(fmatch *m, const pf_profile *p, uint32_t f)
{
    if (!m->fn[f]) {
        const pf_function *fn = &p->functions[f];
        m->fn[f] = (pf__re_match(m->re, fn->name) ||
                    pf__re_match(m->re, fn->filename)) ? 2 : 1;
    }
    return m->fn[f] == 2;
}

static bool fmatch_map(fmatch *m, const pf_profile *p, uint32_t mi)
{
    if (mi == PF_NONE)
        return false;
    if (!m->mp[mi])
        m->mp[mi] = pf__re_match(m->re, p->mappings[mi].file) ? 2 : 1;
    return m->mp[mi] == 2;
}

static bool loc_matches(fmatch *m, const pf_profile *p, const pf_location *l)
{
    const pf_line *ln = pf__loc_lines(p, l);

    for (uint32_t i = 0; i < l->nline; i++)
        if (fmatch_fn(m, p, ln[i].function))
            return true;
    return fmatch_map(m, p, l->mapping);
}

/* Keep the lines of L whose match against M equals WANT (in place). */
static void loc_keep_lines(pf_profile *p, pf_location *l, fmatch *m, bool want)
{
    pf_line *ln = p->lines + l->line_off;
    uint32_t w = 0;

    for (uint32_t i = 0; i < l->nline; i++)
        if (fmatch_fn(m, p, ln[i].function) == want)
            ln[w++] = ln[i];
    l->nline = w;
}

/* The simplified function name pprof's Prune matches drop_frames
 * against: one leading '.' removed, cut at the first '(' that does not
 * open "(anonymous namespace)" or belong to "operator()". */
static size_t simplified_len(const char *name, const char **start)
{
    static const char anon[] = "(anonymous namespace)";
    static const char op[] = "operator()";
    size_t i = 0;

    if (name[0] == '.')
        name++;
    *start = name;
    while (name[i]) {
        if (strncmp(name + i, anon, sizeof(anon) - 1) == 0)
            i += sizeof(anon) - 1;
        else if (strncmp(name + i, op, sizeof(op) - 1) == 0)
            i += sizeof(op) - 1;
        else if (name[i] == '(')
            return i;
        else
            i++;
    }
    return i;
}

static bool simplified_match(const regex_t *re, const char *name)
{
    const char *s;
    size_t n = simplified_len(name, &s);
    char small[256], *buf = small;
    bool hit;

    if (s[n] == '\0')
        return pf__re_match(re, s);
    if (n + 1 > sizeof(small) && !(buf = pf__malloc(n + 1)))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    hit = pf__re_match(re, buf);
    if (buf != small)
        pf__free(buf);
    return hit;
}

/* pprof Profile.Prune(drop, keep). */
static int prune(pf_profile *p, const regex_t *drop, const regex_t *keep)
{
    uint8_t *fcache = pf__calloc(p->nfunctions + 1, 1);
    uint8_t *mark = pf__calloc(p->nlocations + 1, 1); /* 1 beneath, 2 prune */
    int err = PF_OK;

    if (!fcache || !mark) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t li = 0; li < p->nlocations; li++) {
        pf_location *l = &p->locations[li];
        const pf_line *ln = pf__loc_lines(p, l);
        ssize_t i;

        for (i = (ssize_t)l->nline - 1; i >= 0; i--) {
            uint32_t f = ln[i].function;
            const char *name = p->functions[f].name;
            if (!name[0])
                continue;
            if (!fcache[f]) {
                bool d = simplified_match(drop, name);
                if (d && keep && simplified_match(keep, name))
                    d = false;
                fcache[f] = d ? 2 : 1;
            }
            if (fcache[f] == 2)
                break;
        }
        if (i >= 0) {
            mark[li] = 1;
            if ((size_t)i == l->nline - 1) {
                mark[li] = 2;
            } else {
                l->line_off += (uint32_t)i + 1;
                l->nline -= (uint32_t)i + 1;
            }
        }
    }
    for (size_t si = 0; si < p->nsamples; si++) {
        pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        bool user = false;
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint8_t m = mark[st[i]];
            if (!m) {
                user = true;
                continue;
            }
            if (!user)
                continue;
            if (m == 2) {
                s->loc_off += (uint32_t)i + 1;
                s->nloc -= (uint32_t)i + 1;
            } else {
                s->loc_off += (uint32_t)i;
                s->nloc -= (uint32_t)i;
            }
            break;
        }
    }
done:
    pf__free(fcache);
    pf__free(mark);
    return err;
}

int pf__filter_drop_frames(pf_profile *p)
{
    regex_t drop, keep;
    bool has_keep = false;
    int err;

    if (!p->drop_frames || !p->drop_frames[0])
        return PF_OK;
    PF_TRY(pf__re_compile(&drop, p->drop_frames, true, "drop_frames"));
    if (p->keep_frames && p->keep_frames[0]) {
        if ((err = pf__re_compile(&keep, p->keep_frames, true,
                                  "keep_frames")) < 0) {
            regfree(&drop);
            return err;
        }
        has_keep = true;
    }
    err = prune(p, &drop, has_keep ? &keep : NULL);
    regfree(&drop);
    if (has_keep)
        regfree(&keep);
    return err;
}

/* pprof Profile.PruneFrom. */
static int prune_from(pf_profile *p, const regex_t *re)
{
    uint8_t *fcache = pf__calloc(p->nfunctions + 1, 1);
    uint8_t *mark = pf__calloc(p->nlocations + 1, 1);
    int err = PF_OK;

    if (!fcache || !mark) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t li = 0; li < p->nlocations; li++) {
        pf_location *l = &p->locations[li];
        const pf_line *ln = pf__loc_lines(p, l);
        for (uint32_t i = 0; i < l->nline; i++) {
            uint32_t f = ln[i].function;
            if (!p->functions[f].name[0])
                continue;
            if (!fcache[f])
                fcache[f] = simplified_match(re, p->functions[f].name) ? 2 : 1;
            if (fcache[f] == 2) {
                mark[li] = 1;
                l->line_off += i;
                l->nline -= i;
                break;
            }
        }
    }
    for (size_t si = 0; si < p->nsamples; si++) {
        pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        for (uint32_t i = 0; i < s->nloc; i++) {
            if (mark[st[i]]) {
                s->loc_off += i;
                s->nloc -= i;
                break;
            }
        }
    }
done:
    pf__free(fcache);
    pf__free(mark);
    return err;
}

/* FilterSamplesByName: focus / ignore / hide / show. */
static int filter_by_name(pf_profile *p, const regex_t *focus,
                          const regex_t *ignore, const regex_t *hide,
                          const regex_t *show, unsigned *matched)
{
    fmatch mf = { 0 }, mi = { 0 }, mh = { 0 }, ms = { 0 };
    uint8_t *fi = pf__calloc(p->nlocations + 1, 1); /* 1 focus, 2 ignore */
    uint8_t *hidden = pf__calloc(p->nlocations + 1, 1);
    uint8_t *keep = pf__calloc(p->nsamples + 1, 1);
    bool any_hidden = false;
    int err;

    if (!fi || !hidden || !keep) {
        err = pf__error_oom();
        goto done;
    }
    if ((focus && (err = fmatch_init(&mf, p, focus)) < 0) ||
        (ignore && (err = fmatch_init(&mi, p, ignore)) < 0) ||
        (hide && (err = fmatch_init(&mh, p, hide)) < 0) ||
        (show && (err = fmatch_init(&ms, p, show)) < 0))
        goto done;
    for (size_t li = 0; li < p->nlocations; li++) {
        pf_location *l = &p->locations[li];
        if (ignore && loc_matches(&mi, p, l)) {
            *matched |= PF_MATCHED_IGNORE;
            fi[li] = 2;
        } else if (!focus || loc_matches(&mf, p, l)) {
            *matched |= PF_MATCHED_FOCUS;
            fi[li] = 1;
        }
        if (hide && loc_matches(&mh, p, l)) {
            *matched |= PF_MATCHED_HIDE;
            if (fmatch_map(&mh, p, l->mapping))
                l->nline = 0;
            else
                loc_keep_lines(p, l, &mh, false);
            if (l->nline == 0)
                hidden[li] = any_hidden = true;
        }
        if (show) {
            if (!fmatch_map(&ms, p, l->mapping))
                loc_keep_lines(p, l, &ms, true);
            if (l->nline == 0)
                hidden[li] = any_hidden = true;
            else
                *matched |= PF_MATCHED_SHOW;
        }
    }
    for (size_t si = 0; si < p->nsamples; si++) {
        pf_sample *s = &p->samples[si];
        uint32_t *st = p->stack + s->loc_off;
        bool f = false, ign = false;
        for (uint32_t i = 0; i < s->nloc && !ign; i++) {
            if (fi[st[i]] == 2)
                ign = true;
            else if (fi[st[i]] == 1)
                f = true;
        }
        if (ign || !f)
            continue;
        if (any_hidden) {
            uint32_t w = 0;
            for (uint32_t i = 0; i < s->nloc; i++)
                if (!hidden[st[i]])
                    st[w++] = st[i];
            s->nloc = w;
            if (w == 0)
                continue;
        }
        keep[si] = 1;
    }
    keep_samples(p, keep);
    err = PF_OK;
done:
    fmatch_release(&mf);
    fmatch_release(&mi);
    fmatch_release(&mh);
    fmatch_release(&ms);
    pf__free(fi);
    pf__free(hidden);
    pf__free(keep);
    return err;
}

/* ShowFrom: drop frames above the highest (root-most) matching one. */
static int show_from(pf_profile *p, const regex_t *re, unsigned *matched)
{
    fmatch m = { 0 };
    uint8_t *hit = pf__calloc(p->nlocations + 1, 1);
    uint8_t *keep = pf__calloc(p->nsamples + 1, 1);
    int err;

    if (!hit || !keep || (err = fmatch_init(&m, p, re)) < 0) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t li = 0; li < p->nlocations; li++) {
        pf_location *l = &p->locations[li];
        const pf_line *ln = pf__loc_lines(p, l);
        if (fmatch_map(&m, p, l->mapping)) {
            hit[li] = 1;
        } else {
            for (ssize_t i = (ssize_t)l->nline - 1; i >= 0; i--) {
                if (fmatch_fn(&m, p, ln[i].function)) {
                    l->nline = (uint32_t)i + 1;
                    hit[li] = 1;
                    break;
                }
            }
        }
        if (hit[li])
            *matched |= PF_MATCHED_SHOW_FROM;
    }
    for (size_t si = 0; si < p->nsamples; si++) {
        pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            if (hit[st[i]]) {
                s->nloc = (uint32_t)i + 1;
                keep[si] = 1;
                break;
            }
        }
    }
    keep_samples(p, keep);
    err = PF_OK;
done:
    fmatch_release(&m);
    pf__free(hit);
    pf__free(keep);
    return err;
}

static int filter_by_tag(pf_profile *p, const tagfilter *focus,
                         const tagfilter *ignore, unsigned *matched)
{
    pf_numunits units;
    pf_sbuf scratch = { 0 };
    uint8_t *keep = pf__calloc(p->nsamples + 1, 1);
    int err;

    if (!keep)
        return pf__error_oom();
    if ((err = pf__numunits_init(&units, p)) < 0)
        goto done;
    if ((err = pf__sbuf_puts(&scratch, "")) < 0)
        goto done;
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const pf_label *l = pf__sample_labels(p, s);
        bool f = true, ig = false;
        if (focus)
            f = tagfilter_match(focus, l, s->nlabel, &units, &scratch);
        if (ignore)
            ig = tagfilter_match(ignore, l, s->nlabel, &units, &scratch);
        if (f && focus)
            *matched |= PF_MATCHED_TAGFOCUS;
        if (ig)
            *matched |= PF_MATCHED_TAGIGNORE;
        keep[si] = f && !ig;
    }
    keep_samples(p, keep);
done:
    pf__numunits_release(&units);
    pf__sbuf_release(&scratch);
    pf__free(keep);
    return err;
}

/* FilterTagsByName: drop label keys not matching SHOW or matching HIDE. */
static void filter_tag_names(pf_profile *p, const regex_t *show,
                             const regex_t *hide, unsigned *matched)
{
    for (size_t si = 0; si < p->nsamples; si++) {
        pf_sample *s = &p->samples[si];
        pf_label *l = p->labels + s->label_off;
        uint32_t w = 0;
        for (uint32_t i = 0; i < s->nlabel; i++) {
            bool ms = !show || pf__re_match(show, l[i].key);
            bool mh = hide && pf__re_match(hide, l[i].key);
            if (ms)
                *matched |= PF_MATCHED_TAGSHOW;
            if (mh)
                *matched |= PF_MATCHED_TAGHIDE;
            if (ms && !mh)
                l[w++] = l[i];
        }
        s->nlabel = w;
    }
}

int pf__filter_samples(pf_profile *p, const pf_filter_opts *o,
                       unsigned *matched)
{
    regex_t re[8];
    bool have[8] = { false };
    const char *pat[8], *name[8] = { "focus", "ignore", "hide", "show",
                                     "show_from", "tagshow", "taghide",
                                     "prune_from" };
    tagfilter tf = { 0 }, ti = { 0 };
    bool have_tf = false, have_ti = false;
    int err = PF_OK;

    *matched = 0;
    if (!o)
        return PF_OK;
    pat[0] = o->focus;
    pat[1] = o->ignore;
    pat[2] = o->hide;
    pat[3] = o->show;
    pat[4] = o->show_from;
    pat[5] = o->tagshow;
    pat[6] = o->taghide;
    pat[7] = o->prune_from;
    for (int i = 0; i < 8; i++) {
        if (!set(pat[i]))
            continue;
        if ((err = pf__re_compile(&re[i], pat[i], false, name[i])) < 0)
            goto done;
        have[i] = true;
    }
    if (set(o->tagfocus)) {
        if ((err = tagfilter_compile(&tf, o->tagfocus, "tagfocus")) < 0)
            goto done;
        have_tf = true;
    }
    if (set(o->tagignore)) {
        if ((err = tagfilter_compile(&ti, o->tagignore, "tagignore")) < 0)
            goto done;
        have_ti = true;
    }
    if ((err = filter_by_name(p, have[0] ? &re[0] : NULL,
                              have[1] ? &re[1] : NULL,
                              have[2] ? &re[2] : NULL,
                              have[3] ? &re[3] : NULL, matched)) < 0)
        goto done;
    if (have[4] && (err = show_from(p, &re[4], matched)) < 0)
        goto done;
    if ((have_tf || have_ti) &&
        (err = filter_by_tag(p, have_tf ? &tf : NULL, have_ti ? &ti : NULL,
                             matched)) < 0)
        goto done;
    if (have[5] || have[6])
        filter_tag_names(p, have[5] ? &re[5] : NULL, have[6] ? &re[6] : NULL,
                         matched);
    if (have[7] && (err = prune_from(p, &re[7])) < 0)
        goto done;
done:
    for (int i = 0; i < 8; i++)
        if (have[i])
            regfree(&re[i]);
    if (have_tf)
        tagfilter_release(&tf);
    if (have_ti)
        tagfilter_release(&ti);
    return err;
}

int pf__filter_aggregate(pf_profile *p, const pf_filter_opts *o)
{
    bool function = false, filename = false, linenumber = false,
         address = false, inlines = !(o && o->noinlines);
    pf_granularity g = o ? o->granularity : PF_GRAN_FUNCTIONS;

    switch (g) {
    case PF_GRAN_ADDRESSES:
        if (inlines)
            return PF_OK;
        function = filename = linenumber = address = true;
        break;
    case PF_GRAN_LINES:
        function = filename = linenumber = true;
        break;
    case PF_GRAN_FILES:
        filename = true;
        break;
    case PF_GRAN_FUNCTIONS:
        function = true;
        break;
    case PF_GRAN_FILEFUNCTIONS:
        function = filename = true;
        break;
    default:
        return pf__error_set(PF_EINVAL, "unknown granularity %d", (int)g);
    }
    for (size_t i = 0; i < p->nmappings; i++) {
        pf_mapping *m = &p->mappings[i];
        m->has_inline_frames = m->has_inline_frames && inlines;
        m->has_functions = m->has_functions && function;
        m->has_filenames = m->has_filenames && filename;
        m->has_line_numbers = m->has_line_numbers && linenumber;
    }
    if (!function || !filename) {
        for (size_t i = 0; i < p->nfunctions; i++) {
            pf_function *f = &p->functions[i];
            if (!function)
                f->name = f->system_name = p->empty;
            if (!filename)
                f->filename = p->empty;
        }
    }
    for (size_t i = 0; i < p->nlocations; i++) {
        pf_location *l = &p->locations[i];
        if (!inlines && l->nline > 1) {
            l->line_off += l->nline - 1;
            l->nline = 1;
        }
        if (!linenumber) {
            pf_line *ln = p->lines + l->line_off;
            for (uint32_t j = 0; j < l->nline; j++)
                ln[j].line = 0;
        }
        if (!address)
            l->address = 0;
    }
    pf__profile_invalidate_sets(p);
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* -tagroot / -tagleaf (pprof's addLabelNodes)                         */

typedef struct tagloc {
    const char *name, *file;    /* interned in the profile */
    uint32_t loc;
} tagloc;

typedef struct tagkeys {
    const char **k;
    size_t n;
} tagkeys;

static bool tagloc_eq(const void *ctx, uint32_t idx, const void *key)
{
    const tagloc *a = (const tagloc *)ctx + idx, *b = key;
    return a->name == b->name && a->file == b->file;
}

/* Split the comma-separated LIST into interned non-empty keys. */
static int split_keys(pf_profile *p, const char *list, tagkeys *out)
{
    const char *s = list ? list : "";

    out->k = NULL;
    out->n = 0;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n > 0) {
            const char **v = pf__realloc(out->k, (out->n + 1) * sizeof(*v));
            PF_CHECK_ALLOC(v);
            out->k = v;
            v[out->n] = pf_profile_intern_len(p, s, n);
            PF_CHECK_ALLOC(v[out->n]);
            out->n++;
        }
        s += n;
        if (*s == ',')
            s++;
    }
    return PF_OK;
}

/* The label values of key K of sample S joined by ',' (formatLabelValues:
 * string values, then numeric ones scaled to UNIT when the key has
 * units in this sample). */
static int label_values(pf_sbuf *b, const pf_profile *p, const pf_sample *s,
                        const char *k, const char *unit, bool *any)
{
    const pf_label *l = pf__sample_labels(p, s);
    bool units = false;
    size_t i;

    b->len = 0;
    PF_TRY(pf__sbuf_puts(b, ""));
    for (i = 0; i < s->nlabel; i++) {
        if (l[i].key != k)
            continue;
        if (l[i].str[0]) {
            PF_TRY(pf__sbuf_puts(b, b->len ? "," : ""));
            PF_TRY(pf__sbuf_puts(b, l[i].str));
            *any = true;
        } else if (l[i].unit[0]) {
            units = true;
        }
    }
    for (i = 0; i < s->nlabel; i++) {
        char v[128];
        if (l[i].key != k || l[i].str[0])
            continue;
        if (units)
            pf_unit_label(v, sizeof(v), l[i].num, l[i].unit, unit);
        else
            pf_unit_label(v, sizeof(v), l[i].num, "", "");
        PF_TRY(pf__sbuf_puts(b, b->len ? "," : ""));
        PF_TRY(pf__sbuf_puts(b, v));
        *any = true;
    }
    return PF_OK;
}

/* Append to STACK the pseudo locations of KEYS for sample S, the last
 * key first (so that the first key ends up nearest the root). */
static int tag_locs(pf_profile *p, const pf_sample *s, const tagkeys *keys,
                    const char *unit, bool *matched, pf_sbuf *b,
                    tagloc **tl, size_t *ntl, size_t *tlcap, pf_idxset *set,
                    uint32_t *stack, size_t *n)
{
    for (size_t i = 0; i < keys->n; i++) {
        const char *k = keys->k[keys->n - 1 - i];
        tagloc key;
        uint64_t h;
        uint32_t hit;

        PF_TRY(label_values(b, p, s, k, unit, matched));
        key.name = pf_profile_intern_len(p, b->s, b->len);
        PF_CHECK_ALLOC(key.name);
        key.file = k;
        h = pf__hash_mix(pf__hash_mix(0x7a6u, (uint64_t)(uintptr_t)key.name),
                         (uint64_t)(uintptr_t)key.file);
        hit = pf__idxset_find(set, h, tagloc_eq, *tl, &key);
        if (hit == PF_NONE) {
            pf_function f;
            pf_line ln;
            memset(&f, 0, sizeof(f));
            f.id = p->next_function_id++;
            f.name = key.name;
            f.system_name = p->empty;
            f.filename = key.file;
            PF_TRY(pf__function_append(p, &ln.function, &f));
            ln.line = 0;
            ln.column = 0;
            PF_TRY(pf__location_append(p, &key.loc, p->next_location_id++,
                                       PF_NONE, 0, &ln, 1, false));
            PF_TRY(PF_VEC_RESERVE(*tl, *tlcap, *ntl + 1));
            (*tl)[*ntl] = key;
            PF_TRY(pf__idxset_insert(set, h, (uint32_t)*ntl));
            hit = (uint32_t)(*ntl)++;
        }
        stack[(*n)++] = (*tl)[hit].loc;
    }
    return PF_OK;
}

int pf__filter_tag_nodes(pf_profile *p, const char *tagroot,
                         const char *tagleaf, const char *unit,
                         unsigned *matched)
{
    tagkeys roots = { NULL, 0 }, leaves = { NULL, 0 };
    tagloc *tl = NULL;
    size_t ntl = 0, tlcap = 0, per, cap, n = 0, i;
    uint32_t *stack = NULL;
    pf_sbuf b = { 0 };
    pf_idxset set;
    bool rootm = false, leafm = false;
    int err;

    pf__idxset_init(&set);
    if ((err = split_keys(p, tagroot, &roots)) < 0 ||
        (err = split_keys(p, tagleaf, &leaves)) < 0)
        goto done;
    if (roots.n + leaves.n == 0)
        goto done;
    /* New ids after the largest in use, as the reference numbers them. */
    p->next_function_id = 1;
    for (i = 0; i < p->nfunctions; i++)
        if (p->functions[i].id >= p->next_function_id)
            p->next_function_id = p->functions[i].id + 1;
    p->next_location_id = 1;
    for (i = 0; i < p->nlocations; i++)
        if (p->locations[i].id >= p->next_location_id)
            p->next_location_id = p->locations[i].id + 1;
    per = roots.n + leaves.n;
    cap = p->nsamples * per + p->nstack + 1;
    if (cap > UINT32_MAX) {
        err = pf__error_set(PF_ETOOBIG, "tagroot/tagleaf: too many frames");
        goto done;
    }
    stack = pf__malloc(cap * sizeof(*stack));
    if (!stack) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < p->nsamples; i++) {
        pf_sample *s = &p->samples[i];
        const uint32_t *old = pf__sample_locs(p, s);
        size_t start = n;

        if ((err = tag_locs(p, s, &leaves, unit, &leafm, &b, &tl, &ntl,
                            &tlcap, &set, stack, &n)) < 0)
            goto done;
        if (s->nloc)
            memcpy(stack + n, old, s->nloc * sizeof(*stack));
        n += s->nloc;
        if ((err = tag_locs(p, s, &roots, unit, &rootm, &b, &tl, &ntl,
                            &tlcap, &set, stack, &n)) < 0)
            goto done;
        s->loc_off = (uint32_t)start;
        s->nloc = (uint32_t)(n - start);
    }
    pf__free(p->stack);
    p->stack = stack;
    p->nstack = n;
    p->stack_cap = cap;
    stack = NULL;
    if (matched)
        *matched |= (rootm || roots.n == 0 ? PF_MATCHED_TAGROOT : 0) |
                    (leafm || leaves.n == 0 ? PF_MATCHED_TAGLEAF : 0);
done:
    pf__free(stack);
    pf__free(roots.k);
    pf__free(leaves.k);
    pf__free(tl);
    pf__sbuf_release(&b);
    pf__idxset_release(&set);
    return err;
}

int pf_profile_filter(pf_profile **out, unsigned *matched,
                      const pf_profile *p, const pf_filter_opts *opts)
{
    pf_profile *c = NULL;
    unsigned m = 0, tagm = 0;
    int err;

    *out = NULL;
    if (matched)
        *matched = 0;
    if ((err = pf_filter_opts_check(opts)) < 0)
        return err;
    if ((err = pf_profile_clone(&c, p)) < 0)
        return err;
    if (!(opts && opts->no_drop_frames) &&
        (err = pf__filter_drop_frames(c)) < 0)
        goto done;
    if (opts && (err = pf__filter_tag_nodes(c, opts->tagroot, opts->tagleaf,
                                            "minimum", &tagm)) < 0)
        goto done;
    if ((err = pf__filter_samples(c, opts, &m)) < 0)
        goto done;
    if ((err = pf__filter_aggregate(c, opts)) < 0)
        goto done;
    pf__profile_invalidate_sets(c);
    *out = c;
    c = NULL;
    if (matched)
        *matched = m | tagm;
done:
    pf_profile_free(c);
    return err;
}
