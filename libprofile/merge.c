/*
 * Merging profiles with the reference's semantics (pprof profile.Merge,
 * docs/FORMATS.md 5.2-5.3), as a streaming accumulator.
 *
 * The destination profile is built directly: entities are appended
 * with pf__*_append and de-duplicated through the merger's own hash
 * sets, keyed as the reference keys them (which is not how the model's
 * builder keys them: mappings here ignore their start address, so that
 * the same binary loaded elsewhere is one mapping). Per input, small
 * remap arrays indexed by the input's entity and string indices turn
 * every lookup after the first into an array access; they are sized by
 * the input and reused, so memory grows with the merged result only.
 *
 * Samples are stored with their labels in a canonical order (string
 * labels sorted by key, then numeric labels sorted by key, each key's
 * values in input order), so that two samples have equal keys exactly
 * when their location and label arrays are equal element by element,
 * and strings compare as pointers (all interned in the destination).
 */
#include "merge_priv.h"

#include <math.h>
#include <stdlib.h>

#define MAPSIZE_ROUNDING 0x1000u

typedef struct input_info {
    const char *default_type;   /* interned in dst */
    uint32_t type_off;          /* into typenames */
    uint32_t ntypes;
} input_info;

struct pf_merger {
    pf_merge_opts opts;
    pf_profile *dst;
    size_t ninputs;
    bool broken;                /* a failure left dst half-updated */

    /* Header accumulation (combineHeaders). */
    int64_t time_nanos, duration_nanos, period;
    const char *default_type;   /* first non-empty (no common types) */
    pf_idxset comment_set;

    /* Reference-keyed de-duplication of the destination. */
    pf_idxset mapping_set, function_set, location_set, sample_set;

    /* Common sample types: the type names kept so far (interned in
     * dst, in the first input's order), whether they were fixed up
     * front, and what each input looked like (for its default type). */
    bool preset;
    const char **keep;
    size_t nkeep, keep_cap;
    input_info *inputs;
    size_t ninfo, info_cap;
    const char **typenames;
    size_t ntypenames, typenames_cap;

    /* Per-input scratch, reused. */
    uint32_t *map_remap;
    uint64_t *map_shift;
    size_t map_cap, map_shift_cap;
    uint32_t *fn_remap;
    size_t fn_cap;
    uint32_t *loc_remap;
    size_t loc_cap;
    const char **str_remap;
    size_t str_cap;
    uint32_t *cols;             /* merger column -> input column */
    size_t cols_cap;
    uint32_t *locbuf;
    size_t locbuf_cap;
    pf_label *labbuf, *labtmp;
    size_t labbuf_cap, labtmp_cap;
    int64_t *valbuf;
    size_t valbuf_cap;

