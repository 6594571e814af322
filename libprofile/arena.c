/*
 * Allocation: the malloc wrappers every module uses (so tests can inject
 * failures), geometric vectors, and the bump arena that holds a
 * profile's strings and records. With -DPF_DEBUG_ARENA every arena
 * allocation is a separate malloc, so ASan sees overruns.
 */
#include "internal.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>

static unsigned long fail_countdown;

void pf__alloc_fail_after(unsigned long n)
{
    fail_countdown = n;
}

#ifdef PF_TORTURE
/* Torture build (make check-oom, tests/torture/): PF_TORTURE_FAIL_AT=N
 * fails the Nth allocation of the process, counted across threads, and
 * PF_TORTURE_COUNT_FD=FD gets the number of allocations made, written
 * at exit, so that a sweep knows where to stop. Never compiled into the
 * normal library. */
#include <stdio.h>
#include <unistd.h>

static _Atomic unsigned long torture_count;
static unsigned long torture_fail_at;

__attribute__((constructor)) static void torture_init(void)
{
    const char *s = getenv("PF_TORTURE_FAIL_AT");

    torture_fail_at = s ? strtoul(s, NULL, 10) : 0;
}

__attribute__((destructor)) static void torture_report(void)
{
    const char *s = getenv("PF_TORTURE_COUNT_FD");
    char line[32];
    int n;

    if (!s)
        return;
    n = snprintf(line, sizeof(line), "%lu\n", atomic_load(&torture_count));
    if (write(atoi(s), line, (size_t)n) != n)
        return;
}
#endif

static bool should_fail(void)
{
#ifdef PF_TORTURE
    if (atomic_fetch_add(&torture_count, 1) + 1 == torture_fail_at)
        return true;
#endif
    if (fail_countdown == 0)
        return false;
    return --fail_countdown == 0;
}

/* ------------------------------------------------------------------ */
/* Memory budget. While a read runs, this thread's scope is set and
 * every pf__ allocation is charged to the shared budget by its usable
 * size (malloc_usable_size, so that a free gives back exactly what its
 * allocation took). Charging happens before malloc, so a refused
 * request never touches memory. A scope gives back what it still holds
 * when it ends; frees of memory the scope did not charge (made before
 * the read) are not subtracted. */

struct pf_budget {
    _Atomic uint64_t used, peak;
    uint64_t limit;
};

static _Thread_local pf__budget_scope *cur_scope;

int pf_budget_new(pf_budget **out, uint64_t limit)
{
    pf_budget *b;

    *out = NULL;
    if (limit == 0)
        return pf__error_set(PF_EINVAL, "memory budget of 0 bytes");
    b = pf__calloc(1, sizeof(*b));
    PF_CHECK_ALLOC(b);
    atomic_init(&b->used, 0);
    atomic_init(&b->peak, 0);
    b->limit = limit;
    *out = b;
    return PF_OK;
}

void pf_budget_free(pf_budget *b)
{
    pf__free(b);
}

uint64_t pf_budget_limit(const pf_budget *b)
{
    return b->limit;
}

uint64_t pf_budget_peak(const pf_budget *b)
{
    return atomic_load(&((pf_budget *)b)->peak);
}

static bool charge(pf__budget_scope *s, size_t n, bool force)
{
    uint64_t used = atomic_fetch_add(&s->budget->used, n) + n;
    uint64_t peak = atomic_load(&s->budget->peak);

    if (!force && (used > s->budget->limit || used < n)) {
        atomic_fetch_sub(&s->budget->used, n);
        s->hit = true;
        return false;
    }
    s->charged += n;
    while (used > peak &&
           !atomic_compare_exchange_weak(&s->budget->peak, &peak, used))
        ;
    return true;
}

static void uncharge(pf__budget_scope *s, size_t n)
{
    if (n > s->charged)
        n = (size_t)s->charged;
    s->charged -= n;
    atomic_fetch_sub(&s->budget->used, n);
}

int pf__budget_enter(pf__budget_scope *s, const pf_decode_opts *opts)
{
    memset(s, 0, sizeof(*s));
    if (cur_scope || !opts || opts->version < 2)
        return PF_OK;
    if (opts->budget) {
        s->budget = opts->budget;
    } else if (opts->max_memory) {
        PF_TRY(pf_budget_new(&s->owned, opts->max_memory));
        s->budget = s->owned;
    } else {
        return PF_OK;
    }
    s->active = true;
    cur_scope = s;
    return PF_OK;
}

