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
} fnode;

/* A distinct stack: its frames (root first) are FRAMES[off, off+len). */
typedef struct fstack {
    uint32_t off, len;
    uint32_t sample;            /* one sample with this location list */
} fstack;

typedef struct ftree {
    const pf__flame_input *in;
    bool diff;
    size_t nt;                  /* sample types */
    size_t nv;                  /* values per node: types (x2 for diff) */
    /* distinct stacks and their summed values (ns * nv) */
    fstack *st;
    size_t ns, st_cap;
    int64_t *sv;
    size_t sv_cap;
    uint32_t *frames;
    size_t nframes;
    /* the kept nodes, node 0 the root; cum and flat are nn * nv */
    fnode *n;
    size_t nn, cap;
    int64_t *cum, *flat;
    size_t vcap, fcap;
    size_t pruned_n;            /* pruned paths (each with its subtree) */
    int64_t *pruned_v;          /* per type */
    double ratio;               /* -divide_by: values embedded times this */
} ftree;

static void tree_release(ftree *t)
{
    pf__free(t->st);
    pf__free(t->sv);
    pf__free(t->frames);
    pf__free(t->n);
    pf__free(t->cum);
    pf__free(t->flat);
    pf__free(t->pruned_v);
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

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Grow a vector of NV int64 per entry to hold NEED entries. */
static int vals_reserve(int64_t **v, size_t *cap, size_t need, size_t nv)
{
    size_t nc = *cap ? *cap : 256, bytes;
    int64_t *nvp;

    if (need <= *cap)
        return PF_OK;
    while (nc < need)
        nc *= 2;
    if (!pf__mul_ok(nc, nv * sizeof(int64_t), &bytes))
        return pf__error_oom();
    nvp = pf__realloc(*v, bytes);
    if (!nvp)
        return pf__error_oom();
    *v = nvp;
    *cap = nc;
    return PF_OK;
}

static bool stack_eq(const void *ctx, uint32_t idx, const void *key)
{
    const ftree *t = ctx;
    const pf_profile *p = t->in->p;
    const pf_sample *a = &p->samples[t->st[idx].sample], *b = key;
    return a->nloc == b->nloc &&
           memcmp(pf__sample_locs(p, a), pf__sample_locs(p, b),
                  a->nloc * sizeof(uint32_t)) == 0;
}

/* Pass 1: the samples summed per distinct location list (base and new
 * apart for a diff), then each distinct stack expanded into its report
 * frames, root first. Far fewer stacks than samples in most profiles,
 * and the tree is built from these. */
static int collect_stacks(ftree *t)
{
    const pf__flame_input *in = t->in;
    const pf_profile *p = in->p;
    pf_idxset set;
    size_t nframes = 0;
    int err = PF_OK;

    pf__idxset_init(&set);
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const uint32_t *locs = pf__sample_locs(p, s);
        const int64_t *v = pf__sample_vals(p, si);
        bool base = t->diff && s->nlabel && is_base_sample(p, s);
        bool any = false;
        uint64_t h = 0x5f3cu;
        uint32_t k;
        int64_t *dst;

        for (size_t j = 0; j < t->nt; j++)
            any |= v[j] != 0;
        if (!any || s->nloc == 0)
            continue;
        for (uint32_t j = 0; j < s->nloc; j++)
            h = pf__hash_mix(h, locs[j]);
        k = pf__idxset_find(&set, h, stack_eq, t, s);
        if (k == PF_NONE) {
            if ((err = PF_VEC_RESERVE(t->st, t->st_cap, t->ns + 1)) < 0 ||
                (err = vals_reserve(&t->sv, &t->sv_cap, t->ns + 1,
                                    t->nv)) < 0)
                goto done;
            k = (uint32_t)t->ns++;
            t->st[k].sample = (uint32_t)si;
            memset(t->sv + (size_t)k * t->nv, 0, t->nv * sizeof(int64_t));
            if ((err = pf__idxset_insert(&set, h, k)) < 0)
                goto done;
            for (uint32_t j = 0; j < s->nloc; j++)
                nframes += in->loc_off[locs[j] + 1] - in->loc_off[locs[j]];
        }
        dst = t->sv + (size_t)k * t->nv + (base ? t->nt : 0);
        for (size_t j = 0; j < t->nt; j++)
            dst[j] += base ? -v[j] : v[j];
    }
    if (nframes >= UINT32_MAX) {
        err = pf__error_set(PF_ETOOBIG, "flame graph: %zu frames in distinct "
                            "stacks, over the limit of %u", nframes,
                            UINT32_MAX - 1);
        goto done;
    }
    t->frames = pf__malloc((nframes + 1) * sizeof(uint32_t));
    if (!t->frames) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t k = 0; k < t->ns; k++) {
        const pf_sample *s = &p->samples[t->st[k].sample];
        const uint32_t *locs = pf__sample_locs(p, s);
        t->st[k].off = (uint32_t)t->nframes;
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = in->loc_off[locs[i]];
            uint32_t n = in->loc_off[locs[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--)
                t->frames[t->nframes++] = in->frame[off + (uint32_t)j];
        }
        t->st[k].len = (uint32_t)(t->nframes - t->st[k].off);
    }
