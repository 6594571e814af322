# Contention profiles (block and mutex share contentions/count and
# delay/nanoseconds): merged with each other and with themselves.
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
need_go
cd "$CORPUS"
merge_vs_proto go_block.pb.gz go_mutex.pb.gz
merge_vs_proto go_block.pb.gz go_block.pb.gz
merge_vs_direct -top -sample_index=contentions -- go_mutex.pb.gz go_block.pb.gz go_mutex.pb.gz
