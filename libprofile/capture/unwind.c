/*
 * Frame-pointer unwinding, safe in a signal handler: no allocation, no
 * locks, no library calls. Every load is bounds-checked against the
 * thread's stack ([sp, stack_hi)), so a frame pointer register holding
 * something else (code built without frame pointers uses %rbp as a
 * general register) ends the walk instead of faulting.
 *
 * With the DWARF method (the default) pf__cap_unwind_uc_sig hands over
 * to unwind_dwarf.c, which uses the functions here where its tables
 * have no rule.
 *
 * Why not libgcc's _Unwind_Backtrace or libunwind: both may take locks
 * or allocate on first use (dl_iterate_phdr, lazy .eh_frame parsing),
 * which deadlocks or crashes when SIGPROF lands inside malloc or the
 * dynamic loader. The price is that frames need frame pointers.
 */
#include <ucontext.h>

#include "sigpath.h"

/* Upper bound of readable stack above SP for this thread, 0 if unknown. */
uintptr_t pf__cap_stack_hi_sig(uintptr_t sp)
{
    const pf_cap_tls *t = &pf__cap_tls_sigvar;
    const pf_cap_ranges *rs;
    const pf_cap_range *r;
    size_t lo = 0, hi;

    if (t->stack_hi && sp >= t->stack_lo && sp < t->stack_hi)
        return t->stack_hi;
    /* Unknown thread (or an alternate signal stack): the mapping that
     * contains SP in the snapshot taken at start. */
    rs = atomic_load_explicit(&pf__cap_ranges_sigvar, memory_order_acquire);
    if (!rs)
        return 0;
    r = rs->r;
    hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp < r[mid].lo)
            hi = mid;
        else if (sp >= r[mid].hi)
            lo = mid + 1;
        else
            return r[mid].hi;
    }
    return 0;
}

/* Is [A, A+LEN) inside an executable mapping of the snapshot? Only
 * code is trusted to still be mapped: data mappings (heap arenas,
 * stacks of exited threads) come and go after the snapshot. Code goes
 * away only in dlclose, which (cfi.c) raises pf__cap_dlclosing_sigvar
 * and waits for the handlers in flight before the real call, and
 * refreshes the snapshot after it. */
static bool readable_sig(uintptr_t a, size_t len)
{
    const pf_cap_ranges *rs =
        atomic_load_explicit(&pf__cap_ranges_sigvar, memory_order_acquire);
    size_t lo = 0, hi;

    if (!rs || atomic_load(&pf__cap_dlclosing_sigvar))
        return false;
    hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a < rs->r[mid].lo)
            hi = mid;
        else if (a >= rs->r[mid].hi)
            lo = mid + 1;
        else
            return rs->r[mid].exec && a + len <= rs->r[mid].hi;
    }
    return false;
}

/* A leaf interrupted before it set up a frame (compilers omit frame
 * pointers in leaf functions even with -fno-omit-frame-pointer, and
 * every function is frameless during its prologue) keeps its return
 * address at [sp] while %rbp still is the caller's frame: without this
 * the leaf's caller would be missing from the stack. Accept [sp] only if
 * it follows a direct call (e8 rel32) whose target contains PC or is a
 * PLT stub, reading code bytes only inside the mapping snapshot. */
__attribute__((no_sanitize("address")))
bool pf__cap_leaf_ret_sig(uintptr_t pc, uintptr_t sp, uintptr_t top,
                          uintptr_t *ret)
{
#if defined(__x86_64__)
    uintptr_t v, target;
    const unsigned char *c;
    int32_t rel;

    if (sp + sizeof(uintptr_t) > top || (sp & 7))
        return false;
    v = *(const uintptr_t *)sp;
    if (v < 4096 || !readable_sig(v - 5, 5))
        return false;
    c = (const unsigned char *)(v - 5);
    if (c[0] != 0xe8)
        return false;
    rel = (int32_t)((uint32_t)c[1] | (uint32_t)c[2] << 8 |
                    (uint32_t)c[3] << 16 | (uint32_t)c[4] << 24);
    target = v + (uintptr_t)(intptr_t)rel;
    if (!(target <= pc && pc - target < (1u << 20))) {
        const unsigned char *t = (const unsigned char *)target;
        if (!readable_sig(target, 4) ||
            !((t[0] == 0xff && t[1] == 0x25) ||
              (t[0] == 0xf3 && t[1] == 0x0f && t[2] == 0x1e && t[3] == 0xfa)))
            return false;
    }
    *ret = v;
    return true;
#else
    (void)pc; (void)sp; (void)top; (void)ret;
    return false;
#endif
}

static bool is_ret_sig(uintptr_t v);

