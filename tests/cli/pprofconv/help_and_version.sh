# --help and --version print to stdout and exit 0; no arguments is a
# usage error (exit 2) with a hint on stderr.
. "$TESTLIB"
run "$BIN/pprofconv" --help
expect_rc 0
grep -q '^Usage: pprofconv' "$WORK/out" || die "no usage text"
grep -q 'proto, debug1, debug2, folded, raw' "$WORK/out" || die "formats not listed"
run "$BIN/pprofconv" --version
expect_rc 0
grep -Eq '^pprofconv [0-9]+\.[0-9]+\.[0-9]+' "$WORK/out" || die "bad version line"
run "$BIN/pprofconv"
expect_rc 2
grep -q "want 2 arguments" "$WORK/err" || die "no usage error"
run "$BIN/pprofconv" --format=pdf "$CORPUS/go_cpu.pb.gz" "$WORK/x"
expect_rc 2
grep -q "unknown format 'pdf'" "$WORK/err" || die "unknown format not named"
expect_no_file "$WORK/x"
run "$BIN/pprofconv" --level=12 "$CORPUS/go_cpu.pb.gz" "$WORK/x"
expect_rc 2
