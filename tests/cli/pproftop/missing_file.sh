# A missing or unreadable input fails with exit 1 and one line naming it.
. "$TESTLIB"
run "$BIN/pproftop" "$WORK/nope.pb.gz"
expect_rc 1
expect_err_line "^pproftop: $WORK/nope.pb.gz: "
[ ! -s "$WORK/out" ] || die "stdout not empty"
printf 'this is not a profile\n' >"$WORK/junk"
run "$BIN/pproftop" "$WORK/junk"
expect_rc 1
expect_err_line "^pproftop: $WORK/junk: "
