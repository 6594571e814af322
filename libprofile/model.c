/*
 * pf_profile lifecycle, the builder (with hash de-duplication), read
 * accessors and validation. Records live in flat vectors: a sample is
 * 16 bytes plus its values, 4 bytes per frame and 32 per label, so a
 * profile of millions of samples costs a few hundred bytes per sample
 * at most, with no per-record malloc.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

pf_profile *pf_profile_new(void)
{
    pf_profile *p = pf__calloc(1, sizeof(*p));

    if (!p) {
        pf__error_oom();
        return NULL;
    }
    pf__arena_init(&p->arena, 0);
    pf__idxset_init(&p->strtab.set);
    p->empty = pf_profile_intern_len(p, "", 0);
    if (!p->empty) {
        pf_profile_free(p);
        return NULL;
    }
    p->period_type.type = p->period_type.unit = p->empty;
    p->drop_frames = p->keep_frames = p->empty;
    p->default_sample_type = p->doc_url = p->empty;
    p->next_mapping_id = p->next_function_id = p->next_location_id = 1;
    return p;
}

void pf_profile_free(pf_profile *p)
{
    if (!p)
        return;
    pf__free(p->strtab.strs);
    pf__idxset_release(&p->strtab.set);
    pf__free(p->sample_types);
    pf__free(p->comments);
    pf__free(p->mappings);
    pf__free(p->functions);
    pf__free(p->locations);
    pf__free(p->lines);
    pf__free(p->samples);
    pf__free(p->values);
    pf__free(p->stack);
    pf__free(p->labels);
    pf__idxset_release(&p->mapping_set);
    pf__idxset_release(&p->function_set);
    pf__idxset_release(&p->location_set);
    pf__arena_release(&p->arena);
    pf__free(p);
}

/* ------------------------------------------------------------------ */
/* Header fields                                                       */

static int intern_into(pf_profile *p, const char **dst, const char *s)
{
    const char *r = pf_profile_intern(p, s);

    PF_CHECK_ALLOC(r);
    *dst = r;
    return PF_OK;
}

int pf_profile_add_sample_type(pf_profile *p, const char *type,
                               const char *unit)
{
    pf_value_type vt = { NULL, NULL };

    if (p->nsamples)
        return pf__error_set(PF_EINVAL,
                             "cannot add a sample type after samples");
    PF_TRY(intern_into(p, &vt.type, type));
    PF_TRY(intern_into(p, &vt.unit, unit));
    PF_TRY(PF_VEC_RESERVE(p->sample_types, p->sample_types_cap,
                          p->nsample_types + 1));
    p->sample_types[p->nsample_types++] = vt;
    return PF_OK;
}

int pf_profile_set_period_type(pf_profile *p, const char *type,
                               const char *unit)
{
    pf_value_type vt = { NULL, NULL };

    PF_TRY(intern_into(p, &vt.type, type));
    PF_TRY(intern_into(p, &vt.unit, unit));
    p->period_type = vt;
    return PF_OK;
}

void pf_profile_set_period(pf_profile *p, int64_t period) { p->period = period; }
void pf_profile_set_time(pf_profile *p, int64_t t) { p->time_nanos = t; }
void pf_profile_set_duration(pf_profile *p, int64_t d) { p->duration_nanos = d; }

int pf_profile_set_default_sample_type(pf_profile *p, const char *type)
{
    return intern_into(p, &p->default_sample_type, type);
}

int pf_profile_set_drop_frames(pf_profile *p, const char *re)
{
    return intern_into(p, &p->drop_frames, re);
}

int pf_profile_set_keep_frames(pf_profile *p, const char *re)
{
    return intern_into(p, &p->keep_frames, re);
}

int pf_profile_set_doc_url(pf_profile *p, const char *url)
{
    return intern_into(p, &p->doc_url, url);
}

