/*
 * The call graph in Graphviz DOT, as go tool pprof (Go 1.19) -dot
 * writes it: the same nodes, edges, labels, colours and sizes, so that
 * the two outputs can be compared line for line.
 *
 * It works on the graph report.c builds for the text reports (nodes
 * and their values once, edges rebuilt for each set of kept nodes) and
 * adds what only the picture has:
 *
 * - node order by pprof's "entropy" score (entry and leaf nodes and
 *   nodes whose calls fan out rank high, pass-through nodes low), which
 *   also decides which nodes -nodecount keeps;
 * - the tag sub-nodes ("nodelets"): per node, its samples' string
 *   labels joined into one tag, and the values of the numeric label
 *   "bytes" (collapsed into at most four ranges), each with its share;
 * - residual edges (dotted: the call went through nodes not shown),
 *   dropped when the destination is reachable another way.
 *
 * The steps and their order are pprof's newTrimmedGraph for visual
 * output; the quirks that show in the output (an edge count that is
 * only reported when -nodecount removed nodes, a node's tags shown as
 * flat values when it has callees and as cum values when it has none)
 * are kept on purpose.
 */
#include "report_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_NODELETS 4

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int64_t divv(int64_t v, int64_t d)
{
    return d ? v / d : v;
}

/* ------------------------------------------------------------------ */
/* DOT text                                                            */

/* pprof's escapeForDot: backslash and quote escaped, newline becomes
 * Graphviz's left-justified line break. */
static int sbuf_dot_escaped(pf_sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '\\': rep = "\\\\"; break;
        case '"': rep = "\\\""; break;
        case '\n': rep = "\\l"; break;
        default: break;
        }
        PF_TRY(rep ? pf__sbuf_puts(b, rep) : pf__sbuf_add(b, s + i, 1));
    }
    return PF_OK;
}

/* Tag names go out as pprof writes them (label tags hold the DOT line
 * breaks that join several labels), with only what would end the
 * quoted string escaped: quotes and a trailing backslash. */
static int sbuf_tag_name(pf_sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || (*s == '\\' && s[1] == '\0'))
            PF_TRY(pf__sbuf_puts(b, "\\"));
        PF_TRY(pf__sbuf_add(b, s, 1));
    }
    return PF_OK;
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* goRegExp ^(?:[\w\-\.]+/)+(.+): the start of what follows the longest
 * run of "segment/" at the front that leaves something; -1 if none. */
static ssize_t go_short(const char *s, size_t n)
{
    ssize_t last = -1, prev = -1;
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        while (j < n && (is_word(s[j]) || s[j] == '-' || s[j] == '.'))
            j++;
        if (j == i || j >= n || s[j] != '/')
            break;
        prev = last;
        last = (ssize_t)(j + 1);
        i = j + 1;
    }
    if (last >= 0 && (size_t)last >= n)
        last = prev;
    if (last >= 0 && s[last] == '\n')
        return -1;
    return last;
}

/* javaRegExp: (?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*
 * (?:\$\d+)?))(?:\(|$). Each part is deterministic (a greedy run is
 * always followed by a character it cannot take), so one scan does. */
static bool java_short(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t i = 0, j;

    for (;;) {
        if (i < n && s[i] >= 'a' && s[i] <= 'z') {
            j = i + 1;
            while (j < n && is_word(s[j]))
                j++;
            if (j < n && s[j] == '.') {
                i = j + 1;
                continue;
            }
        }
        break;
    }
    if (i >= n || !(s[i] >= 'A' && s[i] <= 'Z'))
        return false;
    j = i + 1;
    while (j < n && (is_word(s[j]) || s[j] == '$'))
        j++;
    if (j >= n || s[j] != '.')
        return false;
    j++;
    if (n - j >= 6 && memcmp(s + j, "<init>", 6) == 0) {
        j += 6;
    } else if (j < n && s[j] >= 'a' && s[j] <= 'z') {
        j++;
        while (j < n && (is_word(s[j]) || s[j] == '$'))
            j++;
    } else {
        return false;
    }
    if (j < n && s[j] != '(')
        return false;
    *b = i;
    *e = j;
    return true;
}

/* cppRegExp ^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?):
 * the namespace prefix is greedy, so the candidates for the group are
 * tried from the last "::" backwards. */
static bool cpp_short(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t ends[256], nends = 0, i = 0;

    while (nends < sizeof(ends) / sizeof(ends[0])) {
        size_t j = i;
        if (!(j < n && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') ||
                        (s[j] >= 'A' && s[j] <= 'Z'))))
            break;
        j++;
        while (j < n && is_word(s[j]))
            j++;
        if (j + 1 >= n || s[j] != ':' || s[j + 1] != ':')
            break;
        i = j + 2;
        ends[nends++] = i;
    }
    while (nends > 0) {
        size_t j = ends[--nends];
        while (j < n && s[j] == '_')
            j++;
        if (!(j < n && s[j] >= 'A' && s[j] <= 'Z'))
            continue;
        j++;
        while (j < n && is_word(s[j]))
            j++;
        if (j + 1 >= n || s[j] != ':' || s[j + 1] != ':')
            continue;
        j += 2;
        if (j < n && s[j] == '~')
            j++;
        if (!(j < n && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') ||
                        (s[j] >= 'A' && s[j] <= 'Z'))))
            continue;
        j++;
        while (j < n && is_word(s[j]))
            j++;
        if (j < n && s[j] == '<') {
            size_t k = j + 1, gt = 0;
            while (k < n && s[k] != '\n') {
                if (s[k] == '>')
                    gt = k + 1;
                k++;
            }
            if (gt)
                j = gt;
        }
        *b = ends[nends];
        *e = j;
        return true;
    }
    return false;
}

