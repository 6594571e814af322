# An unknown -sample_index is a usage error (exit 2) naming the choices.
. "$TESTLIB"
run "$BIN/pproftop" -sample_index=nosuch "$CORPUS/go_cpu.pb.gz"
expect_rc 2
expect_err_line '^pproftop: -sample_index: sample_index "nosuch" must be one of: .*samples.*cpu'
[ ! -s "$WORK/out" ] || die "stdout not empty"
run "$BIN/pproftop" -sample_index=7 "$CORPUS/go_cpu.pb.gz"
expect_rc 2
expect_err_line 'outside the range \[0\.\.1\]'
