# pproftop with pprof's flags equals go tool pprof -top with the same
# flags: node count, sorting, units, granularity, inlining, the name
# filters (focus/ignore/hide/show/show_from/prune_from) and the label
# filters (tagfocus/tagignore/tagshow/taghide, ranges with units).
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

files="$CORPUS/go_cpu.pb.gz $CORPUS/go_cpu_labels.pb.gz $CORPUS/go_heap.pb.gz
       $CORPUS/go_goroutine.pb.gz $CORPUS/expected/c_cpu.prof.pb.gz
       $CORPUS/go_mutex.pb.gz"
for f in $files; do
    for fl in -nodecount=3 -nodecount=1 -cum "-cum -nodecount=5" -flat \
              -focus=main -ignore=runtime -hide=runtime -show=main \
              '-show=^main\.' -focus=cpuHeavy '-focus=(?i)CPUHEAVY' \
              '-focus=\d' '-ignore=main\.(cpuLight|waitRecv)' \
              -lines -files -addresses -filefunctions -functions \
              -noinlines "-lines -noinlines" "-addresses -noinlines" \
              -tagfocus=request=a -tagfocus=b -tagignore=request=a \
              -tagfocus=stage=parse -tagfocus=bytes=64 -tagfocus=bytes=1kb: \
              -tagfocus=bytes=:100 -tagfocus=bytes=64:4kb -tagfocus=4096 \
              -tagignore=bytes=1mb -tagshow=request -taghide=stage \
              -unit=ms -unit=kb -unit=s -show_from=main.cpuRound \
              '-prune_from=main\.cpu.*' -nodefraction=0.1 -edgefraction=0.5 \
              -relative_percentages "-focus=main -relative_percentages" \
              -mean "-nodecount 4" --cum --nodecount=2 -sample_index=0; do
        # shellcheck disable=SC2086
        same_as_pprof -top $fl "$f"
    done
done
same_as_pprof -top -inuse_objects "$CORPUS/go_heap.pb.gz"
same_as_pprof -top -alloc_space "$CORPUS/go_heap.pb.gz"
same_as_pprof -top -contentions "$CORPUS/go_block.pb.gz"
same_as_pprof -top -mean_delay "$CORPUS/go_block.pb.gz"
same_as_pprof -top -total_delay "$CORPUS/go_mutex.pb.gz"
echo "$nchecked comparisons"
