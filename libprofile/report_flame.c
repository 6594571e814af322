/*
 * The flame graph report: one self-contained HTML page (the page's own
 * CSS and JavaScript, libprofile/flame/, are compiled in by the build)
 * with the call tree of the prepared profile embedded as JSON.
 *
 * The tree is aggregated here, not in the browser: one node per
 * distinct call path (root to frame), carrying cum and flat for every
 * sample type, so the page can switch types without the samples. Paths
 * whose width is below 1/PRUNE_DIVISOR of the total in every sample
 * type are pruned (with their subtrees); their count and their total
 * are embedded so the page can say what it left out. A diff_base
 * profile (pf_profile_diff) keeps base (the pprof::base=true samples,
 * un-negated) and new values apart, for the diff colouring.
 *
 * Strings reach the page only through json_str(), which escapes what
 * could end a <script> element or confuse the HTML parser, and
 * replaces invalid UTF-8 with U+FFFD, and html_text() for the title.
 */
#include "report_priv.h"

#include <stdlib.h>

/* Paths thinner than total / PRUNE_DIVISOR in every sample type are
 * not embedded (docs/FLAMEGRAPH.md). */
#define PRUNE_DIVISOR 5000

/* The page sources, from libprofile/flame/ (generated, in $(O)). */
extern const unsigned char pf__flame_js[];
extern const size_t pf__flame_js_len;
extern const unsigned char pf__flame_css[];
extern const size_t pf__flame_css_len;

typedef struct fnode {
    uint32_t parent, name;      /* name: index into the input's names */
    uint32_t child, next;       /* first child, next sibling */
    bool keep;
} fnode;

typedef struct ftree {
    fnode *n;
    size_t nn, cap;
    size_t nv;                  /* values per node: types (x2 for diff) */
    int64_t *cum, *flat;        /* nn * nv */
    size_t vcap;
    pf_idxset set;
    const pf__flame_input *in;
} ftree;

static bool fnode_eq(const void *ctx, uint32_t idx, const void *key)
{
    const fnode *a = &((const ftree *)ctx)->n[idx];
    const uint32_t *k = key;
    return a->parent == k[0] && a->name == k[1];
}

static int tree_add_node(ftree *t, uint32_t parent, uint32_t name,
                         uint32_t *out)
{
    size_t need = t->nn + 1;

    PF_TRY(PF_VEC_RESERVE(t->n, t->cap, need));
    if (need > t->vcap) {
        size_t nc = t->vcap ? t->vcap * 2 : 1024, bytes;
        int64_t *c, *f;
        while (nc < need)
            nc *= 2;
        if (!pf__mul_ok(nc, t->nv * sizeof(int64_t), &bytes))
            return pf__error_oom();
        c = pf__realloc(t->cum, bytes);
        if (!c)
            return pf__error_oom();
        t->cum = c;
        f = pf__realloc(t->flat, bytes);
        if (!f)
            return pf__error_oom();
        t->flat = f;
        t->vcap = nc;
    }
    memset(&t->n[t->nn], 0, sizeof(fnode));
    t->n[t->nn].parent = parent;
    t->n[t->nn].name = name;
    t->n[t->nn].child = t->n[t->nn].next = PF_NONE;
    memset(t->cum + t->nn * t->nv, 0, t->nv * sizeof(int64_t));
    memset(t->flat + t->nn * t->nv, 0, t->nv * sizeof(int64_t));
    *out = (uint32_t)t->nn++;
    return PF_OK;
}

static bool is_base_sample(const pf_profile *p, const pf_sample *s)
{
    const pf_label *l = pf__sample_labels(p, s);
    for (uint32_t i = 0; i < s->nlabel; i++)
        if (strcmp(l[i].key, PF_DIFF_BASE_LABEL) == 0 &&
            strcmp(l[i].str, "true") == 0)
            return true;
    return false;
}

static bool profile_is_diff(const pf_profile *p)
{
    for (size_t i = 0; i < p->nsamples; i++)
        if (p->samples[i].nlabel && is_base_sample(p, &p->samples[i]))
            return true;
    return false;
}

/* One pass over the samples: every sample adds its values to each node
 * of its path once (a path never repeats a node, so recursion counts
 * once per sample) and to the flat of its leaf. */
