/*
 * Private to the capture module (normal context): shared state and
 * helpers of control.c, labels.c, registry.c, build.c, mallocwrap.c,
 * contention.c, preload.c.
 */
#ifndef LIBPROFILE_CAPTURE_CAPINT_H
#define LIBPROFILE_CAPTURE_CAPINT_H

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "capture.h"
#include "sigpath.h"

/* For functions called by the interposers (mallocwrap.c, contention.c),
 * which are built without sanitizer instrumentation: under TSan they run
 * inside the runtime's own thread setup (pthread_getattr_np allocates
 * before the thread's TSan state exists), where an instrumented
 * function's entry hook crashes. GCC's attribute removes the whole TSan
 * pass from the function (entry/exit hooks included). */
#if defined(__SANITIZE_THREAD__)
#define PF_CAP_NO_TSAN __attribute__((no_sanitize_thread))
#else
#define PF_CAP_NO_TSAN
#endif

/* A small futex lock: the library's own locks never go through the
 * interposed pthread_mutex_* (no self-profiling, no recursion). */
typedef struct pf_cap_lock {
    _Atomic int v;
} pf_cap_lock;
#define PF_CAP_LOCK_INIT { 0 }

/* Inline, so that each object gets a copy built like itself: the
 * instrumented ones show TSan the lock's acquire/release (atomics), the
 * uninstrumented interposers call no instrumented code. Their atomics
 * are invisible to TSan, so in the TSan build (mk/capture.mk defines
 * PF_CAP_TSAN_SYNC for them) they announce the same acquire and
 * release through the runtime's annotation calls, on the same address:
 * without that edge, a profile builder reading what an interposer
 * wrote under the lock is reported as a race, and the report itself
 * can deadlock the program (TSan symbolizes it under its own locks,
 * through dl_iterate_phdr, which another thread may hold while it
 * waits for those locks). The calls wait for our constructor
 * (pf__cap_ready): the runtime, initialised before any constructor,
 * must not be called while it initialises itself (its dlsym calls
 * allocate through us), and only one thread runs until then. */
#ifdef PF_CAP_TSAN_SYNC
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern _Atomic int pf__cap_ready;
#define PF_CAP_TSAN_ACQUIRE(l)                                          \
    (atomic_load_explicit(&pf__cap_ready, memory_order_relaxed)         \
         ? __tsan_acquire((void *)&(l)->v) : (void)0)
#define PF_CAP_TSAN_RELEASE(l)                                          \
    (atomic_load_explicit(&pf__cap_ready, memory_order_relaxed)         \
         ? __tsan_release((void *)&(l)->v) : (void)0)
#else
#define PF_CAP_TSAN_ACQUIRE(l) ((void)(l))
#define PF_CAP_TSAN_RELEASE(l) ((void)(l))
#endif

/* errno is kept: these run inside the malloc, free and pthread
 * interposers, whose callers (a signal handler among them) may rely on
 * errno surviving a successful call, and FUTEX_WAIT fails with EAGAIN
 * whenever the lock changed before the wait. */
