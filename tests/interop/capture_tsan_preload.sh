#!/usr/bin/env bash
# LD_PRELOAD mode under ThreadSanitizer: unmodified programs built with
# clang 19 -fsanitize=thread run with the TSan build of
# libprofile-capture.so preloaded (build-tsan/, mk/capture.mk), every
# profile on. No TSan report, exit 0, and the profiles load in go tool
# pprof with the workload's functions.
#
#  - preload_work: CPU 3:1 over two threads, a heap site, an allocating
#    SIGALRM handler (1 kHz), a forked child.
#  - preload_churn: rounds of 4 short-lived threads contending on a
#    mutex, a rwlock and a condvar, allocating blocks other threads
#    free; children forked meanwhile; an exec'd child (FILE.PID); the
#    heap, mutex, block, threads and threadcreate profiles fetched over
#    /debug/pprof/ (PPROF_HTTP) while it runs.
#
# The library is preloaded as $ORIGIN/../../lib/libprofile-capture.so,
# relative to the program: the TSan build of the library only loads in
# a program that brings the TSan runtime (its __tsan_* references are
# left to the program's libclang_rt.tsan), and every program exec'd
# with LD_PRELOAD set gets it too, among them llvm-symbolizer, which
# TSan starts to symbolize a report. For
# those the path names no file and ld.so ignores the entry.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TB="$ROOT/$O-tsan/tests/capture"
skip() { echo "$*"; exit 77; }
[ -n "${SANITIZE:-}" ] && skip "TSan run is part of the plain build only"
need clang-19
for f in "$ROOT/$O-tsan/lib/libprofile-capture.so" "$TB/preload_work" \
         "$TB/preload_churn"; do
    [ -e "$f" ] || skip "$f not built (make tests)"
done
need_go
need curl
export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
# No suppressions: every report fails the test. Name clang 19's own
# symbolizer, so that a report names files and lines.
need llvm-symbolizer-19
export TSAN_OPTIONS="external_symbolizer_path=$(command -v llvm-symbolizer-19):halt_on_error=1:exitcode=66:second_deadlock_stack=1"
PRE='$ORIGIN/../../lib/libprofile-capture.so'
cd "$WORK"

has_fn() {  # FUNC: in the -top listing on stdin
    awk -v f="$1" '$6 == f { found = 1 } END { exit !found }'
}
# no_tsan FILE: no TSan report in FILE (stderr of a run)
no_tsan() {
    ! grep -q 'ThreadSanitizer' "$1" || { cat "$1"; die "ThreadSanitizer reported"; }
}

# --- preload_work ----------------------------------------------------
# report_signal_unsafe=0: the workload's handler calls malloc on
# purpose (the profiler must survive it); TSan would report that
B="$TB/preload_work"
run timeout 120 env LD_PRELOAD="$PRE" \
    TSAN_OPTIONS="$TSAN_OPTIONS:report_signal_unsafe=0" PPROF_CPU=cpu.pb.gz \
    PPROF_CPU_RATE=1000 PPROF_HEAP=heap.pb.gz PPROF_HEAP_RATE=4096 \
    PPROF_MUTEX=mutex.pb.gz PPROF_BLOCK=block.pb.gz \
    PPROF_THREADCREATE=tc.pb.gz "$B" 1
no_tsan "$WORK/err"
expect_rc 0
grep -q '^ticks [1-9][0-9]* child 0$' "$WORK/err" ||
    { cat "$WORK/err"; die "workload did not run its signal handler/child"; }
# TSan runs a handler for SIGPROF late, at the thread's next
# interceptor call, with the context saved at the signal: the leaf PC
# (spin) is right, its callers' frames are gone by then, and the stacks
# stop at the leaf (docs/CAPTURE.md, Sanitizers). capture_preload.sh
# checks the split over three_parts and one_part.
pprof -top "$B" cpu.pb.gz | has_fn spin || die "cpu profile lacks spin"
pprof -sample_index=inuse_space -top "$B" heap.pb.gz | has_fn kept_alloc ||
    die "heap profile lacks kept_alloc"
pprof -sample_index=alloc_space -nodefraction=0 -top "$B" heap.pb.gz |
    has_fn on_alarm ||
    die "allocations in the signal handler not seen"
pprof -top "$B" tc.pb.gz | has_fn main || die "threadcreate lacks main"
for f in mutex block; do
    pprof -top "$B" $f.pb.gz >/dev/null || die "$f profile does not load"
done
ls | grep -q '\.pb\.gz\.' && die "stray profile files: $(ls)"

# --- preload_churn, with /debug/pprof/ fetched meanwhile --------------
B="$TB/preload_churn"
timeout 120 env LD_PRELOAD="$PRE" PPROF_CPU=ccpu.pb.gz \
    PPROF_CPU_RATE=1000 PPROF_HEAP=cheap.pb.gz PPROF_HEAP_RATE=512 \
    PPROF_MUTEX=cmutex.pb.gz PPROF_BLOCK=cblock.pb.gz \
    PPROF_THREADCREATE=ctc.pb.gz PPROF_HTTP=127.0.0.1:0 \
    PPROF_HTTP_PORTFILE="$WORK/port" "$B" 3 >churn.out 2>churn.err &
pid=$!
for _ in $(seq 200); do
    [ -s port ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
done
[ -s port ] || { cat churn.err; die "no port file"; }
U="http://127.0.0.1:$(cat port)/debug/pprof"
fetched=0
while kill -0 $pid 2>/dev/null; do
    for p in heap mutex block threads threadcreate allocs; do
        curl -s --max-time 30 -o "h.$p" "$U/$p" && [ -s "h.$p" ] &&
            fetched=$((fetched + 1))
    done
done
wait $pid
rc=$?
no_tsan churn.err
[ $rc -eq 0 ] || { cat churn.out churn.err; die "exit status $rc"; }
# two lines: the exec'd child's, then the parent's
[ "$(grep -c '^ok rounds=[1-9][0-9]* forks=[0-9]*$' churn.out)" = 2 ] &&
    tail -1 churn.out | grep -q ' forks=[1-9]' ||
    { cat churn.out churn.err; die "churn did not finish"; }
[ $fetched -ge 6 ] || die "only $fetched profiles fetched over http"
pprof -top "$B" h.heap >/dev/null || die "heap fetched over http does not load"
echo "$(tail -1 churn.out), $fetched profiles fetched over http"
# -nodefraction=0: under load the child runs few rounds and a function
# can hold less than pprof's default 0.5% node fraction
pprof -nodefraction=0 -top "$B" ccpu.pb.gz | has_fn churn_spin || die "cpu lacks churn_spin"
pprof -sample_index=inuse_space -top "$B" cheap.pb.gz | has_fn churn_alloc ||
    die "heap lacks churn_alloc"
pprof -nodefraction=0 -top "$B" cmutex.pb.gz | has_fn hold_mutex || die "mutex lacks hold_mutex"
pprof -nodefraction=0 -top "$B" cblock.pb.gz | has_fn wait_cond || die "block lacks wait_cond"
pprof -top "$B" ctc.pb.gz | has_fn spawn_batch ||
    die "threadcreate lacks spawn_batch"
# the exec'd child (same program, "execd") wrote its own profiles
child=$(ls ccpu.pb.gz.* 2>/dev/null | grep -v tmp)
[ -n "$child" ] || die "no profile from the exec'd child: $(ls)"
pprof -top "$B" "$child" >/dev/null || die "child cpu profile does not load"
pprof -nodefraction=0 -top "$B" "cmutex.pb.gz.${child##*.}" | has_fn hold_mutex ||
    die "child mutex profile lacks hold_mutex"
exit 0