/* pprof's ShortenFunctionName into B. */
static int short_name(pf_sbuf *b, const char *name)
{
    static const char anon[] = "(anonymous namespace)::";
    pf_sbuf t = { 0 };
    const char *s = name;
    size_t n, i, bb, ee;
    ssize_t g;
    int err;

    if (strncmp(s, anon, sizeof(anon) - 1) == 0)
        s += sizeof(anon) - 1;
    /* goVerRegExp ^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$: the first
     * "/vN" major version followed by '.' or '/' is cut out. */
    n = strlen(s);
    /* (its '.' does not match a newline: such names are left alone) */
    for (i = memchr(s, '\n', n) ? n : 0; i + 2 < n; i++) {
        size_t d = 0;
        if (s[i] != '/' || s[i + 1] != 'v')
            continue;
        while (i + 2 + d < n && is_digit(s[i + 2 + d]))
            d++;
        if (d == 0 || s[i + 2] == '0' || (d == 1 && s[i + 2] == '1'))
            continue;
        if (i + 2 + d < n && (s[i + 2 + d] == '.' || s[i + 2 + d] == '/')) {
            if ((err = pf__sbuf_add(&t, s, i)) < 0 ||
                (err = pf__sbuf_puts(&t, s + i + 2 + d)) < 0)
                goto done;
            s = t.s;
            n = t.len;
            break;
        }
    }
    if ((g = go_short(s, n)) >= 0)
        err = pf__sbuf_add(b, s + g, strcspn(s + g, "\n"));
    else if (java_short(s, n, &bb, &ee) || cpp_short(s, n, &bb, &ee))
        err = pf__sbuf_add(b, s + bb, ee - bb);
    else
        err = pf__sbuf_add(b, s, n);
done:
    pf__sbuf_release(&t);
    return err;
}

/* pprof's multilinePrintableName: the short name escaped, split at
 * "::" and '.', then file:line or the binary, each part on a line. */
static int node_label_name(pf_sbuf *b, pf_profile *p, const rnode *nd)
{
    pf_sbuf sh = { 0 }, esc = { 0 };
    const char *file = nd->file;
    bool first = true;
    int err;

#define PART_SEP() (first ? (first = false, PF_OK) : pf__sbuf_puts(b, "\\n"))
    if (file[0] && !(file = pf__path_base(p, file))) {
        err = pf__error_oom();
        goto done;
    }
    if (nd->address &&
        ((err = PART_SEP()) < 0 ||
         (err = pf__sbuf_printf(b, "%016llx",
                                (unsigned long long)nd->address)) < 0))
        goto done;
    if (nd->name[0]) {
        if ((err = short_name(&sh, nd->name)) < 0 ||
            (err = sbuf_dot_escaped(&esc, sh.s ? sh.s : "", sh.len)) < 0 ||
            (err = PART_SEP()) < 0)
            goto done;
        for (size_t i = 0; i < esc.len; i++) {
            if (esc.s[i] == ':' && i + 1 < esc.len && esc.s[i + 1] == ':') {
                err = pf__sbuf_puts(b, "\\n");
                i++;
            } else if (esc.len - i >= 5 && memcmp(esc.s + i, "[...]", 5) == 0) {
                err = pf__sbuf_puts(b, "[\xe2\x80\xa6]");
                i += 4;
            } else if (esc.s[i] == '.') {
                err = pf__sbuf_puts(b, "\\n");
            } else {
                err = pf__sbuf_add(b, esc.s + i, 1);
            }
            if (err < 0)
                goto done;
        }
    }
    if (nd->lineno) {
        err = PART_SEP();
        if (err >= 0)
            err = pf__sbuf_printf(b, "%s:%lld", file, (long long)nd->lineno);
    } else if (file[0]) {
        err = PART_SEP();
        if (err >= 0)
            err = pf__sbuf_puts(b, file);
    } else if (nd->name[0]) {
        err = PF_OK;
    } else if (nd->objfile[0]) {
        const char *base = pf__path_base(p, nd->objfile);
        err = base ? PART_SEP() : pf__error_oom();
        if (err >= 0)
            err = pf__sbuf_printf(b, "[%s]", base);
    } else {
        err = PART_SEP();
        if (err >= 0)
            err = pf__sbuf_puts(b, "<unknown>");
    }
    if (err >= 0)
        err = pf__sbuf_puts(b, "\\n");
#undef PART_SEP
done:
    pf__sbuf_release(&sh);
    pf__sbuf_release(&esc);
    return err;
}

/* pprof's dotColor: SCORE in [-1, 1] from green over grey to red. */
static void dot_color(char out[8], double score, bool background)
{
    double sat = background ? 0.1 : 1.0;
    double val = background ? 0.93 : 0.7;
    double r, g, b;

    score = fmax(-1.0, fmin(1.0, score));
    if (fabs(score) < 0.2)
        sat *= fabs(score) / 0.2;
    if (score > 0.0)
        score = pow(score, 1.0 - 0.7);
    if (score < 0.0)
        score = -pow(-score, 1.0 - 0.7);
    if (score < 0.0) {
        g = val;
        r = val * (1 + sat * score);
    } else {
        r = val;
        g = val * (1 - sat * score);
    }
    b = val * (1 - sat);
    snprintf(out, 8, "#%02x%02x%02x", (unsigned)(uint8_t)(r * 255.0),
             (unsigned)(uint8_t)(g * 255.0), (unsigned)(uint8_t)(b * 255.0));
}

/* ------------------------------------------------------------------ */
/* Tags                                                                */

typedef struct tag {
    uint32_t node;
    const char *name;           /* interned in the report's profile */
    const char *group;          /* numeric: its label tag's name, or "" */
    const char *unit;           /* numeric: the value's unit */
    int64_t value;
    int64_t flat, flatdiv, cum, cumdiv;
    uint32_t stamp;             /* sample + 1 that last added cum */
    bool numeric;
    bool dead;                  /* below the node cutoff */
} tag;

typedef struct tagset {
    tag *v;
    size_t n, cap;
    pf_idxset set;
    uint32_t *off, *idx;        /* per node: its tags, in creation order */
} tagset;

typedef struct tagkey {
    uint32_t node;
    const char *name, *group;
    bool numeric;
} tagkey;

static uint64_t tag_hash(const tagkey *k)
{
    uint64_t h = pf__hash_mix(0x7a65u, k->node);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)k->name);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)k->group);
    return pf__hash_mix(h, k->numeric);
}

static bool tag_eq(const void *ctx, uint32_t idx, const void *key)
{
    const tag *t = &((const tag *)ctx)[idx];
    const tagkey *k = key;
    return t->node == k->node && t->name == k->name &&
           t->group == k->group && t->numeric == k->numeric;
}

