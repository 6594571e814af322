# Locations that have lines are left alone unless --force; symbolizing
# twice changes nothing; --force gives the same answers again, and a
# Go runtime profile keeps its own names.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_build
"$WORK/symtest_pie" >"$WORK/p.txt" || die "test program failed"
"$WORK/mkprof" "$WORK/p.txt" "$WORK/in.pb.gz" || die mkprof
run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/once.pb.gz"
expect_rc 0
run "$BIN/pprofsym" "$WORK/once.pb.gz" "$WORK/twice.pb.gz"
expect_rc 0
grep -qF "pprofsym: 0/0 locations resolved, 0 mappings failed" "$WORK/err" ||
    die "second pass did something: $(cat "$WORK/err")"
run "$BIN/pprofsym" --force "$WORK/once.pb.gz" "$WORK/forced.pb.gz"
expect_rc 0
grep -qF "pprofsym: 4/4 locations resolved, 0 mappings failed" "$WORK/err" ||
    die "--force: $(cat "$WORK/err")"
for f in once twice forced; do
    "$BIN/pprofconv" -f raw "$WORK/$f.pb.gz" "$WORK/$f.raw"
done
expect_same "$WORK/twice.raw" "$WORK/once.raw"
expect_same "$WORK/forced.raw" "$WORK/once.raw"
# A Go profile, symbolized by the runtime, without its binary: unchanged.
run "$BIN/pprofsym" "$CORPUS/go_cpu.pb.gz" "$WORK/go.pb.gz"
expect_rc 0
"$BIN/pprofconv" -f raw "$CORPUS/go_cpu.pb.gz" "$WORK/go_ref.raw"
"$BIN/pprofconv" -f raw "$WORK/go.pb.gz" "$WORK/go.raw"
expect_same "$WORK/go.raw" "$WORK/go_ref.raw"
