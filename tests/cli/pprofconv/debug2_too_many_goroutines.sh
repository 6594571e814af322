# A count profile whose counts add up to more than 16M goroutines has no
# debug=2 dump (one block per goroutine): a clear error, exit 1, no
# output file, at once (the input fuzzing found counted 9.2e18).
. "$TESTLIB"
run timeout 20 "$BIN/pprofconv" -f debug2 "$TESTDATA/fuzz/write/debug2_count_overflow" "$WORK/out.txt"
expect_rc 1
expect_err_line 'more than 16777216 goroutines in all, too many for a debug=2 dump$'
expect_no_file "$WORK/out.txt"
# the same profile still converts to the formats that hold counts
run "$BIN/pprofconv" -f folded "$TESTDATA/fuzz/write/debug2_count_overflow" "$WORK/out.folded"
expect_rc 0
