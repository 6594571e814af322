/*
 * Signal handlers. Everything here runs in signal context: no malloc,
 * no stdio, no locks, no pf_ calls, errno preserved. `make
 * check-sigsafe` checks the undefined symbols of this object.
 */
#include <errno.h>

#include "sigpath.h"

__thread pf_cap_tls pf__cap_tls_sigvar PF_CAP_TLS;
const pf_cap_ranges *_Atomic pf__cap_ranges_sigvar;

pf_cap_tslot pf__cap_tslots_sigvar[PF_CAP_MAX_TSLOTS];
_Atomic int pf__cap_enabled_sigvar;
pf_cap_stacktab pf__cap_cpu_tab_sigvar;
pf_cap_dump *_Atomic pf__cap_dump_sigvar;

static bool our_slot_sig(const siginfo_t *si)
{
    const pf_cap_tslot *s = si->si_value.sival_ptr;

    return si->si_code == SI_TIMER && s >= pf__cap_tslots_sigvar &&
           s < pf__cap_tslots_sigvar + PF_CAP_MAX_TSLOTS;
}

/* SIGPROF from a per-thread CPU timer: charge the CPU time this thread
 * used since its previous sample to the interrupted stack. */
void pf__cap_prof_handler_sig(int sig, siginfo_t *si, void *uc)
{
    int saved = errno;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    struct timespec ts;
    int mark;

    (void)sig;
    mark = pf__cap_handler_enter_sig();
    if (atomic_load_explicit(&pf__cap_enabled_sigvar, memory_order_acquire) &&
        our_slot_sig(si) &&
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
        pf_cap_tslot *s = si->si_value.sival_ptr;
        int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        int64_t delta = now - atomic_exchange_explicit(&s->last_ns, now,
                                                      memory_order_relaxed);
        int n;

        if (delta > 0) {
            int entry;
            n = pf__cap_unwind_uc_sig(uc, pcs, PF_CAP_MAX_DEPTH);
            entry = pf__cap_stacktab_add_sig(&pf__cap_cpu_tab_sigvar, pcs, n,
                                             pf__cap_tls_sigvar.labels, 1,
                                             delta);
            pf__cap_trace_add_sig(atomic_load(&s->tid), entry, delta);
        }
    }
    pf__cap_handler_leave_sig(mark);
    errno = saved;
}

/* Thread-dump request (the "threads" profile): record this thread's
 * stack into the next record of the pending dump. */
void pf__cap_dump_handler_sig(int sig, siginfo_t *si, void *uc)
{
    int saved = errno;
    pf_cap_dump *d;
    int mark;

    (void)sig;
    (void)si;
    mark = pf__cap_handler_enter_sig();
    d = atomic_load_explicit(&pf__cap_dump_sigvar, memory_order_acquire);
    if (d) {
        int i = atomic_fetch_add(&d->next, 1);
        if (i < d->cap) {
            pf_cap_dumprec *r = &d->rec[i];
            r->depth = pf__cap_unwind_scan_sig(uc, r->pcs, PF_CAP_MAX_DEPTH);
            r->labels = pf__cap_tls_sigvar.labels;
            r->tid = pf__cap_tls_sigvar.tid;
        }
        atomic_fetch_add_explicit(&d->done, 1, memory_order_release);
    }
    pf__cap_handler_leave_sig(mark);
    errno = saved;
}
