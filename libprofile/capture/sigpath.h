/*
 * Shared by the signal path (sig.c, stacktab.c, unwind.c) and the
 * control path. Never includes profile.h: the signal-path files may only
 * call *_sig functions and the allow-list of check-sigsafe (write,
 * clock_gettime, __errno_location, memcpy, atomics).
 */
#ifndef LIBPROFILE_CAPTURE_SIGPATH_H
#define LIBPROFILE_CAPTURE_SIGPATH_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PF_CAP_MAX_DEPTH 64

#define PF_CAP_TLS __attribute__((tls_model("initial-exec")))

/* ------------------------------------------------------------------ */
/* Per-thread state read by handlers (defined in sig.c) */

struct pf_labelset;

typedef struct pf_cap_tls {
    uintptr_t stack_lo, stack_hi;  /* this thread's stack, 0 = unknown */
    const struct pf_labelset *labels;
    int in_hook;                   /* inside an interposed call */
    int quiet;                     /* a thread the library created: its
                                      allocations and locks are not
                                      the program's (control.c) */
    int tid;                       /* kernel thread id, 0 = unknown */
} pf_cap_tls;

extern __thread pf_cap_tls pf__cap_tls_sigvar PF_CAP_TLS;

/* Readable ranges of memory at the last start, sorted by start, used to
 * bound the frame walk of threads whose stack is unknown. */
typedef struct pf_cap_range {
    uintptr_t lo, hi;
    uintptr_t exec;                /* mapped r-x: code, stays mapped */
} pf_cap_range;
typedef struct pf_cap_ranges {
    size_t n;
    pf_cap_range r[];
} pf_cap_ranges;
extern const pf_cap_ranges *_Atomic pf__cap_ranges_sigvar;
/* Non-zero while a dlclose is under way (cfi.c): code mappings of the
 * snapshot may be going away, so no code bytes are read. */
extern _Atomic int pf__cap_dlclosing_sigvar;

/* ------------------------------------------------------------------ */
/* Unwinding (unwind.c) */

/* Walk the frame-pointer chain of the context UC (a ucontext_t *):
 * PCS[0] = interrupted PC, then return addresses. Returns the depth. */
int pf__cap_unwind_uc_sig(const void *uc, uintptr_t *pcs, int max);
/* For thread dumps, where the thread usually sits in a libc call
 * without frame pointers: scan the stack from SP for return addresses
 * (words just after a call instruction) until one sits in a frame
 * record whose chain can be followed. May report stale addresses. */
int pf__cap_unwind_scan_sig(const void *uc, uintptr_t *pcs, int max);
/* Walk from frame pointer FP (normal context or signal): return
 * addresses only, skipping the first SKIP. SP bounds the walk below. */
int pf__cap_unwind_fp_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs,
                          int max, int skip);

/* Pieces of the frame-pointer walker (unwind.c) the DWARF unwinder
 * falls back on. */
uintptr_t pf__cap_stack_hi_sig(uintptr_t sp);
bool pf__cap_leaf_ret_sig(uintptr_t pc, uintptr_t sp, uintptr_t top,
                          uintptr_t *ret);
int pf__cap_walk_fp_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs, int n,
                        int max, int skip, uintptr_t dup);

/* ------------------------------------------------------------------ */
/* DWARF CFI unwinding (unwind_dwarf.c; tables built by cfi.c) */

/* How the caller's registers are found at an address. Compiled from
 * the module's CFI rows: CFA = (RSP or RBP) + cfa; return address at
 * CFA-8; caller's RBP at CFA+rbp (rbp == 0: unchanged). */
enum {
    PF_CAP_CFI_NONE = 0,   /* no usable rule: fall back to frame pointers */
    PF_CAP_CFI_RSP,        /* CFA = rsp + cfa */
    PF_CAP_CFI_RBP,        /* CFA = rbp + cfa */
    PF_CAP_CFI_PLT,        /* PLT entry: rsp + cfa, +8 if (pc & 15) >= 11 */
    PF_CAP_CFI_SIGFRAME,   /* signal trampoline: ucontext_t at rsp */
    PF_CAP_CFI_END         /* return address undefined: outermost frame */
};