static int tag_add(tagset *ts, const tagkey *k, const char *unit,
                   int64_t value, bool flat, int64_t w, int64_t dw)
{
    uint64_t h = tag_hash(k);
    uint32_t i = pf__idxset_find(&ts->set, h, tag_eq, ts->v, k);
    tag *t;

    if (i == PF_NONE) {
        PF_TRY(PF_VEC_RESERVE(ts->v, ts->cap, ts->n + 1));
        i = (uint32_t)ts->n++;
        t = &ts->v[i];
        memset(t, 0, sizeof(*t));
        t->node = k->node;
        t->name = k->name;
        t->group = k->group;
        t->numeric = k->numeric;
        t->unit = unit;
        t->value = value;
        PF_TRY(pf__idxset_insert(&ts->set, h, i));
    }
    t = &ts->v[i];
    if (flat) {
        t->flat += w;
        t->flatdiv += dw;
    } else {
        t->cum += w;
        t->cumdiv += dw;
    }
    return PF_OK;
}

/* pprof's Node.addSample for the tags of one node. */
static int node_tags_add(tagset *ts, uint32_t node, const char *labels,
                         const pf_profile *p, const pf_sample *s,
                         const char **numnames, const char *bytes_unit,
                         bool flat, int64_t w, int64_t dw)
{
    const pf_label *l = pf__sample_labels(p, s);
    tagkey k;
    size_t nn = 0;

    k.node = node;
    k.group = NULL;
    if (labels[0]) {
        k.name = labels;
        k.numeric = false;
        PF_TRY(tag_add(ts, &k, NULL, 0, flat, w, dw));
    }
    k.group = labels;
    k.numeric = true;
    for (uint32_t i = 0; i < s->nlabel; i++) {
        if (l[i].str[0] || strcmp(l[i].key, "bytes") != 0)
            continue;
        k.name = numnames[nn++];
        PF_TRY(tag_add(ts, &k, bytes_unit, l[i].num, flat, w, dw));
    }
    return PF_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pprof's joinLabels: "key:value" of every string label, sorted,
 * joined with a DOT line break; the pprof::base marker left out.
 * Interned in P; NULL when out of memory. */
static const char *join_labels(pf_profile *p, const pf_sample *s,
                               pf_sbuf *b, const char ***tmp, size_t *tmpcap)
{
    const pf_label *l = pf__sample_labels(p, s);
    size_t n = 0;

    for (uint32_t i = 0; i < s->nlabel; i++) {
        if (!l[i].str[0] || strcmp(l[i].key, "pprof::base") == 0)
            continue;
        b->len = 0;
        if (PF_VEC_RESERVE(*tmp, *tmpcap, n + 1) < 0 ||
            pf__sbuf_printf(b, "%s:%s", l[i].key, l[i].str) < 0 ||
            !((*tmp)[n++] = pf_profile_intern_len(p, b->s, b->len)))
            return NULL;
    }
    if (n > 1)
        qsort(*tmp, n, sizeof(**tmp), str_cmp);
    b->len = 0;
    if (pf__sbuf_puts(b, "") < 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((i && pf__sbuf_puts(b, "\\n") < 0) ||
            pf__sbuf_puts(b, (*tmp)[i]) < 0)
            return NULL;
    return pf_profile_intern_len(p, b->s, b->len);
}

static bool has_tag_labels(const pf_profile *p)
{
    for (size_t i = 0; i < p->nlabels; i++)
        if ((p->labels[i].str[0] &&
             strcmp(p->labels[i].key, "pprof::base") != 0) ||
            (!p->labels[i].str[0] && strcmp(p->labels[i].key, "bytes") == 0))
            return true;
    return false;
}

/* Tags of the nodes marked kept: one pass over the samples, adding as
 * pprof's newGraph adds (cum once per node and sample, flat to the
 * leaf). A node's tags do not depend on which other nodes are kept,
 * so they are computed once, for the nodes past the node cutoff. */
static int tags_build(tagset *ts, report *r)
{
    pf_profile *p = r->p;
    graph *g = &r->g;
    pf_numunits units;
    pf_sbuf b = { 0 };
    const char **tmp = NULL, **numnames = NULL;
    size_t tmpcap = 0, numcap = 0;
    const char *bytes_unit, *fmt_unit;
    int err;

    memset(&units, 0, sizeof(units));
    if (!has_tag_labels(p))
        return PF_OK;
    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].stamp = 0;
    if ((err = pf__numunits_init(&units, p)) < 0)
        goto done;
    bytes_unit = pf__numunits_get(&units, "bytes");
    /* the tag names are formatted before pprof picks the output unit */
    fmt_unit = r->o->unit && r->o->unit[0] ? r->o->unit : "minimum";
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const pf_label *l = pf__sample_labels(p, s);
        const uint32_t *st = pf__sample_locs(p, s);
        const int64_t *v = pf__sample_vals(p, si);
        uint32_t stamp = (uint32_t)si + 1, last = PF_NONE;
        const char *labels;
        int64_t w = v[r->vs.idx], dw = r->vs.mean ? v[0] : 0;
        size_t nn = 0;
        bool residual = false;

        if (w == 0 && dw == 0)
            continue;
        if (!(labels = join_labels(p, s, &b, &tmp, &tmpcap))) {
            err = pf__error_oom();
            goto done;
        }
        for (uint32_t i = 0; i < s->nlabel; i++) {
            char buf[64];
            if (l[i].str[0] || strcmp(l[i].key, "bytes") != 0)
                continue;
            if ((err = PF_VEC_RESERVE(numnames, numcap, nn + 1)) < 0)
                goto done;
            pf_unit_label(buf, sizeof(buf), l[i].num, bytes_unit, fmt_unit);
            if (!(numnames[nn++] = pf_profile_intern(p, buf))) {
                err = pf__error_oom();
                goto done;
            }
        }
        for (ssize_t i = (ssize_t)s->nloc - 1; i >= 0; i--) {
            uint32_t off = g->loc_off[st[i]], n = g->loc_off[st[i] + 1] - off;
            for (ssize_t j = (ssize_t)n - 1; j >= 0; j--) {
                uint32_t id = g->ln_node[off + (uint32_t)j];
                if (!g->nodes[id].kept) {
                    residual = true;
                    continue;
                }
                residual = false;
                last = id;
                if (g->nodes[id].stamp == stamp)
                    continue;
                g->nodes[id].stamp = stamp;
                if ((err = node_tags_add(ts, id, labels, p, s, numnames,
                                         bytes_unit, false, w, dw)) < 0)
                    goto done;
            }
        }
        if (last != PF_NONE && !residual &&
            (err = node_tags_add(ts, last, labels, p, s, numnames,
                                 bytes_unit, true, w, dw)) < 0)
            goto done;
    }
    /* per-node lists */
    ts->off = pf__calloc(g->nnodes + 2, sizeof(uint32_t));
    ts->idx = pf__malloc((ts->n + 1) * sizeof(uint32_t));
    if (!ts->off || !ts->idx) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < ts->n; i++)
        ts->off[ts->v[i].node + 1]++;
    for (size_t i = 0; i < g->nnodes; i++)
        ts->off[i + 1] += ts->off[i];
    {
        uint32_t *pos = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
        if (!pos) {
            err = pf__error_oom();
            goto done;
        }
        memcpy(pos, ts->off, g->nnodes * sizeof(uint32_t));
        for (size_t i = 0; i < ts->n; i++)
            ts->idx[pos[ts->v[i].node]++] = (uint32_t)i;
        pf__free(pos);
    }
    err = PF_OK;
