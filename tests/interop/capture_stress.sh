#!/usr/bin/env bash
# Stress (run under ASan+UBSan by `make check SANITIZE=1`): CPU profile
# start/stop cycles while threads come and go, heap sampling at 64 B,
# mutex/block profiling, fork, a signal handler that allocates, and
# profiles built concurrently, dlopen/dlclose in a loop. No crash, no deadlock (timeout), and the
# last CPU profile loads in go tool pprof.
#
# GCC 12's ASan allocator is not fork-safe (a child forked while another
# thread allocates can hang inside it): the GCC ASan build runs without
# fork, and the clang 19 ASan build of the same workload (mk/capture.mk,
# $O-clang) runs it with fork, three times.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload stress unwind/libunwind_dl.so
# a thread dlopens and dlcloses a library in a loop (unwind tables)
export STRESS_DLOPEN="$CAPBIN/unwind/libunwind_dl.so"

stress() {      # BINARY [nofork]
    run timeout 120 "$@"
    cat "$WORK/out" "$WORK/err"
    expect_rc 0
    grep -q '^ok ticks=[1-9][0-9]* threadcreate=[1-9][0-9]* dlopen=[1-9][0-9]*$' "$WORK/out" ||
        die "$1 did not finish"
    pprof -top "$1" "$WORK/cpu.pb.gz" >/dev/null || die "cpu profile does not load"
}

stress "$CAPBIN/stress" "$WORK/cpu.pb.gz" ${SANITIZE:+nofork}
if [ -n "${SANITIZE:-}" ]; then
    CLANGBIN="$(cd "$(dirname "$0")/../.." && pwd)/$O-clang/tests/capture"
    if [ -x "$CLANGBIN/stress" ]; then
        for i in 1 2 3; do
            stress "$CLANGBIN/stress" "$WORK/cpu.pb.gz"
        done
    else
        echo "no clang 19 build: fork under ASan not run (install clang-19)"
    fi
fi
exit 0
