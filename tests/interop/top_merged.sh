# Several FILEs are merged first: pproftop A B (-top, -traces) equals
# go tool pprof A B.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

run "$BIN/pproftop" "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu.pb.gz"
expect_rc 0
for pair in "go_cpu.pb.gz go_cpu_labels.pb.gz" "go_heap.pb.gz go_allocs.pb.gz" \
            "go_block.pb.gz go_mutex.pb.gz" "go_cpu.pb.gz go_cpu.pb.gz"; do
    set -- $pair
    same_as_pprof -top "$CORPUS/$1" "$CORPUS/$2"
    same_as_pprof -traces "$CORPUS/$1" "$CORPUS/$2"
    same_as_pprof -top -cum -focus=main "$CORPUS/$1" "$CORPUS/$2"
done
# Incompatible profiles: failure, one line, nothing on stdout.
run "$BIN/pproftop" "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_heap.pb.gz"
expect_rc 1
[ ! -s "$WORK/out" ] || die "stdout not empty"
echo "$nchecked comparisons"