typedef struct pf_cap_cfirow {
    uint32_t lo;           /* first address, relative to the module bias */
    int32_t cfa;
    uint8_t kind;
    uint8_t pad;           /* PF_CAP_CFI_PLT: the (pc & 15) threshold */
    int16_t rbp;
} pf_cap_cfirow;

typedef struct pf_cap_cfimod {
    uintptr_t lo, hi;      /* executable range at run time */
    uintptr_t bias;        /* run-time address - file address */
    size_t n;
    const pf_cap_cfirow *rows;     /* sorted by lo; a row lasts until the
                                      next one, the last until hi */
} pf_cap_cfimod;

typedef struct pf_cap_cfiset {
    size_t n;
    const pf_cap_cfimod *m[];      /* sorted by lo, disjoint */
} pf_cap_cfiset;

/* The published table set (NULL: none, frame pointers only) and the
 * two reader counts a retiring writer waits on (cfi.c). */
extern const pf_cap_cfiset *_Atomic pf__cap_cfi_sigvar;
extern _Atomic long pf__cap_cfi_readers_sigvar[2];
extern _Atomic int pf__cap_cfi_epoch_sigvar;

/* Unwinding method: PF_CAP_UNWIND_DWARF (default) or PF_CAP_UNWIND_FP. */
enum { PF_CAP_UNWIND_DWARF = 0, PF_CAP_UNWIND_FP = 1 };
extern _Atomic int pf__cap_unwind_method_sigvar;

/* Unwind from registers PC, SP, FP with the tables (falling back to
 * frame pointers where they have no rule). PCS[0] = PC (exact), then
 * return addresses. The first SKIP_TO_CFA frames are dropped until the
 * frame whose CFA equals SKIP_TO_CFA has been left (0: keep all). */
int pf__cap_unwind_regs_sig(uintptr_t pc, uintptr_t sp, uintptr_t fp,
                            uintptr_t *pcs, int max, uintptr_t skip_to_cfa);
/* The same from the caller's own context, returning the return addresses
 * above the frame whose frame pointer is FP (a function built with frame
 * pointers: its CFA is FP + 16), skipping SKIP more. With the FP method
 * or without tables: the frame-pointer walk from FP, bounded below by SP.
 * Returns -1 from pf__cap_unwind_regs_sig if that frame was not met. */
int pf__cap_unwind_here_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs,
                            int max, int skip);

/* ------------------------------------------------------------------ */
/* Stack table (stacktab.c): fixed-size open addressing, lock-free */

enum { PF_CAP_SLOT_EMPTY = 0, PF_CAP_SLOT_BUSY = 1, PF_CAP_SLOT_FULL = 2 };

typedef struct pf_cap_entry {
    _Atomic uint32_t state;
    uint32_t depth;
    uint64_t hash;
    const struct pf_labelset *labels;
    _Atomic int64_t count;
    _Atomic int64_t value;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
} pf_cap_entry;

typedef struct pf_cap_stacktab {
    pf_cap_entry *e;
    size_t mask;                   /* capacity - 1, power of two */
    _Atomic int64_t drop_busy;     /* dropped: slot being filled */
    _Atomic int64_t drop_full;     /* dropped: no free slot in reach */
    _Atomic int64_t drop_value;    /* value of the dropped samples */
} pf_cap_stacktab;

/* Add (COUNT, VALUE) to the entry of (PCS[0..N), LABELS). Never blocks:
 * counts a drop when the slot is being written by another handler or
 * the probe sequence is full. Returns the entry's index, -1 if dropped. */
int pf__cap_stacktab_add_sig(pf_cap_stacktab *t, const uintptr_t *pcs,
                              int n, const struct pf_labelset *labels,
                              int64_t count, int64_t value);

