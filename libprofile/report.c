/*
 * Reports computed from the model, byte-compatible with go tool pprof
 * (Go 1.19) -top, -traces, -tree and -peek.
 *
 * The pipeline is pprof's driver: a private copy of the profile is
 * compacted (zero samples dropped, equal samples combined), pruned by
 * its drop_frames, the total taken, the filters applied, the
 * granularity aggregated; then a call graph of "nodes" (one per
 * distinct function / file / line / address, depending on granularity)
 * is built and trimmed the way pprof's report package trims it.
 *
 * The graph is built in two passes over the samples. Node values do
 * not depend on which nodes a report keeps (a node's cum counts every
 * sample it appears in, its flat the samples it is the leaf of), so one
 * pass computes them for all nodes; pprof rebuilds its graph after each
 * trimming step, which only changes the edges, so the second pass
 * builds the edges once, for the final set of kept nodes.
 *
 * The graph types live in report_priv.h: report_dot.c draws the same
 * graph as DOT, rebuilding the edges for each set of kept nodes as
 * pprof's visual mode needs.
 */
#include "report_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* The graph                                                           */

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int64_t node_flat(const rnode *n)
{
    return n->flatdiv ? n->flat / n->flatdiv : n->flat;
}

static int64_t node_cum(const rnode *n)
{
    return n->cumdiv ? n->cum / n->cumdiv : n->cum;
}

static uint64_t node_hash(const rnode *k)
{
    uint64_t h = pf__hash_mix(0x51ed27u, (uint64_t)(uintptr_t)k->name);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)k->file);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)k->objfile);
    h = pf__hash_mix(h, k->address);
    h = pf__hash_mix(h, (uint64_t)k->lineno);
    return pf__hash_mix(h, (uint64_t)k->startline);
}

static bool node_eq(const void *ctx, uint32_t idx, const void *key)
{
    const rnode *a = &((const graph *)ctx)->nodes[idx], *b = key;
    return a->name == b->name && a->file == b->file &&
           a->objfile == b->objfile && a->address == b->address &&
           a->lineno == b->lineno && a->startline == b->startline;
}

/* pprof's NodeInfo.PrintableName. */
static int node_pname(graph *g, rnode *n)
{
    pf_sbuf b = { 0 };
    int err = PF_OK;

    if (n->address && (err = pf__sbuf_printf(&b, "%016llx",
                                             (unsigned long long)n->address)) < 0)
        goto done;
#define SEP() (b.len && (err = pf__sbuf_puts(&b, " ")) < 0)
    if (n->name[0]) {
        if (SEP() || (err = pf__sbuf_puts(&b, n->name)) < 0)
            goto done;
    }
    if (n->lineno) {
        if (SEP() || (err = pf__sbuf_printf(&b, "%s:%lld", n->file,
                                            (long long)n->lineno)) < 0)
            goto done;
    } else if (n->file[0]) {
        if (SEP() || (err = pf__sbuf_puts(&b, n->file)) < 0)
            goto done;
    } else if (n->name[0]) {
        /* the name is all there is */
    } else if (n->objfile[0]) {
        const char *base = pf__path_base(g->p, n->objfile);
        if (!base) {
            err = pf__error_oom();
            goto done;
        }
        if (SEP() || (err = pf__sbuf_printf(&b, "[%s]", base)) < 0)
            goto done;
    } else {
        if (SEP() || (err = pf__sbuf_puts(&b, "<unknown>")) < 0)
            goto done;
    }
#undef SEP
    n->pname = pf_profile_intern_len(g->p, b.s ? b.s : "", b.len);
    if (!n->pname)
        err = pf__error_oom();
done:
    pf__sbuf_release(&b);
    return err;
}

static int node_find_or_add(graph *g, const rnode *key, uint32_t *out)
{
    uint64_t h = node_hash(key);
    uint32_t i = pf__idxset_find(&g->nodeset, h, node_eq, g, key);

    if (i == PF_NONE) {
        PF_TRY(PF_VEC_RESERVE(g->nodes, g->nodes_cap, g->nnodes + 1));
        i = (uint32_t)g->nnodes;
        g->nodes[i] = *key;
        g->nnodes++;
        PF_TRY(node_pname(g, &g->nodes[i]));
        PF_TRY(pf__idxset_insert(&g->nodeset, h, i));
    }
    *out = i;
    return PF_OK;
}

static void graph_release(graph *g)
{
    pf__free(g->nodes);
    pf__idxset_release(&g->nodeset);
    pf__free(g->loc_off);
    pf__free(g->ln_node);
    pf__free(g->edges);
    pf__idxset_release(&g->edgeset);
    memset(g, 0, sizeof(*g));
}

/* One node per (location, line) as pprof's CreateNodes, deduplicated
 * by node info. */
static int graph_nodes(graph *g, pf_profile *p)
{
    pf_profile *P = p;
    const char **fclean = NULL;
    size_t total = 0;
    int err = PF_OK;

    memset(g, 0, sizeof(*g));
    g->p = p;
    pf__idxset_init(&g->nodeset);
    pf__idxset_init(&g->edgeset);
    g->loc_off = pf__malloc((P->nlocations + 1) * sizeof(uint32_t));
    fclean = pf__calloc(P->nfunctions + 1, sizeof(*fclean));
    if (!g->loc_off || !fclean) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < P->nlocations; i++) {
        g->loc_off[i] = (uint32_t)total;
        total += P->locations[i].nline ? P->locations[i].nline : 1;
    }
    g->loc_off[P->nlocations] = (uint32_t)total;
    g->ln_node = pf__malloc((total + 1) * sizeof(uint32_t));
    if (!g->ln_node) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < P->nlocations; i++) {
        const pf_location *l = &P->locations[i];
        const pf_line *ln = pf__loc_lines(P, l);
        const char *objfile = l->mapping != PF_NONE
                                  ? P->mappings[l->mapping].file : P->empty;
        rnode k;

        memset(&k, 0, sizeof(k));
        k.address = l->address;
        k.name = k.file = k.objfile = P->empty;
        if (l->nline == 0) {
            k.objfile = objfile;
            if ((err = node_find_or_add(g, &k, &g->ln_node[g->loc_off[i]])) < 0)
                goto done;
            continue;
        }
        for (uint32_t j = 0; j < l->nline; j++) {
            const pf_function *f = &P->functions[ln[j].function];
            k.name = f->name;
            k.lineno = ln[j].line;
            k.file = P->empty;
            k.objfile = P->empty;
            k.startline = 0;
            if (f->filename[0]) {
                if (!fclean[ln[j].function] &&
                    !(fclean[ln[j].function] = pf__path_clean(P, f->filename))) {
                    err = pf__error_oom();
                    goto done;
                }
                k.file = fclean[ln[j].function];
            }
            if (!f->name[0]) {
                k.objfile = objfile;
                k.startline = f->start_line;
            }
            if ((err = node_find_or_add(g, &k,
                                        &g->ln_node[g->loc_off[i] + j])) < 0)
                goto done;
            if (j != l->nline - 1)
                g->nodes[g->ln_node[g->loc_off[i] + j]].maybe_inline = true;
        }
    }
done:
    pf__free(fclean);
    return err;
}

static inline void sample_w(const pf_profile *p, size_t si, const valsel *vs,
                            int64_t *w, int64_t *dw)
{
    const int64_t *v = pf__sample_vals(p, si);
    *w = v[vs->idx];
    *dw = vs->mean ? v[0] : 0;
}

/* Pass 1: flat and cum of every node. */
static void graph_values(graph *g, const valsel *vs)
{
    const pf_profile *p = g->p;

    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        uint32_t stamp = (uint32_t)si + 1, last = PF_NONE;
        int64_t w, dw;

        sample_w(p, si, vs, &w, &dw);
        if (w == 0 && dw == 0)
            continue;
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = g->loc_off[st[i]], n = g->loc_off[st[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--) {
                uint32_t id = g->ln_node[off + (uint32_t)j];
                rnode *nd = &g->nodes[id];
                if (nd->stamp != stamp) {
                    nd->stamp = stamp;
                    nd->cum += w;
                    nd->cumdiv += dw;
                }
                last = id;
            }
        }
        if (last != PF_NONE) {
            g->nodes[last].flat += w;
            g->nodes[last].flatdiv += dw;
        }
    }
}

