# pproftop -base / -diff_base / -normalize print what go tool pprof
# prints with the same flags, in -top, -traces, -tree and -peek: Go CPU
# profiles with and without labels, heap vs allocs, gperftools against
# Go (CPU and heap), normalized pairs, -sample_index and filters, a
# repeated -diff_base (the last one counts, as in pprof), several new
# profiles merged before the diff, and -tags, -raw, -trim=false on the
# compared profile.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"
cd "$CORPUS"

for rep in -top -traces -tree -peek=main -peek=cpu; do
    for mode in -base -diff_base; do
        for norm in "" -normalize; do
            for pair in "go_cpu.pb.gz go_cpu_labels.pb.gz" \
                        "go_cpu_labels.pb.gz go_cpu.pb.gz" \
                        "go_heap.pb.gz go_heap_sampled.pb.gz" \
                        "c_cpu.prof go_cpu.pb.gz" \
                        "go_heap.pb.gz c_heap.0001.heap" \
                        "go_mutex.pb.gz go_block.pb.gz"; do
                set -- $pair
                # shellcheck disable=SC2086
                same_as_pprof $rep "$mode=$1" $norm "$2"
            done
        done
    done
done
same_as_pprof -top -diff_base=go_heap.pb.gz -sample_index=alloc_space \
    go_allocs.pb.gz
same_as_pprof -tree -base=go_heap.pb.gz -inuse_objects -normalize \
    go_heap_sampled.pb.gz
same_as_pprof -top -diff_base=go_cpu.pb.gz -focus=serve go_cpu_labels.pb.gz
same_as_pprof -traces -diff_base=go_cpu.pb.gz -tagfocus=request=a \
    go_cpu_labels.pb.gz
same_as_pprof -tree -base=go_cpu.pb.gz -ignore=runtime -cum \
    go_cpu_labels.pb.gz
same_as_pprof -top -diff_base=go_cpu.pb.gz -sample_index=samples \
    -nodecount=4 go_cpu_labels.pb.gz
same_as_pprof -top -diff_base=go_heap.pb.gz -diff_base=go_allocs.pb.gz \
    go_heap_sampled.pb.gz
same_as_pprof -top -base=go_cpu.pb.gz go_cpu_labels.pb.gz go_cpu.pb.gz
same_as_pprof -top -diff_base=go_cpu.pb.gz -normalize go_cpu_labels.pb.gz \
    go_cpu.pb.gz
# the other reports on the compared profile
same_as_pprof -tags -diff_base=go_cpu.pb.gz go_cpu_labels.pb.gz
same_as_pprof -tags -base=go_heap.pb.gz go_heap_sampled.pb.gz
# negative label totals: pprof prints no percentages then
same_as_pprof -tags -base=go_cpu_labels.pb.gz go_cpu.pb.gz
same_as_pprof -tags -base=go_heap_sampled.pb.gz go_heap.pb.gz
grep -q 'Total -' "$WORK/our.txt" || die "no negative tag total"
same_as_pprof -raw -diff_base=go_cpu.pb.gz go_cpu_labels.pb.gz
same_as_pprof -raw -base=go_heap.pb.gz -normalize go_heap_sampled.pb.gz
same_as_pprof -tree -trim=false -diff_base=go_cpu.pb.gz go_cpu_labels.pb.gz
echo "$nchecked comparisons"
