#!/usr/bin/env bash
# Issue 11.3: heap?seconds=N and allocs?seconds=N deltas report what was
# allocated and freed in the window. preload_heaprate allocates at known
# rates: steady_alloc 4000 blocks/s of 1024 and 3072 bytes in turn
# (8 MB/s) with in-use bytes constant, quarter_kept 1000 blocks/s of
# 4096 bytes keeping 1 in 4 (in use grows 1 MB/s). Sampling every 16 KiB
# on average; go tool pprof reads the deltas. Before buckets were keyed
# by allocation size, a 2 s window reported totals of ~1.9 GB.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_heaprate
need_http
B="$CAPBIN/preload_heaprate"
cd "$WORK"
trap 'touch "$WORK/stop"; wait' EXIT

http_record --heap-rate=16384 -- "$B" "$WORK/stop"
sleep 1    # past the start: the ring is full, in use is steady
curl -sf -o heap.pb.gz --max-time 30 "$U/heap?seconds=2" || die "heap?seconds=2 failed"
pprof -top -sample_index=alloc_space -unit=B "$U/allocs?seconds=2" >allocs.top ||
    die "go tool pprof cannot read allocs?seconds=2"
touch stop
wait $pid || { cat run.err; die "workload failed"; }

# value FILE FUNC: FUNC's flat value in a -top -unit=B listing
value() {
    awk -v f="$2" '$6 == f { v = $1; sub(/B$/, "", v); print v; n = 1 }
                   END { if (!n) print "absent" }' "$1"
}
# check WHAT GOT WANT TOLERANCE_FRACTION
check() {
    within "$2" "$(awk -v w="$3" -v t="$4" 'BEGIN { print w * (1 - t) }')" \
        "$(awk -v w="$3" -v t="$4" 'BEGIN { print w * (1 + t) }')" ||
        die "$1: $2, want $3 +- $(awk -v t="$4" 'BEGIN { print 100 * t }')%"
    echo "$1: $2 (want $3)"
}
for si in alloc_space alloc_objects inuse_space inuse_objects; do
    pprof -top -sample_index=$si -unit=B "$B" heap.pb.gz >"$si.top"
done
secs=$(sed -n 's/^Duration: \([0-9.]*\)s.*/\1/p' alloc_space.top)
within "$secs" 1.9 2.5 || die "delta duration $secs s"
check "steady_alloc alloc_space" "$(value alloc_space.top steady_alloc)" \
    "$(awk -v s="$secs" 'BEGIN { print 8192000 * s }')" 0.15
check "steady_alloc alloc_objects" "$(value alloc_objects.top steady_alloc)" \
    "$(awk -v s="$secs" 'BEGIN { print 4000 * s }')" 0.15
check "quarter_kept alloc_space" "$(value alloc_space.top quarter_kept)" \
    "$(awk -v s="$secs" 'BEGIN { print 4096000 * s }')" 0.15
check "quarter_kept inuse_space" "$(value inuse_space.top quarter_kept)" \
    "$(awk -v s="$secs" 'BEGIN { print 1024000 * s }')" 0.35
# steady state: what steady_alloc has in use does not change
v=$(value inuse_space.top steady_alloc)
[ "$v" = absent ] && v=0
within "$v" -1500000 1500000 || die "steady_alloc inuse_space delta $v B, want ~0"
echo "steady_alloc inuse_space delta: $v B"
# nothing else: the totals are the two sites
total=$(sed -n 's/.*Total samples = \([0-9.]*\)B.*/\1/p' alloc_space.top)
check "alloc_space total" "$total" "$(awk -v s="$secs" 'BEGIN { print 12288000 * s }')" 0.15
# pprof's total adds absolute values: samples that do not cancel (the
# old per-stack average "bytes" label) show up there as phantom bytes
total=$(sed -n 's/.*Total samples = \([0-9.]*\)B.*/\1/p' inuse_space.top)
within "$total" 0 "$(awk -v s="$secs" 'BEGIN { print 1024000 * s * 1.35 + 1500000 }')" ||
    die "inuse_space total $total B: phantom in-use bytes"
echo "inuse_space total: $total B"
# the allocs delta, read by go tool pprof from the URL
check "allocs?seconds=2 steady_alloc" "$(value allocs.top steady_alloc)" \
    "$(awk -v s="$secs" 'BEGIN { print 8192000 * s }')" 0.2
exit 0