static uint64_t edge_hash(uint32_t src, uint32_t dst)
{
    return pf__hash_mix(pf__hash_mix(0x9e37u, src), dst);
}

static bool edge_eq(const void *ctx, uint32_t idx, const void *key)
{
    const redge *e = &((const graph *)ctx)->edges[idx];
    const uint32_t *k = key;
    return e->src == k[0] && e->dst == k[1];
}

/* Pass 2: edges between kept nodes (an edge over dropped nodes joins
 * the nearest kept ones, as pprof's residual edges do). With
 * INLINE_ONLY (the top report, which only shows whether a node's
 * callers inlined it), only edges into nodes that are an inlined line
 * somewhere are built: the others cannot be marked "(inline)". */
static int graph_edges(graph *g, const valsel *vs, bool inline_only)
{
    const pf_profile *p = g->p;

    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        uint32_t stamp = (uint32_t)si + 1, parent = PF_NONE;
        int64_t w, dw;
        bool residual = false;

        sample_w(p, si, vs, &w, &dw);
        if (w == 0 && dw == 0)
            continue;
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = g->loc_off[st[i]], n = g->loc_off[st[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--) {
                uint32_t id = g->ln_node[off + (uint32_t)j];
                bool inl = (uint32_t)j != n - 1;
                if (!g->nodes[id].kept) {
                    residual = true;
                    continue;
                }
                if (parent != PF_NONE && parent != id &&
                    (!inline_only || g->nodes[id].maybe_inline)) {
                    uint32_t key[2] = { parent, id };
                    uint64_t h = edge_hash(parent, id);
                    uint32_t e = pf__idxset_find(&g->edgeset, h, edge_eq, g,
                                                 key);
                    if (e == PF_NONE) {
                        PF_TRY(PF_VEC_RESERVE(g->edges, g->edges_cap,
                                              g->nedges + 1));
                        e = (uint32_t)g->nedges++;
                        memset(&g->edges[e], 0, sizeof(redge));
                        g->edges[e].src = parent;
                        g->edges[e].dst = id;
                        g->edges[e].inl = inl;
                        g->edges[e].residual = residual;
                        PF_TRY(pf__idxset_insert(&g->edgeset, h, e));
                        g->edges[e].stamp = stamp;
                        g->edges[e].w = w;
                        g->edges[e].wd = dw;
                    } else if (g->edges[e].stamp != stamp) {
                        redge *ed = &g->edges[e];
                        ed->stamp = stamp;
                        ed->w += w;
                        ed->wd += dw;
                        if (!inl)
                            ed->inl = false;
                        if (residual)
                            ed->residual = true;
                    }
                }
                parent = id;
                residual = false;
            }
        }
    }
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Node order                                                          */

typedef struct sortctx {
    const graph *g;
    bool cum;
} sortctx;

/* pprof's compareNodes orders by fmt.Sprint of the node info,
 * "{name  address file startline lineno objfile}". That string is
 * compared here piece by piece, without building it: a comparator
 * cannot report an allocation failure. */
typedef struct info_iter {
    const char *part[13];
    char num[3][24];
    int i;
    const char *p;
} info_iter;

static void info_iter_init(info_iter *it, const rnode *n)
{
    static const char *const sep[] = { "{", "  ", " ", " ", " ", " ", "}" };
    const char *field[6];
    int k;

    snprintf(it->num[0], sizeof(it->num[0]), "%llu",
             (unsigned long long)n->address);
    snprintf(it->num[1], sizeof(it->num[1]), "%lld",
             (long long)n->startline);
    snprintf(it->num[2], sizeof(it->num[2]), "%lld", (long long)n->lineno);
    field[0] = n->name ? n->name : "";
    field[1] = it->num[0];
    field[2] = n->file ? n->file : "";
    field[3] = it->num[1];
    field[4] = it->num[2];
    field[5] = n->objfile ? n->objfile : "";
    for (k = 0; k < 6; k++) {
        it->part[2 * k] = sep[k];
        it->part[2 * k + 1] = field[k];
    }
    it->part[12] = sep[6];
    it->i = 0;
    it->p = it->part[0];
}

/* Next byte of the string, or -1 at its end. */
static int info_next(info_iter *it)
{
    while (!*it->p) {
        if (it->i == 12)
            return -1;
        it->p = it->part[++it->i];
    }
    return (unsigned char)*it->p++;
}

static int info_cmp(const rnode *a, const rnode *b)
{
    info_iter ia, ib;
    int ca, cb;

    info_iter_init(&ia, a);
    info_iter_init(&ib, b);
    do {
        ca = info_next(&ia);
        cb = info_next(&ib);
    } while (ca == cb && ca >= 0);
    return ca < cb ? -1 : ca > cb;
}

static int node_cmp(const void *x, const void *y, void *ctx)
{
    const sortctx *c = ctx;
    const rnode *a = &c->g->nodes[*(const uint32_t *)x];
    const rnode *b = &c->g->nodes[*(const uint32_t *)y];
    int64_t ka = abs64(c->cum ? a->cum : a->flat);
    int64_t kb = abs64(c->cum ? b->cum : b->flat);
    int r;

    if (ka != kb)
        return ka > kb ? -1 : 1;
    if (a->pname != b->pname && (r = strcmp(a->pname, b->pname)) != 0)
        return r;
    ka = abs64(c->cum ? a->flat : a->cum);
    kb = abs64(c->cum ? b->flat : b->cum);
    if (ka != kb)
        return ka > kb ? -1 : 1;
    return info_cmp(a, b);
}

/* ------------------------------------------------------------------ */
/* Report state                                                        */

/* pprof's -divide_by: int64(float64(v) * ratio), before formatting
 * and before choosing the output unit. */
static int64_t divided(const report *r, int64_t v)
{
    if (r->ratio > 0 && r->ratio != 1.0)
        return (int64_t)((double)v * r->ratio);
    return v;
}

static void fmt_value(const report *r, char *buf, size_t size, int64_t v)
{
    v = divided(r, v);
    pf_unit_label(buf, size, v, r->sample_unit, r->out_unit);
}

static bool set(const char *s)
{
    return s && *s;
}

static bool is_diff_base(const pf_profile *p, const pf_sample *s)
{
    const pf_label *l = pf__sample_labels(p, s);
    for (uint32_t i = 0; i < s->nlabel; i++)
        if (strcmp(l[i].key, "pprof::base") == 0 &&
            strcmp(l[i].str, "true") == 0)
            return true;
    return false;
}

/* pprof's computeTotal. */
static int64_t compute_total(const pf_profile *p, const valsel *vs)
{
    int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;

    for (size_t si = 0; si < p->nsamples; si++) {
        int64_t w, dw;
        sample_w(p, si, vs, &w, &dw);
        w = abs64(w);
        total += w;
        div += dw;
        if (p->samples[si].nlabel && is_diff_base(p, &p->samples[si])) {
            dtotal += w;
            ddiv += dw;
        }
    }
    if (dtotal > 0) {
        total = dtotal;
        div = ddiv;
    }
    return div != 0 ? total / div : total;
}

static void report_release(report *r)
{
    graph_release(&r->g);
    pf__free(r->order);
    pf__free(r->totals);
    pf__free(r->type_buf);
    pf_profile_free(r->p);
    memset(r, 0, sizeof(*r));
}

