# --help and -h print the usage on stdout and exit 0; --version too.
. "$TESTLIB"
for h in --help -h -help; do
    run "$BIN/pproftop" "$h"
    expect_rc 0
    grep -q '^Usage: pproftop \[FLAGS\] FILE' "$WORK/out" || die "$h: no usage"
    grep -q -- '-sample_index' "$WORK/out" || die "$h: flags not listed"
    [ ! -s "$WORK/err" ] || die "$h: stderr not empty"
done
for v in --version -V; do
    run "$BIN/pproftop" "$v"
    expect_rc 0
    grep -Eq '^pproftop [0-9]+\.[0-9]+\.[0-9]+' "$WORK/out" || die "$v: $(cat "$WORK/out")"
done
