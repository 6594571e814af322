/*
 * What the two perf readers (legacy_perf.c for `perf script` text,
 * perf_data.c for perf.data files) share: the sample types, named as
 * the pprof project's perf_data_converter names them, and the
 * aggregation of identical stacks of one command and process into one
 * sample, so memory follows the number of distinct stacks rather than
 * the number of perf samples.
 */
#include "legacy.h"

#include <string.h>

typedef struct pf_perfagg_ent {
    size_t off, n;          /* in stk */
    int64_t pid;
    const char *comm;       /* interned in the profile */
} pf_perfagg_ent;

void pf__perfagg_init(pf_perfagg *a, size_t nevents)
{
    memset(a, 0, sizeof(*a));
    a->nevents = nevents;
    pf__idxset_init(&a->set);
}

void pf__perfagg_release(pf_perfagg *a)
{
    pf__free(a->stk);
    pf__free(a->ents);
    pf__free(a->vals);
    pf__idxset_release(&a->set);
    memset(a, 0, sizeof(*a));
}

int pf__perfagg_push(pf_perfagg *a, uint32_t loc)
{
    PF_TRY(PF_VEC_RESERVE(a->stk, a->stk_cap, a->nstk + 1));
    a->stk[a->nstk++] = loc;
    return PF_OK;
}

typedef struct agg_key {
    const uint32_t *stk;
    size_t n;
    int64_t pid;
    const char *comm;
} agg_key;

static bool agg_eq(const void *ctx, uint32_t idx, const void *key)
{
    const pf_perfagg *a = ctx;
    const agg_key *k = key;
    const pf_perfagg_ent *e = &a->ents[idx];

    return e->n == k->n && e->pid == k->pid && e->comm == k->comm &&
           memcmp(a->stk + e->off, k->stk, k->n * sizeof(*k->stk)) == 0;
}

int pf__perfagg_end(pf_perfagg *a, int64_t pid, const char *comm, size_t ev,
                    int64_t period)
{
    agg_key k;
    uint64_t h;
    uint32_t hit;
    int64_t *v, c, s;
    size_t nv = 2 * a->nevents;

    k.stk = a->stk ? a->stk + a->cur_off : NULL;   /* none yet: empty */
    k.n = a->nstk - a->cur_off;
    k.pid = pid;
    k.comm = comm;
    h = pf__hash_bytes(k.stk, k.n * sizeof(*k.stk), 0x9e3779b97f4a7c15u);
    h = pf__hash_mix(pf__hash_mix(h, (uint64_t)pid),
                     (uint64_t)(uintptr_t)comm);
    hit = pf__idxset_find(&a->set, h, agg_eq, a, &k);
    if (hit != PF_NONE) {
        a->nstk = a->cur_off;       /* that stack is stored already */
    } else {
        PF_TRY(PF_VEC_RESERVE(a->ents, a->ents_cap, a->nents + 1));
        PF_TRY(PF_VEC_RESERVE(a->vals, a->vals_cap, (a->nents + 1) * nv));
        hit = (uint32_t)a->nents;
        a->ents[hit].off = a->cur_off;
        a->ents[hit].n = k.n;
        a->ents[hit].pid = pid;
        a->ents[hit].comm = comm;
        memset(a->vals + a->nents * nv, 0, nv * sizeof(*a->vals));
        a->nents++;
        PF_TRY(pf__idxset_insert(&a->set, h, hit));
        a->cur_off = a->nstk;
    }
    v = a->vals + (size_t)hit * nv + 2 * ev;
    if (__builtin_add_overflow(v[0], 1, &c) ||
        __builtin_add_overflow(v[1], period, &s))
        return 1;
    v[0] = c;
    v[1] = s;
    return PF_OK;
}

int pf__perfagg_finish(pf_perfagg *a, pf_profile *p)
{
    size_t i;

    for (i = 0; i < a->nents; i++) {
        const pf_perfagg_ent *e = &a->ents[i];
        pf_label lb[2];
        size_t nl = 0;
        /* no label for an empty command name: profile.proto cannot
         * carry a string label whose value is "" (docs/FORMATS.md 1.7) */
        if (e->comm && *e->comm) {
            lb[nl].key = "comm";
            lb[nl].str = e->comm;
            lb[nl].num = 0;
            lb[nl].unit = NULL;
            nl++;
        }
        /* the unit pprof would infer anyway, given so that pid 0 (the
         * idle task) survives profile.proto, which drops a 0 without one */
        lb[nl].key = "pid";
        lb[nl].str = NULL;
        lb[nl].num = e->pid;
        lb[nl].unit = "pid";
        nl++;
        PF_TRY(pf_profile_add_sample(p, e->n ? a->stk + e->off : NULL, e->n,
                                     a->vals + i * 2 * a->nevents, lb, nl));
    }
    return PF_OK;
}

int pf__perf_sample_types(pf_profile *p, const char *const *names,
                          const size_t *lens, size_t n)
{
    size_t i;
    char name[300];

    for (i = 0; i < n; i++) {
        const char *ev = names[i];
        size_t el = lens[i];
        bool clock = (el == 9 && memcmp(ev, "cpu-clock", 9) == 0) ||
                     (el == 10 && memcmp(ev, "task-clock", 10) == 0);
        const char *unit = clock ? "nanoseconds" : "count";
        if (el > 200)
            return pf__error_set(PF_EFORMAT, "event name longer than 200 "
                                 "bytes");
        snprintf(name, sizeof(name), "%.*s_sample", (int)el, ev);
        PF_TRY(pf_profile_add_sample_type(p, name, "count"));
        snprintf(name, sizeof(name), "%.*s_event", (int)el, ev);
        PF_TRY(pf_profile_add_sample_type(p, name, unit));
        if (i == 0)
            PF_TRY(pf_profile_set_period_type(p, name, unit));
    }
    return n ? pf_profile_set_default_sample_type(p, name) : PF_OK;
}

int pf__perf_main_first(pf_profile *p, uint32_t main_i)
{
    size_t i, k, nm = p->nmappings;
    uint32_t *perm = NULL;
    pf_mapping *tmp = NULL;
    int err = PF_OK;

    if (main_i != PF_NONE && main_i != 0) {
        /* Move it to the front; fix the locations' mapping indices. */
        perm = pf__malloc(nm * sizeof(*perm));
        tmp = pf__malloc(nm * sizeof(*tmp));
        if (!perm || !tmp) {
            err = pf__error_oom();
            goto done;
        }
        for (i = 0, k = 1; i < nm; i++)
            perm[i] = i == main_i ? 0 : (uint32_t)k++;
        for (i = 0; i < nm; i++)
            tmp[perm[i]] = p->mappings[i];
        memcpy(p->mappings, tmp, nm * sizeof(*tmp));
        for (i = 0; i < p->nlocations; i++)
            if (p->locations[i].mapping != PF_NONE)
                p->locations[i].mapping = perm[p->locations[i].mapping];
    }
    for (i = 0; i < nm; i++)
        p->mappings[i].id = i + 1;
    pf__profile_invalidate_sets(p);
done:
    pf__free(perm);
    pf__free(tmp);
    return err;
}