static int report_prepare(report *r, const pf_profile *src,
                          const pf_report_opts *o, pf_report_kind kind)
{
    int idx, err;
    unsigned matched = 0, tagm = 0;
    const char *stype;
    pf_filter_opts fo;

    memset(r, 0, sizeof(*r));
    r->o = o;
    if (o->version != PF_REPORT_OPTS_VERSION)
        return pf__error_set(PF_EINVAL, "report options: version %u, want %u",
                             o->version, PF_REPORT_OPTS_VERSION);
    PF_TRY(pf_filter_opts_check(&o->filter));
    if (src->nsample_types == 0)
        return pf__error_set(PF_EINVAL, "profile has no samples");
    PF_TRY(pf_profile_sample_index(&idx, src, o->sample_index));
    fo = o->filter;
    if (kind == PF_REPORT_RAW) {
        /* -raw prints the profile itself: pprof's merged copy (ids
         * renumbered), at address granularity with inlined frames. */
        PF_TRY(pf_profile_merge(&r->p, &src, 1, NULL));
        fo.granularity = PF_GRAN_ADDRESSES;
        fo.noinlines = false;
    } else {
        PF_TRY(pf_profile_clone(&r->p, src));
    }
    r->vs.idx = (size_t)idx;
    r->vs.mean = o->mean;
    stype = r->p->sample_types[idx].type;
    if (o->mean) {
        size_t n = strlen(stype) + 6;
        r->type_buf = pf__malloc(n);
        if (!r->type_buf) {
            err = pf__error_oom();
            goto fail;
        }
        snprintf(r->type_buf, n, "mean_%s", stype);
        stype = r->type_buf;
    }
    r->sample_type = stype;
    r->sample_unit = r->p->sample_types[idx].unit;
    r->out_unit = set(o->unit) ? o->unit : "minimum";
    r->ratio = o->divide_by > 0 ? 1.0 / o->divide_by : 1.0;
    /* Only -traces shows samples one by one; the other reports sum
     * over samples, where combining equal ones changes nothing. */
    if (kind == PF_REPORT_TRACES &&
        (err = pf__profile_compact_samples(r->p)) < 0)
        goto fail;
    if (!o->filter.no_drop_frames &&
        (err = pf__filter_drop_frames(r->p)) < 0)
        goto fail;
    if ((err = pf__filter_tag_nodes(r->p, o->filter.tagroot,
                                    o->filter.tagleaf, r->out_unit,
                                    &tagm)) < 0)
        goto fail;
    if (o->relative &&
        (err = pf__filter_samples(r->p, &fo, &matched)) < 0)
        goto fail;
    r->total = compute_total(r->p, &r->vs);
    if (kind == PF_REPORT_FLAMEGRAPH) {
        r->totals = pf__malloc(r->p->nsample_types * sizeof(int64_t));
        if (!r->totals) {
            err = pf__error_oom();
            goto fail;
        }
        for (size_t i = 0; i < r->p->nsample_types; i++) {
            valsel vi = { i, false };
            r->totals[i] = compute_total(r->p, &vi);
        }
    }
    if (!o->relative &&
        (err = pf__filter_samples(r->p, &fo, &matched)) < 0)
        goto fail;
    if ((err = pf__filter_aggregate(r->p, &fo)) < 0)
        goto fail;
    if (o->matched)
        *o->matched = matched | tagm;
    return PF_OK;
fail:
    report_release(r);
    return err;
}

/* selectOutputUnit, over the R->norder nodes of R->order. */
static void select_unit(report *r)
{
    const graph *g = &r->g;
    size_t n = r->norder;

    if (strcmp(r->out_unit, "minimum") == 0 && n > 0) {
        int64_t minv = 0, maxv = r->total;
        const char *minu, *maxu, *unit;
        for (size_t i = 0; i < n; i++) {
            const rnode *nd = &g->nodes[r->order[i]];
            int64_t m = abs64(node_flat(nd));
            if (m == 0)
                m = abs64(node_cum(nd));
            if (m > 0 && (minv == 0 || m < minv))
                minv = m;
        }
        if (minv == 0)
            minv = maxv;
        minv = divided(r, minv);
        maxv = divided(r, maxv);
        pf_unit_scale(minv, r->sample_unit, "minimum", &minu);
        pf_unit_scale(maxv, r->sample_unit, "minimum", &maxu);
        unit = minu;
        if (strcmp(minu, maxu) != 0 && minv * 100 < maxv)
            pf_unit_scale(100 * minv, r->sample_unit, "minimum", &unit);
        r->out_unit = unit[0] ? unit : r->sample_unit;
    }
}

/* newTrimmedGraph + selectOutputUnit. */
static int report_graph(report *r, pf_report_kind kind)
{
    const pf_report_opts *o = r->o;
    graph *g = &r->g;
    double nf = o->nodefraction >= 0 ? o->nodefraction : 0.005;
    double ef = o->edgefraction >= 0 ? o->edgefraction : 0.001;
    int nodecount = o->nodecount;
    int64_t totalv = 0, node_cutoff;
    size_t n = 0;
    sortctx sc;
    int err;

    if (kind == PF_REPORT_PEEK) {
        nf = ef = 0;
        nodecount = 0;
    } else if (nodecount < 0) {
        nodecount = kind == PF_REPORT_TOP ? 0 : 80;
    }
    if ((err = graph_nodes(g, r->p)) < 0)
        return err;
    graph_values(g, &r->vs);
    r->order = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
    if (!r->order)
        return pf__error_oom();
    for (size_t i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].cum == 0 && g->nodes[i].flat == 0)
            continue;
        totalv += g->nodes[i].flat;
        r->order[n++] = (uint32_t)i;
    }
    node_cutoff = abs64((int64_t)((double)totalv * nf));
    r->edge_cutoff = abs64((int64_t)((double)totalv * ef));
    if (node_cutoff > 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (abs64(g->nodes[r->order[i]].cum) >= node_cutoff)
                r->order[k++] = r->order[i];
        r->dropped_nodes = n - k;
        n = k;
    }
    r->orig_count = n;
    sc.g = g;
    sc.cum = o->cum_sort;
    qsort_r(r->order, n, sizeof(uint32_t), node_cmp, &sc);
    if (nodecount > 0 && (size_t)nodecount < n)
        n = (size_t)nodecount;
    r->norder = n;
    for (size_t i = 0; i < n; i++)
        g->nodes[r->order[i]].kept = true;
    /* pprof leaves nodes with flat == cum == 0 (a diff that cancels)
     * out of the node list but keeps their edges, unless trimming made
     * it rebuild the graph from the kept nodes. */
    if (r->dropped_nodes == 0 && n == r->orig_count)
        for (size_t i = 0; i < g->nnodes; i++)
            g->nodes[i].kept = true;
    if ((err = graph_edges(g, &r->vs, kind == PF_REPORT_TOP)) < 0)
        return err;
    for (size_t i = 0; i < g->nedges; i++) {
        redge *e = &g->edges[i];
        if (abs64(e->w) < r->edge_cutoff) {
            e->dead = true;
            continue;
        }
        if (e->inl)
            g->nodes[e->dst].in_inline = true;
        else
            g->nodes[e->dst].in_noinline = true;
    }
    select_unit(r);
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Header lines                                                        */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static int lines_add(lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int lines_add(lines *l, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = pf__realloc(l->v, cap * sizeof(*v));
        if (!v)
            return pf__error_oom();
        l->v = v;
        l->cap = cap;
    }
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(s = pf__malloc((size_t)n + 1)))
        return pf__error_oom();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    l->v[l->n++] = s;
    return PF_OK;
}

static void lines_release(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        pf__free(l->v[i]);
    pf__free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Go's time.Format "Jan 2, 2006 at 3:04pm (MST)" in local time. */
static void go_time(char *buf, size_t size, int64_t nanos)
{
    static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)(nanos / 1000000000);
    struct tm tm;
    int h;
    char zone[24];

    if (nanos < 0 && nanos % 1000000000)
        t--;
    tzset();
    if (!localtime_r(&t, &tm)) {
        snprintf(buf, size, "?");
        return;
    }
    h = tm.tm_hour % 12;
    if (h == 0)
        h = 12;
    if (tm.tm_zone && tm.tm_zone[0] && tm.tm_zone[0] != '+' &&
        tm.tm_zone[0] != '-') {
        snprintf(zone, sizeof(zone), "%s", tm.tm_zone);
    } else {
        long off = tm.tm_gmtoff / 60;
        snprintf(zone, sizeof(zone), "%c%02ld%02ld", off < 0 ? '-' : '+',
                 (labs(off) / 60) % 100, labs(off) % 60);
    }
    snprintf(buf, size, "%s %d, %d at %d:%02d%s (%s)", mon[tm.tm_mon],
             tm.tm_mday, tm.tm_year + 1900, h, tm.tm_min,
             tm.tm_hour >= 12 ? "pm" : "am", zone);
}

