#!/usr/bin/env bash
# Go block and mutex debug=1 text (--- contention: / --- mutex:).
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
gw=$(go_workload)
for f in go_block.debug1.txt go_mutex.debug1.txt; do
    legacy_check "$CORPUS/$f" "$gw"
done
