#!/usr/bin/env bash
# Two files the reference cannot read (its errors are in expected/):
# a debug=2 goroutine dump and a threadcreate text with empty-stack
# records. Ours reads both and gets the totals and per-function counts
# of the proto the runtime wrote from the same snapshot; the dump's
# goroutine states match the corpus generator's own count.
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
gw=$(go_workload)

# The reference really cannot read them.
for f in go_threadcreate.debug1.txt go_goroutine.debug2.txt; do
    pprof -raw "$CORPUS/$f" >"$WORK/out" && die "the reference now reads $f"
done

# threadcreate: same total, same per-function cum (symbolized with the
# binary on both sides; the proto is already symbolized).
run "$BIN/pprofconv" "$CORPUS/go_threadcreate.debug1.txt" "$WORK/tc.pb.gz"
expect_rc 0
a=$(legacy_total "$gw" "$WORK/tc.pb.gz"); b=$(legacy_total "$CORPUS/go_threadcreate.pb.gz")
[ -n "$b" ] && [ "$a" = "$b" ] || die "threadcreate total $a, proto $b"
legacy_cum "$gw" "$WORK/tc.pb.gz" >"$WORK/a"
legacy_cum "$CORPUS/go_threadcreate.pb.gz" >"$WORK/b"
grep -q "main.lockedWorker" "$WORK/b" || die "no main.lockedWorker in the proto"
join -t "$(printf '\t')" "$WORK/a" "$WORK/b" | awk -F '\t' '$2 != $3 { bad = 1; print } END { exit bad }' ||
    die "per-function counts differ"
n=$(join -t "$(printf '\t')" "$WORK/a" "$WORK/b" | wc -l)
echo "threadcreate: total $a, $n functions with equal counts"
# Without the binary: the comment symbols give the same answer for the
# function that has one.
legacy_cum "$WORK/tc.pb.gz" | grep -F "main.lockedWorker" >"$WORK/a"
grep -F "main.lockedWorker" "$WORK/b" >"$WORK/b1"
expect_same "$WORK/a" "$WORK/b1"

# goroutine debug=2: symbolized from the text alone.
run "$BIN/pprofconv" "$CORPUS/go_goroutine.debug2.txt" "$WORK/g2.pb.gz"
expect_rc 0
a=$(legacy_total "$WORK/g2.pb.gz"); b=$(legacy_total "$CORPUS/go_goroutine.pb.gz")
[ -n "$b" ] && [ "$a" = "$b" ] || die "goroutine total $a, proto $b"
legacy_cum "$WORK/g2.pb.gz" >"$WORK/a"
legacy_cum "$CORPUS/go_goroutine.pb.gz" >"$WORK/b"
# The dump and the proto were taken at different moments of the main
# goroutine (it is writing them); every goroutine parked by the workload
# is the same.
join -t "$(printf '\t')" "$WORK/a" "$WORK/b" | grep -v 'runtime/pprof\.' >"$WORK/j"
awk -F '\t' '$2 != $3 { bad = 1; print } END { exit bad }' "$WORK/j" || die "per-function counts differ"
for fn in main.waitRecv main.waitSelect main.waitLock main.waitSleep main.waitSend main.waitCond main.waitNilChan; do
    grep -q "^$fn	" "$WORK/j" || die "$fn missing"
done
echo "goroutine debug=2: total $a, $(wc -l <"$WORK/j") functions with equal counts"

# States, as counted by the corpus generator (facts.json).
pprof -tags "$WORK/g2.pb.gz" | awk '/^ state:/ { on = 1; next } /^ [a-z_]+:/ { on = 0 }
    on && NF { v = $1; $1 = $2 = ""; sub(/^ +/, ""); sub(/^[^:]*: /, ""); printf "%s\t%d\n", $0, v }' | sort >"$WORK/a"
jq -r '.goroutine_states | to_entries[] | "\(.key)\t\(.value)"' \
    "$CORPUS/expected/go_goroutine.debug2.txt.facts.json" | sort >"$WORK/b"
[ -s "$WORK/b" ] || die "no states in facts.json"
expect_same "$WORK/a" "$WORK/b"
echo "goroutine debug=2: states equal to facts.json"
