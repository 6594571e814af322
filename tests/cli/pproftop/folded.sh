# -folded: one "root;...;leaf VALUE" line per distinct stack, values sum
# to the total of the stacks shown by -top, filters apply.
. "$TESTLIB"
f="$CORPUS/go_goroutine.pb.gz"
run "$BIN/pproftop" -folded "$f"
expect_rc 0
grep -Evq '^[^ ]+( [^ ]+)* -?[0-9]+$' "$WORK/out" && die "bad folded line"
sum=$(awk '{ s += $NF } END { print s }' "$WORK/out")
[ "$sum" -eq 19 ] || die "folded sum $sum, want 19"
grep -q '^runtime.main;main.main;main.runGoroutine;' "$WORK/out" ||
    die "root-first order expected"
[ "$(sort "$WORK/out" | uniq -d | wc -l)" -eq 0 ] || die "duplicate stacks"
run "$BIN/pproftop" -folded -focus=main.waitSleep "$f"
sum=$(awk '{ s += $NF } END { print s }' "$WORK/out")
[ "$sum" -eq 5 ] || die "focused sum $sum, want 5"
