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
# our own formats (-csv, -json, -folded) show the values -top shows:
# each undivided value v becomes int64(v * (1/N)), percentages stay
for fmt in csv folded; do
    "$BIN/pproftop" -$fmt go_cpu.pb.gz > "$WORK/raw.$fmt" || die "-$fmt"
    "$BIN/pproftop" -$fmt -divide_by=7 go_cpu.pb.gz > "$WORK/div.$fmt" ||
        die "-$fmt -divide_by"
done
awk -F, 'NR > 1 { printf "%d,%s,%s,%d,%s,%s,%s\n", int($1 * (1 / 7)), $2, $3,
                  int($4 * (1 / 7)), $5, $6, $7; next } { print }' \
    "$WORK/raw.csv" > "$WORK/want.csv"
diff -u "$WORK/want.csv" "$WORK/div.csv" || die "-csv -divide_by=7"
awk '{ v = $NF; $NF = int(v * (1 / 7)); print }' "$WORK/raw.folded" > "$WORK/want.folded"
diff -u "$WORK/want.folded" "$WORK/div.folded" || die "-folded -divide_by=7"
"$BIN/pproftop" -json -divide_by=7 go_cpu.pb.gz | grep -q '"total": 285714285,' ||
    die "-json -divide_by=7 total: $("$BIN/pproftop" -json -divide_by=7 go_cpu.pb.gz | grep total)"
run "$BIN/pproftop" -top -divide_by=0 go_cpu.pb.gz
expect_rc 1
expect_err_line '^pproftop: zero divisor specified$'
[ ! -s "$WORK/out" ] || die "stdout not empty"
run "$BIN/pproftop" -top -divide_by=x go_cpu.pb.gz
expect_rc 2
echo "$nchecked comparisons"
