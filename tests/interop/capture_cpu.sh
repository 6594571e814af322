#!/usr/bin/env bash
# CPU profiles of real workloads, read by go tool pprof:
#  - a busy loop of 1 s of CPU reads about 1 s at 100 Hz and at 1000 Hz
#    (values are measured CPU time, not samples x requested period);
#  - two functions with a 3:1 CPU split show that split within 10
#    points, on 1 thread and on 4 threads (timers armed in threads that
#    existed before start, and in threads created while profiling).
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload busy cpu_split

for hz in 100 1000; do
    run "$CAPBIN/busy" "$WORK/busy$hz.pb.gz" $hz 1
    expect_rc 0
    t=$(total_ms "$CAPBIN/busy" "$WORK/busy$hz.pb.gz")
    echo "busy loop at $hz Hz: $t ms"
    within "$t" 850 1150 || die "busy loop at $hz Hz reads $t ms, want ~1000"
    b=$(top_cum "$CAPBIN/busy" "$WORK/busy$hz.pb.gz" busy_loop)
    within "$b" 800 1150 || die "busy_loop has $b ms"
    pprof -raw "$WORK/busy$hz.pb.gz" | grep -q '^PeriodType: cpu nanoseconds' ||
        die "period type is not cpu/nanoseconds"
    pprof -raw "$WORK/busy$hz.pb.gz" | grep -qx "Period: $((1000000000 / hz))" ||
        die "period is not 1e9/$hz"
done

# Written symbolized: pprof names the frames without the binary.
pprof -top "$WORK/busy100.pb.gz" | grep -q ' busy_loop$' ||
    die "profile is not symbolized"
pprof -raw "$WORK/busy100.pb.gz" | grep -q 'busy_loop tests/capture/src/busy.c:[0-9]' ||
    die "no file:line for busy_loop"

split() {  # NAME THREADS MODE
    local p="$WORK/$1.pb.gz" a b share
    run "$CAPBIN/cpu_split" "$p" "$2" 1 1000 "$3"
    expect_rc 0
    a=$(top_cum "$CAPBIN/cpu_split" "$p" three_parts)
    b=$(top_cum "$CAPBIN/cpu_split" "$p" one_part)
    share=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + b > 0) printf "%.1f", 100 * a / (a + b); else print 0 }')
    echo "$1: three_parts $a ms, one_part $b ms: $share%"
    within "$share" 65 85 || die "$1: three_parts has $share% of the split, want 75 +- 10"
}
split one_thread 1 after
split four_threads_before 4 before
split four_threads_after 4 after
# Every thread got a timer: 4 threads x 1 s of CPU.
t=$(total_ms "$CAPBIN/cpu_split" "$WORK/four_threads_before.pb.gz")
echo "four threads: $t ms"
within "$t" 3400 4600 || die "4 threads x 1 s read as $t ms"
exit 0
