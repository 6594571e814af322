# -base and -diff_base together, or -normalize without a base, are usage
# errors with pprof's messages (exit 2, nothing on stdout); an empty
# -base= unsets the flag; a base that cannot be read, or whose sample or
# period types differ, is a failure (exit 1) naming it.
. "$TESTLIB"
cpu="$CORPUS/go_cpu.pb.gz"
run "$BIN/pproftop" -base="$cpu" -diff_base="$cpu" "$cpu"
expect_rc 2
grep -qx 'pproftop: -base and -diff_base flags cannot both be specified' \
    "$WORK/err" || die "message"
[ ! -s "$WORK/out" ] || die "stdout not empty"
run "$BIN/pproftop" -normalize "$cpu"
expect_rc 2
grep -qx 'pproftop: must have base profile to normalize by' "$WORK/err" ||
    die "message"
run "$BIN/pproftop" -base= -normalize "$cpu"
expect_rc 2
run "$BIN/pproftop" -base="$cpu" -base= "$cpu"
expect_rc 0
grep -q '^Showing nodes accounting for 2s, 100% of 2s total$' "$WORK/out" ||
    die "-base= did not unset -base"
run "$BIN/pproftop" -base="$cpu" "$cpu"
expect_rc 0
grep -q '^Showing nodes accounting for 0, 0% of 0 total$' "$WORK/out" ||
    die "a profile minus itself is not empty"
run "$BIN/pproftop" -diff_base="$WORK/nosuch.pb.gz" "$cpu"
expect_rc 1
expect_err_line 'nosuch\.pb\.gz'
run "$BIN/pproftop" -diff_base="$CORPUS/go_heap.pb.gz" "$cpu"
expect_rc 1
expect_err_line 'go_heap\.pb\.gz: (sample|period) types differ'
[ ! -s "$WORK/out" ] || die "stdout not empty"
