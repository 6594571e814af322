# A binary that is not a regular file (a FIFO given to --binary) is
# refused at once instead of blocking in open(); an ELF file cut short
# after its headers is reported as truncated, not as stripped.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_run_profile
rm "$WORK/run/symtest_pie"

mkfifo "$WORK/fifo"
run timeout 20 "$BIN/pprofsym" --binary "$WORK/fifo" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
[ "$rc" -ne 124 ] || die "pprofsym blocked on a FIFO"
expect_rc 1
grep -qF "mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved (tried '$WORK/fifo'): not an ELF file: not a regular file [FAILED]" "$WORK/err" ||
    die "FIFO diagnostic: $(cat "$WORK/err")"
expect_no_file "$WORK/out.pb.gz"

# The ELF header and program headers (the first 1 KiB), nothing else.
head -c 1024 "$WORK/symtest_pie" >"$WORK/run/symtest_pie"
run timeout 20 "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
grep -q "mapping 1 '$WORK/run/symtest_pie': 0/3 locations resolved: unreadable ELF file: truncated: .* end at byte [0-9]*, the file has 1024 bytes \[FAILED\]" "$WORK/err" ||
    die "truncated diagnostic: $(cat "$WORK/err")"
grep -q stripped "$WORK/err" && die "truncated file called stripped: $(cat "$WORK/err")"
expect_no_file "$WORK/out.pb.gz"
# Cut inside the sections: truncated too.
size=$(stat -c %s "$WORK/symtest_pie")
head -c $((size / 2)) "$WORK/symtest_pie" >"$WORK/run/symtest_pie"
run timeout 20 "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 1
grep -q "unreadable ELF file: truncated: section headers end at byte [0-9]*, the file has $((size / 2)) bytes" "$WORK/err" ||
    die "half file: $(cat "$WORK/err")"
