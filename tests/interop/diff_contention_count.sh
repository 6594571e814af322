# Contention and count profiles; a profile against itself: -base
# leaves nothing, -diff_base keeps both sides at 0 net.
. "$TESTLIB"
. "$(dirname "$0")/diff_lib.bash"
need_go
cd "$CORPUS"
diff_all_modes go_block.pb.gz go_mutex.pb.gz -top "-top -sample_index=contentions" -traces
diff_all_modes go_goroutine.pb.gz go_goroutine.pb.gz -top -traces
diff_all_modes go_threadcreate.pb.gz go_threadcreate.pb.gz -top
"$BIN/pprofdiff" -q --mode=base -o "$WORK/self.pb.gz" go_block.pb.gz go_block.pb.gz
pprof -raw "$WORK/self.pb.gz" >"$WORK/raw.txt"
# Nothing between the sample type line and "Locations"; one mapping
# (the main binary is kept even with no samples, as the reference does).
awk '/^Samples:/{s=1;next} /^Locations/{s=0} s{n++} END{exit n!=1}' \
    "$WORK/raw.txt" || die "base diff of a profile with itself has samples"
pprof -raw -base=go_block.pb.gz go_block.pb.gz >"$WORK/ref.raw"
expect_same "$WORK/raw.txt" "$WORK/ref.raw"
