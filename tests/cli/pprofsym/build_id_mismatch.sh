# The file at the mapping's path is another build: never symbolized with
# its names; clear diagnostic, exit 1 (0 with --allow-partial). A
# --binary of the wrong build is passed over for the right file.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_build
mkdir "$WORK/run" "$WORK/other"
cp "$WORK/symtest_pie" "$WORK/run/symtest_pie"
"$WORK/run/symtest_pie" >"$WORK/p.txt" || die "test program failed"
"$WORK/mkprof" "$WORK/p.txt" "$WORK/in.pb.gz" || die mkprof
want=$(awk '$1 == "map" && $5 ~ /symtest_pie$/ { print $6 }' "$WORK/p.txt")
have=$(eu-readelf -n "$WORK/symtest_nopie" | awk '/Build ID:/ { print $3 }')
[ -n "$have" ] && [ "$have" != "$want" ] || die "builds not distinct"

# --binary with the same base name but another build id: rejected, the
# mapping's own file is used.
cp "$WORK/symtest_nopie" "$WORK/other/symtest_pie"
run "$BIN/pprofsym" --binary "$WORK/other/symtest_pie" "$WORK/in.pb.gz" "$WORK/ok.pb.gz"
expect_rc 0
grep -qF "mapping 1 '$WORK/run/symtest_pie': 3/3 locations resolved (DWARF)" "$WORK/err" ||
    die "wrong --binary not passed over: $(cat "$WORK/err")"

cp "$WORK/symtest_nopie" "$WORK/run/symtest_pie"
run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
expect_no_file "$WORK/out.pb.gz"
grep -qF "mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved: build id mismatch: file has build id $have, profile wants $want [FAILED]" "$WORK/err" ||
    die "no mismatch diagnostic: $(cat "$WORK/err")"
run "$BIN/pprofsym" --allow-partial "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$WORK/out.pb.gz" "$WORK/out.raw"
sym_chains "$WORK/out.raw" >"$WORK/chains"
[ "$(awk 'NF == 1' "$WORK/chains" | wc -l)" -eq 3 ] ||
    die "mismatched file gave names: $(cat "$WORK/chains")"
