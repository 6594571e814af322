# Folded stacks have no line-length cap: a 600,000-frame stack (a 4.7
# MB line, over the 4 MiB other text formats allow) converts and comes
# back unchanged. Other text formats name the long line.
. "$TESTLIB"
cd "$WORK"
{ seq -f 'f%g' 1 600000 | paste -sd';' | sed 's/$/ 7/'; echo "a;b 3"; } >long.folded
[ "$(head -1 long.folded | wc -c)" -gt 4194304 ] || die "line not long enough"
run "$BIN/pprofconv" long.folded out.folded
expect_rc 0
sort long.folded >want
sort out.folded >got
expect_same got want
run "$BIN/pproftop" -nodecount=2 long.folded
expect_rc 0
grep -q 'f600000$' out || die "leaf missing from the report: $(cat out)"
# A long line inside a heap profile: its line number, not a proto error.
{ echo "heap profile: 1: 2 [3: 4] @ heap_v2/524288"
  printf '1: 2 [3: 4] @'; seq -f ' 0x%g' 1 600000 | tr -d '\n'; echo; } >long.heap
run "$BIN/pprofconv" long.heap out.pb.gz
expect_rc 1
expect_err_line '^pprofconv: long.heap: line 2: line longer than 4194304 bytes$'
