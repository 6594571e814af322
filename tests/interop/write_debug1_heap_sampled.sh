#!/usr/bin/env bash
# pprofconv --format=debug1 go_heap_sampled.pb.gz (MemProfileRate 512 KiB):
# the proto holds unsampled estimates, the text raw sampled counts that
# the reader unsamples again. Our inverse must give back the proto's
# values exactly, and the runtime's own text of the same snapshot.
. "$TESTLIB"
. "$(dirname "$0")/write_debug1_lib.bash"
need_go
compare_proto_top heap_sampled byte alloc_objects alloc_space inuse_objects inuse_space
compare_go_text_top heap_sampled byte alloc_objects alloc_space inuse_objects inuse_space
# The raw totals in the header are the runtime's own.
head -1 "$CORPUS/go_heap_sampled.debug1.txt" >"$WORK/go_header"
head -1 "$WORK/heap_sampled.txt" >"$WORK/our_header"
expect_same "$WORK/our_header" "$WORK/go_header"
