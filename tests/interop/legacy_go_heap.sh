#!/usr/bin/env bash
# Go heap/allocs debug=1 text (exact and sampled): our conversion reads
# like the original in go tool pprof (see legacy_compare.inc).
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
gw=$(go_workload)
for f in go_heap.debug1.txt go_allocs.debug1.txt go_heap_sampled.debug1.txt; do
    legacy_check "$CORPUS/$f" "$gw"
done
