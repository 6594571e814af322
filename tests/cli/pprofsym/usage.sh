# Usage errors exit 2; --help and --version exit 0; a bad input file is
# one line and exit 1.
. "$TESTLIB"
run "$BIN/pprofsym"
expect_rc 2
grep -q "want 2 arguments" "$WORK/err" || die "$(cat "$WORK/err")"
run "$BIN/pprofsym" --demangle=fancy a b
expect_rc 2
run "$BIN/pprofsym" --help
expect_rc 0
grep -q "^Usage: pprofsym" "$WORK/out" || die "help"
run "$BIN/pprofsym" --version
expect_rc 0
grep -q "^pprofsym " "$WORK/out" || die "version"
run "$BIN/pprofsym" "$WORK/nope.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
expect_err_line "^pprofsym: .*nope.pb.gz: No such file or directory$"
expect_no_file "$WORK/out.pb.gz"