done:
    pf__idxset_release(&set);
    return err;
}

/* Stacks in lexicographic frame order (a prefix first): every call
 * path is then one contiguous run at each depth. */
static int stack_cmp(const void *a, const void *b, void *ctx)
{
    const ftree *t = ctx;
    const fstack *x = &t->st[*(const uint32_t *)a];
    const fstack *y = &t->st[*(const uint32_t *)b];
    const uint32_t *fx = t->frames + x->off, *fy = t->frames + y->off;
    uint32_t n = x->len < y->len ? x->len : y->len;

    for (uint32_t i = 0; i < n; i++)
        if (fx[i] != fy[i])
            return fx[i] < fy[i] ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int tree_add_node(ftree *t, uint32_t parent, uint32_t name,
                         const int64_t *cum, uint32_t *out)
{
    PF_TRY(PF_VEC_RESERVE(t->n, t->cap, t->nn + 1));
    PF_TRY(vals_reserve(&t->cum, &t->vcap, t->nn + 1, t->nv));
    PF_TRY(vals_reserve(&t->flat, &t->fcap, t->nn + 1, t->nv));
    t->n[t->nn].parent = parent;
    t->n[t->nn].name = name;
    t->n[t->nn].child = t->n[t->nn].next = PF_NONE;
    memcpy(t->cum + t->nn * t->nv, cum, t->nv * sizeof(int64_t));
    memset(t->flat + t->nn * t->nv, 0, t->nv * sizeof(int64_t));
    *out = (uint32_t)t->nn++;
    return PF_OK;
}

/* The drawn width in type K of values V: both sides of a diff. */
static int64_t width_of(const ftree *t, const int64_t *v, size_t k)
{
    return t->diff ? abs64(v[k]) + abs64(v[t->nt + k]) : abs64(v[k]);
}

typedef struct work {
    uint32_t lo, hi, depth, node;
} work;

/* Pass 2: the tree of call paths, built from the sorted stacks run by
 * run, depth by depth; a path thinner than total / PRUNE_DIVISOR in
 * every type is never created (its width goes to pruned_v), so the
 * work and memory follow the kept tree, not the profile. Each stack
 * adds to every node of its path once: recursion counts once. */
static int tree_build(ftree *t)
{
    uint32_t *ord = NULL;
    int64_t *thr = NULL, *acc = NULL;
    work *todo = NULL;
    size_t ntodo = 0, todo_cap = 0;
    uint32_t root;
    int err = PF_OK;

    ord = pf__malloc((t->ns + 1) * sizeof(uint32_t));
    thr = pf__calloc(t->nt + 1, sizeof(int64_t));
    acc = pf__calloc(t->nv + 1, sizeof(int64_t));
    t->pruned_v = pf__calloc(t->nt + 1, sizeof(int64_t));
    if (!ord || !thr || !acc || !t->pruned_v) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < t->ns; i++) {
        ord[i] = (uint32_t)i;
        for (size_t k = 0; k < t->nv; k++)
            acc[k] += t->sv[i * t->nv + k];
    }
    qsort_r(ord, t->ns, sizeof(uint32_t), stack_cmp, t);
    if ((err = tree_add_node(t, PF_NONE, PF_NONE, acc, &root)) < 0)
        goto done;
    for (size_t k = 0; k < t->nt; k++)
        thr[k] = width_of(t, acc, k) / PRUNE_DIVISOR;
    if ((err = PF_VEC_RESERVE(todo, todo_cap, 1)) < 0)
        goto done;
    todo[ntodo++] = (work){ 0, (uint32_t)t->ns, 0, root };
    while (ntodo) {
        work it = todo[--ntodo];
        uint32_t i = it.lo;

        /* stacks that end here: the node's flat */
        for (; i < it.hi && t->st[ord[i]].len == it.depth; i++)
            for (size_t k = 0; k < t->nv; k++)
                t->flat[(size_t)it.node * t->nv + k] +=
                    t->sv[(size_t)ord[i] * t->nv + k];
        while (i < it.hi) {
            uint32_t f = t->frames[t->st[ord[i]].off + it.depth], j = i;
            bool keep = false;

            memset(acc, 0, t->nv * sizeof(int64_t));
            for (; j < it.hi && t->frames[t->st[ord[j]].off + it.depth] == f;
                 j++)
                for (size_t k = 0; k < t->nv; k++)
                    acc[k] += t->sv[(size_t)ord[j] * t->nv + k];
            for (size_t k = 0; k < t->nt && !keep; k++) {
                int64_t wk = width_of(t, acc, k);
                keep = wk > 0 && wk >= thr[k];
            }
            if (keep) {
                uint32_t c;
                if ((err = tree_add_node(t, it.node, f, acc, &c)) < 0 ||
                    (err = PF_VEC_RESERVE(todo, todo_cap, ntodo + 1)) < 0)
                    goto done;
                todo[ntodo++] = (work){ i, j, it.depth + 1, c };
            } else {
                t->pruned_n++;
                for (size_t k = 0; k < t->nt; k++)
                    t->pruned_v[k] += width_of(t, acc, k);
            }
            i = j;
        }
    }
done:
    pf__free(ord);
    pf__free(thr);
    pf__free(acc);
    pf__free(todo);
    return err;
}