static int tree_build(ftree *t, bool diff)
{
    const pf__flame_input *in = t->in;
    const pf_profile *p = in->p;
    size_t nt = p->nsample_types;
    int64_t *v = pf__calloc(t->nv, sizeof(int64_t));
    uint32_t root;
    int err = PF_OK;

    if (!v)
        return pf__error_oom();
    if ((err = tree_add_node(t, PF_NONE, PF_NONE, &root)) < 0)
        goto done;
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const int64_t *sv = pf__sample_vals(p, si);
        const uint32_t *st = pf__sample_locs(p, s);
        bool base = diff && s->nlabel && is_base_sample(p, s);
        bool any = false;
        uint32_t cur = root;

        for (size_t k = 0; k < t->nv; k++)
            v[k] = 0;
        for (size_t k = 0; k < nt; k++) {
            int64_t x = base ? -sv[k] : sv[k];
            v[base ? nt + k : k] = x;
            any |= x != 0;
        }
        if (!any || s->nloc == 0)
            continue;
        for (size_t k = 0; k < t->nv; k++)
            t->cum[k] += v[k];
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = in->loc_off[st[i]];
            uint32_t n = in->loc_off[st[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--) {
                uint32_t key[2] = { cur, in->frame[off + (uint32_t)j] };
                uint64_t h = pf__hash_mix(pf__hash_mix(0xf1a3u, key[0]),
                                          key[1]);
                uint32_t c = pf__idxset_find(&t->set, h, fnode_eq, t, key);
                int64_t *cv;
                if (c == PF_NONE) {
                    if ((err = tree_add_node(t, key[0], key[1], &c)) < 0 ||
                        (err = pf__idxset_insert(&t->set, h, c)) < 0)
                        goto done;
                }
                cv = t->cum + (size_t)c * t->nv;
                for (size_t k = 0; k < t->nv; k++)
                    cv[k] += v[k];
                cur = c;
            }
        }
        if (cur != root) {
            int64_t *fv = t->flat + (size_t)cur * t->nv;
            for (size_t k = 0; k < t->nv; k++)
                fv[k] += v[k];
        }
    }
done:
    pf__free(v);
    return err;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* The drawn width of node I in sample type K: both sides of a diff. */
static int64_t width(const ftree *t, size_t i, size_t k, bool diff,
                     size_t nt)
{
    const int64_t *c = t->cum + i * t->nv;
    return diff ? abs64(c[k]) + abs64(c[nt + k]) : abs64(c[k]);
}

/* Children in name order (each list is short; the names compare as
 * the page shows them). */
typedef struct sortctx {
    const ftree *t;
} sortctx;

static int child_cmp(const void *a, const void *b, void *ctx)
{
    const ftree *t = ((const sortctx *)ctx)->t;
    const fnode *x = &t->n[*(const uint32_t *)a];
    const fnode *y = &t->n[*(const uint32_t *)b];
    int r = strcmp(t->in->names[x->name], t->in->names[y->name]);
    if (r)
        return r;
    return x->name < y->name ? -1 : x->name > y->name;
}

/* Mark kept nodes, link kept children in name order. PRUNED_V gets,
 * per type, the width of the top-most pruned nodes. */
