# pproftop -traces equals go tool pprof -traces on every profile.proto of
# the corpus (labels, numeric labels with units, inline markers), and
# with filters and granularities on a few.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

for f in $(corpus_protos); do
    same_as_pprof -traces "$f"
done
for f in "$CORPUS/go_cpu_labels.pb.gz" "$CORPUS/go_heap.pb.gz" \
         "$CORPUS/go_cpu.pb.gz"; do
    for fl in -lines -addresses -noinlines -files -hide=runtime \
              -show=main -focus=main -tagfocus=request=a -tagfocus=bytes=64 \
              -taghide=stage -sample_index=0 '-prune_from=main\.cpu.*' \
              -unit=ms; do
        same_as_pprof -traces $fl "$f"
    done
done
echo "$nchecked comparisons"