/* Children in name order, as the page draws them. */
static int child_cmp(const void *a, const void *b, void *ctx)
{
    const ftree *t = ctx;
    const fnode *x = &t->n[*(const uint32_t *)a];
    const fnode *y = &t->n[*(const uint32_t *)b];
    int r = strcmp(t->in->names[x->name], t->in->names[y->name]);
    if (r)
        return r;
    return x->name < y->name ? -1 : x->name > y->name;
}

static int tree_link(ftree *t)
{
    uint32_t *kids = pf__malloc((t->nn + 1) * sizeof(uint32_t));
    size_t *koff = pf__calloc(t->nn + 1, sizeof(size_t));
    size_t *nkids = pf__calloc(t->nn + 1, sizeof(size_t));
    int err = PF_OK;

    if (!kids || !koff || !nkids) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 1; i < t->nn; i++)
        nkids[t->n[i].parent]++;
    for (size_t i = 0, off = 0; i < t->nn; i++) {
        koff[i] = off;
        off += nkids[i];
        nkids[i] = 0;
    }
    for (size_t i = 1; i < t->nn; i++) {
        uint32_t par = t->n[i].parent;
        kids[koff[par] + nkids[par]++] = (uint32_t)i;
    }
    for (size_t i = 0; i < t->nn; i++) {
        uint32_t *ks = kids + koff[i];
        if (nkids[i] > 1)
            qsort_r(ks, nkids[i], sizeof(uint32_t), child_cmp, t);
        t->n[i].child = nkids[i] ? ks[0] : PF_NONE;
        for (size_t j = 0; j < nkids[i]; j++)
            t->n[ks[j]].next = j + 1 < nkids[i] ? ks[j + 1] : PF_NONE;
    }
done:
    pf__free(kids);
    pf__free(koff);
    pf__free(nkids);
    return err;
}

/* ------------------------------------------------------------------ */
/* Escaping                                                            */

/* S as a JSON string that is also safe inside <script>: <, >, & and
 * the JS line separators as \u escapes, invalid UTF-8 as U+FFFD. */
static int json_str(pf_sbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);

    PF_TRY(pf__sbuf_puts(b, "\""));
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = pf__utf8_len(s + i, n - i, &cp);
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
        size_t len = pf__utf8_len(s + i, n - i, &cp);
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

/* A value as the page gets it: divided as pprof's -divide_by divides
 * a node's value. */
static int64_t shown(const ftree *t, int64_t v)
{
    return t->ratio != 1.0 ? (int64_t)((double)v * t->ratio) : v;
}

static int json_i64(pf_sbuf *b, int64_t v, bool first)
{
    return pf__sbuf_printf(b, first ? "%lld" : ",%lld", (long long)v);
}

/* The nodes in depth-first order (children by name): names as indices
 * into a string table of the names used, depths, and per sample type
 * arrays of cum and flat (new side), plus base cum and flat for a
 * diff. */
static int write_data(pf_sbuf *b, const ftree *t, const char *title)
{
    bool diff = t->diff;
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
                              "\"prunedPaths\":%zu,\"types\":[",
                              in->sample_index, diff ? "true" : "false",
                              PRUNE_DIVISOR, t->pruned_n);
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
                                   (long long)shown(t, in->totals[k]),
                                   (long long)shown(t, t->pruned_v[k]),
                                   def)) < 0)
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
                if ((err = json_i64(b, shown(t, x), o == 0)) < 0)
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
    pf_sbuf b = { 0 }, title = { 0 };
    ftree t;
    int err;

    memset(&t, 0, sizeof(t));
    /* -mean values (value / count per node) do not add up along a
     * stack, so they have no width to draw */
    if (o->mean)
        return pf__error_set(PF_EINVAL, "flame graph: -mean values cannot "
                             "be drawn as widths");
    t.ratio = o->divide_by > 0 ? 1.0 / o->divide_by : 1.0;
    t.in = in;
    t.diff = profile_is_diff(p);
    t.nt = p->nsample_types;
    t.nv = t.nt * (t.diff ? 2 : 1);
    if ((err = collect_stacks(&t)) < 0 || (err = tree_build(&t)) < 0 ||
        (err = tree_link(&t)) < 0)
        goto done;
    if (o->html_title)
        err = pf__sbuf_puts(&title, o->html_title);
    else
        err = default_title(&title, p, in->sample_index, t.diff);
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
        (err = write_data(&b, &t, title.s)) < 0 ||
        (err = pf__sbuf_puts(&b, "</script>\n<script>\n")) < 0 ||
        (err = pf__sbuf_add(&b, (const char *)pf__flame_js,
                            pf__flame_js_len)) < 0 ||
        (err = pf__sbuf_puts(&b, "</script>\n</body>\n</html>\n")) < 0)
        goto done;
    err = pf__write(w, b.s, b.len);
done:
    tree_release(&t);
    pf__sbuf_release(&b);
    pf__sbuf_release(&title);
    return err;
}
