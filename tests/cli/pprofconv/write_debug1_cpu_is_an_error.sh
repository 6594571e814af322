#!/usr/bin/env bash
# A CPU profile has no debug=1 text form: exit 1, one line naming the
# output and why, no output file (not even a temporary one).
. "$TESTLIB"
run "$BIN/pprofconv" --format=debug1 "$CORPUS/go_cpu.pb.gz" "$WORK/out.txt"
expect_rc 1
expect_err_line '^pprofconv: .*out\.txt: cpu profiles have no debug=1 text form$'
expect_no_file "$WORK/out.txt"
[ ! -s "$WORK/out" ] || die "unexpected stdout"

# The same through the extension, and for debug=2.
run "$BIN/pprofconv" "$CORPUS/go_cpu.pb.gz" "$WORK/out.debug1.txt"
expect_rc 1
expect_err_line 'cpu profiles have no debug=1 text form$'
expect_no_file "$WORK/out.debug1.txt"
run "$BIN/pprofconv" --format=debug2 "$CORPUS/go_heap.pb.gz" "$WORK/out2.txt"
expect_rc 1
expect_err_line '^pprofconv: .*out2\.txt: .*debug=2'
expect_no_file "$WORK/out2.txt"