done:
    pf__numunits_release(&units);
    pf__sbuf_release(&b);
    pf__free(tmp);
    pf__free(numnames);
    return err;
}

static void tagset_release(tagset *ts)
{
    pf__free(ts->v);
    pf__idxset_release(&ts->set);
    pf__free(ts->off);
    pf__free(ts->idx);
}

/* pprof's TrimLowFrequencyTags. */
static void tags_trim(tagset *ts, int64_t cutoff)
{
    for (size_t i = 0; i < ts->n; i++)
        if (abs64(ts->v[i].flat) < cutoff && abs64(ts->v[i].cum) < cutoff)
            ts->v[i].dead = true;
}

/* pprof's countTags: live tags with a flat value, at most 4. */
static int count_tags(const tagset *ts, uint32_t node)
{
    int c = 0;

    if (!ts->off)
        return 0;
    for (uint32_t k = ts->off[node]; k < ts->off[node + 1]; k++) {
        const tag *t = &ts->v[ts->idx[k]];
        if (!t->dead && t->flat != 0)
            c++;
    }
    return c > MAX_NODELETS ? MAX_NODELETS : c;
}

/* A tag as drawn: a real tag or a collapsed range of numeric ones. */
typedef struct dtag {
    char buf[112];              /* the name of a range */
    int64_t flat, flatdiv, cum, cumdiv;
    const tag *t;               /* NULL for a range */
} dtag;

static const char *dtag_name(const dtag *d)
{
    return d->t ? d->t->name : d->buf;
}

static int dtag_cmp(const void *x, const void *y, void *ctx)
{
    const dtag *a = x, *b = y;
    bool flat = *(const bool *)ctx;

    if (!flat && a->cum != b->cum) {
        if (abs64(a->cum) != abs64(b->cum))
            return abs64(a->cum) > abs64(b->cum) ? -1 : 1;
    }
    if (a->flat != b->flat && abs64(a->flat) != abs64(b->flat))
        return abs64(a->flat) > abs64(b->flat) ? -1 : 1;
    return strcmp(dtag_name(a), dtag_name(b));
}

static void dtag_from(dtag *d, const tag *t)
{
    memset(d, 0, sizeof(*d));
    d->flat = t->flat;
    d->flatdiv = t->flatdiv;
    d->cum = t->cum;
    d->cumdiv = t->cumdiv;
    d->t = t;
}

static double tag_distance(const tag *t, const tag *u)
{
    const char *unit;
    double v = pf_unit_scale(u->value, u->unit, t->unit, &unit);
    return v < (double)t->value ? (double)t->value - v : v - (double)t->value;
}

/* pprof's collapsedTags: sort; more than COUNT tags are grouped around
 * the COUNT heaviest by distance of value, each group drawn as the
 * range "min..max". V[0..*N) in, the tags to draw out. */
