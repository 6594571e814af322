/*
 * The profiles registry (runtime/pprof's Lookup/NewProfile/Profiles):
 * the predefined profiles and custom ones, which record a value with the
 * stack that added it.
 */
#include <stdlib.h>

#include "capint.h"


enum kind {
    K_ALLOCS, K_BLOCK, K_HEAP, K_MUTEX, K_THREADCREATE, K_THREADS, K_CUSTOM
};

typedef struct centry {
    const void *value;
    int depth;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
} centry;

struct pf_capture_profile {
    char *name;
    enum kind kind;
    struct pf_capture_profile *next;    /* custom profiles */
    pf_cap_lock lock;
    centry *e;
    size_t n, cap;
    pf_u64map index;                    /* value -> entry index */
};

static pf_capture_profile g_predef[] = {
    { (char *)"allocs", K_ALLOCS, NULL, PF_CAP_LOCK_INIT, NULL, 0, 0,
      { NULL, NULL, 0, 0 } },
    { (char *)"block", K_BLOCK, NULL, PF_CAP_LOCK_INIT, NULL, 0, 0,
      { NULL, NULL, 0, 0 } },
    { (char *)"heap", K_HEAP, NULL, PF_CAP_LOCK_INIT, NULL, 0, 0,
      { NULL, NULL, 0, 0 } },
    { (char *)"mutex", K_MUTEX, NULL, PF_CAP_LOCK_INIT, NULL, 0, 0,
      { NULL, NULL, 0, 0 } },
    { (char *)"threadcreate", K_THREADCREATE, NULL, PF_CAP_LOCK_INIT, NULL,
      0, 0, { NULL, NULL, 0, 0 } },
    { (char *)"threads", K_THREADS, NULL, PF_CAP_LOCK_INIT, NULL, 0, 0,
      { NULL, NULL, 0, 0 } },
};
#define NPREDEF (sizeof(g_predef) / sizeof(g_predef[0]))

static pf_cap_lock g_reg_lock = PF_CAP_LOCK_INIT;
static pf_capture_profile *g_custom;
static size_t g_ncustom;