/* pprof's ProfileLabels. */
static int profile_labels(const report *r, lines *out)
{
    const pf_profile *p = r->p;
    char a[128], b[64], c[64];

    if (p->nmappings > 0 && !r->o->hide_file_line) {
        if (p->mappings[0].file[0]) {
            const char *base = pf__path_base(r->p, p->mappings[0].file);
            if (!base)
                return pf__error_oom();
            PF_TRY(lines_add(out, "File: %s", base));
        }
        if (p->mappings[0].build_id[0])
            PF_TRY(lines_add(out, "Build ID: %s", p->mappings[0].build_id));
    }
    for (size_t i = 0; i < p->ncomments; i++)
        if (p->comments[i][0] != '#')
            PF_TRY(lines_add(out, "%s", p->comments[i]));
    if (r->sample_type[0])
        PF_TRY(lines_add(out, "Type: %s", r->sample_type));
    if (p->time_nanos != 0) {
        go_time(a, sizeof(a), p->time_nanos);
        PF_TRY(lines_add(out, "Time: %s", a));
    }
    if (p->duration_nanos != 0) {
        const char *tu;
        double tn = pf_unit_scale(r->total, r->sample_unit, "nanoseconds", &tu);
        pf_unit_label(a, sizeof(a), p->duration_nanos, "nanoseconds", "auto");
        fmt_value(r, b, sizeof(b), r->total);
        c[0] = '\0';
        if (strcmp(tu, "ns") == 0 && tn != 0) {
            char pct[32];
            pf_unit_percentage(pct, sizeof(pct), (int64_t)tn,
                               p->duration_nanos);
            snprintf(c, sizeof(c), "(%s)", pct);
        }
        PF_TRY(lines_add(out, "Duration: %s, Total samples = %s %s", a, b, c));
    }
    return PF_OK;
}

static int add_filter_line(lines *out, const char *k, const char *v)
{
    if (!set(v))
        return PF_OK;
    if (strlen(v) + strlen(k) + 1 > 80) {
        char buf[81];
        snprintf(buf, sizeof(buf), "%s=%s", k, v);
        return lines_add(out, "   %s\xe2\x80\xa6", buf);
    }
    return lines_add(out, "   %s=%s", k, v);
}

/* pprof's genLabel: "Dropped N nodes (cum <= X)", if N > 0. */
static int dropped_line(const report *r, lines *out, size_t n,
                        const char *what, const char *key, double fraction)
{
    char a[64];

    if (n == 0)
        return PF_OK;
    fmt_value(r, a, sizeof(a), abs64((int64_t)((double)r->total * fraction)));
    return lines_add(out, "Dropped %zu %s%s (%s <= %s)", n, what,
                     n > 1 ? "s" : "", key, a);
}

/* pprof's reportLabels (without the graph legend). */
static int report_labels(const report *r, lines *out)
{
    const pf_filter_opts *f = &r->o->filter;
    int64_t flatsum = 0;
    char a[64], b[64], pct[32];

    PF_TRY(profile_labels(r, out));
    for (size_t i = 0; i < r->norder; i++)
        flatsum += node_flat(&r->g.nodes[r->order[i]]);
    if (set(f->focus) || set(f->ignore) || set(f->hide) || set(f->show) ||
        set(f->show_from) || set(f->tagfocus) || set(f->tagignore) ||
        set(f->tagshow) || set(f->taghide)) {
        PF_TRY(lines_add(out, "Active filters:"));
        PF_TRY(add_filter_line(out, "focus", f->focus));
        PF_TRY(add_filter_line(out, "ignore", f->ignore));
        PF_TRY(add_filter_line(out, "hide", f->hide));
        PF_TRY(add_filter_line(out, "show", f->show));
        PF_TRY(add_filter_line(out, "show_from", f->show_from));
        PF_TRY(add_filter_line(out, "tagfocus", f->tagfocus));
        PF_TRY(add_filter_line(out, "tagignore", f->tagignore));
        PF_TRY(add_filter_line(out, "tagshow", f->tagshow));
        PF_TRY(add_filter_line(out, "taghide", f->taghide));
    }
    fmt_value(r, a, sizeof(a), flatsum);
    fmt_value(r, b, sizeof(b), r->total);
    pf_unit_percentage(pct, sizeof(pct), flatsum, r->total);
    PF_TRY(lines_add(out, "Showing nodes accounting for %s, %s of %s total",
                     a, pct + strspn(pct, " "), b));
    if (r->total != 0) {
        PF_TRY(dropped_line(r, out, r->dropped_nodes, "node", "cum",
                            r->o->nodefraction >= 0 ? r->o->nodefraction
                                                    : 0.005));
        PF_TRY(dropped_line(r, out, r->dropped_edges, "edge", "freq",
                            r->o->edgefraction >= 0 ? r->o->edgefraction
                                                    : 0.001));
        if (r->norder > 0 && r->norder < r->orig_count)
            PF_TRY(lines_add(out, "Showing top %zu nodes out of %zu",
                             r->norder, r->orig_count));
    }
    return PF_OK;
}

