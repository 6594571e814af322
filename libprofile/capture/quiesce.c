/*
 * Waiting for signal handlers to be out of memory that is about to be
 * freed (normal context). See the markers in sigpath.h.
 *
 * No wait here depends on something a dead or cancelled thread was
 * supposed to do:
 * - the handlers block every asynchronous signal, the C library's
 *   internal ones (glibc's SIGCANCEL) included, so an asynchronous
 *   cancellation, or a deferred one of a thread blocked in a
 *   cancellation point, waits until the handler has returned instead
 *   of unwinding through it, and no handler of the program runs on
 *   top of ours;
 * - a thread that still leaves a handler without returning (exit from
 *   a fault handler of the program nested in ours) has its marker cleared
 *   by its exit path (pf__cap_mark_release, from the thread-exit key
 *   destructor), and a waiter resets the markers of threads that no
 *   longer exist (tgkill with signal 0: ESRCH);
 * - what remains (a longjmp out of a nested handler, or a handler of
 *   a thread without a marker that never came back) is bounded by
 *   PF_CAP_QUIESCE_NS: memory is then not freed but retired, and freed
 *   at the first later wait that sees no handler at all.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"

#define PF_CAP_QUIESCE_NS 1000000000
#define RETIRED_MAX 64

static _Atomic int g_marks_hi;      /* markers [0, hi) were ever claimed */
static pf_cap_lock g_retired_lock = PF_CAP_LOCK_INIT;
static void *g_retired[RETIRED_MAX];
static size_t g_nretired;

static bool thread_gone(int tid)
{
    int saved = errno;
    bool gone = syscall(SYS_tgkill, getpid(), tid, 0) != 0 && errno == ESRCH;

    errno = saved;
    return gone;
}

/* Free marker I if its owner TID is gone (the CAS makes sure no other
 * waiter and no new owner got there first). */
static void reset_if_gone(int i, int tid)
{
    pf_cap_mark *m = &pf__cap_marks_sigvar[i];

    if (tid <= 0 || !thread_gone(tid) ||
        !atomic_compare_exchange_strong(&m->tid, &tid, -1))
        return;
    atomic_store(&m->depth, 0);
    atomic_store(&m->tid, 0);
}

static int claim_from(int tid, int from, int to)
{
    for (int i = from; i < to; i++) {
        int z = 0;
        if (atomic_load_explicit(&pf__cap_marks_sigvar[i].tid,
                                 memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong(&pf__cap_marks_sigvar[i].tid, &z,
                                           tid)) {
            int hi = atomic_load(&g_marks_hi);
            while (hi < i + 1 &&
                   !atomic_compare_exchange_weak(&g_marks_hi, &hi, i + 1))
                ;
            return i + 1;
        }
    }
    return 0;
}

void pf__cap_mark_claim(int tid)
{
    int m;

    if (pf__cap_mark_sigvar || tid <= 0)
        return;
    /* Freed markers are reused first, so the waiters' scan stays as
     * short as the most threads alive at once. When all are taken,
     * reclaim those of threads that exited without their exit path
     * (not created through our pthread_create), then give up: the
     * thread counts in the shared counter. */
    m = claim_from(tid, 0, PF_CAP_MAX_MARKS);
    if (!m) {
        for (int i = 0; i < PF_CAP_MAX_MARKS; i++)
            reset_if_gone(i, atomic_load(&pf__cap_marks_sigvar[i].tid));
        m = claim_from(tid, 0, PF_CAP_MAX_MARKS);
    }
    pf__cap_mark_sigvar = m;
}

void pf__cap_mark_release(void)
{
    int m = pf__cap_mark_sigvar;

    if (!m)
        return;
    /* handlers from here on count in the shared counter */
    pf__cap_mark_sigvar = 0;
    atomic_store(&pf__cap_marks_sigvar[m - 1].depth, 0);
    atomic_store(&pf__cap_marks_sigvar[m - 1].tid, 0);
}

void pf__cap_marks_fork_child(int tid)
{
    int own = pf__cap_mark_sigvar, hi = atomic_load(&g_marks_hi);

    atomic_store(&pf__cap_in_handler_sigvar, 0);
    for (int i = 0; i < hi; i++) {
        atomic_store(&pf__cap_marks_sigvar[i].depth, 0);
        atomic_store(&pf__cap_marks_sigvar[i].tid, i + 1 == own ? tid : 0);
    }
    /* the child has one thread: no handler can be running elsewhere,
     * and whatever was retired is not in use */
    pf__cap_lock_reset(&g_retired_lock);
    g_nretired = 0;
}

/* One pass: true if no handler is in flight. */
static bool handlers_idle(void)
{
    int hi = atomic_load(&g_marks_hi), own = pf__cap_mark_sigvar;
    bool idle = atomic_load(&pf__cap_in_handler_sigvar) == 0;

    for (int i = 0; i < hi; i++) {
        pf_cap_mark *m = &pf__cap_marks_sigvar[i];
        /* our own count can only be a leftover: we are not in a
         * handler while we wait */
        if (i + 1 == own || atomic_load(&m->depth) == 0)
            continue;
        reset_if_gone(i, atomic_load(&m->tid));
        if (atomic_load(&m->depth) != 0)
            idle = false;
    }
    return idle;
}

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

bool pf__cap_handlers_wait(void)
{
    struct timespec pause = { 0, 200000 };
    int64_t deadline = mono_ns() + PF_CAP_QUIESCE_NS;
    void *old[RETIRED_MAX];
    size_t n = 0;

    for (;;) {
        if (handlers_idle())
            break;
        if (mono_ns() >= deadline)
            return false;
        nanosleep(&pause, NULL);
    }
    /* Everything retired before this pass is out of every handler. */
    pf__cap_lock(&g_retired_lock);
    n = g_nretired;
    memcpy(old, g_retired, n * sizeof(*old));
    g_nretired = 0;
    pf__cap_unlock(&g_retired_lock);
    for (size_t i = 0; i < n; i++)
        pf__free(old[i]);
    return true;
}

void pf__cap_handlers_retire(void *p)
{
    if (!p)
        return;
    if (pf__cap_handlers_wait()) {
        pf__free(p);
        return;
    }
    pf__cap_lock(&g_retired_lock);
    /* a full list keeps the rest for good: a leak, never a crash */
    if (g_nretired < RETIRED_MAX)
        g_retired[g_nretired++] = p;
    pf__cap_unlock(&g_retired_lock);
}

void pf__cap_handler_mask(sigset_t *set)
{
    static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
                                  SIGSYS, SIGABRT };
    unsigned long *w = (unsigned long *)(void *)set;
    const int bits = 8 * (int)sizeof(*w);

    /* Every asynchronous signal waits the few microseconds our handler
     * runs: no handler of the program runs on top of ours (its stacks
     * would show our frames, and it could leave ours by longjmp or
     * pthread_exit). Faults stay open: blocked, they would kill the
     * process. sigfillset leaves out glibc's own real-time signals,
     * from 32 to SIGRTMIN - 1 (SIGCANCEL is 32), and sigaddset refuses
     * them; the kernel's sigset is a bit array: set their bits
     * directly. */
    sigfillset(set);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(set, faults[i]);
    for (int s = 32; s < SIGRTMIN; s++)
        w[(s - 1) / bits] |= 1ul << ((s - 1) % bits);
}