static pf_capture_profile *find(const char *name)
{
    for (size_t i = 0; i < NPREDEF; i++)
        if (strcmp(g_predef[i].name, name) == 0)
            return &g_predef[i];
    for (pf_capture_profile *p = g_custom; p; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

pf_capture_profile *pf_capture_lookup(const char *name)
{
    pf_capture_profile *p;

    if (!name)
        return NULL;
    pf__cap_lock(&g_reg_lock);
    p = find(name);
    pf__cap_unlock(&g_reg_lock);
    return p;
}

int pf_capture_profile_new(pf_capture_profile **out, const char *name)
{
    pf_capture_profile *p;
    int err = PF_OK;

    *out = NULL;
    if (!name || !*name)
        return pf__error_set(PF_EINVAL, "profile name is empty");
    pf__cap_lock(&g_reg_lock);
    if (find(name)) {
        err = pf__error_set(PF_EINVAL, "profile '%s' already exists", name);
        goto done;
    }
    p = pf__calloc(1, sizeof(*p));
    if (!p || !(p->name = pf__malloc(strlen(name) + 1))) {
        pf__free(p);
        err = pf__error_oom();
        goto done;
    }
    strcpy(p->name, name);
    p->kind = K_CUSTOM;
    pf__u64map_init(&p->index);
    p->next = g_custom;
    /* one publishing store keeps the list whole at any instant (fork) */
    __atomic_store_n(&g_custom, p, __ATOMIC_RELEASE);
    g_ncustom++;
    *out = p;
done:
    pf__cap_unlock(&g_reg_lock);
    return err;
}

static int cmp_prof(const void *a, const void *b)
{
    return strcmp((*(pf_capture_profile *const *)a)->name,
                  (*(pf_capture_profile *const *)b)->name);
}

size_t pf_capture_profiles(pf_capture_profile **out, size_t cap)
{
    pf_capture_profile **all;
    size_t n, k = 0;

    pf__cap_lock(&g_reg_lock);
    n = NPREDEF + g_ncustom;
    all = pf__malloc(n * sizeof(*all));
    if (all) {
        for (size_t i = 0; i < NPREDEF; i++)
            all[k++] = &g_predef[i];
        for (pf_capture_profile *p = g_custom; p; p = p->next)
            all[k++] = p;
        qsort(all, n, sizeof(*all), cmp_prof);
        for (size_t i = 0; i < n && i < cap; i++)
            out[i] = all[i];
        pf__free(all);
    } else {
        n = 0;
    }
    pf__cap_unlock(&g_reg_lock);
    return n;
}

const char *pf_capture_profile_name(const pf_capture_profile *p)
{
    return p ? p->name : "";
}

size_t pf_capture_profile_count(pf_capture_profile *p)
{
    size_t n;

    if (!p)
        return 0;
    switch (p->kind) {
    case K_ALLOCS:
    case K_HEAP:
        return pf__cap_heap_count();
    case K_BLOCK:
        return pf__cap_contention_count(false);
    case K_MUTEX:
        return pf__cap_contention_count(true);
    case K_THREADCREATE:
        return pf__cap_threadcreate_count();
    case K_THREADS:
        return pf__cap_threads_count();
    case K_CUSTOM:
        break;
    }
    pf__cap_lock(&p->lock);
    n = p->n;
    pf__cap_unlock(&p->lock);
    return n;
}

__attribute__((noinline))
int pf_capture_profile_add(pf_capture_profile *p, const void *value, int skip)
{
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    int n, err = PF_OK;

    if (!p || p->kind != K_CUSTOM)
        return pf__error_set(PF_EINVAL, "profile '%s' is not a custom "
                             "profile", p ? p->name : "(null)");
    if (skip < 0)
        skip = 0;
    pf__cap_thread_init_self();
    n = pf__cap_stack_from((uintptr_t)__builtin_frame_address(0), pcs,
                           PF_CAP_MAX_DEPTH);
    if (skip >= n)
        skip = n;
    pf__cap_lock(&p->lock);
    if (pf__u64map_get(&p->index, (uint64_t)(uintptr_t)value) != PF_NONE) {
        err = pf__error_set(PF_EINVAL, "profile '%s': value already added",
                            p->name);
        goto done;
    }
    if (PF_VEC_RESERVE(p->e, p->cap, p->n + 1) < 0) {
        err = pf__error_oom();
        goto done;
    }
    p->e[p->n].value = value;
    p->e[p->n].depth = n - skip;
    memcpy(p->e[p->n].pcs, pcs + skip, (size_t)(n - skip) * sizeof(*pcs));
    if (pf__u64map_put(&p->index, (uint64_t)(uintptr_t)value,
                       (uint32_t)p->n) < 0) {
        err = pf__error_oom();
        goto done;
    }
    p->n++;
done:
    pf__cap_unlock(&p->lock);
    return err;
}

/* pf_u64map has no delete: rebuild it after a removal (removals are
 * rare next to adds, and the profile is small). */
static int reindex(pf_capture_profile *p)
{
    pf__u64map_release(&p->index);
    pf__u64map_init(&p->index);
    for (size_t i = 0; i < p->n; i++)
        if (pf__u64map_put(&p->index, (uint64_t)(uintptr_t)p->e[i].value,
                           (uint32_t)i) < 0)
            return pf__error_oom();
    return PF_OK;
}

void pf_capture_profile_remove(pf_capture_profile *p, const void *value)
{
    uint32_t i;

    if (!p || p->kind != K_CUSTOM)
        return;
    pf__cap_lock(&p->lock);
    i = pf__u64map_get(&p->index, (uint64_t)(uintptr_t)value);
    if (i != PF_NONE) {
        p->e[i] = p->e[p->n - 1];
        p->n--;
        reindex(p);
    }
    pf__cap_unlock(&p->lock);
}

typedef pf_cap_cstack cstack;

static int custom_build(pf_capture_profile *p, pf_profile **out)
{
    cstack *s = NULL;
    int err;

    pf__cap_lock(&p->lock);
    if (p->n && !(s = pf__calloc(p->n, sizeof(*s)))) {
        pf__cap_unlock(&p->lock);
        return pf__error_oom();
    }
    for (size_t i = 0; i < p->n; i++) {
        s[i].pcs = p->e[i].pcs;
        s[i].depth = p->e[i].depth;
    }
    err = pf__cap_count_profile(out, p->name, s, p->n, false);
    pf__cap_unlock(&p->lock);
    pf__free(s);
    return err;
}

static int build(pf_capture_profile *p, pf_profile **out)
{
    *out = NULL;
    if (!p)
        return pf__error_set(PF_EINVAL, "no profile");
    switch (p->kind) {
    case K_ALLOCS:
        return pf__cap_heap_build(out, true);
    case K_HEAP:
        return pf__cap_heap_build(out, false);
    case K_BLOCK:
        return pf__cap_contention_build(out, false);
    case K_MUTEX:
        return pf__cap_contention_build(out, true);
    case K_THREADCREATE:
        return pf__cap_threadcreate_build(out);
    case K_THREADS:
        return pf__cap_threads_build(out);
    case K_CUSTOM:
        break;
    }
    return custom_build(p, out);
}

/* The building's own allocations and locks are not the program's (the
 * profile handed out is: it is the caller's to free). */
int pf_capture_profile_build(pf_capture_profile *p, pf_profile **out)
{
    int err;

    pf__cap_tls_sigvar.in_hook++;
    err = build(p, out);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

int pf_capture_profile_write(pf_capture_profile *p, pf_writer w, int debug)
{
    pf_profile *prof = NULL;
    uint64_t *offsets = NULL;
    int err;

    if (!p)
        return pf__error_set(PF_EINVAL, "no profile");
    /* The writer's own allocations and locks are not the program's:
     * keep them out of the heap and contention profiles. */
    pf__cap_tls_sigvar.in_hook++;
    if (debug >= 2 && p->kind == K_THREADS) {
        err = pf__cap_threads_write_dump(w);
        goto done;
    }
    if ((err = pf_capture_profile_build(p, &prof)) < 0)
        goto done;
    if (debug == 0) {
        err = pf_profile_encode(prof, w, NULL);
    } else {
        /* what the proto does not say: function offsets, which
         * contention profile this is, the mutex sampling fraction */
        pf__debug1_opts o = { NULL, PF__D1_GUESS, 1 };
        if ((err = pf__cap_func_offsets(prof, &offsets)) < 0)
            goto done;
        o.func_offset = offsets;
        if (p->kind == K_MUTEX) {
            o.contention = PF__D1_MUTEX;
            o.mutex_period = pf_capture_set_mutex_fraction(-1);
        } else if (p->kind == K_BLOCK) {
            o.contention = PF__D1_BLOCK;
        }
        err = pf__profile_write_debug1(prof, w, &o);
    }
done:
    pf__free(offsets);
    pf_profile_free(prof);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

/* Forked child (capint.h). The list of custom profiles is always whole
 * (one publishing store), only its count may lag; a custom profile
 * whose lock was held may be half updated and starts empty. */
void pf__cap_registry_fork_child(void)
{
    if (pf__cap_lock_reset(&g_reg_lock)) {
        g_ncustom = 0;
        for (pf_capture_profile *p = g_custom; p; p = p->next)
            g_ncustom++;
    }
    for (size_t i = 0; i < NPREDEF; i++)
        pf__cap_lock_reset(&g_predef[i].lock);
    for (pf_capture_profile *p = g_custom; p; p = p->next)
        if (pf__cap_lock_reset(&p->lock)) {
            p->e = NULL;
            p->n = p->cap = 0;
            pf__u64map_init(&p->index);
        }
}