static inline void pf__cap_lock(pf_cap_lock *l)
{
    int c = 0, saved;

    if (atomic_compare_exchange_strong(&l->v, &c, 1)) {
        PF_CAP_TSAN_ACQUIRE(l);
        return;
    }
    saved = errno;
    if (c != 2)
        c = atomic_exchange(&l->v, 2);
    while (c != 0) {
        syscall(SYS_futex, &l->v, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
        c = atomic_exchange(&l->v, 2);
    }
    errno = saved;
    PF_CAP_TSAN_ACQUIRE(l);
}

static inline void pf__cap_unlock(pf_cap_lock *l)
{
    PF_CAP_TSAN_RELEASE(l);
    if (atomic_exchange(&l->v, 0) == 2) {
        int saved = errno;
        syscall(SYS_futex, &l->v, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        errno = saved;
    }
}

/* In a forked child: unlock L and tell whether it was held at the fork
 * (by a thread the child does not have: whatever L guards may be in
 * the middle of an update). A lock that was free guards consistent
 * state: the unlocking store is ordered after the critical section's
 * stores. */
static inline bool pf__cap_lock_reset(pf_cap_lock *l)
{
    return atomic_exchange(&l->v, 0) != 0;
}

/* Set up this thread's entry of pf__cap_tls_sigvar (stack bounds, tid)
 * if not done yet. */
void pf__cap_thread_init_self(void);
/* Current thread's stack (return addresses, ret values as on the
 * stack), starting SKIP frames above the caller of this function. */
int pf__cap_stack_here(uintptr_t *pcs, int max, int skip)
    __attribute__((noinline));
/* The same from a given frame pointer (e.g. an interposer's own frame,
 * __builtin_frame_address(0)): first entry = its return address. */
int pf__cap_stack_from(uintptr_t fp, uintptr_t *pcs, int max) PF_CAP_NO_TSAN;

/* Block the program's asynchronous signals in the calling thread, OLD
 * gets the previous mask: threads the library starts inherit it, so
 * the program's handlers never run on them (in LD_PRELOAD mode the
 * program does not know they exist). SIGPROF (CPU samples), the
 * real-time signals (the threads profile's stack requests) and the
 * synchronous faults stay deliverable. */
void pf__cap_block_async_signals(sigset_t *old);

/* Signal-handler quiescence (quiesce.c; markers: sigpath.h). */
/* Give this thread (TID) an in-handler marker, if any is free. */
void pf__cap_mark_claim(int tid);
/* Clear and free this thread's marker (its exit path). */
void pf__cap_mark_release(void);
/* Forked child: only this thread (now TID) exists. */
void pf__cap_marks_fork_child(int tid);
/* Wait until no handler is in flight, at most PF_CAP_QUIESCE_NS
 * (markers of exited threads do not count): true if none is. Frees
 * what was retired before it, when true. */
bool pf__cap_handlers_wait(void);
/* Free P once no handler can be reading it: now if the wait succeeds,
 * else at a later successful wait. */
void pf__cap_handlers_retire(void *p);
/* The sa_mask of our handlers: every signal but the synchronous faults,
 * the C library's internal ones (glibc's SIGCANCEL) included, so that
 * neither a cancellation nor a handler of the program runs on top of
 * ours (a cancellation would unwind through it, never counted out). */
void pf__cap_handler_mask(sigset_t *set);

/* Timeline of a traced CPU profile (trace.c); callers hold the CPU
 * control lock. Begin allocates and publishes the ring; end unpublishes
 * and retires it. */
int pf__cap_trace_begin(void);
void pf__cap_trace_end(void);
/* The calling thread (TID) exits: keep its name for the timeline. */
void pf__cap_trace_thread_exit(int tid);
/* After the handlers are quiesced: the timeline as Chrome Trace Event
 * JSON to W. P = the CPU profile built from the table, ENTRY_SAMPLE[i]
 * = P's sample of table entry i (PF_NONE: none) for NENTRIES entries;
 * START_MONO = CLOCK_MONOTONIC ns at start; PERIOD = sampling period. */
int pf__cap_trace_write(pf_writer w, const pf_profile *p,
                        const uint32_t *entry_sample, size_t nentries,
                        int64_t start_mono, int64_t period);

/* Refresh the snapshot of readable ranges (for the unwinder), and the
 * unwind tables if the loaded modules changed. */
int pf__cap_ranges_refresh(void);

/* Unwind tables (cfi.c): build or update them for the modules loaded
 * now (a no-op when nothing changed or the method is fp); the poll
 * thread that picks up dlopen'ed modules while the CPU profiler runs;
 * the forked child's reset. */
int pf__cap_cfi_refresh(void);
void pf__cap_cfi_poll_start(void);
void pf__cap_cfi_poll_stop(void);
void pf__cap_cfi_fork_child(void);

/* Scoped guard against re-entry from interposed functions. */
static inline int pf__cap_hook_enter(void)
{
    return pf__cap_tls_sigvar.in_hook++;
}
static inline void pf__cap_hook_leave(void)
{
    pf__cap_tls_sigvar.in_hook--;
}

/* ------------------------------------------------------------------ */
/* Building profiles (build.c) */

typedef struct pf_cap_map {
    uint64_t start, limit;
    uint32_t idx;                   /* mapping index in the profile */
} pf_cap_map;

typedef struct pf_cap_builder {
    pf_profile *p;
    pf_cap_map *maps;
    size_t nmaps;
    pf_u64map locs;                 /* address -> location index */
    uint32_t *tmp;
    size_t tmp_cap;
} pf_cap_builder;

/* A new profile P with the current process mappings (executable lines
 * of /proc/self/maps with GNU build ids). */
int pf__cap_builder_init(pf_cap_builder *b);
void pf__cap_builder_release(pf_cap_builder *b);
/* Index in B's profile of the mapping holding address A, or PF_NONE. */
uint32_t pf__cap_builder_find_map(const pf_cap_builder *b, uint64_t a);
/* Append a sample for stack PCS (leaf first, raw: a leaf PC when
 * LEAF_EXACT, otherwise all return addresses, stored as ret-1). */
int pf__cap_builder_sample(pf_cap_builder *b, const uintptr_t *pcs, int n,
                           bool leaf_exact, const int64_t *values,
                           const pf_labelset *labels);
/* Sample with one synthetic frame named FN (lost samples and the like). */
int pf__cap_builder_synthetic(pf_cap_builder *b, const char *fn,
                              const int64_t *values);
/* The same with one numeric label KEY=NUM (no unit) when NUM != 0. */
int pf__cap_builder_sample_num(pf_cap_builder *b, const uintptr_t *pcs,
                               int n, const int64_t *values, const char *key,
                               int64_t num);
/* Symbolize (when the symbolizer is available) and hand over. */
int pf__cap_builder_finish(pf_cap_builder *b, pf_profile **out);

/* Per location of P (*OUT, pf__malloc'd): its address minus the start
 * of the function symbol holding it, PF__NO_OFFSET if unknown. */
int pf__cap_func_offsets(const pf_profile *p, uint64_t **out);

/* Hex GNU build id of the ELF file PATH into BUF ("" if none). */
void pf__cap_build_id(const char *path, char *buf, size_t size);

/* A count profile NAME/count (threads, threadcreate, custom) from raw
 * stacks: identical (stack, labels) grouped, groups by count
 * descending. Sorts S. */
typedef struct pf_cap_cstack {
    const uintptr_t *pcs;
    int depth;
    const pf_labelset *labels;
} pf_cap_cstack;
int pf__cap_count_profile(pf_profile **out, const char *name,
                          pf_cap_cstack *s, size_t n, bool leaf_exact);

/* ------------------------------------------------------------------ */
/* Threads (control.c) */

/* Thread-creation stacks for "threadcreate" and the live thread list. */
int pf__cap_threadcreate_build(pf_profile **out);
size_t pf__cap_threadcreate_count(void);
/* Stacks of all live threads; DEBUG2 selects the crash-dump text. */
int pf__cap_threads_build(pf_profile **out);
size_t pf__cap_threads_count(void);
int pf__cap_threads_write_dump(pf_writer w);

/* Heap (mallocwrap.c) */
int pf__cap_heap_build(pf_profile **out, bool allocs);
size_t pf__cap_heap_count(void);

/* fork(). Nothing is held across a fork: a lock taken in a prepare
 * handler inverts the lock order against other runtimes (ASan's and
 * TSan's prepare handlers lock their allocator and thread registry,
 * while their own threads allocate under those locks and reach our
 * malloc interposer). Instead each module repairs itself in the child:
 * a lock found held belonged to a thread that does not exist there, so
 * the lock is reset and the state it guarded, possibly half updated,
 * is dropped (see pf__cap_lock_reset). Called from preload.c. */
void pf__cap_heap_fork_child(void);
void pf__cap_contention_fork_child(void);
void pf__cap_labels_fork_child(void);
void pf__cap_registry_fork_child(void);
void pf__cap_threads_fork_child(void);
void pf__cap_ranges_fork_child(void);
void pf__cap_http_fork_child(void);

/* Contention (contention.c) */
int pf__cap_contention_build(pf_profile **out, bool mutex);
size_t pf__cap_contention_count(bool mutex);

/* Labels (labels.c) */
size_t pf__cap_labels_to_pf(const pf_labelset *ls, pf_label *out,
                            size_t max);

#endif
