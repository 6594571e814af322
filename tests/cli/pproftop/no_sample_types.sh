# A profile without sample types (only a string table) is a bad input:
# exit 1 with one line naming it, not a usage error (exit 2), whatever
# the report or -sample_index asked for.
. "$TESTLIB"
printf '\x32\x00' >"$WORK/notypes.pb"
for flags in "" "-sample_index=0" "-traces" "-json"; do
    run "$BIN/pproftop" $flags "$WORK/notypes.pb"
    expect_rc 1
    expect_err_line "^pproftop: $WORK/notypes.pb: profile has no sample types$"
    [ ! -s "$WORK/out" ] || die "stdout not empty"
done
