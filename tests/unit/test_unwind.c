/* The DWARF unwinder (unwind_dwarf.c over cfi.c's tables) on synthetic
 * contexts: hand-written asm functions with known CFI, a stack built in
 * an array, and registers (pc, sp, fp) placed at chosen instructions:
 * a frameless leaf at its first instruction, prologues, a body without
 * frame pointer, epilogues, a frame-pointer function, a PLT stub with
 * binutils' CFA expression, and out-of-bounds stacks. Then a real
 * signal: unwinding from a handler through the kernel's sigreturn
 * frame back into the interrupted code. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture/capint.h"

#if defined(__x86_64__)

/* unw_outer calls unw_caller (frame pointer), which calls unw_rsp (an
 * -O2 style function: saves %rbx, adjusts %rsp, no frame pointer) or
 * unw_framed (classic push %rbp; mov %rsp,%rbp). unw_outer's return
 * address is undefined (the outermost frame). Labels mark the
 * instructions the tests stop at. unw_plt is two 16-byte PLT entries
 * with the CFA expression binutils writes for .plt. */
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl unw_outer\n"
    "unw_outer:\n"
    ".cfi_startproc\n"
    ".cfi_undefined rip\n"
    "    call unw_caller\n"
    "unw_outer_ret:\n"
    "    hlt\n"
    ".cfi_endproc\n"

    ".p2align 4\n"
    "unw_caller:\n"
    ".cfi_startproc\n"
    "    push %rbp\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset rbp, -16\n"
    "    mov %rsp, %rbp\n"
    ".cfi_def_cfa_register rbp\n"
    "    call unw_rsp\n"
    "unw_caller_ret:\n"
    "    call unw_framed\n"
    "    pop %rbp\n"
    ".cfi_def_cfa rsp, 8\n"
    "    ret\n"
    ".cfi_endproc\n"

    ".p2align 4\n"
    "unw_rsp:\n"
    ".cfi_startproc\n"
    "    push %rbx\n"
    "unw_rsp_pushed:\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset rbx, -16\n"
    "    sub $40, %rsp\n"
    ".cfi_def_cfa_offset 56\n"
    "unw_rsp_body:\n"
    "    nop\n"
    "    add $40, %rsp\n"
    ".cfi_def_cfa_offset 16\n"
    "unw_rsp_before_pop:\n"
    "    pop %rbx\n"
    ".cfi_def_cfa_offset 8\n"
    "unw_rsp_ret:\n"
    "    ret\n"
    ".cfi_endproc\n"

    ".p2align 4\n"
    "unw_framed:\n"
    ".cfi_startproc\n"
    "    push %rbp\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset rbp, -16\n"
    "unw_framed_pushed:\n"
    "    mov %rsp, %rbp\n"
    ".cfi_def_cfa_register rbp\n"
    "    sub $32, %rsp\n"
    "unw_framed_body:\n"
    "    nop\n"
    "    leave\n"
    ".cfi_def_cfa rsp, 8\n"
    "unw_framed_ret:\n"
    "    ret\n"
    ".cfi_endproc\n"

    ".p2align 4\n"
    "unw_plt:\n"
    ".cfi_startproc\n"
    /* DW_CFA_def_cfa_expression: rsp + 8 + ((rip & 15) >= 11) << 3 */
    ".cfi_escape 0x0f, 0x0b, 0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, "
    "0x2a, 0x33, 0x24, 0x22\n"
    "    .fill 32, 1, 0x90\n"
    ".cfi_endproc\n");

extern const char unw_outer[], unw_outer_ret[], unw_caller[],
    unw_caller_ret[], unw_rsp[], unw_rsp_pushed[], unw_rsp_body[],
    unw_rsp_before_pop[], unw_rsp_ret[], unw_framed[], unw_framed_pushed[],
    unw_framed_body[], unw_framed_ret[], unw_plt[];

#define A(sym) ((uintptr_t)(sym))