static int write_lines(pf_writer w, const lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        PF_TRY(pf__writef(w, "%s\n", l->v[i]));
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* JSON forms of the reports (schemas in docs/TOOLS-pproftop.md)       */

static double pct(int64_t v, int64_t total);

/* The keys every JSON report but -top's starts with; GRAPH adds the
 * node selection keys of the graph reports (tree, peek). Values are
 * divided by -divide_by, as the text shows them. */
static int json_head(const report *r, pf_writer w, const char *schema,
                     const lines *hdr, bool with_graph)
{
    PF_TRY(pf__writef(w, "{\n  \"schema\": \"%s\",\n  \"sample_type\": ",
                      schema));
    PF_TRY(pf__json_str(w, r->sample_type));
    PF_TRY(pf__writef(w, ",\n  \"sample_unit\": "));
    PF_TRY(pf__json_str(w, r->sample_unit));
    PF_TRY(pf__writef(w, ",\n  \"output_unit\": "));
    PF_TRY(pf__json_str(w, r->out_unit));
    PF_TRY(pf__writef(w, ",\n  \"total\": %lld,\n",
                      (long long)divided(r, r->total)));
    if (with_graph) {
        int64_t shown = 0;
        double nf = r->o->nodefraction >= 0 ? r->o->nodefraction : 0.005;
        for (size_t i = 0; i < r->norder; i++)
            shown += divided(r, node_flat(&r->g.nodes[r->order[i]]));
        PF_TRY(pf__writef(w, "  \"shown_flat\": %lld,\n"
                          "  \"dropped_nodes\": %zu,\n"
                          "  \"dropped_cutoff\": %lld,\n"
                          "  \"nodes_before_nodecount\": %zu,\n",
                          (long long)shown, r->dropped_nodes,
                          (long long)divided(r, abs64((int64_t)(
                              (double)r->total * nf))),
                          r->orig_count));
    }
    PF_TRY(pf__writef(w, "  \"labels\": ["));
    for (size_t i = 0; i < hdr->n; i++) {
        PF_TRY(pf__writef(w, "%s\n    ", i ? "," : ""));
        PF_TRY(pf__json_str(w, hdr->v[i]));
    }
    return pf__writef(w, "%s],\n", hdr->n ? "\n  " : "");
}

/* ------------------------------------------------------------------ */
/* top                                                                 */

static const char *inline_label(const rnode *n)
{
    if (!n->in_inline)
        return "";
    return n->in_noinline ? "(partial-inline)" : "(inline)";
}

static int write_top(report *r, pf_writer w)
{
    lines hdr = { 0 };
    int64_t flatsum = 0;
    int err;

    if ((err = report_labels(r, &hdr)) < 0)
        goto done;
    if ((err = write_lines(w, &hdr)) < 0)
        goto done;
    if ((err = pf__writef(w, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat",
                          "sum", "cum", "cum")) < 0)
        goto done;
    for (size_t i = 0; i < r->norder; i++) {
        const rnode *n = &r->g.nodes[r->order[i]];
        char fv[64], cv[64], fp[32], sp[32], cp[32];
        const char *inl = inline_label(n);
        flatsum += node_flat(n);
        fmt_value(r, fv, sizeof(fv), node_flat(n));
        fmt_value(r, cv, sizeof(cv), node_cum(n));
        pf_unit_percentage(fp, sizeof(fp), node_flat(n), r->total);
        pf_unit_percentage(sp, sizeof(sp), flatsum, r->total);
        pf_unit_percentage(cp, sizeof(cp), node_cum(n), r->total);
        if ((err = pf__writef(w, "%10s %s %s %10s %s  %s%s%s\n", fv, fp, sp,
                              cv, cp, n->pname, inl[0] ? " " : "", inl)) < 0)
            goto done;
    }
done:
    lines_release(&hdr);
    return err;
}

/* ------------------------------------------------------------------ */
/* tree and peek                                                       */

typedef struct edgesort {
    const graph *g;
} edgesort;

static int edge_cmp(const void *x, const void *y, void *ctx)
{
    const graph *g = ctx;
    const redge *a = &g->edges[*(const uint32_t *)x];
    const redge *b = &g->edges[*(const uint32_t *)y];
    int r;

    if (a->w != b->w) {
        int64_t aa = abs64(a->w), bb = abs64(b->w);
        if (aa != bb)
            return aa > bb ? -1 : 1;
        return 0;
    }
    if ((r = strcmp(g->nodes[a->src].pname, g->nodes[b->src].pname)) != 0)
        return r;
    return strcmp(g->nodes[a->dst].pname, g->nodes[b->dst].pname);
}

/* "callers"/"callees" of a JSON tree node: the edges E[0..N). */
static int json_edges(const report *r, pf_writer w, const char *key,
                      uint32_t *e, uint32_t n, int64_t cum, bool callers)
{
    const graph *g = &r->g;

    PF_TRY(pf__writef(w, ",\n     \"%s\": [", key));
    for (uint32_t k = 0; k < n; k++) {
        const redge *ed = &g->edges[e[k]];
        PF_TRY(pf__writef(w, "%s\n       {\"name\": ", k ? "," : ""));
        PF_TRY(pf__json_str(w, g->nodes[callers ? ed->src : ed->dst].pname));
        PF_TRY(pf__writef(w, ", \"value\": %lld, \"pct\": %.4f, "
                          "\"inline\": %s}", (long long)divided(r, ed->w),
                          pct(ed->w, cum), ed->inl ? "true" : "false"));
    }
    return pf__writef(w, "%s]", n ? "\n     " : "");
}

static int write_tree(report *r, pf_writer w, const regex_t *rx, bool json)
{
    static const char sep[] =
        "----------------------------------------------------------+-------------";
    static const char legend[] =
        "      flat  flat%   sum%        cum   cum%   calls calls% + context "
        "\t \t ";
    graph *g = &r->g;
    lines hdr = { 0 };
    uint32_t *in_off = NULL, *out_off = NULL, *in_e = NULL, *out_e = NULL;
    int64_t flatsum = 0;
    size_t matched = 0;
    int err;

    /* Edge lists per node (live edges only). */
    in_off = pf__calloc(g->nnodes + 2, sizeof(uint32_t));
    out_off = pf__calloc(g->nnodes + 2, sizeof(uint32_t));
    in_e = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    out_e = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    if (!in_off || !out_off || !in_e || !out_e) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < g->nedges; i++) {
        if (g->edges[i].dead)
            continue;
        in_off[g->edges[i].dst + 1]++;
        out_off[g->edges[i].src + 1]++;
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        in_off[i + 1] += in_off[i];
        out_off[i + 1] += out_off[i];
    }
    {
        uint32_t *ip = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
        uint32_t *op = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
        if (!ip || !op) {
            pf__free(ip);
            pf__free(op);
            err = pf__error_oom();
            goto done;
        }
        memcpy(ip, in_off, g->nnodes * sizeof(uint32_t));
        memcpy(op, out_off, g->nnodes * sizeof(uint32_t));
        for (size_t i = 0; i < g->nedges; i++) {
            if (g->edges[i].dead)
                continue;
            in_e[ip[g->edges[i].dst]++] = (uint32_t)i;
            out_e[op[g->edges[i].src]++] = (uint32_t)i;
        }
        pf__free(ip);
        pf__free(op);
    }
    if (rx) {
        /* pprof prints nothing when the regexp matches no node. */
        for (size_t i = 0; i < r->norder && !matched; i++)
            matched += pf__re_match(rx, g->nodes[r->order[i]].pname);
        if (matched == 0) {
            err = pf__error_set(PF_ENOTFOUND,
                                "no matches found for regexp: %s",
                                r->o->symbol);
            goto done;
        }
        matched = 0;
    }
    if ((err = report_labels(r, &hdr)) < 0)
        goto done;
    if (json) {
        if ((err = json_head(r, w, "libprofile.tree/1", &hdr, true)) < 0 ||
            (err = pf__writef(w, "  \"nodes\": [")) < 0)
            goto done;
    } else if ((err = write_lines(w, &hdr)) < 0 ||
               (err = pf__writef(w, "%s\n%s\n", sep, legend)) < 0) {
        goto done;
    }
    for (size_t i = 0; i < r->norder; i++) {
        uint32_t id = r->order[i];
        const rnode *n = &g->nodes[id];
        int64_t cum = node_cum(n), flat = node_flat(n);
        char a[64], b[64], p1[32], p2[32], p3[32];

        if (rx && !pf__re_match(rx, n->pname))
            continue;
        matched++;
        qsort_r(in_e + in_off[id], in_off[id + 1] - in_off[id],
                sizeof(uint32_t), edge_cmp, g);
        qsort_r(out_e + out_off[id], out_off[id + 1] - out_off[id],
                sizeof(uint32_t), edge_cmp, g);
        if (json) {
            flatsum += flat;
            if ((err = pf__writef(w, "%s\n    {\"name\": ",
                                  matched > 1 ? "," : "")) < 0 ||
                (err = pf__json_str(w, n->pname)) < 0 ||
                (err = pf__writef(w, ", \"flat\": %lld, \"flat_pct\": %.4f, "
                                  "\"sum_pct\": %.4f, \"cum\": %lld, "
                                  "\"cum_pct\": %.4f",
                                  (long long)divided(r, flat),
                                  pct(flat, r->total), pct(flatsum, r->total),
                                  (long long)divided(r, cum),
                                  pct(cum, r->total))) < 0 ||
                (err = json_edges(r, w, "callers", in_e + in_off[id],
                                  in_off[id + 1] - in_off[id], cum,
                                  true)) < 0 ||
                (err = json_edges(r, w, "callees", out_e + out_off[id],
                                  out_off[id + 1] - out_off[id], cum,
                                  false)) < 0 ||
                (err = pf__writef(w, "}")) < 0)
                goto done;
            continue;
        }
        if ((err = pf__writef(w, "%s\n", sep)) < 0)
            goto done;
        for (uint32_t k = in_off[id]; k < in_off[id + 1]; k++) {
            const redge *e = &g->edges[in_e[k]];
            fmt_value(r, a, sizeof(a), e->w);
            pf_unit_percentage(p1, sizeof(p1), e->w, cum);
            if ((err = pf__writef(w, "%50s %s |   %s%s\n", a, p1,
                                  g->nodes[e->src].pname,
                                  e->inl ? " (inline)" : "")) < 0)
                goto done;
        }
        flatsum += flat;
        fmt_value(r, a, sizeof(a), flat);
        fmt_value(r, b, sizeof(b), cum);
        pf_unit_percentage(p1, sizeof(p1), flat, r->total);
        pf_unit_percentage(p2, sizeof(p2), flatsum, r->total);
        pf_unit_percentage(p3, sizeof(p3), cum, r->total);
        if ((err = pf__writef(w, "%10s %s %s %10s %s                | %s\n", a,
                              p1, p2, b, p3, n->pname)) < 0)
            goto done;
        for (uint32_t k = out_off[id]; k < out_off[id + 1]; k++) {
            const redge *e = &g->edges[out_e[k]];
            fmt_value(r, a, sizeof(a), e->w);
            pf_unit_percentage(p1, sizeof(p1), e->w, cum);
            if ((err = pf__writef(w, "%50s %s |   %s%s\n", a, p1,
                                  g->nodes[e->dst].pname,
                                  e->inl ? " (inline)" : "")) < 0)
                goto done;
        }
    }
    if (json)
        err = pf__writef(w, "%s]\n}\n", matched ? "\n  " : "");
    else if (r->norder > 0)
        err = pf__writef(w, "%s\n", sep);
    if (err < 0)
        goto done;
    if (rx && matched == 0) {
        err = pf__error_set(PF_ENOTFOUND, "no matches found for regexp: %s",
                            r->o->symbol);
        goto done;
    }
    err = PF_OK;
done:
    lines_release(&hdr);
    pf__free(in_off);
    pf__free(out_off);
    pf__free(in_e);
    pf__free(out_e);
    return err;
}

