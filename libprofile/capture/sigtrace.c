/*
 * The timeline ring (sigpath.h): signal context, checked by `make
 * check-sigsafe`. One atomic increment claims a slot; the time is
 * stored last, so the reader (after the handlers are quiesced) skips a
 * slot whose writer never finished.
 */
#include <time.h>

#include "sigpath.h"

pf_cap_tring *_Atomic pf__cap_trace_sigvar;

void pf__cap_trace_add_sig(int tid, int entry, int64_t cpu_ns)
{
    pf_cap_tring *r = atomic_load_explicit(&pf__cap_trace_sigvar,
                                           memory_order_acquire);
    struct timespec ts;
    pf_cap_tev *e;

    if (!r || clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return;
    e = &r->ev[atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed) &
               r->mask];
    atomic_store_explicit(&e->ts, 0, memory_order_relaxed);
    e->cpu = cpu_ns;
    e->tid = tid;
    e->entry = entry;
    atomic_store_explicit(&e->ts, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec,
                          memory_order_release);
}
