# Usage errors exit 2: no file, unknown flag, missing flag value, two
# report formats, conflicting granularities, bad numbers.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"
run "$BIN/pproftop"
expect_rc 2
run "$BIN/pproftop" -nosuchflag "$f"
expect_rc 2
grep -q 'flag provided but not defined: -nosuchflag' "$WORK/err" || die "message"
run "$BIN/pproftop" -focus
expect_rc 2
run "$BIN/pproftop" -traces -tree "$f"
expect_rc 2
run "$BIN/pproftop" -lines -files "$f"
expect_rc 2
run "$BIN/pproftop" -nodecount=abc "$f"
expect_rc 2
run "$BIN/pproftop" -cum=maybe "$f"
expect_rc 2
run "$BIN/pproftop" -nodefraction=-1 "$f"
expect_rc 2