static int tree_prune(ftree *t, bool diff, size_t nt, size_t *pruned_n,
                      int64_t *pruned_v)
{
    int64_t *thr = pf__calloc(nt + 1, sizeof(int64_t));
    uint32_t *kids = NULL;
    size_t *nkids = NULL, *koff = NULL;
    sortctx sc = { t };
    int err = PF_OK;

    koff = pf__calloc(t->nn + 1, sizeof(size_t));
    nkids = pf__calloc(t->nn + 1, sizeof(size_t));
    kids = pf__malloc((t->nn + 1) * sizeof(uint32_t));
    if (!thr || !koff || !nkids || !kids) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t k = 0; k < nt; k++)
        thr[k] = width(t, 0, k, diff, nt) / PRUNE_DIVISOR;
    *pruned_n = 0;
    t->n[0].keep = true;
    /* parents come before their children in creation order */
    for (size_t i = 1; i < t->nn; i++) {
        fnode *n = &t->n[i];
        bool keep = false;
        if (!t->n[n->parent].keep) {
            (*pruned_n)++;
            continue;
        }
        for (size_t k = 0; k < nt && !keep; k++) {
            int64_t wk = width(t, i, k, diff, nt);
            keep = wk > 0 && wk >= thr[k];
        }
        n->keep = keep;
        if (!keep) {
            (*pruned_n)++;
            for (size_t k = 0; k < nt; k++)
                pruned_v[k] += width(t, i, k, diff, nt);
        } else {
            nkids[n->parent]++;
        }
    }
    for (size_t i = 0, off = 0; i < t->nn; i++) {
        koff[i] = off;
        off += nkids[i];
        nkids[i] = 0;
    }
    for (size_t i = 1; i < t->nn; i++)
        if (t->n[i].keep) {
            uint32_t par = t->n[i].parent;
            kids[koff[par] + nkids[par]++] = (uint32_t)i;
        }
    for (size_t i = 0; i < t->nn; i++) {
        uint32_t *ks = kids + koff[i];
        if (nkids[i] > 1)
            qsort_r(ks, nkids[i], sizeof(uint32_t), child_cmp, &sc);
        t->n[i].child = nkids[i] ? ks[0] : PF_NONE;
        for (size_t j = 0; j < nkids[i]; j++)
            t->n[ks[j]].next = j + 1 < nkids[i] ? ks[j + 1] : PF_NONE;
    }
done:
    pf__free(thr);
    pf__free(kids);
    pf__free(nkids);
    pf__free(koff);
    return err;
}

/* ------------------------------------------------------------------ */
/* Escaping                                                            */

/* Length of the valid UTF-8 sequence at S (N bytes left), 0 if the
 * bytes there are not one (overlong forms, surrogates, > U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    size_t len;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* S as a JSON string that is also safe inside <script>: <, >, & and
 * the JS line separators as \u escapes, invalid UTF-8 as U+FFFD. */
static int json_str(pf_sbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);

    PF_TRY(pf__sbuf_puts(b, "\""));
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            PF_TRY(pf__sbuf_puts(b, "\\ufffd"));
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\')
            PF_TRY(pf__sbuf_printf(b, "\\%c", (char)cp));
        else if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' ||
                 cp == 0x2028 || cp == 0x2029 || cp == 0x7f)
            PF_TRY(pf__sbuf_printf(b, "\\u%04x", (unsigned)cp));
        else
            PF_TRY(pf__sbuf_add(b, str + i, len));
        i += len;
    }
    return pf__sbuf_puts(b, "\"");
}

/* S as HTML text (element content or a quoted attribute). */
static int html_text(pf_sbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        const char *ent = NULL;
        if (len == 0) {
            PF_TRY(pf__sbuf_puts(b, "\xef\xbf\xbd"));
            i++;
            continue;
        }
        switch (cp) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: break;
        }
        if (ent)
            PF_TRY(pf__sbuf_puts(b, ent));
        else if (cp < 0x20)
            PF_TRY(pf__sbuf_puts(b, " "));
        else
            PF_TRY(pf__sbuf_add(b, str + i, len));
        i += len;
    }
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* The page                                                            */

static int default_title(pf_sbuf *b, const pf_profile *p, size_t idx,
                         bool diff)
{
    const char *bin = NULL;

    for (size_t i = 0; i < p->nmappings && !bin; i++)
        if (p->mappings[i].file[0])
            bin = p->mappings[i].file;
    if (bin) {
        const char *slash = strrchr(bin, '/');
        if (slash && slash[1])
            bin = slash + 1;
        PF_TRY(pf__sbuf_printf(b, "%s: ", bin));
    }
    return pf__sbuf_printf(b, "%sflame graph of %s", diff ? "diff " : "",
                           p->sample_types[idx].type);
}

static int json_i64(pf_sbuf *b, int64_t v, bool first)
{
    return pf__sbuf_printf(b, first ? "%lld" : ",%lld", (long long)v);
}

/* The nodes in depth-first order (children by name): names as indices
 * into a string table of the names used, depths, and per sample type
 * arrays of cum and flat (new side), plus base cum and flat for a
 * diff. */
