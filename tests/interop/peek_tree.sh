# pproftop -peek=RE and -tree equal go tool pprof -peek / -tree: callers
# and callees with edge weights, inline marks, sorting and trimming;
# a regexp matching nothing fails with no output, as the reference.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

for f in $(corpus_protos); do
    same_as_pprof -tree "$f"
done
for f in "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu_labels.pb.gz" \
         "$CORPUS/go_heap.pb.gz" "$CORPUS/go_goroutine.pb.gz" \
         "$CORPUS/expected/c_cpu.prof.pb.gz" "$CORPUS/go_mutex.pb.gz"; do
    for re in main runtime cpuHeavy 'main\.(run|wait)' '^runtime\.main$' \
              'Unlock|Lock' .; do
        same_as_pprof "-peek=$re" "$f"
        same_as_pprof "-peek=$re" -lines "$f"
    done
    same_as_pprof -peek=main -cum "$f"
    same_as_pprof -peek=main -focus=main "$f"
    same_as_pprof -tree -nodecount=3 "$f"
    same_as_pprof -tree -cum -lines "$f"
done
run "$BIN/pproftop" -peek=xyzzy_no_such "$CORPUS/go_cpu.pb.gz"
expect_rc 1
[ ! -s "$WORK/out" ] || die "output despite no match"
expect_err_line 'no matches found for regexp: xyzzy_no_such'
echo "$nchecked comparisons"
