# Heap profiles (four sample types, numeric labels, zero records):
# exact heap vs sampled heap and allocs vs heap, every sample index.
. "$TESTLIB"
. "$(dirname "$0")/diff_lib.bash"
need_go
cd "$CORPUS"
diff_all_modes go_heap.pb.gz go_heap_sampled.pb.gz \
    "-top -sample_index=alloc_objects" "-top -sample_index=alloc_space" \
    "-top -sample_index=inuse_objects" "-top -sample_index=inuse_space" \
    -traces
diff_all_modes go_allocs.pb.gz go_heap.pb.gz -top -raw