static int write_data(pf_sbuf *b, ftree *t, bool diff, size_t pruned_n,
                      const int64_t *pruned_v, const char *title)
{
    const pf__flame_input *in = t->in;
    const pf_profile *p = in->p;
    size_t nt = p->nsample_types, nout = 0, depth = 0, sp = 0;
    uint32_t *order = NULL, *depths = NULL, *stack = NULL, *strid = NULL;
    uint32_t nstr = 0;
    const char *arr[4] = { "c", "f", "bc", "bf" };
    int err = PF_OK;

    order = pf__malloc(t->nn * sizeof(uint32_t));
    depths = pf__malloc(t->nn * sizeof(uint32_t));
    stack = pf__malloc((t->nn + 1) * sizeof(uint32_t));
    strid = pf__malloc((in->nnames + 1) * sizeof(uint32_t));
    if (!order || !depths || !stack || !strid) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i <= in->nnames; i++)
        strid[i] = PF_NONE;
    /* iterative preorder: the stack holds the next node to visit at
     * each depth */
    stack[sp++] = 0;
    while (sp) {
        uint32_t i = stack[sp - 1];
        if (i == PF_NONE) {
            sp--;
            continue;
        }
        depth = sp - 1;
        order[nout] = i;
        depths[nout++] = (uint32_t)depth;
        stack[sp - 1] = t->n[i].next;
        if (t->n[i].child != PF_NONE)
            stack[sp++] = t->n[i].child;
    }

    err = pf__sbuf_puts(b, "{\"v\":1,\"title\":");
    if (err >= 0)
        err = json_str(b, title);
    if (err >= 0)
        err = pf__sbuf_printf(b, ",\"index\":%zu,\"diff\":%s,\"prune\":%d,"
                              "\"prunedFrames\":%zu,\"types\":[",
                              in->sample_index, diff ? "true" : "false",
                              PRUNE_DIVISOR, pruned_n);
    if (err < 0)
        goto done;
    for (size_t k = 0; k < nt; k++) {
        const char *un[16];
        double uf[16];
        size_t def, nu = pf__unit_ladder(p->sample_types[k].unit, un, uf,
                                         16, &def);
        if ((err = pf__sbuf_puts(b, k ? ",{\"type\":" : "{\"type\":")) < 0 ||
            (err = json_str(b, p->sample_types[k].type)) < 0 ||
            (err = pf__sbuf_puts(b, ",\"unit\":")) < 0 ||
            (err = json_str(b, p->sample_types[k].unit)) < 0 ||
            (err = pf__sbuf_printf(b, ",\"total\":%lld,\"pruned\":%lld,"
                                   "\"def\":%zu,\"units\":[",
                                   (long long)in->totals[k],
                                   (long long)pruned_v[k], def)) < 0)
            goto done;
        for (size_t u = 0; u < nu; u++) {
            if ((err = pf__sbuf_puts(b, u ? ",[" : "[")) < 0 ||
                (err = json_str(b, un[u])) < 0 ||
                (err = pf__sbuf_printf(b, ",%.17g]", uf[u])) < 0)
                goto done;
        }
        if ((err = pf__sbuf_puts(b, "]}")) < 0)
            goto done;
    }
    if ((err = pf__sbuf_puts(b, "],\"names\":[\"root\"")) < 0)
        goto done;
    nstr = 1;
    for (size_t o = 1; o < nout; o++) {
        uint32_t nm = t->n[order[o]].name;
        if (strid[nm] != PF_NONE)
            continue;
        strid[nm] = nstr++;
        if ((err = pf__sbuf_puts(b, ",")) < 0 ||
            (err = json_str(b, in->names[nm])) < 0)
            goto done;
    }
    if ((err = pf__sbuf_puts(b, "],\"n\":[")) < 0)
        goto done;
    for (size_t o = 0; o < nout; o++)
        if ((err = json_i64(b, o ? strid[t->n[order[o]].name] : 0,
                            o == 0)) < 0)
            goto done;
    if ((err = pf__sbuf_puts(b, "],\"d\":[")) < 0)
        goto done;
    for (size_t o = 0; o < nout; o++)
        if ((err = json_i64(b, depths[o], o == 0)) < 0)
            goto done;
    if ((err = pf__sbuf_puts(b, "]")) < 0)
        goto done;
    for (size_t a = 0; a < (diff ? 4u : 2u); a++) {
        const int64_t *vals = (a % 2 == 0) ? t->cum : t->flat;
        size_t base = a >= 2 ? nt : 0;
        if ((err = pf__sbuf_printf(b, ",\"%s\":[", arr[a])) < 0)
            goto done;
        for (size_t k = 0; k < nt; k++) {
            if ((err = pf__sbuf_puts(b, k ? ",[" : "[")) < 0)
                goto done;
            for (size_t o = 0; o < nout; o++) {
                int64_t x = vals[(size_t)order[o] * t->nv + base + k];
                if ((err = json_i64(b, x, o == 0)) < 0)
                    goto done;
            }
            if ((err = pf__sbuf_puts(b, "]")) < 0)
                goto done;
        }
        if ((err = pf__sbuf_puts(b, "]")) < 0)
            goto done;
    }
    err = pf__sbuf_puts(b, "}");
