# pproftop -dot with pprof's flags draws what go tool pprof -dot draws
# with the same flags: node count (graphs default to 80, and tag
# sub-nodes count against it), node and edge fractions (the "Dropped N
# nodes/edges" legend lines, residual dotted edges and which of them
# are redundant), sort order, granularity, inlining, name and label
# filters (the "Active filters" legend), units, -divide_by, -mean,
# -tagroot/-tagleaf. Whole files are compared.
. "$TESTLIB"
need_go

same_dot() {
    TZ=UTC go tool pprof -dot "$@" >"$WORK/ref.dot" 2>/dev/null ||
        die "go tool pprof -dot $* failed"
    TZ=UTC "$BIN/pproftop" -dot "$@" >"$WORK/our.dot" 2>"$WORK/our.err" ||
        die "pproftop -dot $* failed: $(head -1 "$WORK/our.err")"
    cmp -s "$WORK/ref.dot" "$WORK/our.dot" || {
        echo "pproftop -dot $*:"
        diff -u "$WORK/ref.dot" "$WORK/our.dot" | head -40
        die "DOT differs from go tool pprof -dot $*"
    }
    nchecked=$((${nchecked:-0} + 1))
    cat "$WORK/ref.dot" >>"$WORK/all.dot"
}

files="$CORPUS/go_cpu.pb.gz $CORPUS/go_cpu_labels.pb.gz $CORPUS/go_heap.pb.gz
       $CORPUS/go_goroutine.pb.gz $CORPUS/expected/c_cpu.prof.pb.gz
       $CORPUS/go_mutex.pb.gz $CORPUS/expected/c_heap.0001.heap.pb.gz"
for f in $files; do
    for fl in -nodecount=5 -nodecount=3 -nodecount=2 -nodecount=1 \
              -nodecount=0 -nodefraction=0 -nodefraction=0.1 \
              -edgefraction=0.2 -edgefraction=0.5 \
              "-nodefraction=0 -edgefraction=0" \
              "-nodefraction=0.2 -nodecount=3" -cum "-cum -nodecount=4" \
              -focus=main -ignore=runtime -hide=runtime -show=main \
              -show_from=main.cpuRound '-prune_from=main\.cpu.*' \
              -lines "-lines -nodecount=10" -files -addresses \
              -filefunctions -noinlines "-addresses -noinlines" \
              -tagfocus=request=a -tagfocus=bytes=64 -tagfocus=bytes=1kb: \
              -tagignore=request=a -tagshow=request -taghide=stage \
              -tagroot=request -tagleaf=stage -unit=ms -unit=kb \
              -mean -relative_percentages "-focus=main -relative_percentages" \
              -sample_index=0 -divide_by=10 "-nodecount=0 -edgefraction=0.1" \
              "-nodecount=4 -edgefraction=0.3" \
              "-nodecount=0 -nodefraction=0 -edgefraction=0.05"; do
        # shellcheck disable=SC2086
        same_dot $fl "$f"
    done
done
# The comparisons above covered every feature of the picture.
for feature in 'Dropped [0-9]* edges\?' 'Dropped [0-9]* nodes\?' \
               'Showing top [0-9]* nodes out of' 'Active filters:' \
               '^N[0-9]* -> N[0-9]* .*style="dotted"' 'minlen=2' \
               'shape=box3d' '\\n (inline)' '^NN[0-9]*_[0-9]* \[' \
               '^N[0-9]*_[0-9]* \[label = "[a-z]*:' 'tooltip=".* \.\.\. '; do
    grep -q -- "$feature" "$WORK/all.dot" || die "no reference output had /$feature/"
done
echo "$nchecked comparisons"