int pf__budget_leave(pf__budget_scope *s, int err)
{
    if (!s->active)
        return err;
    cur_scope = NULL;
    atomic_fetch_sub(&s->budget->used, s->charged);
    s->charged = 0;
    if (err < 0 && s->hit)
        err = pf__error_limit(PF_LIMIT_MEMORY,
                              "reading needs more than the memory limit of "
                              "%llu bytes",
                              (unsigned long long)s->budget->limit);
    pf_budget_free(s->owned);
    s->owned = NULL;
    s->active = false;
    return err;
}

void *pf__malloc(size_t n)
{
    pf__budget_scope *s = cur_scope;
    void *p;

    if (should_fail())
        return NULL;
    if (!s)
        return malloc(n ? n : 1);
    if (!charge(s, n, false))
        return NULL;
    p = malloc(n ? n : 1);
    if (!p)
        uncharge(s, n);
    else if (malloc_usable_size(p) > n)
        charge(s, malloc_usable_size(p) - n, true);
    return p;
}

void *pf__calloc(size_t n, size_t size)
{
    size_t bytes;
    void *p;

    if (!cur_scope)
        return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (!pf__mul_ok(n, size, &bytes))
        return NULL;
    p = pf__malloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void *pf__realloc(void *p, size_t n)
{
    pf__budget_scope *s = cur_scope;
    size_t old;
    void *q;

    if (should_fail())
        return NULL;
    if (!s)
        return realloc(p, n ? n : 1);
    old = p ? malloc_usable_size(p) : 0;
    if (!charge(s, n, false))
        return NULL;
    q = realloc(p, n ? n : 1);
    if (!q) {
        uncharge(s, n);
        return NULL;
    }
    if (malloc_usable_size(q) > n)
        charge(s, malloc_usable_size(q) - n, true);
    uncharge(s, old);
    return q;
}

void pf__free(void *p)
{
    if (p && cur_scope)
        uncharge(cur_scope, malloc_usable_size(p));
    free(p);
}

int pf__vec_reserve(void **v, size_t *cap, size_t need, size_t elem)
{
    size_t ncap, bytes;
    void *nv;

    if (need <= *cap)
        return PF_OK;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (!pf__mul_ok(ncap, 2, &ncap))
            return pf__error_set(PF_ETOOBIG, "vector size overflow");
    }
    if (!pf__mul_ok(ncap, elem, &bytes))
        return pf__error_set(PF_ETOOBIG, "vector size overflow");
    nv = pf__realloc(*v, bytes);
    PF_CHECK_ALLOC(nv);
    *v = nv;
    *cap = ncap;
    return PF_OK;
}

struct pf_arena_block {
    pf_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void pf__arena_init(pf_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
}

void *pf__arena_alloc(pf_arena *a, size_t n)
{
    pf_arena_block *b = a->head;
    size_t need = (n + 7) & ~(size_t)7;

    if (need < n)
        return NULL;
#ifdef PF_DEBUG_ARENA
    b = pf__malloc(sizeof(*b) + need);
    if (!b)
        return NULL;
    b->size = b->used = need;
    b->next = a->head;
    a->head = b;
    return b->data;
#else
    if (!b || b->size - b->used < need) {
        size_t size = a->block_size;
        if (need > size / 4) {
            /* Large request: a block of its own behind the head, so the
             * head's free space is not wasted. */
            b = pf__malloc(sizeof(*b) + need);
            if (!b)
                return NULL;
            b->size = b->used = need;
            if (a->head) {
                b->next = a->head->next;
                a->head->next = b;
            } else {
                b->next = NULL;
                a->head = b;
            }
            return b->data;
        }
        b = pf__malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        if (a->block_size < (16u << 20))
            a->block_size *= 2;
    }
    b->used += need;
    return b->data + b->used - need;
#endif
}

void pf__arena_reset(pf_arena *a)
{
    pf_arena_block *b = a->head, *next;

    if (!b)
        return;
    /* Keep the most recent (largest) block. */
    next = b->next;
    b->next = NULL;
    b->used = 0;
    while (next) {
        pf_arena_block *n = next->next;
        pf__free(next);
        next = n;
    }
#ifdef PF_DEBUG_ARENA
    pf__free(b);
    a->head = NULL;
#endif
}

void pf__arena_release(pf_arena *a)
{
    pf_arena_block *b = a->head;

    while (b) {
        pf_arena_block *n = b->next;
        pf__free(b);
        b = n;
    }
    a->head = NULL;
}
