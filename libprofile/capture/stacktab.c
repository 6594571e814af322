/*
 * The pre-allocated stack table the SIGPROF handler aggregates into.
 *
 * Open addressing over a power-of-two array. A slot goes EMPTY -> BUSY
 * (claimed by one compare-and-swap: the per-slot try-lock) -> FULL, and
 * its key (stack, labels) never changes after that, so matching a FULL
 * slot and adding to its counters needs no lock. A handler that finds a
 * slot BUSY (another thread is filling it) or no free slot within the
 * probe limit counts a drop and returns: it never spins or waits. The
 * control path reads the table only after quiescing the handlers.
 */
#include "sigpath.h"

#define PROBE_LIMIT 16

static uint64_t hash_stack_sig(const uintptr_t *pcs, int n,
                               const struct pf_labelset *labels)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(uintptr_t)labels;

    for (int i = 0; i < n; i++) {
        h ^= (uint64_t)pcs[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h ^ (uint64_t)n;
}

static bool same_sig(const pf_cap_entry *e, uint64_t h, const uintptr_t *pcs,
                     int n, const struct pf_labelset *labels)
{
    if (e->hash != h || e->depth != (uint32_t)n || e->labels != labels)
        return false;
    for (int i = 0; i < n; i++)
        if (e->pcs[i] != pcs[i])
            return false;
    return true;
}

int pf__cap_stacktab_add_sig(pf_cap_stacktab *t, const uintptr_t *pcs,
                             int n, const struct pf_labelset *labels,
                             int64_t count, int64_t value)
{
    uint64_t h;

    if (!t->e)
        return -1;
    if (n > PF_CAP_MAX_DEPTH)
        n = PF_CAP_MAX_DEPTH;
    h = hash_stack_sig(pcs, n, labels);
    for (size_t i = 0; i < PROBE_LIMIT; i++) {
        size_t at = (h + i) & t->mask;
        pf_cap_entry *e = &t->e[at];
        uint32_t st = atomic_load_explicit(&e->state, memory_order_acquire);

        if (st == PF_CAP_SLOT_EMPTY) {
            uint32_t expect = PF_CAP_SLOT_EMPTY;
            if (atomic_compare_exchange_strong_explicit(
                    &e->state, &expect, PF_CAP_SLOT_BUSY,
                    memory_order_acquire, memory_order_acquire)) {
                e->hash = h;
                e->depth = (uint32_t)n;
                e->labels = labels;
                for (int k = 0; k < n; k++)
                    e->pcs[k] = pcs[k];
                atomic_store_explicit(&e->count, count, memory_order_relaxed);
                atomic_store_explicit(&e->value, value, memory_order_relaxed);
                atomic_store_explicit(&e->state, PF_CAP_SLOT_FULL,
                                      memory_order_release);
                return (int)at;
            }
            st = expect;
        }
        if (st == PF_CAP_SLOT_BUSY) {
            atomic_fetch_add_explicit(&t->drop_busy, count,
                                      memory_order_relaxed);
            atomic_fetch_add_explicit(&t->drop_value, value,
                                      memory_order_relaxed);
            return -1;
        }
        if (same_sig(e, h, pcs, n, labels)) {
            atomic_fetch_add_explicit(&e->count, count, memory_order_relaxed);
            atomic_fetch_add_explicit(&e->value, value, memory_order_relaxed);
            return (int)at;
        }
    }
    atomic_fetch_add_explicit(&t->drop_full, count, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->drop_value, value, memory_order_relaxed);
    return -1;
}
