#!/usr/bin/env bash
# The stress workload (see capture_stress.sh) under ThreadSanitizer, three runs:
# CPU profile start/stop cycles while threads come and go, heap sampling
# at 64 B, mutex/block profiling, a signal handler that allocates,
# profiles built concurrently, and dlopen/dlclose in a loop (the unwind
# tables rebuilt and retired while handlers read them). No data race report, no crash, no
# deadlock (timeout), and the last CPU profile loads in go tool pprof.
#
# Linked-in mode (build-tsan/tests/capture/stress, made by
# mk/capture.mk in the plain build); capture_tsan_preload.sh runs
# LD_PRELOAD mode under TSan. With fork when
# the workload was built by clang 19 (its TSan runtime locks its
# allocator around fork; GCC 12's does not, and a child forked while
# another thread allocates can hang in it). See docs/CAPTURE.md,
# "Sanitizers".
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
TSANBIN="$(cd "$(dirname "$0")/../.." && pwd)/$O-tsan/tests/capture"
skip() { echo "$*"; exit 77; }
[ -n "${SANITIZE:-}" ] && skip "TSan run is part of the plain build only"
[ -x "$TSANBIN/stress" ] || skip "$TSANBIN/stress not built (make tests)"
need_go
need_workload unwind/libunwind_dl.so
export STRESS_DLOPEN="$CAPBIN/unwind/libunwind_dl.so"
# report_signal_unsafe=0: the workload's SIGALRM handler allocates on
# purpose (the profiler must survive it); TSan would report that
# No suppressions: every report fails the test. Name clang 19's own
# symbolizer, so that a report names files and lines.
need llvm-symbolizer-19
export TSAN_OPTIONS="external_symbolizer_path=$(command -v llvm-symbolizer-19):halt_on_error=1:exitcode=66:second_deadlock_stack=1:report_signal_unsafe=0"
fork=nofork
readelf -d "$TSANBIN/stress" | grep -q 'libclang_rt\.tsan' && fork=
for i in 1 2 3; do
    run timeout 120 "$TSANBIN/stress" "$WORK/cpu.pb.gz" $fork
    cat "$WORK/out" "$WORK/err"
    expect_rc 0
    grep -q 'ThreadSanitizer' "$WORK/err" && die "ThreadSanitizer reported"
    grep -q '^ok ticks=[1-9][0-9]* threadcreate=[1-9][0-9]* dlopen=[1-9][0-9]*$' "$WORK/out" ||
        die "stress did not finish"
    pprof -top "$TSANBIN/stress" "$WORK/cpu.pb.gz" >/dev/null ||
        die "cpu profile does not load"
done
exit 0
