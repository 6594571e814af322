# An unknown sample index names the choices; exit 2; no output file.
. "$TESTLIB"
cd "$WORK"
run "$BIN/pprofdiff" -s nosuch -o out.pb.gz "$CORPUS/go_heap.pb.gz" "$CORPUS/go_heap.pb.gz"
expect_rc 2
expect_err_line '^pprofdiff: --sample-index: sample_index "nosuch" must be one of: \[alloc_objects alloc_space inuse_objects inuse_space\]$'
expect_no_file "$WORK/out.pb.gz"
run "$BIN/pprofdiff" -s 7 "$CORPUS/go_heap.pb.gz" "$CORPUS/go_heap.pb.gz"
expect_rc 2
expect_err_line 'sample_index 7 is outside the range \[0\.\.3\]'
# Names and indices select the value compared.
run "$BIN/pprofdiff" -s alloc_objects "$CORPUS/go_heap.pb.gz" "$CORPUS/go_heap_sampled.pb.gz"
expect_rc 0
grep -q '^Type: alloc_objects$' out || die "$(head -3 out)"
run "$BIN/pprofdiff" -s 1 "$CORPUS/go_heap.pb.gz" "$CORPUS/go_heap_sampled.pb.gz"
grep -q '^Type: alloc_space$' out || die "$(head -3 out)"
