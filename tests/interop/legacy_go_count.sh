#!/usr/bin/env bash
# Go count profiles (goroutine, custom) debug=1 text. Our reader keeps
# the "# labels:" lines as labels (the reference drops them), so tags
# are hidden when comparing with the reference, and compared instead
# with the proto the runtime wrote from the same snapshot.
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
gw=$(go_workload)
legacy_check "$CORPUS/go_custom.debug1.txt" "$gw"
legacy_check "$CORPUS/go_goroutine.debug1.txt" "$gw" "-taghide=."

pprof -tags "$WORK/go_goroutine.debug1.txt.pb.gz" >"$WORK/a"
pprof -tags "$CORPUS/go_goroutine.pb.gz" >"$WORK/b"
grep -q pool "$WORK/b" || die "no pool tag in the proto"
expect_same "$WORK/a" "$WORK/b"
echo "labels: -tags equal to go_goroutine.pb.gz"
