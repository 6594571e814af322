/*
 * The sample compaction pprof's driver applies to every profile it
 * reads (profile.Merge of one profile): all-zero samples go, samples
 * with equal stacks and labels become one, in first-seen order.
 * Locations are compared by content (mapping, mapping-relative address,
 * folding, lines with functions compared by content), as pprof does
 * when it de-duplicates them, so two ids for the same frame still
 * combine.
 */
#include "report_priv.h"

typedef struct cctx {
    const pf_profile *p;
    const uint32_t *fcanon;     /* function -> canonical function */
    const uint32_t *lcanon;     /* location -> canonical location */
} cctx;

static uint64_t func_hash(const pf_function *f)
{
    uint64_t h = pf__hash_mix(0xf1u, (uint64_t)(uintptr_t)f->name);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)f->system_name);
    h = pf__hash_mix(h, (uint64_t)(uintptr_t)f->filename);
    return pf__hash_mix(h, (uint64_t)f->start_line);
}

static bool func_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_function *a = &((const cctx *)ctx)->p->functions[idx], *b = key;
    return a->name == b->name && a->system_name == b->system_name &&
           a->filename == b->filename && a->start_line == b->start_line;
}

static uint64_t loc_addr(const pf_profile *p, const pf_location *l)
{
    return l->mapping != PF_NONE ? l->address - p->mappings[l->mapping].start
                                 : l->address;
}

static uint64_t loc_hash(const cctx *c, const pf_location *l)
{
    const pf_line *ln = pf__loc_lines(c->p, l);
    uint64_t h = pf__hash_mix(0x10cu, loc_addr(c->p, l));

    h = pf__hash_mix(h, l->mapping);
    h = pf__hash_mix(h, l->is_folded);
    for (uint32_t i = 0; i < l->nline; i++) {
        h = pf__hash_mix(h, c->fcanon[ln[i].function]);
        h = pf__hash_mix(h, (uint64_t)ln[i].line);
    }
    return pf__hash_mix(h, l->nline);
}

static bool loc_eq(const void *ctx, uint32_t idx, const void *key)
{
    const cctx *c = ctx;
    const pf_location *a = &c->p->locations[idx], *b = key;
    const pf_line *la, *lb;

    if (a->mapping != b->mapping || a->is_folded != b->is_folded ||
        a->nline != b->nline || loc_addr(c->p, a) != loc_addr(c->p, b))
        return false;
    la = pf__loc_lines(c->p, a);
    lb = pf__loc_lines(c->p, b);
    for (uint32_t i = 0; i < a->nline; i++)
        if (c->fcanon[la[i].function] != c->fcanon[lb[i].function] ||
            la[i].line != lb[i].line)
            return false;
    return true;
}

static uint64_t sample_hash(const cctx *c, const pf_sample *s)
{
    const uint32_t *st = pf__sample_locs(c->p, s);
    const pf_label *l = pf__sample_labels(c->p, s);
    uint64_t h = pf__hash_mix(0x5a3u, s->nloc);

    for (uint32_t i = 0; i < s->nloc; i++)
        h = pf__hash_mix(h, c->lcanon[st[i]]);
    for (uint32_t i = 0; i < s->nlabel; i++) {
        h = pf__hash_mix(h, (uint64_t)(uintptr_t)l[i].key);
        h = pf__hash_mix(h, (uint64_t)(uintptr_t)l[i].str);
        h = pf__hash_mix(h, (uint64_t)l[i].num);
        h = pf__hash_mix(h, (uint64_t)(uintptr_t)l[i].unit);
    }
    return pf__hash_mix(h, s->nlabel);
}

