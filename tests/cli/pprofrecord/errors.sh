#!/usr/bin/env bash
# pprofrecord: usage errors exit 2, a command that cannot run exits 1,
# a missing library is named, an unwritable output is reported by the
# library at exit and leaves no file.
. "$TESTLIB"
R="$BIN/pprofrecord"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"

run "$R"
expect_rc 2
head -1 "$WORK/err" | grep -qx 'pprofrecord: no command to run' || die "usage message: $(cat "$WORK/err")"
run "$R" --rate=0 -- true
expect_rc 2
head -1 "$WORK/err" | grep -qx "pprofrecord: --rate wants an integer in 1\.\.10000, not '0'" ||
    die "rate message: $(cat "$WORK/err")"
run "$R" --bogus -- true
expect_rc 2
run "$R" --unwind=frame -- true
expect_rc 2
head -1 "$WORK/err" | grep -qx "pprofrecord: --unwind wants fp or dwarf, not 'frame'" ||
    die "--unwind=frame message: $(cat "$WORK/err")"
for opt in heap allocs mutex block threadcreate; do
    run "$R" --$opt= -- true
    expect_rc 2
    head -1 "$WORK/err" | grep -qx "pprofrecord: --$opt wants a file name" ||
        die "--$opt= message: $(cat "$WORK/err")"
done
run "$R" --help
expect_rc 0
grep -q '^Usage: pprofrecord' "$WORK/out" || die "no usage text"
run "$R" -- ./no-such-command
expect_rc 1
expect_err_line "^pprofrecord: cannot run './no-such-command': No such file or directory$"
PPROF_CAPTURE_LIB=/nonexistent/lib.so run "$R" -- true
expect_rc 1
expect_err_line "^pprofrecord: PPROF_CAPTURE_LIB: cannot read '/nonexistent/lib.so'"
run "$R" -o /nonexistent-dir/cpu.pb.gz -- true
expect_rc 0
expect_err_line "^libprofile-capture: cannot write the cpu profile: cannot open '/nonexistent-dir/cpu.pb.gz.tmp.[0-9]+': No such file or directory$"
exit 0
