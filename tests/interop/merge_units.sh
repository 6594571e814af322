# Inputs whose units differ but are compatible (ns/us/ms/s, B/kB/MB) are
# converted to the finest unit before merging, as `go tool pprof` does
# (measurement.ScaleProfiles): pprofmerge's output reads like the
# reference's own merge (-top, -traces, -raw: values, units, period),
# pproftop A B equals go tool pprof A B, and pprofdiff's output equals
# go tool pprof -diff_base / -base. The inputs are corpus profiles
# re-expressed in other units; values that round to 0 in a coarse unit
# exercise the reference's ScaleN rule (such samples are dropped).
. "$TESTLIB"
. "$(dirname "$0")/merge_lib.bash"
. "$(dirname "$0")/report_lib.inc"
need_go
R="$BIN/../tests/interop/rescale_units"
cd "$WORK"
cp "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu_labels.pb.gz" \
   "$CORPUS/go_heap.pb.gz" "$CORPUS/go_allocs.pb.gz" .
"$R" go_cpu.pb.gz cpu_ms.pb.gz 1=milliseconds period=ms || die "rescale ms"
"$R" go_cpu.pb.gz cpu_s.pb.gz 1=s period=seconds || die "rescale s"
"$R" go_cpu_labels.pb.gz lab_us.pb.gz 1=us period=microseconds ||
    die "rescale us"
"$R" go_heap.pb.gz heap_kb.pb.gz 1=kB 3=megabytes period=kilobytes ||
    die "rescale kB"
"$R" go_allocs.pb.gz allocs_kb.pb.gz 1=kilobyte 3=kb || die "rescale kb"
grep -q . <(pprof -raw cpu_ms.pb.gz | grep 'cpu/milliseconds') ||
    die "generator did not change the unit"

# The first input's unit is the finest, a later one is, both orders.
merge_vs_proto cpu_ms.pb.gz go_cpu.pb.gz
merge_vs_proto go_cpu.pb.gz cpu_ms.pb.gz
# Rescaled twice while streaming (s, then ms, then us), labels kept.
merge_vs_proto cpu_s.pb.gz cpu_ms.pb.gz lab_us.pb.gz cpu_s.pb.gz
merge_vs_proto cpu_s.pb.gz go_cpu.pb.gz
# Memory units, two of four columns and the period.
merge_vs_proto heap_kb.pb.gz go_heap.pb.gz
merge_vs_proto allocs_kb.pb.gz heap_kb.pb.gz
merge_vs_direct -top -sample_index=alloc_space -- heap_kb.pb.gz go_allocs.pb.gz

# pproftop merges several inputs the same way.
same_as_pprof -top cpu_s.pb.gz cpu_ms.pb.gz go_cpu.pb.gz
same_as_pprof -traces cpu_ms.pb.gz lab_us.pb.gz
same_as_pprof -top -sample_index=inuse_space heap_kb.pb.gz go_heap.pb.gz

# pprofdiff: base and new in different units (the reference scales them
# after negating the base).
for mode in diff_base base; do
    for pair in "cpu_ms.pb.gz go_cpu_labels.pb.gz" "lab_us.pb.gz cpu_ms.pb.gz" \
                "heap_kb.pb.gz go_allocs.pb.gz"; do
        set -- $pair
        "$BIN/pprofdiff" -q --mode=$mode -o d.pb.gz "$1" "$2" ||
            die "pprofdiff --mode=$mode $1 $2 failed"
        for rep in -top -raw; do
            pprof $rep -$mode="$1" "$2" >ref.txt
            pprof $rep d.pb.gz >ours.txt
            [ -s ref.txt ] || die "reference printed nothing"
            expect_same ours.txt ref.txt
        done
    done
done
# -normalize needs equal units in the reference too.
pprof -top -diff_base=cpu_ms.pb.gz -normalize go_cpu.pb.gz >ref.txt &&
    [ -s ref.txt ] && die "reference normalized across units"
rm -f d.pb.gz
run "$BIN/pprofdiff" -q --normalize -o d.pb.gz cpu_ms.pb.gz go_cpu.pb.gz
expect_rc 2
expect_no_file d.pb.gz

# Incompatible units stay an error, in both.
"$R" go_cpu.pb.gz cpu_bytes.pb.gz 1=bytes || die "rescale bytes"
pprof -proto cpu_bytes.pb.gz go_cpu.pb.gz >ref.pb.gz &&
    die "reference merged nanoseconds with bytes"
rm -f m.pb.gz
run "$BIN/pprofmerge" -o m.pb.gz cpu_bytes.pb.gz go_cpu.pb.gz
expect_rc 1
expect_err_line '^pprofmerge: go_cpu.pb.gz: sample types differ: \[samples/count cpu/bytes\] vs \[samples/count cpu/nanoseconds\]'
expect_no_file m.pb.gz
