# -divide_by=N: every report shows values divided by N (also when the
# output unit is chosen), as go tool pprof does; N < 0 is ignored as the
# reference ignores it; 0 fails like the reference ("zero divisor
# specified", exit 1).
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"
cd "$CORPUS"
for d in 3 -3 2.5 1024 0.001 1e6 1000000000; do
    same_as_pprof -top -divide_by=$d go_cpu.pb.gz
done
same_as_pprof -top -divide_by=1024 go_heap.pb.gz
same_as_pprof -top -sample_index=alloc_objects -divide_by 7 go_allocs.pb.gz
same_as_pprof -top -divide_by=0.001 go_block.pb.gz
same_as_pprof -top -mean -divide_by=10 go_block.pb.gz
same_as_pprof -traces -divide_by=7 go_cpu_labels.pb.gz
same_as_pprof -tree -divide_by=2.5 go_cpu.pb.gz
same_as_pprof -peek=cpu -divide_by=1e6 go_cpu.pb.gz
same_as_pprof -top -unit=ms -divide_by=3 go_cpu.pb.gz
run "$BIN/pproftop" -top -divide_by=0 go_cpu.pb.gz
expect_rc 1
expect_err_line '^pproftop: zero divisor specified$'
[ ! -s "$WORK/out" ] || die "stdout not empty"
run "$BIN/pproftop" -top -divide_by=x go_cpu.pb.gz
expect_rc 2
echo "$nchecked comparisons"