/* The stack of unw_outer -> unw_caller -> callee: words 0..4 the
 * callee's locals, 5 its saved register, 6 the return address into
 * unw_caller, 7 unw_caller's saved %rbp, 8 its return address into
 * unw_outer. unw_caller's %rbp is &stk[7]. */
typedef struct fixture {
    uintptr_t stk[16] __attribute__((aligned(16)));
} fixture;

static void fill(fixture *f)
{
    memset(f->stk, 0, sizeof(f->stk));
    f->stk[5] = 0x5a5a;                 /* saved %rbx, or %rbp */
    f->stk[6] = A(unw_caller_ret);
    f->stk[7] = 0;
    f->stk[8] = A(unw_outer_ret);
}

static int setup(void **state)
{
    (void)state;
    pf__cap_thread_init_self();
    return pf_capture_set_unwind(PF_CAPTURE_UNWIND_DWARF) == PF_OK ? 0 : -1;
}

/* Unwind from (PC, SP, FP) and check the whole expected stack. */
#define expect_stack(pc, sp, fp) expect_stack_at(__LINE__, pc, sp, fp)
static void expect_stack_at(int line, uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    int n = pf__cap_unwind_regs_sig(pc, sp, fp, pcs, PF_CAP_MAX_DEPTH, 0);

    if (n != 3)
        print_error("unwound from line %d: depth %d\n", line, n);
    assert_int_equal(n, 3);
    assert_true(pcs[0] == pc);
    assert_true(pcs[1] == A(unw_caller_ret));
    assert_true(pcs[2] == A(unw_outer_ret));
}

static void test_unwind__frameless_leaf_at_entry(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    /* nothing pushed yet: the return address is at [sp] */
    expect_stack(A(unw_rsp), (uintptr_t)&f.stk[6], (uintptr_t)&f.stk[7]);
}

static void test_unwind__prologue_after_push(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    expect_stack(A(unw_rsp_pushed), (uintptr_t)&f.stk[5],
                 (uintptr_t)&f.stk[7]);
    f.stk[5] = (uintptr_t)&f.stk[7];    /* the pushed %rbp */
    expect_stack(A(unw_framed_pushed), (uintptr_t)&f.stk[5],
                 (uintptr_t)&f.stk[7]);
}

static void test_unwind__body_without_frame_pointer(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    /* %rbp is the caller's frame; the rule is rsp + 56 */
    expect_stack(A(unw_rsp_body), (uintptr_t)&f.stk[0],
                 (uintptr_t)&f.stk[7]);
}

static void test_unwind__body_with_frame_pointer(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    f.stk[5] = (uintptr_t)&f.stk[7];
    /* CFA = rbp + 16; the caller's %rbp is restored from the stack:
     * a wrong value in the register would break unw_caller's rule */
    expect_stack(A(unw_framed_body), (uintptr_t)&f.stk[1],
                 (uintptr_t)&f.stk[5]);
}

static void test_unwind__epilogue(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    expect_stack(A(unw_rsp_before_pop), (uintptr_t)&f.stk[5],
                 (uintptr_t)&f.stk[7]);
    expect_stack(A(unw_rsp_ret), (uintptr_t)&f.stk[6],
                 (uintptr_t)&f.stk[7]);
    /* after leave, GCC-style CFI still says "rbp at CFA-16", a word
     * below sp now (garbage here): %rbp already is the caller's */
    expect_stack(A(unw_framed_ret), (uintptr_t)&f.stk[6],
                 (uintptr_t)&f.stk[7]);
}

static void test_unwind__plt_stub(void **state)
{
    fixture f;

    (void)state;
    fill(&f);
    /* the entry's jmp: return address at [sp] */
    expect_stack(A(unw_plt) + 16, (uintptr_t)&f.stk[6],
                 (uintptr_t)&f.stk[7]);
    /* after its push of the relocation index (offset 11): at [sp+8] */
    expect_stack(A(unw_plt) + 16 + 11, (uintptr_t)&f.stk[5],
                 (uintptr_t)&f.stk[7]);
}

