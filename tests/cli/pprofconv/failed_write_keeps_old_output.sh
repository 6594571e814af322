# A failed conversion leaves an existing OUT untouched; an unwritable
# output (/dev/full) is a one-line error with exit 1.
. "$TESTLIB"
cd "$WORK"
echo "precious" >out.pb.gz
printf 'junk' >bad.pb
run "$BIN/pprofconv" bad.pb out.pb.gz
expect_rc 1
[ "$(cat out.pb.gz)" = precious ] || die "existing output was clobbered"
ls | grep -q 'tmp' && die "temporary file left: $(ls)"
run "$BIN/pprofconv" "$CORPUS/go_cpu.pb.gz" /dev/full
expect_rc 1
expect_err_line '^pprofconv: /dev/full: .*(No space left on device|write failed)'
# A directory that does not exist.
run "$BIN/pprofconv" "$CORPUS/go_cpu.pb.gz" nodir/out.pb.gz
expect_rc 1
expect_err_line '^pprofconv: nodir/out.pb.gz: No such file or directory$'
# Success replaces the old file atomically.
run "$BIN/pprofconv" "$CORPUS/go_cpu.pb.gz" out.pb.gz
expect_rc 0
gzip -t out.pb.gz || die "output is not valid gzip"
