#!/usr/bin/env bash
# Heap and allocs profiles of a workload with known allocation sites:
# exact at rate 1, within 5% at 4 KiB (thousands of samples), and
# unbiased at the default 512 KiB rate (mean of 10 runs within 5%).
# Each run has about 510 samples (sd 4.4%): the mean of 5 runs (sd 2%)
# missed 5% in 5 of 155 runs; the mean of 10 (sd 1.4%, 5% = 3.5 sd)
# should miss about once in 2000.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload alloc_sites
B="$CAPBIN/alloc_sites"

val() {  # PROFILE SAMPLE_INDEX FUNC: flat value (bytes or count)
    pprof -sample_index="$2" -top -unit=B -nodefraction=0 "$B" "$1" |
        awk -v f="$3" '$6 == f { v = $1; sub(/B$/, "", v); print v; found = 1 }
                       END { if (!found) print 0 }' | head -1
}
expect_val() {  # PROFILE INDEX FUNC WANT TOLERANCE_PERCENT
    local got
    got=$(val "$1" "$2" "$3")
    echo "$(basename "$1") $2 $3: $got (want $4 +- $5%)"
    awk -v g="$got" -v w="$4" -v t="$5" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * t / 100) }' ||
        die "$(basename "$1") $2 $3 = $got, want $4 +- $5%"
}

# rate 1: every allocation, exact
run "$B" "$WORK/heap1.pb.gz" "$WORK/allocs1.pb.gz" 1
expect_rc 0
h="$WORK/heap1.pb.gz" a="$WORK/allocs1.pb.gz"
expect_val "$h" inuse_space keep_blocks $((4000 * 4096)) 0
expect_val "$h" inuse_objects keep_blocks 4000 0
expect_val "$h" inuse_space calloc_blocks $((1000 * 512)) 0
expect_val "$h" inuse_space align_blocks $((1000 * 256)) 0
expect_val "$h" inuse_space churn_blocks 0 0
expect_val "$h" alloc_space churn_blocks $((16000 * 1024)) 0
expect_val "$h" alloc_objects grow_block 7 0
expect_val "$h" alloc_space grow_block $((127 * 1024)) 0
expect_val "$h" inuse_space grow_block 0 0
expect_val "$a" alloc_space keep_blocks $((4000 * 4096)) 0
pprof -raw "$h" | grep -q '^PeriodType: space bytes' || die "heap period type"
pprof -raw "$h" | grep -qx 'Period: 1' || die "heap period"
# allocs defaults to alloc_space, heap to inuse_space
pprof -top "$B" "$a" | grep -q '^Type: alloc_space' || die "allocs default type"
pprof -top "$B" "$h" | grep -q '^Type: inuse_space' || die "heap default type"
# Go's numeric label bytes = average object size
pprof -tags "$h" | grep -q 'bytes: Total' || die "no bytes label"
pprof -tags "$h" | grep -Eq '15.6MB .*: 4kB$' || die "no bytes=4096 label on keep_blocks"

# 4 KiB: thousands of samples, within 5%
run "$B" "$WORK/heap4k.pb.gz" "$WORK/allocs4k.pb.gz" 4096
expect_rc 0
expect_val "$WORK/heap4k.pb.gz" inuse_space keep_blocks $((4000 * 4096)) 5
expect_val "$WORK/heap4k.pb.gz" inuse_objects keep_blocks 4000 5
expect_val "$WORK/allocs4k.pb.gz" alloc_space churn_blocks $((16000 * 1024)) 5
expect_val "$WORK/allocs4k.pb.gz" alloc_objects churn_blocks 16000 5

# default rate: unbiased on average
sum=0 nruns=10
for i in $(seq $nruns); do
    run "$B" "$WORK/h.pb.gz" "$WORK/a$i.pb.gz" 524288 big
    expect_rc 0
    v=$(val "$WORK/a$i.pb.gz" alloc_space churn_blocks)
    echo "run $i: $v"
    sum=$((sum + ${v%.*}))
done
expect_mean=$((16 * 4096 * 4096))
awk -v s="$sum" -v n="$nruns" -v w="$expect_mean" 'BEGIN { m = s / n; d = m - w; if (d < 0) d = -d; print "mean", m, "truth", w; exit !(d <= w * 0.05) }' ||
    die "default-rate mean is off by more than 5%"
exit 0
