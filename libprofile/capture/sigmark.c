/*
 * In-handler markers (sigpath.h): signal context, checked by `make
 * check-sigsafe`. One atomic increment on entry and one decrement on
 * exit; the marker is read once at entry, so a handler that interrupts
 * its thread while the marker is being claimed or released counts
 * where it started.
 */
#include "sigpath.h"

pf_cap_mark pf__cap_marks_sigvar[PF_CAP_MAX_MARKS];
__thread int pf__cap_mark_sigvar PF_CAP_TLS;
_Atomic int pf__cap_in_handler_sigvar;

int pf__cap_handler_enter_sig(void)
{
    int m = pf__cap_mark_sigvar;

    if (m > 0)
        atomic_fetch_add(&pf__cap_marks_sigvar[m - 1].depth, 1);
    else
        atomic_fetch_add(&pf__cap_in_handler_sigvar, 1);
    return m;
}

void pf__cap_handler_leave_sig(int token)
{
    if (token > 0)
        atomic_fetch_sub(&pf__cap_marks_sigvar[token - 1].depth, 1);
    else
        atomic_fetch_sub(&pf__cap_in_handler_sigvar, 1);
}
