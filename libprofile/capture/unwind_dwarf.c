/*
 * DWARF CFI unwinding, safe in a signal handler: no allocation, no
 * locks, no library calls. cfi.c compiles every loaded module's call
 * frame information into sorted rows (address -> how to find the
 * caller's CFA, return address and %rbp) before anything unwinds; here
 * each frame is two binary searches and a few bounded loads. Where no
 * row applies (a module without CFI, a rule the tables cannot express)
 * one frame-pointer step is taken instead and the tables are tried
 * again on the next frame.
 *
 * Every load from the stack is checked against the thread's stack
 * ([sp, stack top), as the frame walker does), so a wrong rule or a
 * corrupt stack ends the walk instead of faulting.
 *
 * Table sets are retired by cfi.c while handlers may run: a reader
 * counts itself in one of two epochs before it loads the set pointer,
 * and a writer that swapped the pointer flips the epoch and waits for
 * the old epoch's count to drain before it frees the old set.
 */
#include <stddef.h>
#include <ucontext.h>

#include "sigpath.h"

const pf_cap_cfiset *_Atomic pf__cap_cfi_sigvar;
_Atomic long pf__cap_cfi_readers_sigvar[2];
_Atomic int pf__cap_cfi_epoch_sigvar;
_Atomic int pf__cap_unwind_method_sigvar;
_Atomic int pf__cap_dlclosing_sigvar;

static const pf_cap_cfiset *enter_sig(int *slot)
{
    for (int tries = 0; tries < 2; tries++) {
        int e = atomic_load(&pf__cap_cfi_epoch_sigvar) & 1;

        atomic_fetch_add(&pf__cap_cfi_readers_sigvar[e], 1);
        if ((atomic_load(&pf__cap_cfi_epoch_sigvar) & 1) == e) {
            *slot = e;
            return atomic_load(&pf__cap_cfi_sigvar);
        }
        atomic_fetch_sub(&pf__cap_cfi_readers_sigvar[e], 1);
    }
    *slot = -1;
    return NULL;
}

static void leave_sig(int slot)
{
    if (slot >= 0)
        atomic_fetch_sub(&pf__cap_cfi_readers_sigvar[slot], 1);
}

/* The row that applies at address A, NULL if no module covers it. */
static const pf_cap_cfirow *find_row_sig(const pf_cap_cfiset *set,
                                         uintptr_t a)
{
    const pf_cap_cfimod *m;
    size_t lo = 0, hi = set->n;
    uintptr_t rel;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a < set->m[mid]->lo)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo == 0)
        return NULL;
    m = set->m[lo - 1];
    if (a >= m->hi || a < m->bias)
        return NULL;
    rel = a - m->bias;
    if (rel > UINT32_MAX)
        return NULL;
    lo = 0;
    hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rel < m->rows[mid].lo)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo ? &m->rows[lo - 1] : NULL;
}

typedef struct bounds {
    uintptr_t lo, top;     /* readable stack: [lo, top) */
} bounds;

__attribute__((no_sanitize("address")))
static bool load_sig(const bounds *b, uintptr_t a, uintptr_t *v)
{
    if (a < b->lo || b->top < sizeof(uintptr_t) ||
        a > b->top - sizeof(uintptr_t) || (a & 7))
        return false;
    *v = *(const uintptr_t *)a;
    return true;
}

/* A frame the tables cannot unwind: the interrupted leaf's return
 * address at [sp] if it passes the call-site check, else the frame
 * record at FP. */
static bool fp_step_sig(const bounds *b, bool first, uintptr_t pc,
                        uintptr_t *sp, uintptr_t *fp, uintptr_t *ra)
{
    uintptr_t next;

    if (first && pf__cap_leaf_ret_sig(pc, *sp, b->top, ra)) {
        *sp += sizeof(uintptr_t);
        return true;
    }
    if (*fp < *sp || !load_sig(b, *fp, &next) ||
        !load_sig(b, *fp + sizeof(uintptr_t), ra) || next <= *fp)
        return false;
    *sp = *fp + 2 * sizeof(uintptr_t);
    *fp = next;
    return true;
}

