#!/usr/bin/env bash
# pprofconv --format=debug1 go_block.pb.gz: go tool pprof reads our text to
# the same -top as the original proto, for every sample index the text
# carries. See write_debug1_lib.bash for how the comparison is made fair.
. "$TESTLIB"
. "$(dirname "$0")/write_debug1_lib.bash"
need_go
compare_proto_top block ns contentions delay
# Go wrote its delays in CPU cycles; they only agree up to that rounding.
compare_go_text_top block ns contentions
