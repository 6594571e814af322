# The program's file is gone: a clear per-mapping diagnostic, exit 1 and
# no output; --allow-partial writes the library's frames; --binary (by
# build id, under another name) and --search-path (by base name) find it.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_build
mkdir "$WORK/run" "$WORK/dir"
cp "$WORK/symtest_pie" "$WORK/run/symtest_pie"
"$WORK/run/symtest_pie" >"$WORK/p.txt" || die "test program failed"
rm "$WORK/run/symtest_pie"
"$WORK/mkprof" "$WORK/p.txt" "$WORK/in.pb.gz" || die mkprof

run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
expect_no_file "$WORK/out.pb.gz"
grep "pprofsym: mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved: file not found: '$WORK/run/symtest_pie' not found" "$WORK/err" | grep -qF "[FAILED]" ||
    die "no missing-file diagnostic: $(cat "$WORK/err")"
grep -qF "mapping 2 '$WORK/libsymlib.so': 1/1 locations resolved (DWARF)" "$WORK/err" ||
    die "library not reported: $(cat "$WORK/err")"
tail -1 "$WORK/err" | grep -q "^pprofsym: 1 mapping could not be symbolized; not writing" ||
    die "last line: $(tail -1 "$WORK/err")"

run "$BIN/pprofsym" --allow-partial "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$WORK/out.pb.gz" "$WORK/out.raw"
sym_chains "$WORK/out.raw" >"$WORK/chains"
[ "$(awk 'NF == 1' "$WORK/chains" | wc -l)" -eq 3 ] ||
    die "program locations should stay bare: $(cat "$WORK/chains")"
grep -q "^4 lib_leaf@.*symlib.c:[0-9]*;symlib_entry@" "$WORK/chains" ||
    die "library location not symbolized: $(cat "$WORK/chains")"
grep "symtest_pie" "$WORK/out.raw" | grep -q '\[FN\]' &&
    die "mapping 1 claims functions"

# --binary under another name: matched by build id.
cp "$WORK/symtest_pie" "$WORK/dir/renamed"
run "$BIN/pprofsym" --binary "$WORK/dir/renamed" "$WORK/in.pb.gz" "$WORK/out2.pb.gz"
expect_rc 0
grep -qF "mapping 1 '$WORK/run/symtest_pie': 3/3 locations resolved from '$WORK/dir/renamed' (DWARF)" "$WORK/err" ||
    die "--binary by build id: $(cat "$WORK/err")"

# --search-path: DIR/BASENAME.
cp "$WORK/symtest_pie" "$WORK/dir/symtest_pie"
run "$BIN/pprofsym" --search-path "$WORK/nothere:$WORK/dir" "$WORK/in.pb.gz" "$WORK/out3.pb.gz"
expect_rc 0
grep -qF "3/3 locations resolved from '$WORK/dir/symtest_pie'" "$WORK/err" ||
    die "--search-path: $(cat "$WORK/err")"
# PPROF_BINARY_PATH is the default search path.
PPROF_BINARY_PATH="$WORK/dir" run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out4.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$WORK/out3.pb.gz" "$WORK/out3.raw"
"$BIN/pprofconv" -f raw "$WORK/out4.pb.gz" "$WORK/out4.raw"
expect_same "$WORK/out4.raw" "$WORK/out3.raw"