int pf__cap_unwind_regs_sig(uintptr_t pc, uintptr_t sp, uintptr_t fp,
                            uintptr_t *pcs, int max, uintptr_t skip_to_cfa)
{
    const pf_cap_cfiset *set;
    bool exact = true, first = true, keep = skip_to_cfa == 0;
    int n = 0, slot;
    bounds b;

    if (max <= 0)
        return 0;
    b.lo = sp;
    b.top = pf__cap_stack_hi_sig(sp);
    set = enter_sig(&slot);
    if (keep)
        pcs[n++] = pc;
    for (int steps = 0; n < max && steps < 4 * PF_CAP_MAX_DEPTH; steps++) {
        const pf_cap_cfirow *r = NULL;
        uintptr_t cfa = 0, ra, nfp = fp;

        if (!b.top)
            break;
        if (set)
            r = find_row_sig(set, exact ? pc : pc - 1);
        if (!r || r->kind == PF_CAP_CFI_NONE) {
            if (!fp_step_sig(&b, first, pc, &sp, &fp, &ra) || ra < 4096)
                break;
            cfa = sp;
        } else {
            switch (r->kind) {
            case PF_CAP_CFI_RSP:
                cfa = sp + (uintptr_t)(intptr_t)r->cfa;
                break;
            case PF_CAP_CFI_RBP:
                cfa = fp + (uintptr_t)(intptr_t)r->cfa;
                break;
            case PF_CAP_CFI_PLT:
                cfa = sp + (uintptr_t)(intptr_t)r->cfa +
                      ((pc & 15) >= r->pad ? 8 : 0);
                break;
            case PF_CAP_CFI_SIGFRAME: {
                /* __restore_rt: the kernel's rt_sigframe holds the
                 * interrupted registers; its ucontext_t starts at sp */
                uintptr_t g = sp + offsetof(ucontext_t, uc_mcontext.gregs);
                uintptr_t npc, nsp, nbp;
                if (!load_sig(&b, g + REG_RIP * sizeof(greg_t), &npc) ||
                    !load_sig(&b, g + REG_RSP * sizeof(greg_t), &nsp) ||
                    !load_sig(&b, g + REG_RBP * sizeof(greg_t), &nbp) ||
                    npc < 4096)
                    goto done;
                pc = npc;
                sp = nsp;
                fp = nbp;
                /* the handler may have run on an alternate stack */
                b.lo = sp;
                b.top = pf__cap_stack_hi_sig(sp);
                exact = true;
                first = false;
                /* an exact PC: +1 undoes the builder's ret-1 */
                if (keep)
                    pcs[n++] = pc + 1;
                continue;
            }
            default:    /* PF_CAP_CFI_END: the outermost frame */
                goto done;
            }
            if (cfa <= sp || !load_sig(&b, cfa - sizeof(uintptr_t), &ra) ||
                ra < 4096)
                break;
            /* A save slot below sp was popped already (epilogues keep
             * the rule until the function ends): %rbp is restored. */
            if (r->rbp && cfa + (uintptr_t)(intptr_t)r->rbp >= sp &&
                !load_sig(&b, cfa + (uintptr_t)(intptr_t)r->rbp, &nfp))
                break;
            sp = cfa;
            fp = nfp;
        }
        if (keep) {
            pcs[n++] = ra;
        } else if (cfa == skip_to_cfa) {
            keep = true;
            pcs[n++] = ra;
        }
        pc = ra;
        exact = false;
        first = false;
    }
done:
    leave_sig(slot);
    return keep ? n : -1;
}

__attribute__((noinline))
int pf__cap_unwind_here_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs,
                            int max, int skip)
{
#if defined(__x86_64__)
    if (max > 0 &&
        atomic_load_explicit(&pf__cap_unwind_method_sigvar,
                             memory_order_relaxed) == PF_CAP_UNWIND_DWARF &&
        atomic_load_explicit(&pf__cap_cfi_sigvar, memory_order_relaxed)) {
        uintptr_t pc, rsp, rbp;
        int n;

        /* one asm statement: no stack adjustment between the three */
        __asm__ volatile("lea 0(%%rip), %0\n\t"
                         "mov %%rsp, %1\n\t"
                         "mov %%rbp, %2"
                         : "=r"(pc), "=r"(rsp), "=r"(rbp));
        n = pf__cap_unwind_regs_sig(pc, rsp, rbp, pcs, max,
                                    fp + 2 * sizeof(uintptr_t));
        if (n >= 0) {
            if (skip >= n)
                return 0;
            for (int i = skip; i < n; i++)
                pcs[i - skip] = pcs[i];
            return n - skip;
        }
    }
#endif
    return pf__cap_walk_fp_sig(fp, sp, pcs, 0, max, skip, 0);
}
