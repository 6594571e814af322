# '-' reads stdin and writes stdout; the result decodes to the same dump.
. "$TESTLIB"
"$BIN/pprofconv" - - <"$CORPUS/go_heap.pb.gz" >"$WORK/out.pb.gz" || die "conversion failed"
"$BIN/pprofconv" -f raw "$WORK/out.pb.gz" "$WORK/a.raw" || die "dump failed"
"$BIN/pprofconv" -f raw "$CORPUS/go_heap.pb.gz" - >"$WORK/b.raw" || die "dump failed"
expect_same "$WORK/a.raw" "$WORK/b.raw"
# The extension picks the format: .raw.txt is the dump.
"$BIN/pprofconv" "$CORPUS/go_heap.pb.gz" "$WORK/c.raw.txt" || die "failed"
expect_same "$WORK/c.raw.txt" "$WORK/b.raw"
# Raw (uncompressed) protobuf input is accepted as well.
gzip -dc "$CORPUS/go_heap.pb.gz" >"$WORK/raw.pb"
"$BIN/pprofconv" -f raw "$WORK/raw.pb" "$WORK/d.raw" || die "raw protobuf input failed"
expect_same "$WORK/d.raw" "$WORK/b.raw"
