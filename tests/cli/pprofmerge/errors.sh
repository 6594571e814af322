# Failures exit 1 with one line "pprofmerge: FILE: what" and leave no
# output file: incompatible inputs (naming the mismatch), unreadable
# and malformed inputs.
. "$TESTLIB"
cd "$WORK"
fails() {  # REGEX ARGS...
    local re=$1
    shift
    run "$BIN/pprofmerge" -o out.pb.gz "$@"
    expect_rc 1
    expect_err_line "$re"
    expect_no_file "$WORK/out.pb.gz"
}
fails "^pprofmerge: $CORPUS/go_heap.pb.gz: period types differ: cpu/nanoseconds vs space/bytes\$" \
    "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_heap.pb.gz"
fails "^pprofmerge: $CORPUS/go_mutex.pb.gz: period types differ: " \
    "$CORPUS/go_goroutine.pb.gz" "$CORPUS/go_mutex.pb.gz"
fails "^pprofmerge: nosuch.pb.gz: No such file or directory\$" \
    "$CORPUS/go_cpu.pb.gz" nosuch.pb.gz
echo "not a profile" >junk.txt
fails "^pprofmerge: junk.txt: .*unrecognized profile format" \
    "$CORPUS/go_cpu.pb.gz" junk.txt
head -c 200 "$CORPUS/go_cpu.pb.gz" >trunc.pb.gz
fails "^pprofmerge: trunc.pb.gz: gzip: unexpected end of data" \
    trunc.pb.gz "$CORPUS/go_cpu.pb.gz"
# A failure after a good output existed keeps the old file untouched.
"$BIN/pprofmerge" -o keep.pb.gz "$CORPUS/go_cpu.pb.gz" || die "merge failed"
cp keep.pb.gz before.pb.gz
run "$BIN/pprofmerge" -o keep.pb.gz "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_heap.pb.gz"
expect_rc 1
expect_same keep.pb.gz before.pb.gz
