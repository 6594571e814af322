# A filter that matches no sample warns on stderr as pprof does, and the
# report is still printed (exit 0); a matching one says nothing.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"
run "$BIN/pproftop" -focus=no_such_function "$f"
expect_rc 0
expect_err_line '^pproftop: Focus expression matched no samples$'
grep -q '^Showing nodes accounting for 0, 0% of 2s total$' "$WORK/out" ||
    die "report missing"
run "$BIN/pproftop" -tagignore=request=zzz -hide=main.cpuHeavy "$f"
expect_rc 0
expect_err_line '^pproftop: TagIgnore expression matched no samples$'
run "$BIN/pproftop" -focus=main "$f"
[ ! -s "$WORK/err" ] || die "unexpected warning: $(cat "$WORK/err")"
