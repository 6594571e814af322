#!/usr/bin/env bash
# Stress (run under ASan+UBSan by `make check SANITIZE=1`): CPU profile
# start/stop cycles while threads come and go, heap sampling at 64 B,
# mutex/block profiling, fork, a signal handler that allocates, and
# profiles built concurrently. No crash, no deadlock (timeout), and the
# last CPU profile loads in go tool pprof.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload stress
# The sanitizer runtime's allocator is not fork-safe: no fork there
# (fork is covered by the normal build and by capture_preload.sh).
run timeout 120 "$CAPBIN/stress" "$WORK/cpu.pb.gz" ${SANITIZE:+nofork}
cat "$WORK/out" "$WORK/err"
expect_rc 0
grep -q '^ok ticks=[1-9][0-9]* threadcreate=[1-9][0-9]*$' "$WORK/out" || die "stress did not finish"
pprof -top "$CAPBIN/stress" "$WORK/cpu.pb.gz" >/dev/null || die "cpu profile does not load"
exit 0