int pf_profile_add_comment(pf_profile *p, const char *comment)
{
    const char *c = NULL;

    PF_TRY(intern_into(p, &c, comment));
    PF_TRY(PF_VEC_RESERVE(p->comments, p->comments_cap, p->ncomments + 1));
    p->comments[p->ncomments++] = c;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Raw appends                                                         */

static void bump_id(uint64_t *next, uint64_t id)
{
    if (id >= *next)
        *next = id + 1;
}

int pf__mapping_append(pf_profile *p, uint32_t *out, const pf_mapping *m)
{
    if (p->nmappings >= PF_NONE - 1)
        return pf__error_set(PF_ETOOBIG, "too many mappings");
    PF_TRY(PF_VEC_RESERVE(p->mappings, p->mappings_cap, p->nmappings + 1));
    p->mappings[p->nmappings] = *m;
    if (out)
        *out = (uint32_t)p->nmappings;
    p->nmappings++;
    bump_id(&p->next_mapping_id, m->id);
    p->sets_valid = false;
    return PF_OK;
}

int pf__function_append(pf_profile *p, uint32_t *out, const pf_function *f)
{
    if (p->nfunctions >= PF_NONE - 1)
        return pf__error_set(PF_ETOOBIG, "too many functions");
    PF_TRY(PF_VEC_RESERVE(p->functions, p->functions_cap,
                          p->nfunctions + 1));
    p->functions[p->nfunctions] = *f;
    if (out)
        *out = (uint32_t)p->nfunctions;
    p->nfunctions++;
    bump_id(&p->next_function_id, f->id);
    p->sets_valid = false;
    return PF_OK;
}

int pf__location_append(pf_profile *p, uint32_t *out, uint64_t id,
                        uint32_t mapping, uint64_t address,
                        const pf_line *lines, size_t nline, bool is_folded)
{
    pf_location *l;

    if (p->nlocations >= PF_NONE - 1 || nline > UINT32_MAX ||
        p->nlines + nline > UINT32_MAX)
        return pf__error_set(PF_ETOOBIG, "too many locations or lines");
    PF_TRY(PF_VEC_RESERVE(p->locations, p->locations_cap,
                          p->nlocations + 1));
    PF_TRY(PF_VEC_RESERVE(p->lines, p->lines_cap, p->nlines + nline));
    l = &p->locations[p->nlocations];
    l->id = id;
    l->address = address;
    l->mapping = mapping;
    l->nline = (uint32_t)nline;
    l->line_off = (uint32_t)p->nlines;
    l->is_folded = is_folded;
    if (nline)
        memcpy(p->lines + p->nlines, lines, nline * sizeof(*lines));
    p->nlines += nline;
    if (out)
        *out = (uint32_t)p->nlocations;
    p->nlocations++;
    bump_id(&p->next_location_id, id);
    p->sets_valid = false;
    return PF_OK;
}

int pf__sample_append(pf_profile *p, const uint32_t *locs, size_t nloc,
                      const int64_t *values, const pf_label *labels,
                      size_t nlabel)
{
    size_t nv = p->nsample_types, need;
    pf_sample *s;

    if (p->nsamples >= UINT32_MAX || p->nstack + nloc > UINT32_MAX ||
        p->nlabels + nlabel > UINT32_MAX)
        return pf__error_set(PF_ETOOBIG, "too many samples");
    PF_TRY(PF_VEC_RESERVE(p->samples, p->samples_cap, p->nsamples + 1));
    if (!pf__mul_ok(p->nsamples + 1, nv, &need))
        return pf__error_set(PF_ETOOBIG, "too many sample values");
    PF_TRY(PF_VEC_RESERVE(p->values, p->values_cap, need));
    PF_TRY(PF_VEC_RESERVE(p->stack, p->stack_cap, p->nstack + nloc));
    PF_TRY(PF_VEC_RESERVE(p->labels, p->labels_cap, p->nlabels + nlabel));
    s = &p->samples[p->nsamples];
    s->loc_off = (uint32_t)p->nstack;
    s->nloc = (uint32_t)nloc;
    s->label_off = (uint32_t)p->nlabels;
    s->nlabel = (uint32_t)nlabel;
    if (nloc)
        memcpy(p->stack + p->nstack, locs, nloc * sizeof(*locs));
    if (nv)
        memcpy(p->values + p->nsamples * nv, values, nv * sizeof(*values));
    if (nlabel)
        memcpy(p->labels + p->nlabels, labels, nlabel * sizeof(*labels));
    p->nstack += nloc;
    p->nlabels += nlabel;
    p->nsamples++;
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Builder with de-duplication                                         */

static uint64_t hash_ptr(uint64_t h, const void *ptr)
{
    return pf__hash_mix(h, (uint64_t)(uintptr_t)ptr);
}

static uint64_t mapping_hash(const pf_mapping *m)
{
    uint64_t h = pf__hash_mix(0, m->start);

    h = pf__hash_mix(h, m->limit);
    h = pf__hash_mix(h, m->offset);
    h = hash_ptr(h, m->file);
    return hash_ptr(h, m->build_id);
}

static bool mapping_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_mapping *a = &((const pf_profile *)ctx)->mappings[idx];
    const pf_mapping *b = key;

    return a->start == b->start && a->limit == b->limit &&
           a->offset == b->offset && a->file == b->file &&
           a->build_id == b->build_id && a->has_functions == b->has_functions &&
           a->has_filenames == b->has_filenames &&
           a->has_line_numbers == b->has_line_numbers &&
           a->has_inline_frames == b->has_inline_frames &&
           (b->id == 0 || a->id == b->id);
}

uint64_t pf__function_hash(const pf_function *f)
{
    uint64_t h = pf__hash_mix(1, (uint64_t)f->start_line);

    h = hash_ptr(h, f->name);
    h = hash_ptr(h, f->system_name);
    return hash_ptr(h, f->filename);
}

bool pf__function_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_function *a = &((const pf_profile *)ctx)->functions[idx];
    const pf_function *b = key;

    return a->name == b->name && a->system_name == b->system_name &&
           a->filename == b->filename && a->start_line == b->start_line;
}