/* ------------------------------------------------------------------ */
/* traces                                                              */

static int label_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether label I of L is of the kind asked (NUMERIC or string) and
 * the first of that kind with its key. */
static bool first_of_key(const pf_label *l, uint32_t i, bool numeric)
{
    if ((l[i].str[0] != '\0') == numeric)
        return false;
    for (uint32_t j = 0; j < i; j++)
        if ((l[j].str[0] != '\0') != numeric && l[j].key == l[i].key)
            return false;
    return true;
}

/* "%10s:  v1 v2\n" per key (string or numeric), sorted as strings. */
static int write_label_group(pf_writer w, const pf_profile *p,
                             const pf_sample *s, bool numeric,
                             const pf_numunits *units)
{
    const pf_label *l = pf__sample_labels(p, s);
    lines out = { 0 };
    pf_sbuf b = { 0 };
    int err = PF_OK;

    for (uint32_t i = 0; i < s->nlabel; i++) {
        /* Only the first label of each key starts a line. */
        if (!first_of_key(l, i, numeric))
            continue;
        b.len = 0;
        if ((err = pf__sbuf_puts(&b, "")) < 0)
            goto done;
        for (uint32_t j = i; j < s->nlabel; j++) {
            if ((l[j].str[0] != '\0') == numeric || l[j].key != l[i].key)
                continue;
            if (b.len && (err = pf__sbuf_puts(&b, " ")) < 0)
                goto done;
            if (numeric) {
                char v[64];
                pf_unit_label(v, sizeof(v), l[j].num,
                              pf__numunits_get(units, l[j].key), "auto");
                err = pf__sbuf_puts(&b, v);
            } else {
                err = pf__sbuf_puts(&b, l[j].str);
            }
            if (err < 0)
                goto done;
        }
        {
            /* Go's %10s pads to 10 characters, not bytes */
            size_t nc = pf__utf8_chars(l[i].key);
            int pad = nc < 10 ? (int)(10 - nc) : 0;
            if ((err = lines_add(&out, "%*s%s:  %s", pad, "", l[i].key,
                                 b.s)) < 0)
                goto done;
        }
    }
    if (out.n > 1)
        qsort(out.v, out.n, sizeof(char *), label_line_cmp);
    err = write_lines(w, &out);
done:
    lines_release(&out);
    pf__sbuf_release(&b);
    return err;
}

/* A JSON trace's "labels" (string) or "num_labels" (numeric) object:
 * keys in first-seen order, each with its values in order. */
static int json_sample_labels(pf_writer w, const pf_profile *p,
                              const pf_sample *s, bool numeric,
                              const pf_numunits *units)
{
    const pf_label *l = pf__sample_labels(p, s);
    size_t nkeys = 0;

    PF_TRY(pf__writef(w, ", \"%s\": {", numeric ? "num_labels" : "labels"));
    for (uint32_t i = 0; i < s->nlabel; i++) {
        bool firstv = true;
        if (!first_of_key(l, i, numeric))
            continue;
        PF_TRY(pf__writef(w, "%s", nkeys++ ? ", " : ""));
        PF_TRY(pf__json_str(w, l[i].key));
        PF_TRY(pf__writef(w, ": ["));
        for (uint32_t j = i; j < s->nlabel; j++) {
            if ((l[j].str[0] != '\0') == numeric || l[j].key != l[i].key)
                continue;
            PF_TRY(pf__writef(w, "%s", firstv ? "" : ", "));
            firstv = false;
            if (!numeric) {
                PF_TRY(pf__json_str(w, l[j].str));
                continue;
            }
            PF_TRY(pf__writef(w, "{\"value\": %lld, \"unit\": ",
                              (long long)l[j].num));
            PF_TRY(pf__json_str(w, pf__numunits_get(units, l[j].key)));
            PF_TRY(pf__writef(w, "}"));
        }
        PF_TRY(pf__writef(w, "]"));
    }
    return pf__writef(w, "}");
}

static int write_traces(report *r, pf_writer w, bool json)
{
    static const char sep[] =
        "-----------+-------------------------------------------------------";
    const pf_profile *p = r->p;
    lines hdr = { 0 };
    pf_numunits units;
    size_t ntraces = 0;
    int err;

    memset(&units, 0, sizeof(units));
    if ((err = profile_labels(r, &hdr)) < 0)
        goto done;
    if (json) {
        if ((err = json_head(r, w, "libprofile.traces/1", &hdr, false)) < 0 ||
            (err = pf__writef(w, "  \"traces\": [")) < 0)
            goto done;
    } else if ((err = write_lines(w, &hdr)) < 0) {
        goto done;
    }
    if ((err = graph_nodes(&r->g, r->p)) < 0)
        goto done;
    if ((err = pf__numunits_init(&units, p)) < 0)
        goto done;
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        int64_t v, d;
        bool first = true;

        if (s->nloc == 0)
            continue;
        if (json) {
            sample_w(p, si, &r->vs, &v, &d);
            if (d != 0)
                v /= d;
            if ((err = pf__writef(w, "%s\n    {\"value\": %lld",
                                  ntraces++ ? "," : "",
                                  (long long)divided(r, v))) < 0 ||
                (err = json_sample_labels(w, p, s, false, &units)) < 0 ||
                (err = json_sample_labels(w, p, s, true, &units)) < 0 ||
                (err = pf__writef(w, ", \"frames\": [")) < 0)
                goto done;
            for (uint32_t i = 0; i < s->nloc; i++) {
                uint32_t off = r->g.loc_off[st[i]];
                uint32_t n = r->g.loc_off[st[i] + 1] - off;
                for (uint32_t j = 0; j < n; j++) {
                    if ((err = pf__writef(w, "%s\n      {\"name\": ",
                                          first ? "" : ",")) < 0 ||
                        (err = pf__json_str(w,
                            r->g.nodes[r->g.ln_node[off + j]].pname)) < 0 ||
                        (err = pf__writef(w, ", \"inline\": %s}",
                                          j != n - 1 ? "true" : "false")) < 0)
                        goto done;
                    first = false;
                }
            }
            if ((err = pf__writef(w, "%s]}", first ? "" : "\n    ")) < 0)
                goto done;
            continue;
        }
        if ((err = pf__writef(w, "%s\n", sep)) < 0)
            goto done;
        if ((err = write_label_group(w, p, s, false, &units)) < 0 ||
            (err = write_label_group(w, p, s, true, &units)) < 0)
            goto done;
        sample_w(p, si, &r->vs, &v, &d);
        if (d != 0)
            v /= d;
        for (uint32_t i = 0; i < s->nloc; i++) {
            uint32_t off = r->g.loc_off[st[i]];
            uint32_t n = r->g.loc_off[st[i] + 1] - off;
            for (uint32_t j = 0; j < n; j++) {
                char vs[64] = "";
                if (first)
                    fmt_value(r, vs, sizeof(vs), v);
                first = false;
                if ((err = pf__writef(w, "%10s   %s%s\n", vs,
                                      r->g.nodes[r->g.ln_node[off + j]].pname,
                                      j != n - 1 ? " (inline)" : "")) < 0)
                    goto done;
            }
        }
    }
    if (json)
        err = pf__writef(w, "%s]\n}\n", ntraces ? "\n  " : "");
    else
        err = pf__writef(w, "%s\n", sep);
done:
    pf__numunits_release(&units);
    lines_release(&hdr);
    return err;
}