static bool sample_eq(const void *ctx, uint32_t idx, const void *key)
{
    const cctx *c = ctx;
    const pf_sample *a = &c->p->samples[idx], *b = key;
    const uint32_t *sa, *sb;
    const pf_label *la, *lb;

    if (a->nloc != b->nloc || a->nlabel != b->nlabel)
        return false;
    sa = pf__sample_locs(c->p, a);
    sb = pf__sample_locs(c->p, b);
    for (uint32_t i = 0; i < a->nloc; i++)
        if (c->lcanon[sa[i]] != c->lcanon[sb[i]])
            return false;
    la = pf__sample_labels(c->p, a);
    lb = pf__sample_labels(c->p, b);
    for (uint32_t i = 0; i < a->nlabel; i++)
        if (la[i].key != lb[i].key || la[i].str != lb[i].str ||
            la[i].num != lb[i].num || la[i].unit != lb[i].unit)
            return false;
    return true;
}

/* Stable sort of a sample's labels by key, so label order inside a
 * sample does not matter (values of one key keep their order). */
static void sort_labels(pf_label *l, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        pf_label x = l[i];
        uint32_t j = i;
        while (j > 0 && strcmp(l[j - 1].key, x.key) > 0) {
            l[j] = l[j - 1];
            j--;
        }
        l[j] = x;
    }
}

static bool all_zero(const int64_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i])
            return false;
    return true;
}

int pf__profile_compact_samples(pf_profile *p)
{
    uint32_t *fcanon = pf__malloc((p->nfunctions + 1) * sizeof(uint32_t));
    uint32_t *lcanon = pf__malloc((p->nlocations + 1) * sizeof(uint32_t));
    pf_idxset fs, ls, ss;
    size_t nv = p->nsample_types, w = 0;
    cctx c = { p, fcanon, lcanon };
    int err = PF_OK;

    pf__idxset_init(&fs);
    pf__idxset_init(&ls);
    pf__idxset_init(&ss);
    if (!fcanon || !lcanon) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < p->nfunctions; i++) {
        uint64_t h = func_hash(&p->functions[i]);
        uint32_t k = pf__idxset_find(&fs, h, func_eq, &c, &p->functions[i]);
        if (k == PF_NONE) {
            k = (uint32_t)i;
            if ((err = pf__idxset_insert(&fs, h, k)) < 0)
                goto done;
        }
        fcanon[i] = k;
    }
    for (size_t i = 0; i < p->nlocations; i++) {
        uint64_t h = loc_hash(&c, &p->locations[i]);
        uint32_t k = pf__idxset_find(&ls, h, loc_eq, &c, &p->locations[i]);
        if (k == PF_NONE) {
            k = (uint32_t)i;
            if ((err = pf__idxset_insert(&ls, h, k)) < 0)
                goto done;
        }
        lcanon[i] = k;
    }
    /* Combine into the first sample of each key; W counts survivors,
     * which are moved down as we go (the set refers to new indices). */
    for (size_t i = 0; i < p->nsamples; i++) {
        pf_sample s = p->samples[i];
        const int64_t *v = p->values + i * nv;
        uint64_t h;
        uint32_t k;

        if (all_zero(v, nv))
            continue;
        sort_labels(p->labels + s.label_off, s.nlabel);
        h = sample_hash(&c, &s);
        k = pf__idxset_find(&ss, h, sample_eq, &c, &s);
        if (k != PF_NONE) {
            int64_t *dst = p->values + (size_t)k * nv;
            for (size_t j = 0; j < nv; j++)
                dst[j] += v[j];
            continue;
        }
        if (w != i) {
            p->samples[w] = s;
            memmove(p->values + w * nv, v, nv * sizeof(*v));
        }
        if ((err = pf__idxset_insert(&ss, h, (uint32_t)w)) < 0)
            goto done;
        w++;
    }
    p->nsamples = w;
    /* Sums that cancelled out are zero samples too. */
    w = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        if (all_zero(p->values + i * nv, nv))
            continue;
        if (w != i) {
            p->samples[w] = p->samples[i];
            memmove(p->values + w * nv, p->values + i * nv,
                    nv * sizeof(*p->values));
        }
        w++;
    }
    p->nsamples = w;
done:
    pf__idxset_release(&fs);
    pf__idxset_release(&ls);
    pf__idxset_release(&ss);
    pf__free(fcanon);
    pf__free(lcanon);
    return err;
}
