# Heap profiles: four sample types, numeric "bytes" labels, all-zero
# records (skipped), default_sample_type from the first input that has
# one (heap has none, allocs says alloc_space).
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
need_go
cd "$CORPUS"
merge_vs_proto go_heap.pb.gz go_allocs.pb.gz
merge_vs_proto go_allocs.pb.gz go_heap.pb.gz go_heap_sampled.pb.gz
for si in alloc_objects alloc_space inuse_objects inuse_space; do
    merge_vs_direct -top -sample_index=$si -- go_heap.pb.gz go_allocs.pb.gz go_heap_sampled.pb.gz
done
merge_vs_direct -tags -- go_heap.pb.gz go_heap_sampled.pb.gz