static void test_unwind__stops_at_stack_bounds(void **state)
{
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    uintptr_t top = pf__cap_tls_sigvar.stack_hi;
    fixture f;
    int n;

    (void)state;
    fill(&f);
    assert_true(top != 0);
    /* the CFA (sp + 56) lies above the stack: nothing is read there */
    n = pf__cap_unwind_regs_sig(A(unw_rsp_body), top - 16, 0, pcs,
                                PF_CAP_MAX_DEPTH, 0);
    assert_int_equal(n, 1);
    /* an address outside every module with a wild frame pointer */
    n = pf__cap_unwind_regs_sig(0x1234, (uintptr_t)&f.stk[0], 0x10, pcs,
                                PF_CAP_MAX_DEPTH, 0);
    assert_int_equal(n, 1);
    /* depth is capped */
    n = pf__cap_unwind_regs_sig(A(unw_rsp_body), (uintptr_t)&f.stk[0],
                                (uintptr_t)&f.stk[7], pcs, 2, 0);
    assert_int_equal(n, 2);
}

/* A signal handler unwinding its own stack goes through the kernel's
 * signal frame (__restore_rt's CFI) into the code that raised it. */
static uintptr_t g_raiser_ret;
static uintptr_t g_handler_pcs[PF_CAP_MAX_DEPTH];
static int g_handler_n;

__attribute__((noinline, optimize("no-omit-frame-pointer")))
static void on_usr1(int sig)
{
    (void)sig;
    g_handler_n = pf__cap_unwind_here_sig(
        (uintptr_t)__builtin_frame_address(0),
        (uintptr_t)__builtin_frame_address(0), g_handler_pcs,
        PF_CAP_MAX_DEPTH, 0);
}

__attribute__((noinline)) static void raiser(void)
{
    g_raiser_ret = (uintptr_t)__builtin_return_address(0);
    raise(SIGUSR1);
    __asm__ volatile("" ::: "memory");
}

static void test_unwind__through_signal_frame(void **state)
{
    struct sigaction sa, old;
    bool found = false;

    (void)state;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    raiser();
    sigaction(SIGUSR1, &old, NULL);
    assert_true(g_handler_n > 2);
    for (int i = 0; i < g_handler_n; i++)
        if (g_handler_pcs[i] == g_raiser_ret)
            found = true;
    assert_true(found);
}

/* fp: the frame-pointer walk only, whatever the tables say */
static void test_unwind__switch(void **state)
{
    pf_capture_unwind_method m;

    (void)state;
    assert_int_equal(pf_capture_unwind(), PF_CAPTURE_UNWIND_DWARF);
    assert_int_equal(pf_capture_set_unwind(PF_CAPTURE_UNWIND_FP), PF_OK);
    assert_int_equal(pf_capture_unwind(), PF_CAPTURE_UNWIND_FP);
    assert_int_equal(pf_capture_set_unwind((pf_capture_unwind_method)7),
                     PF_EINVAL);
    assert_int_equal(pf_capture_unwind_parse(&m, "dwarf"), PF_OK);
    assert_int_equal(m, PF_CAPTURE_UNWIND_DWARF);
    assert_int_equal(pf_capture_unwind_parse(&m, "frame"), PF_EINVAL);
    assert_string_equal(pf_error_last(),
                        "unknown unwind method 'frame' (want fp or dwarf)");
    assert_int_equal(pf_capture_set_unwind(PF_CAPTURE_UNWIND_DWARF), PF_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unwind__frameless_leaf_at_entry),
        cmocka_unit_test(test_unwind__prologue_after_push),
        cmocka_unit_test(test_unwind__body_without_frame_pointer),
        cmocka_unit_test(test_unwind__body_with_frame_pointer),
        cmocka_unit_test(test_unwind__epilogue),
        cmocka_unit_test(test_unwind__plt_stub),
        cmocka_unit_test(test_unwind__stops_at_stack_bounds),
        cmocka_unit_test(test_unwind__through_signal_frame),
        cmocka_unit_test(test_unwind__switch),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

#else
int main(void)
{
    return 0;
}
#endif
