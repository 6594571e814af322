# -tagroot / -tagleaf: label values become pseudo frames at the root or
# the leaf of every sample (string labels of the CPU profile with
# labels, the numeric "bytes" label of the heap profile, scaled with
# -unit), before the filters run; the reports equal go tool pprof's, and
# a key no sample has gives the reference's warning.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"
cd "$CORPUS"
same_as_pprof -top -tagroot=request go_cpu_labels.pb.gz
grep -q '^ .* a$' "$WORK/ref.txt" || die "no pseudo frame 'a' in the reference's -top"
same_as_pprof -traces -tagroot=request,stage go_cpu_labels.pb.gz
same_as_pprof -traces -tagleaf=request,stage go_cpu_labels.pb.gz
same_as_pprof -top -tagleaf=stage -tagroot=request go_cpu_labels.pb.gz
same_as_pprof -tree -tagroot=request go_cpu_labels.pb.gz
same_as_pprof -top -cum -tagroot=,request,, go_cpu_labels.pb.gz
same_as_pprof -top -files -tagroot=request go_cpu_labels.pb.gz
same_as_pprof -top -tagroot=request -focus='^a$' go_cpu_labels.pb.gz
same_as_pprof -peek='^b$' -tagroot=request go_cpu_labels.pb.gz
same_as_pprof -top -tagroot=request -tagfocus=request=b go_cpu_labels.pb.gz
same_as_pprof -top -tagroot=bytes go_heap.pb.gz
same_as_pprof -traces -tagleaf=bytes go_heap.pb.gz
same_as_pprof -traces -tagleaf=bytes -unit=kb go_heap.pb.gz
same_as_pprof -top -tagroot=pool go_goroutine.pb.gz
# Several inputs: added after the merge.
same_as_pprof -top -tagroot=request go_cpu.pb.gz go_cpu_labels.pb.gz
# No sample has the key: same report, and the reference's warning.
same_as_pprof -top -tagroot=nosuch -tagleaf=stage go_cpu_labels.pb.gz
grep -qx 'TagRoot expression matched no samples' "$WORK/ref.err" ||
    die "reference did not warn"
grep -qx 'pproftop: TagRoot expression matched no samples' "$WORK/our.err" ||
    die "no TagRoot warning: $(cat "$WORK/our.err")"
! grep -q TagLeaf "$WORK/our.err" || die "TagLeaf warning although stage matched"
echo "$nchecked comparisons"
