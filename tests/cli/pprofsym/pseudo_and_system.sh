# [vdso]-style mappings and system libraries that cannot be read do not
# make the run fail (pprof leaves those frames unsymbolized too); they
# are reported. Locations without mapping are left alone.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
sym_build
"$WORK/symtest_pie" >"$WORK/p.txt" || die "test program failed"
{
    cat "$WORK/p.txt"
    echo "map 7ffd00000000 7ffd00002000 0 [vdso]"
    echo "map 7ffe00000000 7ffe00100000 1000 /usr/lib/x86_64-linux-gnu/libpf-test-absent.so.1"
    echo "addr 90 7ffd00000100"
    echo "addr 91 7ffe00000200"
    echo "addr 92 10"
} >"$WORK/q.txt"
"$WORK/mkprof" "$WORK/q.txt" "$WORK/in.pb.gz" || die mkprof
run "$BIN/pprofsym" "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
grep -qF "mapping 3 '[vdso]': 0/1 locations resolved: pseudo mapping: not a file (kernel or anonymous mapping)" "$WORK/err" ||
    die "vdso: $(cat "$WORK/err")"
grep -qF "mapping 4 '/usr/lib/x86_64-linux-gnu/libpf-test-absent.so.1': 0/1 locations resolved: file not found: '/usr/lib/x86_64-linux-gnu/libpf-test-absent.so.1' not found (system library, not a failure)" "$WORK/err" ||
    die "system lib: $(cat "$WORK/err")"
grep -qF "pprofsym: 1 locations have no mapping and were left alone" "$WORK/err" ||
    die "unmapped: $(cat "$WORK/err")"
grep -qF "pprofsym: 4/6 locations resolved, 0 mappings failed" "$WORK/err" ||
    die "total: $(cat "$WORK/err")"
# -q keeps only the problems.
run "$BIN/pprofsym" -q "$WORK/in.pb.gz" "$WORK/out.pb.gz"
expect_rc 0
grep -q "symtest_pie'" "$WORK/err" && die "-q printed a fine mapping"
grep -qF "[vdso]" "$WORK/err" || die "-q hid a problem"