done:
    pf__free(order);
    pf__free(depths);
    pf__free(stack);
    pf__free(strid);
    return err;
}

int pf__flame_write(pf_writer w, const pf__flame_input *in,
                    const pf_report_opts *o)
{
    const pf_profile *p = in->p;
    size_t nt = p->nsample_types, pruned_n = 0;
    bool diff = profile_is_diff(p);
    int64_t *pruned_v = NULL;
    pf_sbuf b = { 0 }, title = { 0 };
    ftree t;
    int err;

    memset(&t, 0, sizeof(t));
    pf__idxset_init(&t.set);
    t.in = in;
    t.nv = nt * (diff ? 2 : 1);
    pruned_v = pf__calloc(nt + 1, sizeof(int64_t));
    if (!pruned_v) {
        err = pf__error_oom();
        goto done;
    }
    if ((err = tree_build(&t, diff)) < 0)
        goto done;
    pf__idxset_release(&t.set);
    if ((err = tree_prune(&t, diff, nt, &pruned_n, pruned_v)) < 0)
        goto done;
    if (o->html_title)
        err = pf__sbuf_puts(&title, o->html_title);
    else
        err = default_title(&title, p, in->sample_index, diff);
    if (err < 0)
        goto done;

    if ((err = pf__sbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n"
                             "<head>\n<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width="
                             "device-width, initial-scale=1\">\n"
                             "<title>")) < 0 ||
        (err = html_text(&b, title.s)) < 0 ||
        (err = pf__sbuf_puts(&b, "</title>\n<style>\n")) < 0 ||
        (err = pf__sbuf_add(&b, (const char *)pf__flame_css,
                            pf__flame_css_len)) < 0 ||
        (err = pf__sbuf_puts(&b, "</style>\n</head>\n<body>\n")) < 0)
        goto done;
    if (o->html_header && (err = pf__sbuf_printf(&b, "%s\n",
                                                 o->html_header)) < 0)
        goto done;
    if ((err = pf__sbuf_puts(&b, "<div id=\"fg\"><h1 id=\"fg-title\">")) < 0 ||
        (err = html_text(&b, title.s)) < 0 ||
        (err = pf__sbuf_puts(&b, "</h1></div>\n<script type=\"application/"
                             "json\" id=\"fg-data\">")) < 0 ||
        (err = write_data(&b, &t, diff, pruned_n, pruned_v, title.s)) < 0 ||
        (err = pf__sbuf_puts(&b, "</script>\n<script>\n")) < 0 ||
        (err = pf__sbuf_add(&b, (const char *)pf__flame_js,
                            pf__flame_js_len)) < 0 ||
        (err = pf__sbuf_puts(&b, "</script>\n</body>\n</html>\n")) < 0)
        goto done;
    err = pf__write(w, b.s, b.len);
done:
    pf__idxset_release(&t.set);
    pf__free(t.n);
    pf__free(t.cum);
    pf__free(t.flat);
    pf__free(pruned_v);
    pf__sbuf_release(&b);
    pf__sbuf_release(&title);
    return err;
}
