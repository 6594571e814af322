# Many inputs (more than one reference chunk would hold is not needed:
# 12 copies of mixed profiles), one of them from stdin; the result is
# the same as naming the file.
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
need_go
cd "$CORPUS"
set -- go_cpu.pb.gz go_cpu_labels.pb.gz go_cpu.pb.gz go_cpu_labels.pb.gz \
       go_cpu.pb.gz go_cpu_labels.pb.gz go_cpu.pb.gz go_cpu_labels.pb.gz \
       go_cpu.pb.gz go_cpu_labels.pb.gz go_cpu.pb.gz go_cpu_labels.pb.gz
merge_vs_proto "$@"
"$BIN/pprofmerge" -o "$WORK/stdin.pb.gz" go_cpu.pb.gz - <go_cpu_labels.pb.gz ||
    die "stdin merge failed"
"$BIN/pprofmerge" -o "$WORK/files.pb.gz" go_cpu.pb.gz go_cpu_labels.pb.gz
expect_same "$WORK/stdin.pb.gz" "$WORK/files.pb.gz"
# Output to stdout in another format, chosen by --format.
"$BIN/pprofmerge" --format=raw go_cpu.pb.gz go_cpu.pb.gz >"$WORK/raw.txt" ||
    die "raw output failed"
grep -q 'main.cpuHeavy' "$WORK/raw.txt" || die "raw output lacks functions"
