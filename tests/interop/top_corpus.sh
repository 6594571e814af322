# pproftop FILE equals go tool pprof -top FILE for every profile.proto
# of the corpus and every sample index (by number and by name).
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

for f in $(corpus_protos); do
    same_as_pprof -top "$f"
    i=0
    for t in $(sample_types "$f"); do
        same_as_pprof -top -sample_index=$i "$f"
        same_as_pprof -top -sample_index="$t" "$f"
        i=$((i + 1))
    done
    [ $i -gt 0 ] || die "no sample types found in $f"
done
echo "$nchecked comparisons"