/* ------------------------------------------------------------------ */
/* folded                                                              */

typedef struct fold {
    const char *stack;          /* interned in the report's profile */
    int64_t v;
} fold;

static bool fold_eq(const void *ctx, uint32_t idx, const void *key)
{
    return ((const fold *)ctx)[idx].stack == key;
}

static int write_folded(report *r, pf_writer w, bool json)
{
    const pf_profile *p = r->p;
    fold *f = NULL;
    size_t nf = 0, cap = 0;
    pf_idxset set;
    pf_sbuf b = { 0 };
    int err;

    pf__idxset_init(&set);
    if ((err = graph_nodes(&r->g, r->p)) < 0)
        goto done;
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const uint32_t *st = pf__sample_locs(p, s);
        const char *key;
        int64_t v, d;
        uint64_t h;
        uint32_t k;

        sample_w(p, si, &r->vs, &v, &d);
        if (d != 0)
            v /= d;
        if (v == 0 || s->nloc == 0)
            continue;
        b.len = 0;
        if ((err = pf__sbuf_puts(&b, "")) < 0)
            goto done;
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = r->g.loc_off[st[i]];
            uint32_t n = r->g.loc_off[st[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--) {
                if (b.len && (err = pf__sbuf_puts(&b, ";")) < 0)
                    goto done;
                if ((err = pf__sbuf_puts(&b,
                        r->g.nodes[r->g.ln_node[off + (uint32_t)j]].pname)) < 0)
                    goto done;
            }
        }
        key = pf_profile_intern_len(r->p, b.s, b.len);
        if (!key) {
            err = pf__error_oom();
            goto done;
        }
        h = pf__hash_mix(0xf01du, (uint64_t)(uintptr_t)key);
        k = pf__idxset_find(&set, h, fold_eq, f, key);
        if (k == PF_NONE) {
            if ((err = PF_VEC_RESERVE(f, cap, nf + 1)) < 0)
                goto done;
            f[nf].stack = key;
            f[nf].v = 0;
            if ((err = pf__idxset_insert(&set, h, (uint32_t)nf)) < 0)
                goto done;
            k = (uint32_t)nf++;
        }
        f[k].v += v;
    }
    /* a stack's total is divided as -top divides a node's */
    if (json) {
        lines hdr = { 0 };
        err = profile_labels(r, &hdr);
        if (err >= 0)
            err = json_head(r, w, "libprofile.folded/1", &hdr, false);
        lines_release(&hdr);
        if (err < 0 || (err = pf__writef(w, "  \"stacks\": [")) < 0)
            goto done;
    }
    for (size_t i = 0; i < nf; i++) {
        if (!json) {
            err = pf__writef(w, "%s %lld\n", f[i].stack,
                             (long long)divided(r, f[i].v));
        } else if ((err = pf__writef(w, "%s\n    {\"stack\": ",
                                     i ? "," : "")) >= 0 &&
                   (err = pf__json_str(w, f[i].stack)) >= 0) {
            err = pf__writef(w, ", \"value\": %lld}",
                             (long long)divided(r, f[i].v));
        }
        if (err < 0)
            goto done;
    }
    if (json && (err = pf__writef(w, "%s]\n}\n", nf ? "\n  " : "")) < 0)
        goto done;
    err = PF_OK;
done:
    pf__idxset_release(&set);
    pf__sbuf_release(&b);
    pf__free(f);
    return err;
}

/* ------------------------------------------------------------------ */
/* flame graph (drawn by report_flame.c)                               */

/* The prepared profile and its frame names, with every sample type's
 * total taken where pprof takes the report total (before the focus
 * filters unless -relative_percentages). */