__attribute__((no_sanitize("address")))
int pf__cap_walk_fp_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs, int n,
                        int max, int skip, uintptr_t dup)
{
    int first = n;

    uintptr_t top = pf__cap_stack_hi_sig(sp);

    if (!top)
        return n;
    while (n < max) {
        const uintptr_t *frame;
        uintptr_t next, ret;

        if (fp < sp || (fp & 7) || fp > top - 2 * sizeof(uintptr_t))
            break;
        frame = (const uintptr_t *)fp;
        next = frame[0];
        ret = frame[1];
        if (ret < 4096)
            break;
        if (skip > 0)
            skip--;
        else if (!(n == first && ret == dup))
            pcs[n++] = ret;
        if (next <= fp)
            break;
        sp = fp;
        fp = next;
    }
    return n;
}

int pf__cap_unwind_uc_sig(const void *ucv, uintptr_t *pcs, int max)
{
    const ucontext_t *uc = ucv;
    uintptr_t pc, sp, fp;

    if (max <= 0)
        return 0;
#if defined(__x86_64__)
    pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
#elif defined(__aarch64__)
    pc = (uintptr_t)uc->uc_mcontext.pc;
    sp = (uintptr_t)uc->uc_mcontext.sp;
    fp = (uintptr_t)uc->uc_mcontext.regs[29];
#else
#error "unwinding: unsupported architecture"
#endif
    if (atomic_load_explicit(&pf__cap_unwind_method_sigvar,
                             memory_order_relaxed) == PF_CAP_UNWIND_DWARF)
        return pf__cap_unwind_regs_sig(pc, sp, fp, pcs, max, 0);
    pcs[0] = pc;
    {
        uintptr_t top = pf__cap_stack_hi_sig(sp), ret;
        int n = 1;
        if (top && max > 1 && pf__cap_leaf_ret_sig(pc, sp, top, &ret)) {
            pcs[n++] = ret;
            /* the chain starts at the caller's frame; its first return
             * address is skipped if it is the one just found (a framed
             * leaf whose [sp] happened to hold it) */
            return pf__cap_walk_fp_sig(fp, sp, pcs, n, max, 0, ret);
        }
    }
    return pf__cap_walk_fp_sig(fp, sp, pcs, 1, max, 0, 0);
}

/* Does V look like a return address: readable code just after a call
 * instruction (e8 rel32, ff 15 disp32, or ff /2 through a register)? */
__attribute__((no_sanitize("address")))
static bool is_ret_sig(uintptr_t v)
{
#if defined(__x86_64__)
    const unsigned char *c;

    if (v < 4096 || !readable_sig(v - 6, 6))
        return false;
    c = (const unsigned char *)v;
    if (c[-5] == 0xe8)
        return true;
    if (c[-6] == 0xff && c[-5] == 0x15)
        return true;
    if (c[-2] == 0xff && (c[-1] & 0xf8) == 0xd0)
        return true;
    if (c[-3] == 0xff && (c[-2] & 0x38) == 0x10 && (c[-2] & 0xc0) == 0x40)
        return true;
    return false;
#else
    (void)v;
    return false;
#endif
}

__attribute__((no_sanitize("address")))
int pf__cap_unwind_scan_sig(const void *ucv, uintptr_t *pcs, int max)
{
    const ucontext_t *uc = ucv;
    uintptr_t sp, top, p, limit;
    int n = 1;

    if (max <= 0)
        return 0;
    /* the tables follow the thread through libc's waits */
    if (atomic_load_explicit(&pf__cap_unwind_method_sigvar,
                             memory_order_relaxed) == PF_CAP_UNWIND_DWARF &&
        atomic_load_explicit(&pf__cap_cfi_sigvar, memory_order_relaxed))
        return pf__cap_unwind_uc_sig(ucv, pcs, max);
#if defined(__x86_64__)
    pcs[0] = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#else
    return pf__cap_unwind_uc_sig(ucv, pcs, max);
#endif
    top = pf__cap_stack_hi_sig(sp);
    if (!top || (sp & 7))
        return n;
    limit = sp + 65536 < top ? sp + 65536 : top;
    for (p = sp; p + 2 * sizeof(uintptr_t) <= limit && n < max; p += 8) {
        uintptr_t v = *(const uintptr_t *)p, link;
        if (!is_ret_sig(v))
            continue;
        pcs[n++] = v;
        if (p < sp + 8)
            continue;
        /* A callee that pushed %rbp right after the call made a frame
         * record at p-8: if its link starts a plausible chain, follow
         * the chain from there. */
        link = *(const uintptr_t *)(p - 8);
        if (link > p && link <= top - 16 && !(link & 7) &&
            is_ret_sig(*(const uintptr_t *)(link + 8)))
            return pf__cap_walk_fp_sig(link, p, pcs, n, max, 0, 0);
    }
    return n;
}

int pf__cap_unwind_fp_sig(uintptr_t fp, uintptr_t sp, uintptr_t *pcs,
                          int max, int skip)
{
    return pf__cap_walk_fp_sig(fp, sp, pcs, 0, max, skip, 0);
}
