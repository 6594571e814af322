#!/usr/bin/env bash
# Issue 13.1: a program that cancels its threads must still exit and
# write its profile. CPU-bound threads with asynchronous cancellation,
# cancelled in waves, at 100 and 10000 Hz, under pprofrecord and linked
# in (API start/stop, and PPROF_CPU with the library's destructor);
# then threads blocked in pthread_cond_wait cancelled (deferred) while
# /debug/pprof/ requests (CPU profiles, thread dumps) run. Before the
# fix the exit hung in the stop's wait for signal handlers (a thread
# cancelled inside the SIGPROF handler never counted itself out). A
# timeout turns a hang into a failure.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_cancel cancel
need_http
P="$CAPBIN/preload_cancel"
L="$CAPBIN/cancel"
R="$BIN/pprofrecord"
cd "$WORK"
trap 'touch "$WORK/stop"; wait' EXIT

# check_run NAME PROFILE BINARY HZ: exit 0, the last line, a CPU profile
# that pprof reads; at 10000 Hz (a sample per kernel tick) the spinning
# threads are in it (at 100 Hz a thread living 20 ms on a busy machine
# may not use the 10 ms of CPU a sample takes)
check_run() {
    [ "$rc" = 124 ] && die "$1: hung (no exit within the timeout)"
    expect_rc 0
    grep -qx "cancel done 25" "$WORK/out" || die "$1: workload did not finish"
    [ -s "$2" ] || die "$1: no profile written"
    pprof -raw "$2" | grep -qx 'PeriodType: cpu nanoseconds' ||
        die "$1: pprof cannot read the profile"
    if [ "$4" = 10000 ]; then
        pprof -top "$3" "$2" | awk '$6 == "cancel_spin" { f = 1 } END { exit !f }' ||
            die "$1: cancel_spin not in the profile"
    fi
    echo "$1: ok"
}

for hz in 100 10000; do
    for i in 1 2 3; do
        run timeout 60 "$R" -o "rec$hz.$i.pb.gz" --rate=$hz -- "$P" async 25 4
        check_run "pprofrecord $hz Hz run $i" "rec$hz.$i.pb.gz" "$P" $hz
    done
    for i in 1 2; do
        run timeout 60 "$L" async 25 4 "api$hz.$i.pb.gz" $hz
        check_run "linked, API, $hz Hz run $i" "api$hz.$i.pb.gz" "$L" $hz
        run timeout 60 env PPROF_CPU="env$hz.$i.pb.gz" PPROF_CPU_RATE=$hz \
            "$L" async 25 4
        check_run "linked, PPROF_CPU, $hz Hz run $i" "env$hz.$i.pb.gz" "$L" $hz
    done
done

# deferred cancellation of threads blocked in a condition wait, while
# CPU profiles and thread dumps are taken over HTTP
http_record --rate=10000 -- "$P" deferred 150 16
n=0
while kill -0 $pid 2>/dev/null; do
    curl -s -o /dev/null --max-time 20 "$U/profile?seconds=1" &
    for _ in 1 2 3 4 5; do
        curl -s -o /dev/null --max-time 20 "$U/goroutine?debug=1" || true
        n=$((n + 1))
    done
    wait $!
done
wait $pid; rc=$?
[ "$rc" = 124 ] && die "deferred + HTTP: hung"
[ "$rc" = 0 ] || { cat run.err; die "deferred + HTTP: exit status $rc"; }
grep -qx 'cancel done 150' run.out || die "deferred + HTTP: workload did not finish"
[ "$n" -ge 5 ] || die "deferred + HTTP: only $n thread dumps taken"
echo "deferred + HTTP: ok ($n thread dumps)"
exit 0
