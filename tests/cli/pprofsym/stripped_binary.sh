# A stripped program: "no symbols", exit 1 (0 and a partial profile with
# --allow-partial). Its separate debug file is found by build id under
# --debug-dir, or by .gnu_debuglink next to it, and then gives the same
# answers as the unstripped program.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_run_profile
# The reference answer, from the unstripped file.
run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/full.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$WORK/full.pb.gz" "$WORK/full.raw"

strip "$WORK/run/symtest_pie"
run "$BIN/pprofsym" --debug-dir '' "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
expect_no_file "$WORK/out.pb.gz"
grep -qF "mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved: no symbols: stripped (no DWARF, no symbol table): no symbol covers any of its 3 addresses [FAILED]" "$WORK/err" ||
    die "no stripped diagnostic: $(cat "$WORK/err")"
run "$BIN/pprofsym" --debug-dir '' --allow-partial "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
[ -s "$WORK/out.pb.gz" ] || die "no partial output"

# Debug file by build id.
bid=$(awk '$1 == "map" && $5 ~ /symtest_pie$/ { print $6 }' "$WORK/p.txt")
[ ${#bid} -eq 40 ] || die "no build id in '$(cat "$WORK/p.txt")'"
mkdir -p "$WORK/dbg/.build-id/${bid:0:2}"
objcopy --only-keep-debug "$WORK/symtest_pie" "$WORK/dbg/.build-id/${bid:0:2}/${bid:2}.debug"
run "$BIN/pprofsym" --debug-dir "$WORK/dbg" "$WORK/in.pb.gz" "$WORK/bid.pb.gz"
expect_rc 0
grep -qF "3/3 locations resolved (DWARF, debug file $WORK/dbg/.build-id/${bid:0:2}/${bid:2}.debug)" "$WORK/err" ||
    die "debug file by build id: $(cat "$WORK/err")"
"$BIN/pprofconv" -f raw "$WORK/bid.pb.gz" "$WORK/bid.raw"
expect_same "$WORK/bid.raw" "$WORK/full.raw"

# The file itself missing too: the .build-id debug file is used alone.
rm "$WORK/run/symtest_pie"
run "$BIN/pprofsym" --debug-dir "$WORK/dbg" "$WORK/in.pb.gz" "$WORK/bid2.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$WORK/bid2.pb.gz" "$WORK/bid2.raw"
expect_same "$WORK/bid2.raw" "$WORK/full.raw"

# .gnu_debuglink beside the stripped file.
cp "$WORK/symtest_pie" "$WORK/run/symtest_pie"
objcopy --only-keep-debug "$WORK/run/symtest_pie" "$WORK/run/symtest_pie.debug"
strip "$WORK/run/symtest_pie"
(cd "$WORK/run" && objcopy --add-gnu-debuglink=symtest_pie.debug symtest_pie)
run "$BIN/pprofsym" --debug-dir '' "$WORK/in.pb.gz" "$WORK/link.pb.gz"
expect_rc 0
grep -qF "3/3 locations resolved (DWARF, debug file $WORK/run/symtest_pie.debug)" "$WORK/err" ||
    die "debuglink: $(cat "$WORK/err")"
"$BIN/pprofconv" -f raw "$WORK/link.pb.gz" "$WORK/link.raw"
expect_same "$WORK/link.raw" "$WORK/full.raw"
