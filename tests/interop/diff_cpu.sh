# CPU profiles, with and without labels, both ways round: the reference
# reads our diff profile exactly as it computes -diff_base / -base (and
# -normalize) itself, in -top, -traces and -raw; the stored oracle for
# -diff_base agrees too.
. "$TESTLIB"
. "$(dirname "$0")/diff_lib.bash"
need_go
cd "$CORPUS"
diff_all_modes go_cpu.pb.gz go_cpu_labels.pb.gz -top -traces -raw \
    "-top -sample_index=samples" "-top -cum"
diff_all_modes go_cpu_labels.pb.gz go_cpu.pb.gz -top -traces
"$BIN/pprofdiff" -q -o "$WORK/d.pb.gz" go_cpu.pb.gz go_cpu_labels.pb.gz ||
    die "pprofdiff failed"
pprof -top -nodecount=20 "$WORK/d.pb.gz" >"$WORK/top.txt"
expect_same "$WORK/top.txt" expected/diff.go_cpu_labels-base-go_cpu.top.txt
