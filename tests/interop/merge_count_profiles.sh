# Count profiles: goroutine (with labels) three times, custom profiles.
# threadcreate has samples with empty stacks: the reference's -proto
# output drops them (its report filters remove location-less samples),
# its in-memory merge keeps them; we keep them like profile.Merge, so
# -top is compared with the reference merging the inputs itself, and
# -traces (which never shows them) with its -proto output.
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
need_go
cd "$CORPUS"
merge_vs_proto go_goroutine.pb.gz go_goroutine.pb.gz go_goroutine.pb.gz
merge_vs_proto go_custom.pb.gz go_custom.pb.gz
merge_vs_direct -top -- go_threadcreate.pb.gz go_threadcreate.pb.gz
# Twice the single profile's total (8), empty stacks included.
grep -q 'of 16 total' "$WORK/ours.direct" || die "empty-stack samples lost"
merge_vs_direct -traces -- go_threadcreate.pb.gz go_threadcreate.pb.gz
