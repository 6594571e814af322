# --help on stdout with exit 0; --version; every usage error exits 2
# with one message and a hint to --help, before reading any input.
. "$TESTLIB"
cd "$WORK"
cpu=$CORPUS/go_cpu.pb.gz
run "$BIN/pprofdiff" --help
expect_rc 0
grep -q '^Usage: pprofdiff \[OPTIONS\] BASE NEW' out || die "no usage line"
for opt in --mode --normalize --fail-above= --fail-above-abs --json --sample-index; do
    grep -q -- "$opt" out || die "$opt undocumented"
done
run "$BIN/pprofdiff" --version
expect_rc 0
grep -Eq '^pprofdiff [0-9]+\.[0-9]+\.[0-9]+ \(libprofile [0-9.]+\)$' out ||
    die "bad version line: $(cat out)"
usage() {  # REGEX ARGS...
    local re=$1
    shift
    run "$BIN/pprofdiff" "$@"
    expect_rc 2
    grep -Eq "^pprofdiff: $re" err || die "stderr: $(cat err)"
    grep -q "Try 'pprofdiff --help'" err || die "no --help hint"
}
usage 'want 2 arguments \(BASE NEW\), got 0'
usage 'want 2 arguments \(BASE NEW\), got 1' "$cpu"
usage 'want 2 arguments \(BASE NEW\), got 3' "$cpu" "$cpu" "$cpu"
usage "--mode wants diff_base or base, not 'sub'" --mode=sub "$cpu" "$cpu"
usage "--by wants flat or cum, not 'x'" --by=x "$cpu" "$cpu"
usage "--fail-above wants a percentage, not 'lots'" --fail-above=lots "$cpu" "$cpu"
usage "--fail-above wants a percentage, not '-5'" --fail-above=-5 "$cpu" "$cpu"
usage "--nodecount wants a count, not 'x'" -N x "$cpu" "$cpu"
usage "'-' \(stdin\) can be given only once" - -
usage "-o - needs --quiet" -o - "$cpu" "$cpu"
usage "unknown format 'svg'" -f svg -o out.svg "$cpu" "$cpu"
usage "unrecognized option|bad option" --frob "$cpu" "$cpu"
# Needs the profile's unit, so it comes after loading: still exit 2.
usage "--fail-above-abs: '5MB' is not an amount of nanoseconds" \
    --fail-above-abs=5MB "$cpu" "$cpu"
usage "--fail-above-abs: 'x' is not an amount of nanoseconds" \
    --fail-above-abs=x "$cpu" "$cpu"
# 10% is accepted as well as 10.
run "$BIN/pprofdiff" -q --fail-above=10% "$cpu" "$cpu"
expect_rc 0
