# pproftop -dot writes the call graph go tool pprof -dot writes, whole
# file compared byte for byte (legend, nodes, tag sub-nodes, edges,
# colours, sizes): every profile.proto of the corpus and its reference
# conversions (CPU with and without labels, heap, allocs, block, mutex,
# goroutine, threadcreate, gperftools CPU and heap), the heap and
# contention profiles under each of their sample types, and merged pairs.
# (The File: line is compared too: pproftop names the binary the same
# way; the interop helper exempts it only from the text reports.)
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

same_dot() {
    TZ=UTC go tool pprof -dot "$@" >"$WORK/ref.dot" 2>"$WORK/ref.err" ||
        die "go tool pprof -dot $* failed: $(head -1 "$WORK/ref.err")"
    TZ=UTC "$BIN/pproftop" -dot "$@" >"$WORK/our.dot" 2>"$WORK/our.err" ||
        die "pproftop -dot $* failed: $(head -1 "$WORK/our.err")"
    grep -q '^N1 \[' "$WORK/ref.dot" || die "reference drew no node for $*"
    cmp -s "$WORK/ref.dot" "$WORK/our.dot" || {
        echo "pproftop -dot $*:"
        diff -u "$WORK/ref.dot" "$WORK/our.dot" | head -40
        die "DOT differs from go tool pprof -dot $*"
    }
    nchecked=$((${nchecked:-0} + 1))
}

for f in $(corpus_protos) "$CORPUS/c_cpu.prof" "$CORPUS/c_heap.0001.heap"; do
    same_dot "$f"
done
for f in "$CORPUS/go_heap.pb.gz" "$CORPUS/go_allocs.pb.gz" \
         "$CORPUS/go_block.pb.gz" "$CORPUS/go_mutex.pb.gz" \
         "$CORPUS/go_heap_sampled.pb.gz"; do
    for t in $(sample_types "$f"); do
        same_dot -sample_index="$t" "$f"
        same_dot -sample_index="$t" -nodecount=4 "$f"
    done
done
same_dot -mean_delay "$CORPUS/go_block.pb.gz"
same_dot -contentions "$CORPUS/go_mutex.pb.gz"
same_dot "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu_labels.pb.gz"
same_dot -nodecount=5 "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu_labels.pb.gz"
same_dot "$CORPUS/go_heap.pb.gz" "$CORPUS/go_allocs.pb.gz"
same_dot "$CORPUS/go_block.pb.gz" "$CORPUS/go_mutex.pb.gz"
# a diff (negative values: green boxes and arrows): the diff profile
# pprofdiff writes, drawn by pproftop, against go tool pprof's own
# -diff_base drawing of the two inputs
for fl in "" -nodecount=4 -nodefraction=0; do
    "$BIN/pprofdiff" --mode=diff_base -o "$WORK/diff.pb.gz" \
        "$CORPUS/go_cpu.pb.gz" "$CORPUS/go_cpu_labels.pb.gz" >/dev/null ||
        die "pprofdiff failed"
    # shellcheck disable=SC2086
    TZ=UTC go tool pprof -dot $fl -diff_base="$CORPUS/go_cpu.pb.gz" \
        "$CORPUS/go_cpu_labels.pb.gz" >"$WORK/ref.dot" 2>/dev/null ||
        die "go tool pprof -dot -diff_base failed"
    # shellcheck disable=SC2086
    TZ=UTC "$BIN/pproftop" -dot $fl "$WORK/diff.pb.gz" >"$WORK/our.dot" ||
        die "pproftop -dot $fl (diff) failed"
    cmp -s "$WORK/ref.dot" "$WORK/our.dot" || {
        diff -u "$WORK/ref.dot" "$WORK/our.dot" | head -40
        die "DOT of the diff differs from go tool pprof -dot -diff_base $fl"
    }
    cat "$WORK/ref.dot" >>"$WORK/diffs.dot"
    nchecked=$((nchecked + 1))
done
grep -q 'color="#00b200"' "$WORK/diffs.dot" || die "no green in the diff graphs"
echo "$nchecked comparisons"
