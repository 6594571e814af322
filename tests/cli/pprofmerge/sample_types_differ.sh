# Same period type, different sample types: the message lists both
# type lists and points at --common-types, which then merges the
# types the inputs share.
. "$TESTLIB"
cd "$WORK"
# A handmade profile.proto with the heap's period type and one of its
# sample types: sample_type {inuse_space/bytes}, period_type
# {space/bytes}, one sample (value 5, no locations).
#   strings: "" inuse_space bytes space
printf '\x0a\x04\x08\x01\x10\x02\x12\x02\x10\x05\x5a\x04\x08\x03\x10\x02\x32\x00\x32\x0binuse_space\x32\x05bytes\x32\x05space' >one.pb
"$BIN/pprofconv" --format=raw one.pb - >one.raw || die "handmade profile unreadable: $(cat one.raw)"
run "$BIN/pprofmerge" -o out.pb.gz "$CORPUS/go_heap.pb.gz" one.pb
expect_rc 1
expect_err_line '^pprofmerge: one.pb: sample types differ: \[alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes\] vs \[inuse_space/bytes\] \(--common-types keeps the shared ones\)$'
expect_no_file "$WORK/out.pb.gz"
run "$BIN/pprofmerge" --common-types -o out.pb.gz "$CORPUS/go_heap.pb.gz" one.pb
expect_rc 0
"$BIN/pprofconv" --format=raw out.pb.gz out.raw
grep -q 'inuse_space/bytes' out.raw || die "no inuse_space"
! grep -q 'alloc_objects' out.raw || die "alloc_objects kept"