static int collapse_tags(dtag *v, size_t *np, bool flat)
{
    const size_t count = MAX_NODELETS;
    size_t n = *np;
    dtag out[MAX_NODELETS];

    qsort_r(v, n, sizeof(*v), dtag_cmp, &flat);
    if (n <= count)
        return PF_OK;
    *np = count;
    /* the assignment of every tag to its nearest head */
    for (size_t i = 0; i < count; i++)
        out[i] = v[i];
    {
        size_t *grp = pf__malloc(n * sizeof(size_t));
        if (!grp)
            return pf__error_oom();
        for (size_t i = 0; i < count; i++)
            grp[i] = i;
        for (size_t i = count; i < n; i++) {
            size_t gi = 0;
            double d = tag_distance(v[i].t, v[0].t);
            for (size_t k = 1; k < count; k++) {
                double nd = tag_distance(v[i].t, v[k].t);
                if (nd < d) {
                    gi = k;
                    d = nd;
                }
            }
            grp[i] = gi;
        }
        for (size_t k = 0; k < count; k++) {
            const tag *mn = NULL, *mx = NULL;
            int64_t f = 0, df = 0, c = 0, dc = 0;
            size_t members = 0;
            char a[48], b[48];
            for (size_t i = 0; i < n; i++) {
                const tag *t = v[i].t;
                const char *u;
                if (grp[i] != k)
                    continue;
                members++;
                if (!mn) {
                    mn = mx = t;
                } else {
                    if ((int64_t)pf_unit_scale(t->value, t->unit, mn->unit,
                                               &u) < mn->value)
                        mn = t;
                    if ((int64_t)pf_unit_scale(t->value, t->unit, mx->unit,
                                               &u) > mx->value)
                        mx = t;
                }
                f += t->flat;
                df += t->flatdiv;
                c += t->cum;
                dc += t->cumdiv;
            }
            memset(&out[k], 0, sizeof(out[k]));
            pf_unit_label(a, sizeof(a), mn->value, mn->unit, "auto");
            if (members == 1) {
                snprintf(out[k].buf, sizeof(out[k].buf), "%s", a);
                out[k].flat = divv(mn->flat, mn->flatdiv);
                out[k].cum = divv(mn->cum, mn->cumdiv);
            } else {
                pf_unit_label(b, sizeof(b), mx->value, mx->unit, "auto");
                snprintf(out[k].buf, sizeof(out[k].buf), "%s..%s", a, b);
                out[k].flat = divv(f, df);
                out[k].cum = divv(c, dc);
            }
        }
        pf__free(grp);
    }
    for (size_t k = 0; k < count; k++)
        v[k] = out[k];
    qsort_r(v, count, sizeof(*v), dtag_cmp, &flat);
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Trimming and order                                                  */

/* Live edges per node, in and out (CSR over the edge array). */
typedef struct adj {
    uint32_t *in_off, *in_e, *out_off, *out_e;
} adj;

static void adj_release(adj *a)
{
    pf__free(a->in_off);
    pf__free(a->in_e);
    pf__free(a->out_off);
    pf__free(a->out_e);
    memset(a, 0, sizeof(*a));
}

static int adj_build(adj *a, const graph *g)
{
    uint32_t *ip = NULL, *op = NULL;

    adj_release(a);
    a->in_off = pf__calloc(g->nnodes + 2, sizeof(uint32_t));
    a->out_off = pf__calloc(g->nnodes + 2, sizeof(uint32_t));
    a->in_e = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    a->out_e = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    ip = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
    op = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
    if (!a->in_off || !a->out_off || !a->in_e || !a->out_e || !ip || !op) {
        pf__free(ip);
        pf__free(op);
        adj_release(a);
        return pf__error_oom();
    }
    for (size_t i = 0; i < g->nedges; i++) {
        if (g->edges[i].dead)
            continue;
        a->in_off[g->edges[i].dst + 1]++;
        a->out_off[g->edges[i].src + 1]++;
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        a->in_off[i + 1] += a->in_off[i];
        a->out_off[i + 1] += a->out_off[i];
    }
    memcpy(ip, a->in_off, g->nnodes * sizeof(uint32_t));
    memcpy(op, a->out_off, g->nnodes * sizeof(uint32_t));
    for (size_t i = 0; i < g->nedges; i++) {
        if (g->edges[i].dead)
            continue;
        a->in_e[ip[g->edges[i].dst]++] = (uint32_t)i;
        a->out_e[op[g->edges[i].src]++] = (uint32_t)i;
    }
    pf__free(ip);
    pf__free(op);
    return PF_OK;
}

/* Go's math.Log2: exact for powers of two. */
static double go_log2(double x)
{
    int e;
    double f = frexp(x, &e);
    if (f == 0.5)
        return (double)(e - 1);
    return log(f) * (1 / M_LN2) + (double)e;
}

/* Go's int64 arithmetic: wraps around instead of overflowing. */
static int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wrap_abs(int64_t v)
{
    return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* pprof's edgeEntropyScore over the live edges E[0..N). */
static double edge_entropy(const graph *g, const uint32_t *e, uint32_t n,
                           int64_t self)
{
    double score = 0;
    int64_t total = self;

    for (uint32_t i = 0; i < n; i++)
        if (g->edges[e[i]].w > 0)
            total += abs64(g->edges[e[i]].w);
    if (total != 0) {
        for (uint32_t i = 0; i < n; i++) {
            double frac = (double)abs64(g->edges[e[i]].w) / (double)total;
            score += -frac * go_log2(frac);
        }
        if (self > 0) {
            double frac = (double)abs64(self) / (double)total;
            score += -frac * go_log2(frac);
        }
    }
    return score;
}

/* pprof's entropyScore: how much a node tells on a picture. */
static int64_t entropy_score(const graph *g, const adj *a, uint32_t id)
{
    const rnode *n = &g->nodes[id];
    uint32_t nin = a->in_off[id + 1] - a->in_off[id];
    uint32_t nout = a->out_off[id + 1] - a->out_off[id];
    double score = 0, v;

    score += nin == 0 ? 1 : edge_entropy(g, a->in_e + a->in_off[id], nin, 0);
    score += nout == 0 ? 1 : edge_entropy(g, a->out_e + a->out_off[id], nout,
                                          n->flat);
    v = score * (double)n->cum;
    /* Go converts NaN and out-of-range values to INT64_MIN on amd64 (a
     * diff can give NaN: negative weights), and its integer addition
     * wraps around */
    if (isnan(v) || v >= 9.2233720368547758e18 || v < -9.2233720368547758e18)
        return wrap_add(INT64_MIN, n->flat);
    return wrap_add((int64_t)v, n->flat);
}

typedef struct entsort {
    const graph *g;
    const int64_t *score;       /* per node */
} entsort;

static int entropy_cmp(const void *x, const void *y, void *ctx)
{
    const entsort *c = ctx;
    uint32_t ia = *(const uint32_t *)x, ib = *(const uint32_t *)y;
    const rnode *a = &c->g->nodes[ia], *b = &c->g->nodes[ib];
    int64_t sa = wrap_abs(c->score[ia]), sb = wrap_abs(c->score[ib]);
    int r;

    if (sa != sb)
        return sa > sb ? -1 : 1;
    if (a->pname != b->pname && (r = strcmp(a->pname, b->pname)) != 0)
        return r;
    if (abs64(a->flat) != abs64(b->flat))
        return abs64(a->flat) > abs64(b->flat) ? -1 : 1;
    return pf__rnode_info_cmp(a, b);
}

/* SortNodes in visual mode: ORDER[0..N) by entropy score. */
static int sort_entropy(const graph *g, uint32_t *order, size_t n,
                        int64_t *score)
{
    adj a = { 0 };
    entsort c;

    PF_TRY(adj_build(&a, g));
    for (size_t i = 0; i < n; i++)
        score[order[i]] = entropy_score(g, &a, order[i]);
    adj_release(&a);
    c.g = g;
    c.score = score;
    qsort_r(order, n, sizeof(uint32_t), entropy_cmp, &c);
    return PF_OK;
}

/* Build the edges between the nodes of ORDER[0..N) anew. */
static int rebuild_edges(report *r, const uint32_t *order, size_t n)
{
    graph *g = &r->g;

    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].kept = false;
    for (size_t i = 0; i < n; i++)
        g->nodes[order[i]].kept = true;
    g->nedges = 0;
    pf__idxset_release(&g->edgeset);
    pf__idxset_init(&g->edgeset);
    return pf__rgraph_edges(g, &r->vs);
}

/* pprof's TrimLowFrequencyEdges; returns how many it dropped. */
static size_t trim_edges(graph *g, int64_t cutoff)
{
    size_t dropped = 0;

    for (size_t i = 0; i < g->nedges; i++) {
        if (!g->edges[i].dead && abs64(g->edges[i].w) < cutoff) {
            g->edges[i].dead = true;
            dropped++;
        }
    }
    return dropped;
}

/* pprof's isRedundantEdge: can E's source reach its destination
 * without E? A breadth-first walk up the callers of the destination. */
static bool redundant_edge(const graph *g, const adj *a, uint32_t e,
                           uint32_t *queue, uint32_t *seen, uint32_t mark)
{
    uint32_t src = g->edges[e].src, head = 0, tail = 0;

    seen[g->edges[e].dst] = mark;
    queue[tail++] = g->edges[e].dst;
    while (head < tail) {
        uint32_t n = queue[head++];
        for (uint32_t k = a->in_off[n]; k < a->in_off[n + 1]; k++) {
            uint32_t ie = a->in_e[k];
            uint32_t s = g->edges[ie].src;
            if (g->edges[ie].dead || ie == e || seen[s] == mark)
                continue;
            if (s == src)
                return true;
            seen[s] = mark;
            queue[tail++] = s;
        }
    }
    return false;
}

/* pprof's RemoveRedundantEdges: residual edges into a node, lightest
 * first and stopping at the first non-residual one, are dropped when
 * the destination can be reached another way. */
static int remove_redundant(graph *g, const uint32_t *order, size_t n)
{
    adj a = { 0 };
    uint32_t *queue = NULL, *seen = NULL, *in = NULL, mark = 0;
    int err;

    if ((err = adj_build(&a, g)) < 0)
        goto done;
    queue = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
    seen = pf__calloc(g->nnodes + 1, sizeof(uint32_t));
    in = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    if (!queue || !seen || !in) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = n; i > 0; i--) {
        uint32_t id = order[i - 1], nin = 0;
        for (uint32_t k = a.in_off[id]; k < a.in_off[id + 1]; k++)
            if (!g->edges[a.in_e[k]].dead)
                in[nin++] = a.in_e[k];
        qsort_r(in, nin, sizeof(uint32_t), pf__redge_cmp, g);
        for (uint32_t j = nin; j > 0; j--) {
            uint32_t e = in[j - 1];
            if (!g->edges[e].residual)
                break;
            if (redundant_edge(g, &a, e, queue, seen, ++mark))
                g->edges[e].dead = true;
        }
    }
    err = PF_OK;
done:
    adj_release(&a);
    pf__free(queue);
    pf__free(seen);
    pf__free(in);
    return err;
}

