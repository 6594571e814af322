# Two CPU profiles, one with string labels: our merge reads under the
# reference exactly like the reference's own merge (-top, -traces with
# labels, -raw with ids, mappings and times), and -top matches the
# stored oracle answer too.
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
need_go
cd "$CORPUS"
merge_vs_proto go_cpu.pb.gz go_cpu_labels.pb.gz
merge_vs_proto go_cpu_labels.pb.gz go_cpu.pb.gz go_cpu_labels.pb.gz
pprof -top -nodecount=20 "$WORK/ours.pb.gz" >/dev/null
"$BIN/pprofmerge" -o "$WORK/m.pb.gz" go_cpu.pb.gz go_cpu_labels.pb.gz
pprof -top -nodecount=20 "$WORK/m.pb.gz" >"$WORK/top.txt"
expect_same "$WORK/top.txt" expected/merge.go_cpu+go_cpu_labels.top.txt
pprof -raw "$WORK/m.pb.gz" >"$WORK/raw.txt"
expect_same "$WORK/raw.txt" expected/merge.go_cpu+go_cpu_labels.raw.txt
# Label-based views agree as well.
merge_vs_direct -top -tagfocus=request=a -- go_cpu.pb.gz go_cpu_labels.pb.gz
merge_vs_direct -tags -- go_cpu.pb.gz go_cpu_labels.pb.gz