/* ------------------------------------------------------------------ */
/* Signal handlers (sig.c) */

/* Per-thread CPU timer slot; the timer's sigev_value points at it. */
typedef struct pf_cap_tslot {
    _Atomic int tid;               /* 0 = free */
    int armed;
    timer_t timer;
    _Atomic int64_t last_ns;       /* thread CPU clock at the last sample */
    uint32_t gen;
} pf_cap_tslot;

#define PF_CAP_MAX_TSLOTS 4096
extern pf_cap_tslot pf__cap_tslots_sigvar[PF_CAP_MAX_TSLOTS];

extern _Atomic int pf__cap_enabled_sigvar;
extern pf_cap_stacktab pf__cap_cpu_tab_sigvar;

void pf__cap_prof_handler_sig(int sig, siginfo_t *si, void *uc);

/* Thread-dump request: every signalled thread writes its stack into the
 * next free record and increments done. */
typedef struct pf_cap_dumprec {
    int tid;
    int depth;
    const struct pf_labelset *labels;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
} pf_cap_dumprec;
typedef struct pf_cap_dump {
    pf_cap_dumprec *rec;
    int cap;
    _Atomic int next;
    _Atomic int done;
} pf_cap_dump;
extern pf_cap_dump *_Atomic pf__cap_dump_sigvar;
void pf__cap_dump_handler_sig(int sig, siginfo_t *si, void *uc);

/* ------------------------------------------------------------------ */
/* Timeline of CPU samples (sigtrace.c): a pre-allocated ring the SIGPROF
 * handler appends to while a traced CPU profile runs. */
typedef struct pf_cap_tev {
    _Atomic int64_t ts;            /* CLOCK_MONOTONIC ns; 0 = not written */
    int64_t cpu;                   /* thread CPU ns since its last sample */
    int32_t tid;
    int32_t entry;                 /* stack table index, -1 = dropped */
} pf_cap_tev;
typedef struct pf_cap_tring {
    pf_cap_tev *ev;
    uint64_t mask;                 /* capacity - 1, power of two */
    _Atomic uint64_t next;         /* events ever claimed */
} pf_cap_tring;
extern pf_cap_tring *_Atomic pf__cap_trace_sigvar;
/* Append one sample (oldest overwritten when the ring is full). */
void pf__cap_trace_add_sig(int tid, int entry, int64_t cpu_ns);

/* ------------------------------------------------------------------ */
/* In-handler markers (sigmark.c)
 *
 * Before freeing memory a handler may read (the sample table, a mapping
 * snapshot, a thread dump), the control path waits until no handler is
 * running. A handler counts itself in its thread's marker (claimed in
 * normal context, pf__cap_mark_claim in control.c), or in the shared
 * counter when its thread has none. A thread that leaves a handler
 * without returning (pthread_exit or a longjmp from a handler of the
 * program that interrupted ours) leaves its count behind: its exit path
 * clears its marker, and a waiter ignores the markers of threads that
 * no longer exist; what is left is bounded by a timeout
 * (pf__cap_handlers_wait). */
typedef struct pf_cap_mark {
    _Atomic int tid;               /* owner, 0 = free, -1 = being reset */
    _Atomic int depth;             /* handlers of the owner in flight */
} pf_cap_mark;

#define PF_CAP_MAX_MARKS 8192
extern pf_cap_mark pf__cap_marks_sigvar[PF_CAP_MAX_MARKS];
/* This thread's marker: index + 1, 0 = none. */
extern __thread int pf__cap_mark_sigvar PF_CAP_TLS;
/* Handlers in flight on threads without a marker. */
extern _Atomic int pf__cap_in_handler_sigvar;

/* Count a handler in (returns a token for leave) and out. */
int pf__cap_handler_enter_sig(void);
void pf__cap_handler_leave_sig(int token);

#endif