/* pprof's newTrimmedGraph for visual output. Leaves the shown nodes in
 * R->order[0..R->norder) in drawing order, their live edges in the
 * graph, and the tags in TS. */
static int trim_graph(report *r, tagset *ts)
{
    const pf_report_opts *o = r->o;
    graph *g = &r->g;
    double nf = o->nodefraction >= 0 ? o->nodefraction : 0.005;
    double ef = o->edgefraction >= 0 ? o->edgefraction : 0.001;
    int nodecount = o->nodecount < 0 ? 80 : o->nodecount;
    int64_t totalv = 0, node_cutoff, edge_cutoff, *score = NULL;
    size_t n = 0;
    int err;

    PF_TRY(pf__rgraph_nodes(g, r->p));
    pf__rgraph_values(g, &r->vs);
    r->order = pf__malloc((g->nnodes + 1) * sizeof(uint32_t));
    score = pf__calloc(g->nnodes + 1, sizeof(int64_t));
    if (!r->order || !score) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].cum == 0 && g->nodes[i].flat == 0)
            continue;
        totalv += g->nodes[i].flat;
        r->order[n++] = (uint32_t)i;
    }
    node_cutoff = abs64((int64_t)((double)totalv * nf));
    edge_cutoff = abs64((int64_t)((double)totalv * ef));
    if (node_cutoff > 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (abs64(g->nodes[r->order[i]].cum) >= node_cutoff)
                r->order[k++] = r->order[i];
        r->dropped_nodes = n - k;
        n = k;
    }
    r->orig_count = n;
    if ((err = rebuild_edges(r, r->order, n)) < 0 ||
        (err = tags_build(ts, r)) < 0 ||
        (err = sort_entropy(g, r->order, n, score)) < 0)
        goto done;
    if (nodecount > 0) {
        size_t keep = (size_t)nodecount, count = 0;
        tags_trim(ts, node_cutoff);
        trim_edges(g, edge_cutoff);
        /* tags count as nodes when choosing what fits */
        for (size_t i = 0; i < n; i++) {
            count += (size_t)count_tags(ts, r->order[i]) + 1;
            if (count >= keep) {
                keep = i + 1;
                break;
            }
        }
        if (keep < n) {
            n = keep;
            if ((err = rebuild_edges(r, r->order, n)) < 0 ||
                (err = sort_entropy(g, r->order, n, score)) < 0)
                goto done;
        }
    }
    tags_trim(ts, node_cutoff);
    r->dropped_edges = trim_edges(g, edge_cutoff);
    if ((err = remove_redundant(g, r->order, n)) < 0)
        goto done;
    r->norder = n;
    err = PF_OK;
done:
    pf__free(score);
    return err;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

typedef struct legend {
    pf_sbuf text;               /* escaped lines, each followed by \l */
    pf_sbuf first;              /* the first line, escaped */
} legend;

static int legend_line(void *ctx, const char *line)
{
    legend *l = ctx;

    if (!l->first.s)
        PF_TRY(sbuf_dot_escaped(&l->first, line, strlen(line)));
    if (!l->first.s)
        PF_TRY(pf__sbuf_puts(&l->first, ""));
    PF_TRY(sbuf_dot_escaped(&l->text, line, strlen(line)));
    return pf__sbuf_puts(&l->text, "\\l");
}

/* Write the buffer and empty it. */
static int flush(pf_writer w, pf_sbuf *b)
{
    int err = b->len ? pf__write(w, b->s, b->len) : PF_OK;
    b->len = 0;
    return err;
}

static int write_nodelet(report *r, pf_sbuf *b, const char *src,
                         const char *id, const char *name, int64_t w,
                         bool dotted)
{
    char wv[64];

    pf__report_fmt_value(r, wv, sizeof(wv), w);
    PF_TRY(pf__sbuf_printf(b, "%s [label = \"", id));
    PF_TRY(sbuf_tag_name(b, name));
    PF_TRY(pf__sbuf_printf(b, "\" id=\"%s\" fontsize=8 shape=box3d "
                           "tooltip=\"%s\"]\n", id, wv));
    return pf__sbuf_printf(b, "%s -> %s [label=\" %s\" weight=100 "
                           "tooltip=\"%s\" labeltooltip=\"%s\"%s]\n", src, id,
                           wv, wv, wv, dotted ? " style=\"dotted\"" : "");
}

