# The CI gate: exit 1 on a regressed profile (the CPU profile merged
# with itself: every function doubled), with the offenders listed on
# stderr; 0 on an equal or improved one; 2 on a broken or incompatible
# input, with no output file.
. "$TESTLIB"
cd "$WORK"
cpu=$CORPUS/go_cpu.pb.gz
"$BIN/pprofmerge" -o double.pb.gz "$cpu" "$cpu" || die "merge failed"

run "$BIN/pprofdiff" --fail-above=50 "$cpu" double.pb.gz
expect_rc 1
grep -q '^pprofdiff: regression: total cpu +2s (+100.0%)$' err ||
    die "total not listed: $(cat err)"
grep -q '^pprofdiff: regression: main.cpuHeavy: flat +1.27s (+100.0%)$' err ||
    die "cpuHeavy not listed: $(cat err)"
# Every offender line, and only those, on stderr.
[ "$(grep -vc '^pprofdiff: regression: ' err)" -eq 0 ] || die "stray stderr"
grep -q 'main.cpuHeavy' out || die "no table on stdout"

run "$BIN/pprofdiff" --fail-above=100 "$cpu" double.pb.gz
expect_rc 0                      # +100% is not above 100%
run "$BIN/pprofdiff" --fail-above=1 "$cpu" "$cpu"
expect_rc 0
[ ! -s err ] || die "stderr on an equal profile: $(cat err)"
run "$BIN/pprofdiff" --fail-above=1 double.pb.gz "$cpu"
expect_rc 0                      # an improvement
run "$BIN/pprofdiff" --normalize --fail-above=1 "$cpu" double.pb.gz
expect_rc 0                      # same shape once normalized

# Absolute threshold, with units: only functions that grew by > 1s.
run "$BIN/pprofdiff" -q --fail-above-abs=1s "$cpu" double.pb.gz
expect_rc 1
[ "$(wc -l <err)" -eq 2 ] || die "want total + cpuHeavy: $(cat err)"
grep -q 'main.cpuHeavy' err || die "cpuHeavy missing"
run "$BIN/pprofdiff" -q --fail-above-abs=2000000001 "$cpu" double.pb.gz
expect_rc 0
# Both thresholds: both must be exceeded.
run "$BIN/pprofdiff" -q --fail-above=50 --fail-above-abs=500ms "$cpu" double.pb.gz
expect_rc 1
[ "$(grep -c 'regression: main' err)" -eq 2 ] || die "want cpuHeavy and cpuMedium: $(cat err)"
# By cumulative value: callers regress too.
run "$BIN/pprofdiff" -q --by=cum --fail-above=50 "$cpu" double.pb.gz
expect_rc 1
grep -q '^pprofdiff: regression: main.cpuRound: cum +2s (+100.0%)$' err ||
    die "cum regression of main.cpuRound missing: $(cat err)"
# The samples count instead of cpu time.
run "$BIN/pprofdiff" -q --sample-index=samples --fail-above-abs=150 "$cpu" double.pb.gz
expect_rc 1
grep -q '^pprofdiff: regression: total samples +200 (+100.0%)$' err ||
    die "$(cat err)"

# Trouble: exit 2, one line, no output file.
head -c 100 "$cpu" >broken.pb.gz
run "$BIN/pprofdiff" --fail-above=1 -o out.pb.gz "$cpu" broken.pb.gz
expect_rc 2
expect_err_line '^pprofdiff: broken.pb.gz: gzip: unexpected end of data'
expect_no_file "$WORK/out.pb.gz"
run "$BIN/pprofdiff" --fail-above=1 -o out.pb.gz "$cpu" "$CORPUS/go_heap.pb.gz"
expect_rc 2
expect_err_line "^pprofdiff: $cpu vs $CORPUS/go_heap.pb.gz: period types differ: cpu/nanoseconds vs space/bytes\$"
expect_no_file "$WORK/out.pb.gz"
run "$BIN/pprofdiff" -o out.pb.gz "$CORPUS/go_block.pb.gz" "$CORPUS/go_goroutine.pb.gz"
expect_rc 2
expect_err_line 'period types differ: contentions/count vs goroutine/count$'
expect_no_file "$WORK/out.pb.gz"
run "$BIN/pprofdiff" nosuch.pb.gz "$cpu"
expect_rc 2
expect_err_line '^pprofdiff: nosuch.pb.gz: No such file or directory$'
