#!/usr/bin/env bash
# DWARF unwinding (the default) on code without frame pointers: a
# program, a shared library and a dlopen'ed library built with plain
# -O2 -fomit-frame-pointer (tests/capture/src/unwind/). Every CPU sample
# whose leaf is one of the workload's leaves carries the leaf's whole
# chain up to main and _start: a plain chain, through glibc's qsort
# into a comparator, from a shared library into a callback, inside a
# dlopen'ed library. The heap, threadcreate, mutex and block stacks
# (unwound from the interposers, not from a signal) carry their callers
# too. With
# --unwind=fp the same binary loses its chains (the switch is real).
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
unwind_workload
R="$BIN/pprofrecord"
cd "$WORK"
KEEP=leaf_chain,b_chain,a_chain,main,cmp_slow,qsort_r,__interceptor_qsort_r,__interceptor_qsort,sort_work,cb_leaf,lib_inner,lib_walk,use_lib,dl_leaf,dl_mid,dl_entry,use_dl,heap_b,heap_a,spawn_b,spawn_a,pthread_create,hold_b,hold_a,thread_fn

run "$R" -o cpu.pb.gz --rate=1000 --heap=heap.pb.gz --heap-rate=1 \
    --threadcreate=tc.pb.gz --mutex=mutex.pb.gz --block=block.pb.gz -- \
    "$B" "$DL" 3
expect_rc 0
trace_chains "$KEEP" cpu.pb.gz >cpu.chains
[ -s cpu.chains ] || die "no CPU samples"

# check_leaf LEAF CHAIN: every sample of LEAF has CHAIN (of the kept
# functions; an extended regular expression matching all of it) and
# reaches _start; at least one sample.
check_leaf() {
    local n bad
    n=$(awk -v l="$1" '$1 == l' cpu.chains | wc -l)
    bad=$(awk -v l="$1" -v c="^($2)\$" '$1 == l && ($3 !~ c || $2 != "_start")' cpu.chains)
    echo "$1: $n samples, want $2"
    [ "$n" -gt 0 ] || die "no sample with leaf $1"
    [ -z "$bad" ] || die "samples of $1 without their chain: $(echo "$bad" | sort | uniq -c | head -5)"
}
check_leaf leaf_chain 'leaf_chain>b_chain>a_chain>main'
# ASan's qsort_r interceptor calls the comparator itself first (a
# check of the array), then glibc's qsort_r
check_leaf cmp_slow 'cmp_slow>(qsort_r>(__interceptor_qsort(_r)?>)?|__interceptor_qsort(_r)?>)sort_work>main'
check_leaf cb_leaf 'cb_leaf>lib_inner>lib_walk>use_lib>main'
check_leaf dl_leaf 'dl_leaf>dl_mid>dl_entry>use_dl>main'
# every sample under main (glibc's qsort internals included) is whole
bad=$(awk '$3 ~ /(^|>)main$/ && $2 != "_start"' cpu.chains)
[ -z "$bad" ] || die "stacks cut short: $(echo "$bad" | head -5)"

# heap: the allocating function's callers (malloc interposer -> DWARF)
trace_chains "$KEEP" -sample_index=alloc_space heap.pb.gz >heap.chains
n=$(awk '$3 ~ /^heap_b/' heap.chains | wc -l)
bad=$(awk '$3 ~ /heap_b/ && $3 !~ /^heap_b>heap_a>main$/' heap.chains)
echo "heap_b: $n heap samples"
[ "$n" -gt 0 ] || die "no heap sample at heap_b: $(head -5 heap.chains)"
[ -z "$bad" ] || die "heap samples of heap_b without their callers: $bad"

# threadcreate: pthread_create interposer -> DWARF
trace_chains "$KEEP" tc.pb.gz >tc.chains
grep -q ' spawn_b>spawn_a>main$' tc.chains ||
    die "threadcreate stack lacks spawn_b>spawn_a>main: $(cat tc.chains)"

# mutex (the unlocker) and block (the waiter): main's and the thread's
# stacks through hold_a
for p in mutex block; do
    trace_chains "$KEEP" $p.pb.gz >$p.chains
    n=$(awk '$3 ~ /^hold_b>hold_a>(main|thread_fn)$/' $p.chains | wc -l)
    bad=$(awk '$3 ~ /hold_b/ && $3 !~ /^hold_b>hold_a>(main|thread_fn)$/' $p.chains)
    echo "$p: $n stacks through hold_b>hold_a"
    [ "$n" -gt 0 ] || die "no $p stack through hold_b>hold_a: $(cat $p.chains)"
    [ -z "$bad" ] || die "$p stacks of hold_b without their callers: $bad"
done

# frame pointers only: the chains break on this binary
run "$R" -o fp.pb.gz --unwind=fp --rate=1000 -- "$B" "$DL" 1
expect_rc 0
trace_chains "$KEEP" fp.pb.gz >fp.chains
whole=$(awk '$1 ~ /^(leaf_chain|cb_leaf|dl_leaf|cmp_slow)$/ && $3 ~ />main$/' fp.chains | wc -l)
all=$(awk '$1 ~ /^(leaf_chain|cb_leaf|dl_leaf|cmp_slow)$/' fp.chains | wc -l)
echo "--unwind=fp: $whole of $all leaf samples reach main"
[ "$all" -gt 0 ] || die "no leaf samples with --unwind=fp"
[ "$whole" -lt "$all" ] || die "--unwind=fp gave whole stacks: is the switch ignored?"

# PPROF_UNWIND without pprofrecord: fp breaks the chains as above; a
# bad value is reported once and ignored (dwarf stays)
env_run() {
    LD_PRELOAD="$CAPLIB/libprofile-capture.so${LD_PRELOAD:+:$LD_PRELOAD}" \
        PPROF_CPU=env.pb.gz PPROF_CPU_RATE=1000 PPROF_UNWIND="$1" \
        run "$B" "$DL" 1
    expect_rc 0
    trace_chains "$KEEP" env.pb.gz >env.chains
    # samples of the four leaves: with their whole chain, all
    awk '$1 ~ /^(leaf_chain|cb_leaf|dl_leaf|cmp_slow)$/ { all++; if ($3 ~ />main$/) whole++ }
         END { print whole + 0, all + 0 }' env.chains
}
read -r whole all < <(env_run fp)
echo "PPROF_UNWIND=fp: $whole of $all leaf samples reach main"
[ "$all" -gt 0 ] && [ "$whole" -lt "$all" ] || die "PPROF_UNWIND=fp gave whole stacks"
[ -s "$WORK/err" ] && die "PPROF_UNWIND=fp: $(cat "$WORK/err")"
read -r whole all < <(env_run bogus)
echo "PPROF_UNWIND=bogus: $whole of $all leaf samples reach main"
[ "$all" -gt 0 ] && [ "$whole" -eq "$all" ] || die "PPROF_UNWIND=bogus did not keep dwarf"
expect_err_line "^libprofile-capture: PPROF_UNWIND: bad value 'bogus', ignored \(want fp or dwarf\)$"
exit 0