typedef struct lockey {
    uint32_t mapping;
    uint64_t address;
    const pf_line *lines;
    size_t nline;
    bool is_folded;
} lockey;

static uint64_t location_hash(const lockey *k)
{
    uint64_t h = pf__hash_mix(2, k->address);

    h = pf__hash_mix(h, k->mapping);
    h = pf__hash_mix(h, k->is_folded);
    return pf__hash_lines(h, k->lines, k->nline);
}

static bool location_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_profile *p = ctx;
    const pf_location *a = &p->locations[idx];
    const pf_line *al = pf__loc_lines(p, a);
    const lockey *b = key;
    size_t i;

    if (a->address != b->address || a->mapping != b->mapping ||
        a->is_folded != b->is_folded || a->nline != b->nline)
        return false;
    for (i = 0; i < b->nline; i++) {
        if (al[i].function != b->lines[i].function ||
            al[i].line != b->lines[i].line ||
            al[i].column != b->lines[i].column)
            return false;
    }
    return true;
}

void pf__profile_invalidate_sets(pf_profile *p)
{
    p->sets_valid = false;
}

static int build_sets(pf_profile *p)
{
    size_t i;

    pf__idxset_release(&p->mapping_set);
    pf__idxset_release(&p->function_set);
    pf__idxset_release(&p->location_set);
    for (i = 0; i < p->nmappings; i++)
        PF_TRY(pf__idxset_insert(&p->mapping_set,
                                 mapping_hash(&p->mappings[i]), (uint32_t)i));
    for (i = 0; i < p->nfunctions; i++)
        PF_TRY(pf__idxset_insert(&p->function_set,
                                 pf__function_hash(&p->functions[i]),
                                 (uint32_t)i));
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        lockey k = { l->mapping, l->address, pf__loc_lines(p, l), l->nline,
                     l->is_folded };
        PF_TRY(pf__idxset_insert(&p->location_set, location_hash(&k),
                                 (uint32_t)i));
    }
    p->sets_valid = true;
    return PF_OK;
}

