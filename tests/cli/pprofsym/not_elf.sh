# The mapping's path holds something that is not ELF (a text file, a
# directory): "not an ELF file", exit 1, or 0 with --allow-partial.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_run_profile
echo "#!/bin/sh" >"$WORK/run/symtest_pie"
run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
expect_no_file "$WORK/out.pb.gz"
grep -qF "mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved: not an ELF file: not an ELF file [FAILED]" "$WORK/err" ||
    die "no diagnostic: $(cat "$WORK/err")"
rm "$WORK/run/symtest_pie"
mkdir "$WORK/run/symtest_pie"
run "$BIN/pprofsym" --allow-partial "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
grep -qF "0/3 locations resolved: not an ELF file: is a directory [FAILED]" "$WORK/err" ||
    die "directory: $(cat "$WORK/err")"
[ -s "$WORK/out.pb.gz" ] || die "no partial output"
