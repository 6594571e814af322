# -flamegraph: one self-contained HTML page (-output=FILE or stdout), no
# external reference; conflicting formats are a usage error; unreadable
# input fails with one line and leaves no output file.
. "$TESTLIB"
cpu="$CORPUS/go_cpu.pb.gz"
run "$BIN/pproftop" -flamegraph -output="$WORK/fg.html" "$cpu"
expect_rc 0
[ ! -s "$WORK/out" ] || die "stdout not empty with -output"
head -1 "$WORK/fg.html" | grep -qx '<!DOCTYPE html>' || die "not an HTML page"
grep -q '<title>go_workload: flame graph of cpu</title>' "$WORK/fg.html" ||
    die "default title"
grep -Eiq '(src|href) *=|@import|url\(' "$WORK/fg.html" &&
    die "the page refers to something outside itself"
[ "$(grep -c '<script' "$WORK/fg.html")" -eq 2 ] || die "want 2 scripts"
run "$BIN/pproftop" -flamegraph "$cpu"
expect_rc 0
expect_same "$WORK/out" "$WORK/fg.html"

run "$BIN/pproftop" -flamegraph -json "$cpu"
expect_rc 2
grep -qx 'pproftop: must set at most one output format' "$WORK/err" ||
    die "usage message"
[ ! -s "$WORK/out" ] || die "stdout not empty"


printf 'not a profile\n\001\002' >"$WORK/bad.prof"
run "$BIN/pproftop" -flamegraph -output="$WORK/bad.html" "$WORK/bad.prof"
expect_rc 1
expect_err_line 'bad\.prof'
expect_no_file "$WORK/bad.html"
