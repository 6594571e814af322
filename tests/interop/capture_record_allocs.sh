#!/usr/bin/env bash
# pprofrecord --allocs and --threadcreate on an unmodified program: the
# allocs profile (alloc_* by default, frees included) holds kept_alloc's
# 2000 x 4 KiB within 5 % at a 4 KiB rate, and threadcreate counts the
# two workers main creates.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_work
B="$CAPBIN/preload_work"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"
run "$BIN/pprofrecord" --no-cpu --allocs=allocs.pb.gz --heap-rate=4096 \
    --threadcreate=tc.pb.gz -- "$B" 0.3
expect_rc 0
[ ! -e cpu.pb.gz ] || die "--no-cpu wrote cpu.pb.gz"
# Go's allocs profile: the heap's four types, alloc_space the default
pprof -raw allocs.pb.gz | grep -qx 'alloc_objects/count alloc_space/bytes\[dflt\] inuse_objects/count inuse_space/bytes' ||
    die "allocs sample types: $(pprof -raw allocs.pb.gz | sed -n 5p)"
k=$(pprof -top -unit=B -nodefraction=0 "$B" allocs.pb.gz |
    awk '$6 == "kept_alloc" { v = $1; sub(/B$/, "", v); print v }')
echo "kept_alloc allocated: $k"
within "$k" $((8192000 * 95 / 100)) $((8192000 * 105 / 100)) ||
    die "kept_alloc $k bytes, want 8192000 +- 5%"
[ "$(top_cum "$B" tc.pb.gz main)" = 2 ] || die "threadcreate: main made $(top_cum "$B" tc.pb.gz main) threads, want 2"
exit 0