/* pprof's numericNodelets: the numeric tags of group GROUP of NODE. */
static int numeric_nodelets(report *r, pf_sbuf *b, const tagset *ts,
                            uint32_t node, const char *group, bool flat_tags,
                            const char *src)
{
    dtag *v = NULL;
    size_t n = 0;
    int err = PF_OK;

    for (uint32_t k = ts->off[node]; k < ts->off[node + 1]; k++) {
        const tag *t = &ts->v[ts->idx[k]];
        if (!t->dead && t->numeric && t->group == group)
            n++;
    }
    if (n == 0)
        return PF_OK;
    if (!(v = pf__malloc(n * sizeof(*v))))
        return pf__error_oom();
    n = 0;
    for (uint32_t k = ts->off[node]; k < ts->off[node + 1]; k++) {
        const tag *t = &ts->v[ts->idx[k]];
        if (!t->dead && t->numeric && t->group == group)
            dtag_from(&v[n++], t);
    }
    err = collapse_tags(v, &n, flat_tags);
    for (size_t j = 0; j < n && err >= 0; j++) {
        int64_t f = divv(v[j].flat, v[j].flatdiv);
        int64_t c = divv(v[j].cum, v[j].cumdiv), w = c;
        bool dotted = true;
        char id[64];
        if (flat_tags || f == c) {
            w = f;
            dotted = false;
        }
        if (w == 0)
            continue;
        snprintf(id, sizeof(id), "N%s_%zu", src, j);
        err = write_nodelet(r, b, src, id, dtag_name(&v[j]), w, dotted);
    }
    pf__free(v);
    return err;
}

/* pprof's addNodelets; *ANY is set when something was drawn. */
static int nodelets(report *r, pf_sbuf *b, const tagset *ts, uint32_t node,
                    size_t nid, bool flat_tags, bool *any)
{
    dtag *v = NULL;
    size_t n = 0, start = b->len;
    int err = PF_OK;

    *any = false;
    if (!ts->off)
        return PF_OK;
    for (uint32_t k = ts->off[node]; k < ts->off[node + 1]; k++)
        if (!ts->v[ts->idx[k]].dead && !ts->v[ts->idx[k]].numeric)
            n++;
    if (n && !(v = pf__malloc(n * sizeof(*v))))
        return pf__error_oom();
    n = 0;
    for (uint32_t k = ts->off[node]; k < ts->off[node + 1]; k++)
        if (!ts->v[ts->idx[k]].dead && !ts->v[ts->idx[k]].numeric)
            dtag_from(&v[n++], &ts->v[ts->idx[k]]);
    if (n > 1)
        qsort_r(v, n, sizeof(*v), dtag_cmp, &flat_tags);
    if (n > MAX_NODELETS)
        n = MAX_NODELETS;
    for (size_t i = 0; i < n && err >= 0; i++) {
        int64_t w = flat_tags ? divv(v[i].flat, v[i].flatdiv)
                              : divv(v[i].cum, v[i].cumdiv);
        char src[32], id[64];
        if (w == 0)
            continue;
        snprintf(src, sizeof(src), "N%zu", nid);
        snprintf(id, sizeof(id), "N%zu_%zu", nid, i);
        if ((err = write_nodelet(r, b, src, id, v[i].t->name, w, false)) < 0)
            break;
        err = numeric_nodelets(r, b, ts, node, v[i].t->name, flat_tags, id);
    }
    if (err >= 0) {
        char src[32];
        snprintf(src, sizeof(src), "N%zu", nid);
        err = numeric_nodelets(r, b, ts, node, r->p->empty, flat_tags, src);
    }
    *any = b->len > start;
    pf__free(v);
    return err;
}

static int write_node(report *r, pf_sbuf *b, uint32_t node, size_t nid,
                      double max_flat)
{
    const rnode *n = &r->g.nodes[node];
    int64_t flat = divv(n->flat, n->flatdiv), cum = divv(n->cum, n->cumdiv);
    char fv[64], cv[64], pct[32], color[8], fill[8];
    int fontsize = 8;
    /* cum / |total|, saturating (a diff can have a zero total) */
    double score = r->total ? (double)cum / (double)abs64(r->total)
                   : cum > 0 ? 1.0 : cum < 0 ? -1.0 : 0.0;

    PF_TRY(pf__sbuf_printf(b, "N%zu [label=\"", nid));
    PF_TRY(node_label_name(b, r->p, n));
    pf__report_fmt_value(r, fv, sizeof(fv), flat);
    memcpy(cv, fv, sizeof(cv));
    if (flat != 0) {
        pf_unit_percentage(pct, sizeof(pct), flat, r->total);
        PF_TRY(pf__sbuf_printf(b, "%s (%s)", fv, pct + strspn(pct, " ")));
    } else {
        PF_TRY(pf__sbuf_puts(b, "0"));
    }
    if (cum != flat) {
        pf__report_fmt_value(r, cv, sizeof(cv), cum);
        pf_unit_percentage(pct, sizeof(pct), cum, r->total);
        PF_TRY(pf__sbuf_printf(b, "%sof %s (%s)", flat != 0 ? "\\n" : " ",
                               cv, pct + strspn(pct, " ")));
    }
    if (max_flat != 0 && flat != 0 && (double)abs64(flat) <= max_flat)
        fontsize += (int)ceil(16.0 * sqrt((double)abs64(flat) / max_flat));
    dot_color(color, score, false);
    dot_color(fill, score, true);
    PF_TRY(pf__sbuf_printf(b, "\" id=\"node%zu\" fontsize=%d shape=box "
                           "tooltip=\"", nid, fontsize));
    PF_TRY(sbuf_dot_escaped(b, n->pname, strlen(n->pname)));
    return pf__sbuf_printf(b, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", cv,
                           color, fill);
}

