/*
 * Hashing and the two hash tables the model uses: an index set (entries
 * live in an external array; the table holds their indices) and a
 * uint64 -> uint32 map for profile.proto ids. Both are open addressing
 * with linear probing and a load factor of at most 1/2.
 */
#include "internal.h"

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t pf__hash_bytes(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);

    while (len >= 8) {
        h = (h ^ load64(p)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t t = 0;
        memcpy(&t, p, len);
        h = (h ^ t) * 0x94d049bb133111ebull;
        h ^= h >> 29;
    }
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

void pf__idxset_init(pf_idxset *s)
{
    memset(s, 0, sizeof(*s));
}

void pf__idxset_release(pf_idxset *s)
{
    pf__free(s->slot);
    pf__free(s->hash);
    pf__idxset_init(s);
}

uint32_t pf__idxset_find(const pf_idxset *s, uint64_t h, pf_idx_eq eq,
                         const void *ctx, const void *key)
{
    size_t mask, i;
    uint32_t h32 = (uint32_t)h;

    if (s->cap == 0)
        return PF_NONE;
    mask = s->cap - 1;
    for (i = (size_t)h & mask; s->slot[i]; i = (i + 1) & mask) {
        if (s->hash[i] == h32 && eq(ctx, s->slot[i] - 1, key))
            return s->slot[i] - 1;
    }
    return PF_NONE;
}

static void idxset_put(pf_idxset *s, uint32_t h32, uint32_t slotval,
                       size_t hfull)
{
    size_t mask = s->cap - 1, i;

    for (i = hfull & mask; s->slot[i]; i = (i + 1) & mask)
        ;
    s->slot[i] = slotval;
    s->hash[i] = h32;
}

static int idxset_grow(pf_idxset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64, i;
    pf_idxset n;

    n.slot = pf__calloc(ncap, sizeof(*n.slot));
    n.hash = pf__malloc(ncap * sizeof(*n.hash));
    if (!n.slot || !n.hash) {
        pf__free(n.slot);
        pf__free(n.hash);
        return pf__error_oom();
    }
    n.cap = ncap;
    n.len = s->len;
    /* The stored hash is only 32 bits; probing starts from it, which
     * is fine because lookups use the same truncated start. */
    for (i = 0; i < s->cap; i++) {
        if (s->slot[i])
            idxset_put(&n, s->hash[i], s->slot[i], s->hash[i]);
    }
    pf__free(s->slot);
    pf__free(s->hash);
    *s = n;
    return PF_OK;
}

int pf__idxset_insert(pf_idxset *s, uint64_t h, uint32_t idx)
{
    if ((s->len + 1) * 2 > s->cap)
        PF_TRY(idxset_grow(s));
    idxset_put(s, (uint32_t)h, idx + 1, (uint32_t)h);
    s->len++;
    return PF_OK;
}

void pf__u64map_init(pf_u64map *m)
{
    memset(m, 0, sizeof(*m));
}

void pf__u64map_release(pf_u64map *m)
{
    pf__free(m->key);
    pf__free(m->val);
    pf__u64map_init(m);
}

static inline size_t u64slot(uint64_t k)
{
    return (size_t)pf__hash_mix(0, k);
}

uint32_t pf__u64map_get(const pf_u64map *m, uint64_t key)
{
    size_t mask, i;

    if (m->cap == 0)
        return PF_NONE;
    mask = m->cap - 1;
    for (i = u64slot(key) & mask; m->val[i] != PF_NONE; i = (i + 1) & mask) {
        if (m->key[i] == key)
            return m->val[i];
    }
    return PF_NONE;
}

static int u64map_grow(pf_u64map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64, i, j, mask = ncap - 1;
    uint64_t *nk = pf__malloc(ncap * sizeof(*nk));
    uint32_t *nv = pf__malloc(ncap * sizeof(*nv));

    if (!nk || !nv) {
        pf__free(nk);
        pf__free(nv);
        return pf__error_oom();
    }
    memset(nv, 0xff, ncap * sizeof(*nv));
    for (i = 0; i < m->cap; i++) {
        if (m->val[i] == PF_NONE)
            continue;
        for (j = u64slot(m->key[i]) & mask; nv[j] != PF_NONE;
             j = (j + 1) & mask)
            ;
        nk[j] = m->key[i];
        nv[j] = m->val[i];
    }
    pf__free(m->key);
    pf__free(m->val);
    m->key = nk;
    m->val = nv;
    m->cap = ncap;
    return PF_OK;
}

int pf__u64map_put(pf_u64map *m, uint64_t key, uint32_t val)
{
    size_t mask, i;

    if ((m->len + 1) * 2 > m->cap)
        PF_TRY(u64map_grow(m));
    mask = m->cap - 1;
    for (i = u64slot(key) & mask; m->val[i] != PF_NONE; i = (i + 1) & mask) {
        if (m->key[i] == key)
            return 1;
    }
    m->key[i] = key;
    m->val[i] = val;
    m->len++;
    return 0;
}