int pf_profile_add_mapping(uint32_t *out, pf_profile *p, const pf_mapping *m)
{
    pf_mapping nm = *m;
    uint64_t h;
    uint32_t hit;

    *out = PF_NONE;
    PF_TRY(intern_into(p, &nm.file, m->file));
    PF_TRY(intern_into(p, &nm.build_id, m->build_id));
    if (!p->sets_valid)
        PF_TRY(build_sets(p));
    h = mapping_hash(&nm);
    hit = pf__idxset_find(&p->mapping_set, h, mapping_eq, p, &nm);
    if (hit != PF_NONE) {
        *out = hit;
        return PF_OK;
    }
    if (nm.id == 0)
        nm.id = p->next_mapping_id;
    PF_TRY(pf__mapping_append(p, out, &nm));
    p->sets_valid = true;
    return pf__idxset_insert(&p->mapping_set, h, *out);
}

int pf_profile_add_function(uint32_t *out, pf_profile *p, const char *name,
                            const char *system_name, const char *filename,
                            int64_t start_line)
{
    pf_function f = { 0, NULL, NULL, NULL, start_line };
    uint64_t h;
    uint32_t hit;

    *out = PF_NONE;
    PF_TRY(intern_into(p, &f.name, name));
    PF_TRY(intern_into(p, &f.system_name, system_name));
    PF_TRY(intern_into(p, &f.filename, filename));
    if (!p->sets_valid)
        PF_TRY(build_sets(p));
    h = pf__function_hash(&f);
    hit = pf__idxset_find(&p->function_set, h, pf__function_eq, p, &f);
    if (hit != PF_NONE) {
        *out = hit;
        return PF_OK;
    }
    f.id = p->next_function_id;
    PF_TRY(pf__function_append(p, out, &f));
    p->sets_valid = true;
    return pf__idxset_insert(&p->function_set, h, *out);
}

int pf_profile_add_location(uint32_t *out, pf_profile *p, uint32_t mapping,
                            uint64_t address, const pf_line *lines,
                            size_t nline, bool is_folded)
{
    lockey k = { mapping, address, lines, nline, is_folded };
    uint64_t h;
    uint32_t hit;
    size_t i;

    *out = PF_NONE;
    if (mapping != PF_NONE && mapping >= p->nmappings)
        return pf__error_set(PF_EINVAL, "location: no mapping %u", mapping);
    for (i = 0; i < nline; i++) {
        if (lines[i].function >= p->nfunctions)
            return pf__error_set(PF_EINVAL, "location: line %zu: no function %u",
                                 i, lines[i].function);
    }
    if (!p->sets_valid)
        PF_TRY(build_sets(p));
    h = location_hash(&k);
    hit = pf__idxset_find(&p->location_set, h, location_eq, p, &k);
    if (hit != PF_NONE) {
        *out = hit;
        return PF_OK;
    }
    PF_TRY(pf__location_append(p, out, p->next_location_id, mapping, address,
                               lines, nline, is_folded));
    p->sets_valid = true;
    return pf__idxset_insert(&p->location_set, h, *out);
}

int pf_profile_add_sample(pf_profile *p, const uint32_t *locs, size_t nloc,
                          const int64_t *values, const pf_label *labels,
                          size_t nlabel)
{
    pf_label small[16], *lab = small;
    size_t i;
    int err = PF_OK;

    for (i = 0; i < nloc; i++) {
        if (locs[i] >= p->nlocations)
            return pf__error_set(PF_EINVAL, "sample: frame %zu: no location %u",
                                 i, locs[i]);
    }
    if (p->nsample_types == 0)
        return pf__error_set(PF_EINVAL, "sample: the profile has no sample types");
    if (nlabel > sizeof(small) / sizeof(small[0])) {
        lab = pf__malloc(nlabel * sizeof(*lab));
        PF_CHECK_ALLOC(lab);
    }
    for (i = 0; i < nlabel; i++) {
        lab[i].num = labels[i].num;
        if ((err = intern_into(p, &lab[i].key, labels[i].key)) < 0 ||
            (err = intern_into(p, &lab[i].str, labels[i].str)) < 0 ||
            (err = intern_into(p, &lab[i].unit, labels[i].unit)) < 0)
            goto done;
    }
    err = pf__sample_append(p, locs, nloc, values, lab, nlabel);
done:
    if (lab != small)
        pf__free(lab);
    return err;
}