static int write_edge(report *r, pf_sbuf *b, const redge *e, size_t from,
                      size_t to, bool src_nodelets)
{
    const graph *g = &r->g;
    int64_t w = divv(e->w, e->wd), total = r->total;
    char wv[64], color[8];
    size_t tip, tipend;

    pf__report_fmt_value(r, wv, sizeof(wv), w);
    PF_TRY(pf__sbuf_printf(b, "N%zu -> N%zu [label=\" %s%s\"", from, to, wv,
                           e->inl ? "\\n (inline)" : ""));
    if (total != 0) {
        int64_t weight = abs64(w * 100 / total), width = abs64(w * 5 / total);
        if (weight > 100)
            weight = 100;
        if (width > 5)
            width = 5;
        if (weight + 1 > 1)
            PF_TRY(pf__sbuf_printf(b, " weight=%lld", (long long)(weight + 1)));
        if (width + 1 > 1)
            PF_TRY(pf__sbuf_printf(b, " penwidth=%lld",
                                   (long long)(width + 1)));
        dot_color(color, (double)w / (double)abs64(total), false);
        PF_TRY(pf__sbuf_printf(b, " color=\"%s\"", color));
    }
    PF_TRY(pf__sbuf_puts(b, " tooltip=\""));
    tip = b->len;
    PF_TRY(sbuf_dot_escaped(b, g->nodes[e->src].pname,
                            strlen(g->nodes[e->src].pname)));
    PF_TRY(pf__sbuf_puts(b, e->residual ? " ... " : " -> "));
    PF_TRY(sbuf_dot_escaped(b, g->nodes[e->dst].pname,
                            strlen(g->nodes[e->dst].pname)));
    PF_TRY(pf__sbuf_printf(b, " (%s)\"", wv));
    tipend = b->len;
    PF_TRY(pf__sbuf_puts(b, " labeltooltip="));
    /* the same text again; B may move while growing */
    {
        size_t len = tipend - tip + 1;
        char *copy = pf__malloc(len);
        int err;
        if (!copy)
            return pf__error_oom();
        memcpy(copy, b->s + tip - 1, len);
        err = pf__sbuf_add(b, copy, len);
        pf__free(copy);
        PF_TRY(err);
    }
    if (e->residual)
        PF_TRY(pf__sbuf_puts(b, " style=\"dotted\""));
    if (src_nodelets)
        PF_TRY(pf__sbuf_puts(b, " minlen=2"));
    return pf__sbuf_puts(b, "]\n");
}

int pf__report_dot(report *r, pf_writer w)
{
    graph *g = &r->g;
    tagset ts;
    legend lg;
    pf_sbuf b = { 0 };
    size_t *nid = NULL;
    bool *has_nodelets = NULL;
    uint32_t *edges = NULL;
    size_t nedges = 0;
    double max_flat = 0;
    const char *title = NULL;
    int err;

    memset(&ts, 0, sizeof(ts));
    memset(&lg, 0, sizeof(lg));
    pf__idxset_init(&ts.set);
    if ((err = trim_graph(r, &ts)) < 0)
        goto done;
    pf__report_select_unit(r);
    if ((err = pf__report_legend(r, legend_line, &lg)) < 0 ||
        (err = legend_line(&lg, "\nSee https://git.io/JfYMW for how to "
                                "read the graph")) < 0)
        goto done;
    if (r->p->nmappings > 0 && r->p->mappings[0].file[0] &&
        !(title = pf__path_base(r->p, r->p->mappings[0].file))) {
        err = pf__error_oom();
        goto done;
    }
    if ((err = pf__sbuf_puts(&b, "digraph \"")) < 0 ||
        (err = sbuf_dot_escaped(&b, title ? title : "unnamed",
                                strlen(title ? title : "unnamed"))) < 0 ||
        (err = pf__sbuf_puts(&b, "\" {\nnode [style=filled "
                                 "fillcolor=\"#f8f8f8\"]\n")) < 0 ||
        (err = pf__sbuf_printf(&b, "subgraph cluster_L { \"%s\" [shape=box "
                               "fontsize=16 label=\"%s\"", lg.first.s,
                               lg.text.s)) < 0)
        goto done;
    if (title && ((err = pf__sbuf_puts(&b, " tooltip=\"")) < 0 ||
                  (err = sbuf_dot_escaped(&b, title, strlen(title))) < 0 ||
                  (err = pf__sbuf_puts(&b, "\"")) < 0))
        goto done;
    if ((err = pf__sbuf_puts(&b, "] }\n")) < 0 || (err = flush(w, &b)) < 0)
        goto done;

    nid = pf__calloc(g->nnodes + 1, sizeof(size_t));
    has_nodelets = pf__calloc(g->nnodes + 1, sizeof(bool));
    edges = pf__malloc((g->nedges + 1) * sizeof(uint32_t));
    if (!nid || !has_nodelets || !edges) {
        err = pf__error_oom();
        goto done;
    }
    if (r->norder > 0)
        max_flat = (double)abs64(divv(g->nodes[r->order[0]].flat,
                                      g->nodes[r->order[0]].flatdiv));
    for (size_t i = 0; i < r->norder; i++) {
        const rnode *n = &g->nodes[r->order[i]];
        double f = (double)abs64(divv(n->flat, n->flatdiv));
        if (f > max_flat)
            max_flat = f;
        nid[r->order[i]] = i + 1;
    }
    /* a node draws its tags' flat values if it calls anything */
    {
        bool *calls = pf__calloc(g->nnodes + 1, sizeof(bool));
        if (!calls) {
            err = pf__error_oom();
            goto done;
        }
        for (size_t i = 0; i < g->nedges; i++) {
            if (g->edges[i].dead)
                continue;
            calls[g->edges[i].src] = true;
            edges[nedges++] = (uint32_t)i;
        }
        for (size_t i = 0; i < r->norder && err >= 0; i++) {
            uint32_t id = r->order[i];
            if ((err = write_node(r, &b, id, i + 1, max_flat)) >= 0 &&
                (err = nodelets(r, &b, &ts, id, i + 1, calls[id],
                                &has_nodelets[id])) >= 0)
                err = flush(w, &b);
        }
        pf__free(calls);
        if (err < 0)
            goto done;
    }
    qsort_r(edges, nedges, sizeof(uint32_t), pf__redge_cmp, g);
    for (size_t i = 0; i < nedges; i++) {
        const redge *e = &g->edges[edges[i]];
        if ((err = write_edge(r, &b, e, nid[e->src], nid[e->dst],
                              has_nodelets[e->src])) < 0 ||
            (err = flush(w, &b)) < 0)
            goto done;
    }
    if ((err = pf__sbuf_puts(&b, "}\n")) < 0 || (err = flush(w, &b)) < 0)
        goto done;
    err = PF_OK;
done:
    tagset_release(&ts);
    pf__sbuf_release(&lg.text);
    pf__sbuf_release(&lg.first);
    pf__sbuf_release(&b);
    pf__free(nid);
    pf__free(has_nodelets);
    pf__free(edges);
    return err;
}
