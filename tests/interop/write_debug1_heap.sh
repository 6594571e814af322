#!/usr/bin/env bash
# pprofconv --format=debug1 go_heap.pb.gz: go tool pprof reads our text to
# the same -top as the original proto, for every sample index the text
# carries. See write_debug1_lib.bash for how the comparison is made fair.
. "$TESTLIB"
. "$(dirname "$0")/write_debug1_lib.bash"
need_go
compare_proto_top heap byte alloc_objects alloc_space inuse_objects inuse_space
compare_go_text_top heap byte alloc_objects alloc_space inuse_objects inuse_space