/* ------------------------------------------------------------------ */
/* Read access                                                         */

size_t pf_profile_sample_type_count(const pf_profile *p) { return p->nsample_types; }
const pf_value_type *pf_profile_sample_types(const pf_profile *p) { return p->sample_types; }
pf_value_type pf_profile_period_type(const pf_profile *p) { return p->period_type; }
int64_t pf_profile_period(const pf_profile *p) { return p->period; }
int64_t pf_profile_time(const pf_profile *p) { return p->time_nanos; }
int64_t pf_profile_duration(const pf_profile *p) { return p->duration_nanos; }
const char *pf_profile_default_sample_type(const pf_profile *p) { return p->default_sample_type; }
const char *pf_profile_drop_frames(const pf_profile *p) { return p->drop_frames; }
const char *pf_profile_keep_frames(const pf_profile *p) { return p->keep_frames; }
const char *pf_profile_doc_url(const pf_profile *p) { return p->doc_url; }
size_t pf_profile_comment_count(const pf_profile *p) { return p->ncomments; }

const char *pf_profile_comment(const pf_profile *p, size_t i)
{
    return i < p->ncomments ? p->comments[i] : NULL;
}

size_t pf_profile_mapping_count(const pf_profile *p) { return p->nmappings; }
size_t pf_profile_function_count(const pf_profile *p) { return p->nfunctions; }
size_t pf_profile_location_count(const pf_profile *p) { return p->nlocations; }
size_t pf_profile_sample_count(const pf_profile *p) { return p->nsamples; }

const pf_mapping *pf_profile_mapping(const pf_profile *p, uint32_t i)
{
    return i < p->nmappings ? &p->mappings[i] : NULL;
}

const pf_function *pf_profile_function(const pf_profile *p, uint32_t i)
{
    return i < p->nfunctions ? &p->functions[i] : NULL;
}

const pf_location *pf_profile_location(const pf_profile *p, uint32_t i)
{
    return i < p->nlocations ? &p->locations[i] : NULL;
}

const pf_line *pf_location_lines(const pf_profile *p, const pf_location *loc)
{
    return pf__loc_lines(p, loc);
}

const uint32_t *pf_sample_locations(const pf_profile *p, size_t i,
                                    size_t *nloc)
{
    if (i >= p->nsamples) {
        *nloc = 0;
        return NULL;
    }
    *nloc = p->samples[i].nloc;
    return pf__sample_locs(p, &p->samples[i]);
}

const int64_t *pf_sample_values(const pf_profile *p, size_t i)
{
    return i < p->nsamples ? pf__sample_vals(p, i) : NULL;
}

const pf_label *pf_sample_labels(const pf_profile *p, size_t i,
                                 size_t *nlabel)
{
    if (i >= p->nsamples) {
        *nlabel = 0;
        return NULL;
    }
    *nlabel = p->samples[i].nlabel;
    return pf__sample_labels(p, &p->samples[i]);
}

int pf_profile_default_index(const pf_profile *p)
{
    size_t i;

    if (p->nsample_types == 0)
        return -1;
    if (p->default_sample_type[0]) {
        for (i = 0; i < p->nsample_types; i++) {
            if (strcmp(p->sample_types[i].type, p->default_sample_type) == 0)
                return (int)i;
        }
    }
    return (int)p->nsample_types - 1;
}

