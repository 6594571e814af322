/*
 * Per-profile string interning. Each string is stored once in the
 * profile's arena behind a pf_strhdr (length and table index), NUL
 * terminated; equal strings of one profile are the same pointer.
 */
#include "internal.h"

typedef struct strkey {
    const char *s;
    size_t len;
} strkey;

static bool str_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_strtab *t = ctx;
    const strkey *k = key;
    const char *s = t->strs[idx];

    return pf__strlen(s) == k->len && memcmp(s, k->s, k->len) == 0;
}

static const char *strtab_add(pf_profile *p, const char *s, size_t len,
                              uint64_t h)
{
    pf_strtab *t = &p->strtab;
    pf_strhdr *hdr;
    char *copy;

    if (len > UINT32_MAX - 16 || t->n >= UINT32_MAX - 1)
        return NULL;
    if (PF_VEC_RESERVE(t->strs, t->cap, t->n + 1) < 0)
        return NULL;
    hdr = pf__arena_alloc(&p->arena, sizeof(*hdr) + len + 1);
    if (!hdr)
        return NULL;
    hdr->len = (uint32_t)len;
    hdr->idx = (uint32_t)t->n;
    copy = (char *)(hdr + 1);
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    if (pf__idxset_insert(&t->set, h, (uint32_t)t->n) < 0)
        return NULL;
    t->strs[t->n++] = copy;
    return copy;
}

const char *pf_profile_intern_len(pf_profile *p, const char *s, size_t len)
{
    strkey k = { s, len };
    uint64_t h = pf__hash_bytes(s, len, 0);
    uint32_t hit = pf__idxset_find(&p->strtab.set, h, str_eq, &p->strtab, &k);
    const char *r;

    if (hit != PF_NONE)
        return p->strtab.strs[hit];
    r = strtab_add(p, s, len, h);
    if (!r)
        pf__error_oom();
    return r;
}

const char *pf_profile_intern(pf_profile *p, const char *s)
{
    return pf_profile_intern_len(p, s ? s : "", s ? strlen(s) : 0);
}

const char *pf__reintern(pf_profile *dst, const char *s)
{
    return pf_profile_intern_len(dst, s, pf__strlen(s));
}