    /* Unit conversion (opts.scale_units): per merger column, the factor
     * from the current input's unit into the merger's (all 1 = none),
     * and the current input's period in the merger's period unit. */
    double *uratios;
    size_t uratios_cap;
    bool uscale;
    int64_t in_period;
    bool gc;                    /* samples were removed: compact at the end */
    pf_line *linebuf;
    size_t linebuf_cap;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static inline int64_t add_wrap(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Go's int64(x) as the reference gets it on amd64, made defined:
 * truncation, saturating, NaN = 0. */
static int64_t to_i64(double x)
{
    if (isnan(x))
        return 0;
    if (x >= 9223372036854775808.0)
        return INT64_MAX;
    if (x < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)x;
}

int64_t pf__scale_value(int64_t v, double r)
{
    return to_i64(round((double)v * r));
}

static inline uint64_t hash_ptr(uint64_t h, const void *ptr)
{
    return pf__hash_mix(h, (uint64_t)(uintptr_t)ptr);
}

/* Map a string of the current input to the destination. */
static const char *remap_str(pf_merger *m, const char *s)
{
    uint32_t i = pf__stridx(s);
    const char *r;

    if (i < m->str_cap && m->str_remap[i])
        return m->str_remap[i];
    r = pf__reintern(m->dst, s);
    if (!r)
        return NULL;
    if (i < m->str_cap)
        m->str_remap[i] = r;
    return r;
}

static int remap_str_into(pf_merger *m, const char **dst, const char *s)
{
    const char *r = remap_str(m, s);

    PF_CHECK_ALLOC(r);
    *dst = r;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Mappings                                                            */

static uint64_t mapping_size_key(const pf_mapping *mp)
{
    uint64_t size = mp->limit - mp->start;

    size = size + MAPSIZE_ROUNDING - 1;
    return size - size % MAPSIZE_ROUNDING;
}

/* Build id if set, else file name; "" for fake mappings. */
static const char *mapping_name_key(const pf_mapping *mp)
{
    return mp->build_id[0] ? mp->build_id : mp->file;
}

typedef struct mapkey {
    uint64_t size, offset;
    const char *name;           /* interned in dst */
} mapkey;

static uint64_t mapkey_hash(const mapkey *k)
{
    uint64_t h = pf__hash_mix(11, k->size);

    h = pf__hash_mix(h, k->offset);
    return hash_ptr(h, k->name);
}

static bool mapkey_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_mapping *a = &((const pf_profile *)ctx)->mappings[idx];
    const mapkey *k = key;

    return mapping_size_key(a) == k->size && a->offset == k->offset &&
           mapping_name_key(a) == k->name;
}

static int map_mapping(pf_merger *m, const pf_profile *src, uint32_t si)
{
    const pf_mapping *sm = &src->mappings[si];
    pf_profile *dst = m->dst;
    pf_mapping nm;
    mapkey k;
    uint64_t h;
    uint32_t hit;

    if (m->map_remap[si] != PF_NONE)
        return PF_OK;
    nm = *sm;
    PF_TRY(remap_str_into(m, &nm.file, sm->file));
    PF_TRY(remap_str_into(m, &nm.build_id, sm->build_id));
    k.size = mapping_size_key(sm);
    k.offset = sm->offset;
    k.name = mapping_name_key(&nm);
    h = mapkey_hash(&k);
    hit = pf__idxset_find(&m->mapping_set, h, mapkey_eq, dst, &k);
    if (hit != PF_NONE) {
        m->map_remap[si] = hit;
        m->map_shift[si] = dst->mappings[hit].start - sm->start;
        return PF_OK;
    }
    nm.id = dst->nmappings + 1;
    PF_TRY(pf__mapping_append(dst, &hit, &nm));
    PF_TRY(pf__idxset_insert(&m->mapping_set, h, hit));
    m->map_remap[si] = hit;
    m->map_shift[si] = 0;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Functions                                                           */

static int map_function(pf_merger *m, const pf_profile *src, uint32_t si)
{
    const pf_function *sf = &src->functions[si];
    pf_function nf;
    uint64_t h;
    uint32_t hit;

    if (m->fn_remap[si] != PF_NONE)
        return PF_OK;
    nf.start_line = sf->start_line;
    PF_TRY(remap_str_into(m, &nf.name, sf->name));
    PF_TRY(remap_str_into(m, &nf.system_name, sf->system_name));
    PF_TRY(remap_str_into(m, &nf.filename, sf->filename));
    h = pf__function_hash(&nf);
    hit = pf__idxset_find(&m->function_set, h, pf__function_eq, m->dst, &nf);
    if (hit == PF_NONE) {
        nf.id = m->dst->nfunctions + 1;
        PF_TRY(pf__function_append(m->dst, &hit, &nf));
        PF_TRY(pf__idxset_insert(&m->function_set, h, hit));
    }
    m->fn_remap[si] = hit;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Locations                                                           */

typedef struct lockey {
    uint64_t rel;               /* address - mapping start (or address) */
    uint32_t mapping;
    bool is_folded;
    const pf_line *lines;
    size_t nline;
} lockey;

static uint64_t lockey_hash(const lockey *k)
{
    uint64_t h = pf__hash_mix(13, k->rel);

    h = pf__hash_mix(h, k->mapping);
    h = pf__hash_mix(h, k->is_folded);
    return pf__hash_lines(h, k->lines, k->nline);
}

static uint64_t loc_rel(const pf_profile *p, const pf_location *l)
{
    return l->mapping == PF_NONE ? l->address
                                 : l->address - p->mappings[l->mapping].start;
}

static bool lockey_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_profile *p = ctx;
    const pf_location *a = &p->locations[idx];
    const pf_line *al = pf__loc_lines(p, a);
    const lockey *k = key;
    size_t i;

    if (a->mapping != k->mapping || a->is_folded != k->is_folded ||
        a->nline != k->nline || loc_rel(p, a) != k->rel)
        return false;
    for (i = 0; i < k->nline; i++) {
        if (al[i].function != k->lines[i].function ||
            al[i].line != k->lines[i].line ||
            al[i].column != k->lines[i].column)
            return false;
    }
    return true;
}

static int map_location(pf_merger *m, const pf_profile *src, uint32_t si)
{
    const pf_location *sl = &src->locations[si];
    const pf_line *slines = pf__loc_lines(src, sl);
    pf_profile *dst = m->dst;
    uint64_t addr = sl->address, h;
    uint32_t mi = PF_NONE, hit;
    lockey k;
    size_t i;

    if (m->loc_remap[si] != PF_NONE)
        return PF_OK;
    if (sl->mapping != PF_NONE) {
        PF_TRY(map_mapping(m, src, sl->mapping));
        mi = m->map_remap[sl->mapping];
        addr += m->map_shift[sl->mapping];
    }
    PF_TRY(PF_VEC_RESERVE(m->linebuf, m->linebuf_cap, sl->nline));
    for (i = 0; i < sl->nline; i++) {
        PF_TRY(map_function(m, src, slines[i].function));
        m->linebuf[i] = slines[i];
        m->linebuf[i].function = m->fn_remap[slines[i].function];
    }
    k.rel = mi == PF_NONE ? addr : addr - dst->mappings[mi].start;
    k.mapping = mi;
    k.is_folded = sl->is_folded;
    k.lines = m->linebuf;
    k.nline = sl->nline;
    h = lockey_hash(&k);
    hit = pf__idxset_find(&m->location_set, h, lockey_eq, dst, &k);
    if (hit == PF_NONE) {
        PF_TRY(pf__location_append(dst, &hit, dst->nlocations + 1, mi, addr,
                                   m->linebuf, sl->nline, sl->is_folded));
        PF_TRY(pf__idxset_insert(&m->location_set, h, hit));
    }
    m->loc_remap[si] = hit;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Samples                                                             */

/* Canonical label order: string labels before numeric ones, each group
 * by key (byte order); stable, so a key's values keep their order. */
static int label_cmp(const pf_label *a, const pf_label *b)
{
    bool an = a->str[0] == '\0', bn = b->str[0] == '\0';

    if (an != bn)
        return an ? 1 : -1;
    if (a->key == b->key)
        return 0;
    return strcmp(a->key, b->key);
}

static void label_sort(pf_label *v, pf_label *tmp, size_t n)
{
    size_t i, j, k, mid;

    if (n < 2)
        return;
    if (n <= 8) {
        for (i = 1; i < n; i++) {
            pf_label x = v[i];
            for (j = i; j > 0 && label_cmp(&v[j - 1], &x) > 0; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    mid = n / 2;
    label_sort(v, tmp, mid);
    label_sort(v + mid, tmp, n - mid);
    for (i = 0, j = mid, k = 0; i < mid || j < n;) {
        if (j >= n || (i < mid && label_cmp(&v[i], &v[j]) <= 0))
            tmp[k++] = v[i++];
        else
            tmp[k++] = v[j++];
    }
    memcpy(v, tmp, n * sizeof(*v));
}

typedef struct samplekey {
    const uint32_t *locs;
    size_t nloc;
    const pf_label *labels;
    size_t nlabel;
} samplekey;

static uint64_t samplekey_hash(const samplekey *k)
{
    uint64_t h = pf__hash_bytes(k->locs, k->nloc * sizeof(*k->locs), 14);
    size_t i;

    for (i = 0; i < k->nlabel; i++) {
        const pf_label *l = &k->labels[i];
        h = hash_ptr(h, l->key);
        h = hash_ptr(h, l->str);
        h = pf__hash_mix(h, (uint64_t)l->num);
        h = hash_ptr(h, l->unit);
    }
    return h;
}

static bool samplekey_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_profile *p = ctx;
    const pf_sample *s = &p->samples[idx];
    const samplekey *k = key;
    const pf_label *la;
    size_t i;

    if (s->nloc != k->nloc || s->nlabel != k->nlabel)
        return false;
    if (k->nloc && memcmp(pf__sample_locs(p, s), k->locs,
                          k->nloc * sizeof(*k->locs)) != 0)
        return false;
    la = pf__sample_labels(p, s);
    for (i = 0; i < k->nlabel; i++) {
        if (la[i].key != k->labels[i].key || la[i].str != k->labels[i].str ||
            la[i].num != k->labels[i].num || la[i].unit != k->labels[i].unit)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Header and compatibility                                            */

static void describe_types(char *buf, size_t size, const pf_value_type *t,
                           size_t n)
{
    size_t len = 0, i;

    len += (size_t)snprintf(buf, size, "[");
    for (i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s/%s",
                                i ? " " : "", t[i].type, t[i].unit);
    if (len < size)
        snprintf(buf + len, size - len, "]");
}

static int types_differ(const pf_value_type *a, size_t na,
                        const pf_value_type *b, size_t nb)
{
    char da[112], db[112];

    describe_types(da, sizeof(da), a, na);
    describe_types(db, sizeof(db), b, nb);
    return pf__error_set(PF_EINCOMPAT, "sample types differ: %s vs %s", da,
                         db);
}

static bool vt_equal(const pf_value_type *a, const pf_value_type *b)
{
    return strcmp(a->type, b->type) == 0 && strcmp(a->unit, b->unit) == 0;
}

/* Units that pprof's ScaleProfiles converts into each other: equal, or
 * both of one family of its measurement package. */
static bool units_convertible(const char *a, const char *b)
{
    int fa;

    if (strcmp(a, b) == 0)
        return true;
    fa = pf__unit_family(a);
    return fa >= 0 && fa == pf__unit_family(b);
}

static bool vt_match(const pf_value_type *a, const pf_value_type *b,
                     bool scale_units)
{
    if (!scale_units)
        return vt_equal(a, b);
    return strcmp(a->type, b->type) == 0 &&
           units_convertible(a->unit, b->unit);
}

int pf__check_compatible(const pf_profile *a, const pf_profile *b)
{
    return pf__check_compatible_x(a, b, false);
}

int pf__check_compatible_x(const pf_profile *a, const pf_profile *b,
                           bool scale_units)
{
    size_t i;

    if (!vt_match(&a->period_type, &b->period_type, scale_units))
        return pf__error_set(PF_EINCOMPAT,
                             "period types differ: %s/%s vs %s/%s",
                             a->period_type.type, a->period_type.unit,
                             b->period_type.type, b->period_type.unit);
    if (a->nsample_types != b->nsample_types)
        return types_differ(a->sample_types, a->nsample_types,
                            b->sample_types, b->nsample_types);
    for (i = 0; i < a->nsample_types; i++) {
        if (!vt_match(&a->sample_types[i], &b->sample_types[i], scale_units))
            return types_differ(a->sample_types, a->nsample_types,
                                b->sample_types, b->nsample_types);
    }
    return PF_OK;
}

static int find_type(const pf_profile *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nsample_types; i++) {
        if (strcmp(p->sample_types[i].type, name) == 0)
            return (int)i;
    }
    return -1;
}

/* Decide the column map of P into the merger (m->cols) without
 * changing anything; *NEWKEEP says how many of m->keep survive (only
 * shrinks with streaming common types). */
static int plan_columns(pf_merger *m, const pf_profile *p, size_t *newkeep)
{
    const pf_profile *d = m->dst;
    size_t i, n = 0;

    if (!m->opts.common_types) {
        if (m->ninputs > 0)
            PF_TRY(pf__check_compatible_x(d, p, m->opts.scale_units));
        PF_TRY(PF_VEC_RESERVE(m->cols, m->cols_cap, p->nsample_types));
        for (i = 0; i < p->nsample_types; i++)
            m->cols[i] = (uint32_t)i;
        *newkeep = p->nsample_types;
        return PF_OK;
    }
    if (m->ninputs > 0 &&
        !vt_match(&d->period_type, &p->period_type, m->opts.scale_units))
        return pf__error_set(PF_EINCOMPAT,
                             "period types differ: %s/%s vs %s/%s",
                             d->period_type.type, d->period_type.unit,
                             p->period_type.type, p->period_type.unit);
    if (m->ninputs == 0 && !m->preset) {
        PF_TRY(PF_VEC_RESERVE(m->cols, m->cols_cap, p->nsample_types));
        for (i = 0; i < p->nsample_types; i++)
            m->cols[i] = (uint32_t)i;
        *newkeep = p->nsample_types;
        if (p->nsample_types == 0)
            return pf__error_set(PF_EINCOMPAT, "profile has no sample types");
        return PF_OK;
    }
    /* m->keep[j] -> column of P, compacting away names P lacks (only
     * possible when not preset). */
    PF_TRY(PF_VEC_RESERVE(m->cols, m->cols_cap, m->nkeep));
    for (i = 0; i < m->nkeep; i++) {
        int c = find_type(p, m->keep[i]);
        if (c < 0) {
            if (m->preset)
                return pf__error_set(
                    PF_EINCOMPAT, "sample type \"%s\" is not found in profile",
                    m->keep[i]);
            continue;
        }
        if (m->ninputs > 0 &&
            !(m->opts.scale_units
                  ? units_convertible(p->sample_types[c].unit,
                                      d->sample_types[i].unit)
                  : strcmp(p->sample_types[c].unit,
                           d->sample_types[i].unit) == 0)) {
            return types_differ(d->sample_types, d->nsample_types,
                                p->sample_types, p->nsample_types);
        }
        m->cols[n++] = (uint32_t)c;
    }
    if (n == 0) {
        char da[112], db[112];
        describe_types(da, sizeof(da), d->sample_types, d->nsample_types);
        describe_types(db, sizeof(db), p->sample_types, p->nsample_types);
        return pf__error_set(PF_EINCOMPAT, "no common sample types: %s vs %s",
                             da, db);
    }
    *newkeep = n;
    return PF_OK;
}

/* Drop the merger columns whose names P lacks (streaming common
 * types): compact the destination's values in place. */
static int reduce_columns(pf_merger *m, const pf_profile *p)
{
    pf_profile *d = m->dst;
    size_t nv = d->nsample_types, n = 0, i, j;
    uint32_t *kc = pf__malloc(nv * sizeof(*kc));

    PF_CHECK_ALLOC(kc);
    for (i = 0; i < nv; i++) {
        if (find_type(p, m->keep[i]) >= 0) {
            kc[n] = (uint32_t)i;
            m->keep[n] = m->keep[i];
            d->sample_types[n] = d->sample_types[i];
            n++;
        }
    }
    for (i = 0; i < d->nsamples; i++) {
        for (j = 0; j < n; j++)
            d->values[i * n + j] = d->values[i * nv + kc[j]];
    }
    pf__free(kc);
    m->nkeep = n;
    d->nsample_types = n;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Unit conversion (pprof's measurement.ScaleProfiles)                 */

/* Go's int64(Scale(v, from, to)): truncation, saturating. */
static int64_t period_in(int64_t v, const char *from, const char *to)
{
    const char *u;

    if (strcmp(from, to) == 0)
        return v;
    return to_i64(pf_unit_scale(v, from, to, &u));
}

/* Rescale the merger columns with RATIOS[j] != 1 of every merged
 * sample: what the reference does to the earlier inputs when a later
 * one has a finer unit. The ScaleN rule removes a sample whose scaled
 * values are all zero: it goes, the sample index is rebuilt (so that a
 * later equal sample is appended, as in the reference), and
 * pf_merger_finish garbage-collects what only it referenced. */
static int rescale_dst(pf_merger *m, const double *ratios)
{
    pf_profile *d = m->dst;
    size_t before = d->nsamples, i, w;

    PF_TRY(pf_profile_scale(d, ratios, d->nsample_types));
    if ((w = d->nsamples) == before)
        return PF_OK;
    m->gc = true;
    pf__idxset_release(&m->sample_set);
    pf__idxset_init(&m->sample_set);
    for (i = 0; i < w; i++) {
        const pf_sample *s = &d->samples[i];
        samplekey k;
        k.locs = pf__sample_locs(d, s);
        k.nloc = s->nloc;
        k.labels = pf__sample_labels(d, s);
        k.nlabel = s->nlabel;
        PF_TRY(pf__idxset_insert(&m->sample_set, samplekey_hash(&k),
                                 (uint32_t)i));
    }
    return PF_OK;
}

/* After the columns are planned (m->cols) and checked compatible:
 * the common unit of each column and of the period is the finest seen
 * so far (the first spelling of it wins, as in CommonValueType). An
 * input in a coarser unit is scaled on its way in (m->uratios); an
 * input in a finer one makes the merger rescale what it holds. With
 * integer factors between units (time, bytes) this is exactly the
 * reference's one-step scaling of every input to the finest unit. */
static int plan_units(pf_merger *m, const pf_profile *p)
{
    pf_profile *d = m->dst;
    size_t nv = d->nsample_types, j;
    double *dratios = NULL;
    bool drescale = false;
    const char *u;
    int err = PF_OK;

    m->uscale = false;
    m->in_period = p->period;
    if (!m->opts.scale_units || m->ninputs == 0)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(m->uratios, m->uratios_cap, nv ? nv : 1));
    dratios = pf__malloc((nv ? nv : 1) * sizeof(*dratios));
    PF_CHECK_ALLOC(dratios);
    for (j = 0; j < nv; j++) {
        const char *pu = p->sample_types[m->cols[j]].unit;
        const char *du = d->sample_types[j].unit;
        double r = 1.0;

        m->uratios[j] = 1.0;
        dratios[j] = 1.0;
        if (strcmp(pu, du) != 0)
            r = pf_unit_scale(1, pu, du, &u);
        if (r < 1.0) {
            dratios[j] = pf_unit_scale(1, du, pu, &u);
            drescale = true;
            if ((err = remap_str_into(m, &d->sample_types[j].unit, pu)) < 0)
                goto done;
        } else {
            m->uratios[j] = r;
            m->uscale = m->uscale || r != 1.0;
        }
    }
    if (drescale && (err = rescale_dst(m, dratios)) < 0)
        goto done;
    /* A missing period type (pprof's nil) takes no part. */
    if ((p->period_type.type[0] || p->period_type.unit[0]) &&
        (d->period_type.type[0] || d->period_type.unit[0]) &&
        strcmp(p->period_type.unit, d->period_type.unit) != 0) {
        const char *pu = p->period_type.unit, *du = d->period_type.unit;
        if (pf_unit_scale(1, pu, du, &u) < 1.0) {
            m->period = period_in(m->period, du, pu);
            if ((err = remap_str_into(m, &d->period_type.unit, pu)) < 0)
                goto done;
        } else {
            m->in_period = period_in(p->period, pu, du);
        }
    }
done:
    pf__free(dratios);
    return err;
}

/* The first input sets the header fields that come from the first;
 * m->cols is already planned. */
static int first_header(pf_merger *m, const pf_profile *p)
{
    pf_profile *d = m->dst;
    size_t n = m->opts.common_types && m->preset ? m->nkeep
                                                 : p->nsample_types;
    size_t i;

    PF_TRY(PF_VEC_RESERVE(d->sample_types, d->sample_types_cap, n));
    for (i = 0; i < n; i++) {
        const pf_value_type *t = &p->sample_types[m->cols[i]];
        PF_TRY(remap_str_into(m, &d->sample_types[i].type, t->type));
        PF_TRY(remap_str_into(m, &d->sample_types[i].unit, t->unit));
    }
    d->nsample_types = n;
    if (m->opts.common_types) {
        PF_TRY(PF_VEC_RESERVE(m->keep, m->keep_cap, n));
        for (i = 0; i < n; i++)
            m->keep[i] = d->sample_types[i].type;
        m->nkeep = n;
    }
    PF_TRY(remap_str_into(m, &d->period_type.type, p->period_type.type));
    PF_TRY(remap_str_into(m, &d->period_type.unit, p->period_type.unit));
    PF_TRY(remap_str_into(m, &d->drop_frames, p->drop_frames));
    PF_TRY(remap_str_into(m, &d->keep_frames, p->keep_frames));
    PF_TRY(remap_str_into(m, &d->doc_url, p->doc_url));
    return PF_OK;
}

static bool comment_eq(const void *ctx, uint32_t idx, const void *key)
{
    return ((const pf_profile *)ctx)->comments[idx] == key;
}

static int combine_header(pf_merger *m, const pf_profile *p)
{
    pf_profile *d = m->dst;
    size_t i;

    if (m->time_nanos == 0 || p->time_nanos < m->time_nanos)
        m->time_nanos = p->time_nanos;
    m->duration_nanos = add_wrap(m->duration_nanos, p->duration_nanos);
    if (m->period == 0 || m->period < m->in_period)
        m->period = m->in_period;
    for (i = 0; i < p->ncomments; i++) {
        const char *c = remap_str(m, p->comments[i]);
        uint64_t h;
        PF_CHECK_ALLOC(c);
        h = hash_ptr(15, c);
        if (pf__idxset_find(&m->comment_set, h, comment_eq, d, c) != PF_NONE)
            continue;
        PF_TRY(PF_VEC_RESERVE(d->comments, d->comments_cap,
                              d->ncomments + 1));
        d->comments[d->ncomments] = c;
        PF_TRY(pf__idxset_insert(&m->comment_set, h,
                                 (uint32_t)d->ncomments));
        d->ncomments++;
    }
    if (m->opts.common_types) {
        input_info *in;
        PF_TRY(PF_VEC_RESERVE(m->inputs, m->info_cap, m->ninfo + 1));
        PF_TRY(PF_VEC_RESERVE(m->typenames, m->typenames_cap,
                              m->ntypenames + p->nsample_types));
        in = &m->inputs[m->ninfo];
        PF_TRY(remap_str_into(m, &in->default_type, p->default_sample_type));
        in->type_off = (uint32_t)m->ntypenames;
        in->ntypes = (uint32_t)p->nsample_types;
        for (i = 0; i < p->nsample_types; i++)
            PF_TRY(remap_str_into(m, &m->typenames[m->ntypenames + i],
                                  p->sample_types[i].type));
        m->ntypenames += p->nsample_types;
        m->ninfo++;
    } else if (m->default_type[0] == '\0') {
        PF_TRY(remap_str_into(m, &m->default_type, p->default_sample_type));
    }
    return PF_OK;
}

/* The default sample type under common types: each input's, adjusted
 * as compatibilizeSampleTypes adjusts it, first non-empty wins. */
static const char *common_default(const pf_merger *m)
{
    size_t i, j;

    for (i = 0; i < m->ninfo; i++) {
        const input_info *in = &m->inputs[i];
        const char *const *names = m->typenames + in->type_off;
        bool same = in->ntypes == m->nkeep, found = false;
        const char *d;

        for (j = 0; same && j < m->nkeep; j++)
            same = names[j] == m->keep[j];
        for (j = 0; j < m->nkeep; j++)
            found = found || m->keep[j] == in->default_type;
        d = same || found ? in->default_type : m->keep[0];
        if (d[0])
            return d;
    }
    return m->dst->empty;
}

/* ------------------------------------------------------------------ */
/* The merger                                                          */

static void merger_release_tables(pf_merger *m)
{
    pf__idxset_release(&m->comment_set);
    pf__idxset_release(&m->mapping_set);
    pf__idxset_release(&m->function_set);
    pf__idxset_release(&m->location_set);
    pf__idxset_release(&m->sample_set);
}

void pf_merger_free(pf_merger *m)
{
    if (!m)
        return;
    pf_profile_free(m->dst);
    merger_release_tables(m);
    pf__free(m->keep);
    pf__free(m->inputs);
    pf__free(m->typenames);
    pf__free(m->map_remap);
    pf__free(m->map_shift);
    pf__free(m->fn_remap);
    pf__free(m->loc_remap);
    pf__free(m->str_remap);
    pf__free(m->cols);
    pf__free(m->locbuf);
    pf__free(m->labbuf);
    pf__free(m->labtmp);
    pf__free(m->valbuf);
    pf__free(m->uratios);
    pf__free(m->linebuf);
    pf__free(m);
}

int pf_merger_new(pf_merger **out, const pf_merge_opts *opts)
{
    pf_merger *m;

    *out = NULL;
    if (opts && opts->version != PF_MERGE_OPTS_VERSION)
        return pf__error_set(PF_EINVAL, "merge options: version %u, want %u",
                             opts->version, PF_MERGE_OPTS_VERSION);
    m = pf__calloc(1, sizeof(*m));
    PF_CHECK_ALLOC(m);
    if (opts)
        m->opts = *opts;
    else
        m->opts = (pf_merge_opts)PF_MERGE_OPTS_INIT;
    m->dst = pf_profile_new();
    if (!m->dst) {
        pf__free(m);
        return PF_ENOMEM;
    }
    m->default_type = m->dst->empty;
    *out = m;
    return PF_OK;
}

size_t pf_merger_count(const pf_merger *m)
{
    return m->ninputs;
}

int pf__merger_preset_types(pf_merger *m, const char *const *names, size_t n)
{
    size_t i;

    if (m->ninputs > 0 || !m->opts.common_types || n == 0)
        return pf__error_set(PF_EINVAL, "merger: cannot preset sample types");
    PF_TRY(PF_VEC_RESERVE(m->keep, m->keep_cap, n));
    for (i = 0; i < n; i++) {
        m->keep[i] = pf_profile_intern(m->dst, names[i]);
        PF_CHECK_ALLOC(m->keep[i]);
    }
    m->nkeep = n;
    m->preset = true;
    return PF_OK;
}

static int reset_scratch(pf_merger *m, const pf_profile *p)
{
    size_t i;

    PF_TRY(PF_VEC_RESERVE(m->map_remap, m->map_cap, p->nmappings));
    PF_TRY(PF_VEC_RESERVE(m->map_shift, m->map_shift_cap, p->nmappings));
    PF_TRY(PF_VEC_RESERVE(m->fn_remap, m->fn_cap, p->nfunctions));
    PF_TRY(PF_VEC_RESERVE(m->loc_remap, m->loc_cap, p->nlocations));
    PF_TRY(PF_VEC_RESERVE(m->str_remap, m->str_cap, p->strtab.n));
    for (i = 0; i < p->nmappings; i++)
        m->map_remap[i] = PF_NONE;
    for (i = 0; i < p->nfunctions; i++)
        m->fn_remap[i] = PF_NONE;
    for (i = 0; i < p->nlocations; i++)
        m->loc_remap[i] = PF_NONE;
    /* str_cap may exceed this input's table: clear all of it, the
     * stale entries belong to the previous input. */
    memset(m->str_remap, 0, m->str_cap * sizeof(*m->str_remap));
    return PF_OK;
}

/* Values of sample I of P as merger columns, transformed. Returns
 * false when the sample is to be skipped (all zero, or removed by the
 * ScaleN rule). */
static bool sample_values(pf_merger *m, const pf_profile *p, size_t i,
                          const double *ratios, bool scale_all_ones)
{
    const int64_t *sv = pf__sample_vals(p, i);
    size_t nv = m->dst->nsample_types, j;
    bool nonzero = false, keep = false;

    for (j = 0; j < nv; j++) {
        int64_t v = sv[m->cols[j]];
        if (ratios && !scale_all_ones && ratios[j] != 1.0) {
            v = pf__scale_value(v, ratios[j]);
            keep = keep || v != 0;
        }
        m->valbuf[j] = v;
        nonzero = nonzero || v != 0;
    }
    if (ratios && !scale_all_ones && !keep)
        return false;
    if (m->uscale) {
        /* Then the unit conversion, a second ScaleN. */
        keep = false;
        nonzero = false;
        for (j = 0; j < nv; j++) {
            if (m->uratios[j] != 1.0) {
                m->valbuf[j] = pf__scale_value(m->valbuf[j], m->uratios[j]);
                keep = keep || m->valbuf[j] != 0;
            }
            nonzero = nonzero || m->valbuf[j] != 0;
        }
        if (!keep)
            return false;
    }
    return nonzero;
}

static int add_samples(pf_merger *m, const pf_profile *p,
                       const pf_merge_xform *x)
{
    pf_profile *d = m->dst;
    size_t nv = d->nsample_types, i, j;
    const double *ratios = x ? x->ratios : NULL;
    bool all_ones = true;
    const char *setkey = NULL, *setval = NULL;

    if (ratios) {
        for (j = 0; j < nv; j++)
            all_ones = all_ones && ratios[j] == 1.0;
    }
    if (x && x->set_label_key) {
        setkey = pf_profile_intern(d, x->set_label_key);
        setval = pf_profile_intern(d, x->set_label_value);
        PF_CHECK_ALLOC(setkey);
        PF_CHECK_ALLOC(setval);
    }
    PF_TRY(PF_VEC_RESERVE(m->valbuf, m->valbuf_cap, nv ? nv : 1));
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const uint32_t *sl = pf__sample_locs(p, s);
        const pf_label *slab = pf__sample_labels(p, s);
        size_t nlab = 0;
        samplekey k;
        uint64_t h;
        uint32_t hit;

        if (!sample_values(m, p, i, ratios, all_ones))
            continue;
        PF_TRY(PF_VEC_RESERVE(m->locbuf, m->locbuf_cap, s->nloc));
        for (j = 0; j < s->nloc; j++) {
            PF_TRY(map_location(m, p, sl[j]));
            m->locbuf[j] = m->loc_remap[sl[j]];
        }
        PF_TRY(PF_VEC_RESERVE(m->labbuf, m->labbuf_cap, s->nlabel + 1));
        for (j = 0; j < s->nlabel; j++) {
            pf_label *l = &m->labbuf[nlab];
            PF_TRY(remap_str_into(m, &l->key, slab[j].key));
            if (slab[j].str[0]) {
                if (l->key == setkey)
                    continue;
                PF_TRY(remap_str_into(m, &l->str, slab[j].str));
                l->num = 0;
                l->unit = d->empty;
            } else {
                l->str = d->empty;
                l->num = slab[j].num;
                PF_TRY(remap_str_into(m, &l->unit, slab[j].unit));
            }
            nlab++;
        }
        if (setkey) {
            pf_label *l = &m->labbuf[nlab++];
            l->key = setkey;
            l->str = setval;
            l->num = 0;
            l->unit = d->empty;
        }
        if (nlab > 1) {
            PF_TRY(PF_VEC_RESERVE(m->labtmp, m->labtmp_cap, nlab));
            label_sort(m->labbuf, m->labtmp, nlab);
        }
        k.locs = m->locbuf;
        k.nloc = s->nloc;
        k.labels = m->labbuf;
        k.nlabel = nlab;
        h = samplekey_hash(&k);
        hit = pf__idxset_find(&m->sample_set, h, samplekey_eq, d, &k);
        if (hit != PF_NONE) {
            int64_t *dv = d->values + (size_t)hit * nv;
            for (j = 0; j < nv; j++)
                dv[j] = add_wrap(dv[j], m->valbuf[j]);
            continue;
        }
        PF_TRY(pf__sample_append(d, m->locbuf, s->nloc, m->valbuf, m->labbuf,
                                 nlab));
        PF_TRY(pf__idxset_insert(&m->sample_set, h,
                                 (uint32_t)(d->nsamples - 1)));
    }
    return PF_OK;
}

static int add_input(pf_merger *m, const pf_profile *p,
                     const pf_merge_xform *x)
{
    size_t newkeep = 0;

    PF_TRY(reset_scratch(m, p));
    /* Everything that can fail with PF_EINCOMPAT comes before the
     * first change to the destination. */
    PF_TRY(plan_columns(m, p, &newkeep));
    if (m->ninputs == 0) {
        PF_TRY(first_header(m, p));
    } else if (m->opts.common_types && !m->preset && newkeep < m->nkeep) {
        PF_TRY(reduce_columns(m, p));
        PF_TRY(plan_columns(m, p, &newkeep));
    }
    PF_TRY(plan_units(m, p));
    PF_TRY(combine_header(m, p));
    /* The first mapping seen is the main binary: keep it first. */
    if (m->dst->nmappings == 0 && p->nmappings > 0)
        PF_TRY(map_mapping(m, p, 0));
    return add_samples(m, p, x);
}

int pf__merger_add_x(pf_merger *m, const pf_profile *p,
                     const pf_merge_xform *x)
{
    int err;

    if (m->broken)
        return pf__error_set(PF_EINVAL, "merger: unusable after a failure");
    err = add_input(m, p, x);
    if (err < 0) {
        m->broken = err != PF_EINCOMPAT;
        return err;
    }
    m->ninputs++;
    return PF_OK;
}

int pf_merger_add(pf_merger *m, const pf_profile *p)
{
    return pf__merger_add_x(m, p, NULL);
}

static bool has_zero_sample(const pf_profile *p)
{
    size_t i, j, nv = p->nsample_types;

    for (i = 0; i < p->nsamples; i++) {
        const int64_t *v = pf__sample_vals(p, i);
        for (j = 0; j < nv && v[j] == 0; j++)
            ;
        if (j == nv)
            return true;
    }
    return false;
}

int pf_merger_finish(pf_profile **out, pf_merger *m)
{
    pf_profile *d = m->dst;
    int err;

    *out = NULL;
    if (m->broken)
        return pf__error_set(PF_EINVAL, "merger: unusable after a failure");
    if (m->ninputs == 0)
        return pf__error_set(PF_EINVAL, "no profiles to merge");
    d->time_nanos = m->time_nanos;
    d->duration_nanos = m->duration_nanos;
    d->period = m->period;
    d->default_sample_type =
        m->opts.common_types ? common_default(m) : m->default_type;
    d->next_mapping_id = d->nmappings + 1;
    d->next_function_id = d->nfunctions + 1;
    d->next_location_id = d->nlocations + 1;
    m->dst = NULL;
    merger_release_tables(m);
    m->broken = true;
    if (m->gc || has_zero_sample(d)) {
        /* Garbage-collect as the reference does: merge the result
         * alone, which skips the zero samples and whatever only they
         * referenced. */
        pf_merger *gc = NULL;
        if ((err = pf_merger_new(&gc, NULL)) == PF_OK &&
            (err = pf_merger_add(gc, d)) == PF_OK)
            err = pf_merger_finish(out, gc);
        pf_merger_free(gc);
        pf_profile_free(d);
        return err;
    }
    *out = d;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* One-call forms                                                      */

int pf__common_types(const char ***out, size_t *nout,
                     const pf_profile *const *profiles, size_t n)
{
    const pf_profile *f = profiles[0];
    const char **names;
    size_t i, j, k = 0;

    *out = NULL;
    *nout = 0;
    names = pf__calloc(f->nsample_types ? f->nsample_types : 1,
                       sizeof(*names));
    PF_CHECK_ALLOC(names);
    for (i = 0; i < f->nsample_types; i++) {
        const char *t = f->sample_types[i].type;
        bool all = true;
        for (j = 1; all && j < n; j++)
            all = find_type(profiles[j], t) >= 0;
        /* A name listed twice in the first profile counts once. */
        for (j = 0; all && j < k; j++)
            all = strcmp(names[j], t) != 0;
        if (all)
            names[k++] = t;
    }
    if (k == 0) {
        pf__free(names);
        return pf__error_set(PF_EINCOMPAT,
                             "profiles have no common sample types");
    }
    *out = names;
    *nout = k;
    return PF_OK;
}

int pf_profile_merge(pf_profile **out, const pf_profile *const *profiles,
                     size_t n, const pf_merge_opts *opts)
{
    pf_merger *m = NULL;
    const char **names = NULL;
    size_t nnames = 0, i;
    int err;

    *out = NULL;
    if (n == 0)
        return pf__error_set(PF_EINVAL, "no profiles to merge");
    if ((err = pf_merger_new(&m, opts)) < 0)
        return err;
    if (m->opts.common_types) {
        if ((err = pf__common_types(&names, &nnames, profiles, n)) < 0 ||
            (err = pf__merger_preset_types(m, names, nnames)) < 0)
            goto done;
    }
    for (i = 0; i < n; i++) {
        if ((err = pf_merger_add(m, profiles[i])) < 0) {
            if (err == PF_EINCOMPAT)
                pf__error_prefix(err, "profile %zu", i);
            goto done;
        }
    }
    err = pf_merger_finish(out, m);
done:
    pf__free(names);
    pf_merger_free(m);
    return err;
}

/* ------------------------------------------------------------------ */
/* Scale                                                               */

int pf_profile_scale(pf_profile *p, const double *ratios, size_t n)
{
    size_t nv = p->nsample_types, i, j, w = 0;
    bool all_ones = true;

    if (n != nv)
        return pf__error_set(PF_EINVAL,
                             "mismatched scale ratios, got %zu, want %zu", n,
                             nv);
    for (j = 0; j < nv; j++)
        all_ones = all_ones && ratios[j] == 1.0;
    if (all_ones)
        return PF_OK;
    for (i = 0; i < p->nsamples; i++) {
        int64_t *v = p->values + i * nv;
        bool keep = false;

        for (j = 0; j < nv; j++) {
            if (ratios[j] != 1.0) {
                v[j] = pf__scale_value(v[j], ratios[j]);
                keep = keep || v[j] != 0;
            }
        }
        if (!keep)
            continue;
        /* Removed samples leave their frames and labels unreferenced
         * in the shared vectors (samples may share them). */
        if (w != i) {
            p->samples[w] = p->samples[i];
            memmove(p->values + w * nv, v, nv * sizeof(*v));
        }
        w++;
    }
    p->nsamples = w;
    return PF_OK;
}