int pf_profile_sample_index(int *out, const pf_profile *p, const char *name)
{
    const char *noinuse;
    char *end;
    long v;
    size_t i;

    *out = 0;
    if (!name || !*name) {
        int d = pf_profile_default_index(p);
        if (d < 0)
            return pf__error_set(PF_ENOTFOUND, "profile has no sample types");
        *out = d;
        return PF_OK;
    }
    errno = 0;
    v = strtol(name, &end, 10);
    if (*end == '\0' && errno == 0) {
        if (v < 0 || (size_t)v >= p->nsample_types)
            return pf__error_set(PF_ENOTFOUND,
                                 "sample_index %s is outside the range [0..%zd]",
                                 name, (ssize_t)p->nsample_types - 1);
        *out = (int)v;
        return PF_OK;
    }
    noinuse = strncmp(name, "inuse_", 6) == 0 ? name + 6 : name;
    for (i = 0; i < p->nsample_types; i++) {
        if (strcmp(p->sample_types[i].type, name) == 0 ||
            strcmp(p->sample_types[i].type, noinuse) == 0) {
            *out = (int)i;
            return PF_OK;
        }
    }
    {
        char list[160];
        size_t len = 0;
        list[0] = '\0';
        for (i = 0; i < p->nsample_types && len < sizeof(list); i++)
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                                    i ? " " : "", p->sample_types[i].type);
        return pf__error_set(PF_ENOTFOUND,
                             "sample_index \"%s\" must be one of: [%s]", name,
                             list);
    }
}

int64_t pf_profile_total(const pf_profile *p, size_t idx)
{
    int64_t t = 0;
    size_t i, nv = p->nsample_types;

    if (idx >= nv)
        return 0;
    for (i = 0; i < p->nsamples; i++)
        t += p->values[i * nv + idx];
    return t;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

static int check_ids(const char *what, size_t n, const void *base,
                     size_t stride)
{
    pf_u64map seen;
    size_t i;
    int err = PF_OK, r;

    pf__u64map_init(&seen);
    for (i = 0; i < n; i++) {
        uint64_t id;
        memcpy(&id, (const char *)base + i * stride, sizeof(id));
        if (id == 0) {
            err = pf__error_set(PF_EFORMAT, "%s %zu has id 0", what, i);
            break;
        }
        r = pf__u64map_put(&seen, id, (uint32_t)i);
        if (r < 0) {
            err = r;
            break;
        }
        if (r == 1) {
            err = pf__error_set(PF_EFORMAT, "duplicate %s id %llu", what,
                                (unsigned long long)id);
            break;
        }
    }
    pf__u64map_release(&seen);
    return err;
}

int pf_profile_check(const pf_profile *p)
{
    size_t i, j;

    if (p->nsamples && p->nsample_types == 0)
        return pf__error_set(PF_EFORMAT, "missing sample type information");
    PF_TRY(check_ids("mapping", p->nmappings, p->mappings, sizeof(pf_mapping)));
    PF_TRY(check_ids("function", p->nfunctions, p->functions,
                     sizeof(pf_function)));
    PF_TRY(check_ids("location", p->nlocations, p->locations,
                     sizeof(pf_location)));
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        const pf_line *ln = pf__loc_lines(p, l);
        if (l->mapping != PF_NONE && l->mapping >= p->nmappings)
            return pf__error_set(PF_EFORMAT, "location id %llu: bad mapping",
                                 (unsigned long long)l->id);
        for (j = 0; j < l->nline; j++) {
            if (ln[j].function >= p->nfunctions)
                return pf__error_set(PF_EFORMAT,
                                     "location id %llu: line %zu: bad function",
                                     (unsigned long long)l->id, j);
        }
    }
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const uint32_t *locs = pf__sample_locs(p, s);
        for (j = 0; j < s->nloc; j++) {
            if (locs[j] >= p->nlocations)
                return pf__error_set(PF_EFORMAT, "sample %zu: bad location", i);
        }
    }
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Clone                                                               */

