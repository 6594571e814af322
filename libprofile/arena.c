/*
 * Allocation: the malloc wrappers every module uses (so tests can inject
 * failures), geometric vectors, and the bump arena that holds a
 * profile's strings and records. With -DPF_DEBUG_ARENA every arena
 * allocation is a separate malloc, so ASan sees overruns.
 */
#include "internal.h"

#include <stdlib.h>

static unsigned long fail_countdown;

void pf__alloc_fail_after(unsigned long n)
{
    fail_countdown = n;
}

static bool should_fail(void)
{
    if (fail_countdown == 0)
        return false;
    return --fail_countdown == 0;
}

void *pf__malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *pf__calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *pf__realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void pf__free(void *p)
{
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
