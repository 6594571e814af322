# Flag errors around the call graph outputs exit 2 with a message:
# two outputs at once, -output without a file, a bad boolean, a bad
# node count; an empty -output value is refused as a usage error too;
# --help lists the new outputs.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"
run "$BIN/pproftop" -dot -svg "$f"
expect_rc 2
grep -q 'at most one output format' "$WORK/err" || die "message: $(cat "$WORK/err")"
run "$BIN/pproftop" -top -png "$f"
expect_rc 2
run "$BIN/pproftop" -dot -output
expect_rc 2
grep -q 'flag needs an argument: -output' "$WORK/err" || die "message: $(cat "$WORK/err")"
run "$BIN/pproftop" -svg=maybe "$f"
expect_rc 2
grep -q "invalid boolean value 'maybe' for -svg" "$WORK/err" || die "message: $(cat "$WORK/err")"
run "$BIN/pproftop" -dot -nodecount=many "$f"
expect_rc 2
run "$BIN/pproftop" -dot -output= "$f"
expect_rc 2
grep -q 'empty' "$WORK/err" || die "message: $(cat "$WORK/err")"
# -svg=false is no output choice at all: the default report
run "$BIN/pproftop" -svg=false "$f"
expect_rc 0
grep -q '^      flat  flat%' "$WORK/out" || die "-svg=false did not give -top"
# --help lists the graph outputs and -output
run "$BIN/pproftop" --help
expect_rc 0
for flag in -dot -svg -png -pdf -ps -gif -output=FILE; do
    grep -q -- "$flag" "$WORK/out" || die "--help does not list $flag"
done