#define DUP_VEC(dst, src, n)                                               \
    do {                                                                   \
        if ((n) > 0) {                                                     \
            size_t cap_ = 0;                                               \
            PF_TRY_GOTO(PF_VEC_RESERVE((dst), cap_, (n)));                 \
            memcpy((dst), (src), (n) * sizeof(*(dst)));                    \
        }                                                                  \
    } while (0)
#define PF_TRY_GOTO(expr)                                                  \
    do {                                                                   \
        if ((err = (expr)) < 0)                                            \
            goto done;                                                     \
    } while (0)

int pf_profile_clone(pf_profile **out, const pf_profile *src)
{
    pf_profile *p = pf_profile_new();
    size_t i;
    int err = PF_OK;

    *out = NULL;
    if (!p)
        return PF_ENOMEM;
    /* Intern in the same order, so indices (and thus encodes) match. */
    for (i = 1; i < src->strtab.n; i++) {
        if (!pf__reintern(p, src->strtab.strs[i])) {
            err = PF_ENOMEM;
            goto done;
        }
    }
#define S(x) (p->strtab.strs[pf__stridx(x)])
    DUP_VEC(p->sample_types, src->sample_types, src->nsample_types);
    p->nsample_types = p->sample_types_cap = src->nsample_types;
    for (i = 0; i < p->nsample_types; i++) {
        p->sample_types[i].type = S(src->sample_types[i].type);
        p->sample_types[i].unit = S(src->sample_types[i].unit);
    }
    p->period_type.type = S(src->period_type.type);
    p->period_type.unit = S(src->period_type.unit);
    p->period = src->period;
    p->time_nanos = src->time_nanos;
    p->duration_nanos = src->duration_nanos;
    p->drop_frames = S(src->drop_frames);
    p->keep_frames = S(src->keep_frames);
    p->default_sample_type = S(src->default_sample_type);
    p->doc_url = S(src->doc_url);
    DUP_VEC(p->comments, src->comments, src->ncomments);
    p->ncomments = p->comments_cap = src->ncomments;
    for (i = 0; i < p->ncomments; i++)
        p->comments[i] = S(src->comments[i]);
    DUP_VEC(p->mappings, src->mappings, src->nmappings);
    p->nmappings = p->mappings_cap = src->nmappings;
    for (i = 0; i < p->nmappings; i++) {
        p->mappings[i].file = S(src->mappings[i].file);
        p->mappings[i].build_id = S(src->mappings[i].build_id);
    }
    DUP_VEC(p->functions, src->functions, src->nfunctions);
    p->nfunctions = p->functions_cap = src->nfunctions;
    for (i = 0; i < p->nfunctions; i++) {
        p->functions[i].name = S(src->functions[i].name);
        p->functions[i].system_name = S(src->functions[i].system_name);
        p->functions[i].filename = S(src->functions[i].filename);
    }
    DUP_VEC(p->locations, src->locations, src->nlocations);
    p->nlocations = p->locations_cap = src->nlocations;
    DUP_VEC(p->lines, src->lines, src->nlines);
    p->nlines = p->lines_cap = src->nlines;
    DUP_VEC(p->samples, src->samples, src->nsamples);
    p->nsamples = p->samples_cap = src->nsamples;
    DUP_VEC(p->values, src->values, src->nsamples * src->nsample_types);
    p->values_cap = src->nsamples * src->nsample_types;
    DUP_VEC(p->stack, src->stack, src->nstack);
    p->nstack = p->stack_cap = src->nstack;
    DUP_VEC(p->labels, src->labels, src->nlabels);
    p->nlabels = p->labels_cap = src->nlabels;
    for (i = 0; i < p->nlabels; i++) {
        p->labels[i].key = S(src->labels[i].key);
        p->labels[i].str = S(src->labels[i].str);
        p->labels[i].unit = S(src->labels[i].unit);
    }
#undef S
    p->next_mapping_id = src->next_mapping_id;
    p->next_function_id = src->next_function_id;
    p->next_location_id = src->next_location_id;
    *out = p;
    p = NULL;
done:
    pf_profile_free(p);
    return err;
}
