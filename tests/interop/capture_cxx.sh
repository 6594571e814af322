#!/usr/bin/env bash
# C++ heap profile through LD_PRELOAD at heap rate 1: every form of
# operator new (plain, array, aligned, nothrow) is charged, byte for
# byte, to the function that called new, and failures still throw
# std::bad_alloc (or give NULL for nothrow). libstdc++'s operator new has
# no frame pointer; without the library's own operator new the frame
# walk from malloc would skip that function and charge its caller.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_cxx
B="$CAPBIN/preload_cxx"
# sanitizer builds: the preloaded library comes before libasan
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"
run "$BIN/pprofrecord" --no-cpu --heap=heap.pb.gz --heap-rate=1 -- "$B"
expect_rc 0
grep -qx 'kept 5600' "$WORK/out" || die "workload did not run: $(cat "$WORK/out")"

flat() {    # SAMPLE_INDEX FUNC: FUNC's flat value in bytes (0 if absent)
    pprof -sample_index="$1" -top -unit=B -nodefraction=0 "$B" heap.pb.gz |
        awk -v f="$2" '$6 == f { v = $1; sub(/B$/, "", v); print v; found = 1 }
                       END { if (!found) print 0 }' | head -1
}
check() {   # SAMPLE_INDEX FUNC BYTES
    local v
    v=$(flat "$1" "$2")
    echo "$1 $2: $v (want $3)"
    [ "$v" = "$3" ] || die "$1 of $2: $v bytes, want $3"
}
check inuse_space make_arrays 4096000
check inuse_space make_objects 48000
check inuse_space make_aligned 96000
check inuse_space make_nothrow 10000
check inuse_space churn 0
check alloc_space churn 512000
[ "$(flat inuse_objects make_arrays)" = 4000 ] || die "make_arrays objects"
# a failing operator new keeps C++'s semantics through the interposer:
# std::bad_alloc thrown through its frame, NULL from nothrow (not under
# ASan, whose operator new aborts on such sizes by design)
if [ -z "${SANITIZE:-}" ]; then
    run "$BIN/pprofrecord" --no-cpu --heap=huge.pb.gz --heap-rate=1 -- "$B" huge
    expect_rc 0
    grep -qx 'huge failures seen: 4 of 4' "$WORK/out" || die "huge: $(cat "$WORK/out" "$WORK/err")"
fi
# the allocating function is the leaf: operator new and malloc are not
# in the stacks, nor is any frame of the library
pprof -sample_index=alloc_space -traces "$B" heap.pb.gz > traces.txt
grep -qE '^ +(operator new|malloc|pf_)' traces.txt &&
    die "library or allocator frames in the stacks: $(grep -E '^ +(operator new|malloc|pf_)' traces.txt | sort -u)"
exit 0