static int write_flame(report *r, pf_writer w)
{
    pf__flame_input in;
    const char **names = NULL;
    int err;

    if ((err = graph_nodes(&r->g, r->p)) < 0)
        return err;
    names = pf__malloc((r->g.nnodes + 1) * sizeof(*names));
    if (!names)
        return pf__error_oom();
    for (size_t i = 0; i < r->g.nnodes; i++)
        names[i] = r->g.nodes[i].pname;
    memset(&in, 0, sizeof(in));
    in.p = r->p;
    in.sample_index = r->vs.idx;
    in.totals = r->totals;
    in.loc_off = r->g.loc_off;
    in.frame = r->g.ln_node;
    in.names = names;
    in.nnames = r->g.nnodes;
    err = pf__flame_write(w, &in, r->o);
    pf__free(names);
    return err;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */

static const pf_report_opts default_opts = PF_REPORT_OPTS_INIT;

static int report_write(const pf_profile *p, pf_writer w, pf_report_kind kind,
                        const pf_report_opts *opts, bool json)
{
    report r;
    regex_t rx;
    bool have_rx = false;
    int err;

    if (!opts)
        opts = &default_opts;
    if (json && (kind == PF_REPORT_DOT || kind == PF_REPORT_FLAMEGRAPH ||
                 kind == PF_REPORT_LIST))
        return pf__error_set(PF_EUNSUPPORTED, "%s has no JSON form",
                             kind == PF_REPORT_DOT ? "the call graph"
                             : kind == PF_REPORT_LIST ? "the source listing"
                                                      : "the flame graph");
    if (kind == PF_REPORT_LIST)
        return pf__report_list_write(p, w, opts);
    if (json && kind == PF_REPORT_TOP) {
        pf_top *t = NULL;
        if ((err = pf_report_top(&t, p, opts)) >= 0)
            err = pf_top_write_json(t, w);
        pf_top_free(t);
        return err;
    }
    if (kind == PF_REPORT_PEEK) {
        if (!set(opts->symbol))
            return pf__error_set(PF_EINVAL, "peek: no regexp given");
        PF_TRY(pf__re_compile(&rx, opts->symbol, false, "peek"));
        have_rx = true;
    }
    if ((err = report_prepare(&r, p, opts, kind)) < 0)
        goto out;
    switch (kind) {
    case PF_REPORT_TOP:
        if ((err = report_graph(&r, kind)) >= 0)
            err = write_top(&r, w);
        break;
    case PF_REPORT_TREE:
    case PF_REPORT_PEEK:
        if ((err = report_graph(&r, kind)) >= 0)
            err = write_tree(&r, w, have_rx ? &rx : NULL, json);
        break;
    case PF_REPORT_TRACES:
        err = write_traces(&r, w, json);
        break;
    case PF_REPORT_FOLDED:
        err = write_folded(&r, w, json);
        break;
    case PF_REPORT_TAGS:
        err = pf__report_tags(r.p, w, r.vs.idx, r.sample_type, r.sample_unit,
                              r.out_unit, json);
        break;
    case PF_REPORT_COMMENTS:
        err = pf__report_comments(r.p, w, json);
        break;
    case PF_REPORT_RAW:
        err = json ? pf__profile_write_json(r.p, w)
                   : pf__profile_write_pprof_raw(r.p, w);
        break;
    case PF_REPORT_FLAMEGRAPH:
        err = write_flame(&r, w);
        break;
    case PF_REPORT_DOT:
        err = pf__report_dot(&r, w);
        break;
    default:
        err = json ? pf__error_set(PF_EUNSUPPORTED,
                                   "report kind %d has no JSON form",
                                   (int)kind)
                   : pf__error_set(PF_EINVAL, "unknown report kind %d",
                                   (int)kind);
    }
    report_release(&r);
out:
    if (have_rx)
        regfree(&rx);
    return err;
}

int pf_report_write(const pf_profile *p, pf_writer w, pf_report_kind kind,
                    const pf_report_opts *opts)
{
    return report_write(p, w, kind, opts, false);
}

int pf_report_write_json(const pf_profile *p, pf_writer w,
                         pf_report_kind kind, const pf_report_opts *opts)
{
    return report_write(p, w, kind, opts, true);
}

void pf_top_free(pf_top *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        pf__free((void *)t->rows[i].name);
    for (size_t i = 0; i < t->nlabels; i++)
        pf__free((void *)t->labels[i]);
    pf__free((void *)t->sample_type);
    pf__free((void *)t->sample_unit);
    pf__free((void *)t->output_unit);
    pf__free(t->rows);
    pf__free(t->labels);
    pf__free(t);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = pf__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int pf_report_top(pf_top **out, const pf_profile *p, const pf_report_opts *opts)
{
    report r;
    lines hdr = { 0 };
    pf_top *t = NULL;
    int err;

    *out = NULL;
    if (!opts)
        opts = &default_opts;
    if ((err = report_prepare(&r, p, opts, PF_REPORT_TOP)) < 0)
        return err;
    if ((err = report_graph(&r, PF_REPORT_TOP)) < 0)
        goto done;
    if ((err = report_labels(&r, &hdr)) < 0)
        goto done;
    t = pf__calloc(1, sizeof(*t));
    if (!t) {
        err = pf__error_oom();
        goto done;
    }
    t->rows = pf__calloc(r.norder + 1, sizeof(*t->rows));
    t->labels = pf__calloc(hdr.n + 1, sizeof(*t->labels));
    t->sample_type = dupstr(r.sample_type);
    t->sample_unit = dupstr(r.sample_unit);
    t->output_unit = dupstr(r.out_unit);
    if (!t->rows || !t->labels || !t->sample_type || !t->sample_unit ||
        !t->output_unit) {
        err = pf__error_oom();
        goto done;
    }
    /* values as -top shows them: divided by -divide_by */
    t->total = divided(&r, r.total);
    t->dropped_nodes = r.dropped_nodes;
    t->dropped_cutoff = divided(&r, abs64((int64_t)((double)r.total *
                                        (opts->nodefraction >= 0
                                             ? opts->nodefraction : 0.005))));
    t->nodes_before_count = r.orig_count;
    for (size_t i = 0; i < r.norder; i++) {
        const rnode *n = &r.g.nodes[r.order[i]];
        pf_top_row *row = &t->rows[i];
        if (!(row->name = dupstr(n->pname))) {
            err = pf__error_oom();
            goto done;
        }
        t->nrows++;
        row->inline_label = inline_label(n);
        row->flat = divided(&r, node_flat(n));
        row->cum = divided(&r, node_cum(n));
        t->shown_flat += row->flat;
    }
    for (size_t i = 0; i < hdr.n; i++) {
        t->labels[i] = hdr.v[i];
        hdr.v[i] = NULL;
        t->nlabels++;
    }
    *out = t;
    t = NULL;
done:
    pf_top_free(t);
    lines_release(&hdr);
    report_release(&r);
    return err;
}

/* ------------------------------------------------------------------ */
/* Machine-readable top                                                */

int pf__json_str(pf_writer w, const char *s)
{
    pf_sbuf b = { 0 };
    int err = pf__sbuf_puts(&b, "\"");

    for (; err >= 0 && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            err = pf__sbuf_add(&b, e, 2);
        } else if (c < 0x20) {
            err = pf__sbuf_printf(&b, "\\u%04x", c);
        } else {
            err = pf__sbuf_add(&b, (const char *)&c, 1);
        }
    }
    if (err >= 0)
        err = pf__sbuf_puts(&b, "\"");
    if (err >= 0)
        err = pf__write(w, b.s, b.len);
    pf__sbuf_release(&b);
    return err;
}

static double pct(int64_t v, int64_t total)
{
    return total ? fabs((double)v / (double)total) * 100 : 0;
}

int pf_top_write_json(const pf_top *t, pf_writer w)
{
    int64_t sum = 0;

    PF_TRY(pf__writef(w, "{\n  \"schema\": \"libprofile.top/1\",\n"));
    PF_TRY(pf__writef(w, "  \"sample_type\": "));
    PF_TRY(pf__json_str(w, t->sample_type));
    PF_TRY(pf__writef(w, ",\n  \"sample_unit\": "));
    PF_TRY(pf__json_str(w, t->sample_unit));
    PF_TRY(pf__writef(w, ",\n  \"output_unit\": "));
    PF_TRY(pf__json_str(w, t->output_unit));
    PF_TRY(pf__writef(w, ",\n  \"total\": %lld,\n  \"shown_flat\": %lld,\n"
                      "  \"dropped_nodes\": %zu,\n  \"dropped_cutoff\": %lld,\n"
                      "  \"nodes_before_nodecount\": %zu,\n  \"labels\": [",
                      (long long)t->total, (long long)t->shown_flat,
                      t->dropped_nodes, (long long)t->dropped_cutoff,
                      t->nodes_before_count));
    for (size_t i = 0; i < t->nlabels; i++) {
        PF_TRY(pf__writef(w, "%s\n    ", i ? "," : ""));
        PF_TRY(pf__json_str(w, t->labels[i]));
    }
    PF_TRY(pf__writef(w, "%s],\n  \"rows\": [", t->nlabels ? "\n  " : ""));
    for (size_t i = 0; i < t->nrows; i++) {
        const pf_top_row *r = &t->rows[i];
        sum += r->flat;
        PF_TRY(pf__writef(w, "%s\n    {\"name\": ", i ? "," : ""));
        PF_TRY(pf__json_str(w, r->name));
        PF_TRY(pf__writef(w, ", \"inline\": "));
        PF_TRY(pf__json_str(w, r->inline_label));
        PF_TRY(pf__writef(w, ", \"flat\": %lld, \"flat_pct\": %.4f, "
                          "\"sum_pct\": %.4f, \"cum\": %lld, "
                          "\"cum_pct\": %.4f}",
                          (long long)r->flat, pct(r->flat, t->total),
                          pct(sum, t->total), (long long)r->cum,
                          pct(r->cum, t->total)));
    }
    PF_TRY(pf__writef(w, "%s]\n}\n", t->nrows ? "\n  " : ""));
    return PF_OK;
}

static int csv_field(pf_writer w, const char *s)
{
    if (!strpbrk(s, ",\"\n\r"))
        return pf__write(w, s, strlen(s));
    PF_TRY(pf__write(w, "\"", 1));
    for (; *s; s++) {
        if (*s == '"')
            PF_TRY(pf__write(w, "\"\"", 2));
        else
            PF_TRY(pf__write(w, s, 1));
    }
    return pf__write(w, "\"", 1);
}

int pf_top_write_csv(const pf_top *t, pf_writer w)
{
    int64_t sum = 0;

    PF_TRY(pf__writef(w, "flat,flat_pct,sum_pct,cum,cum_pct,name,inline\n"));
    for (size_t i = 0; i < t->nrows; i++) {
        const pf_top_row *r = &t->rows[i];
        sum += r->flat;
        PF_TRY(pf__writef(w, "%lld,%.4f,%.4f,%lld,%.4f,", (long long)r->flat,
                          pct(r->flat, t->total), pct(sum, t->total),
                          (long long)r->cum, pct(r->cum, t->total)));
        PF_TRY(csv_field(w, r->name));
        PF_TRY(pf__writef(w, ",%s\n", r->inline_label));
    }
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* For report_dot.c (report_priv.h)                                    */

int pf__report_prepare(report *r, const pf_profile *p,
                       const pf_report_opts *o, pf_report_kind kind)
{
    return report_prepare(r, p, o, kind);
}

void pf__report_release(report *r)
{
    report_release(r);
}

int pf__rgraph_nodes(graph *g, pf_profile *p)
{
    return graph_nodes(g, p);
}

void pf__rgraph_values(graph *g, const valsel *vs)
{
    graph_values(g, vs);
}

int pf__rgraph_edges(graph *g, const valsel *vs)
{
    return graph_edges(g, vs, false);
}

int pf__rnode_info_cmp(const rnode *a, const rnode *b)
{
    return info_cmp(a, b);
}

int pf__redge_cmp(const void *a, const void *b, void *ctx)
{
    return edge_cmp(a, b, ctx);
}

void pf__report_select_unit(report *r)
{
    select_unit(r);
}

void pf__report_fmt_value(const report *r, char *buf, size_t size,
                          int64_t v)
{
    fmt_value(r, buf, size, v);
}

int pf__report_legend(const report *r,
                      int (*fn)(void *ctx, const char *line), void *ctx)
{
    lines l = { 0 };
    int err = report_labels(r, &l);

    for (size_t i = 0; err >= 0 && i < l.n; i++)
        err = fn(ctx, l.v[i]);
    lines_release(&l);
    return err;
}
