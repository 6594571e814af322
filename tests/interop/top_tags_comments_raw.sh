# pproftop -tags, -comments, -raw and -trim=false print exactly what
# go tool pprof prints with the same flags: every profile of the
# corpus (Go, gperftools, the reference's own conversions), with
# filters, units and sample indexes; comments written by the reference
# itself (-add_comment), one file and two merged.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"
cd "$CORPUS"

# same_or_both_empty ARGS...: as same_as_pprof, for reports that are
# empty on profiles without labels or comments.
same_or_both_empty() {
    pprof "$@" >"$WORK/ref.txt"
    TZ=UTC "$BIN/pproftop" "$@" >"$WORK/our.txt" 2>"$WORK/our.err" ||
        die "pproftop $* failed"
    expect_same "$WORK/our.txt" "$WORK/ref.txt"
    [ -s "$WORK/ref.txt" ] && nonempty=$((${nonempty:-0} + 1))
    nchecked=$((${nchecked:-0} + 1))
}

for f in *.pb.gz c_cpu.prof c_heap.0001.heap expected/*.pb.gz; do
    case $f in merge.*|expected/merge.*) continue ;; esac
    same_or_both_empty -comments "$f"
    same_or_both_empty -tags "$f"
    for rep in -raw "-tree -trim=false" \
               "-top -trim=false -nodecount=3" "-traces -trim=false"; do
        # shellcheck disable=SC2086
        same_as_pprof $rep "$f"
    done
done
for f in go_cpu_labels.pb.gz go_heap.pb.gz go_goroutine.pb.gz \
         c_heap.0001.heap go_block.pb.gz; do
    for rep in "-tags -focus=main" "-tags -unit=ms" "-tags -unit=kb" \
               "-tags -sample_index=0" "-tags -tagfocus=request=a" \
               "-tags -tagignore=bytes=1mb"; do
        # shellcheck disable=SC2086
        same_or_both_empty $rep "$f"
    done
    for rep in "-raw -focus=serve" "-raw -hide=runtime" "-raw -ignore=main" \
               "-raw -show_from=main.main" "-raw -tagfocus=bytes=1kb:" \
               "-raw -noinlines" "-raw -lines" "-raw -tagroot=request" \
               "-raw -prune_from=main" "-tree -trim=false -nodefraction=0.2" \
               "-top -trim=false -edgefraction=0.5 -nodecount=2"; do
        # shellcheck disable=SC2086
        same_as_pprof $rep "$f"
    done
done
pprof -proto -add_comment="first note" go_cpu.pb.gz >"$WORK/c1.pb.gz"
pprof -proto -add_comment="second note" go_cpu_labels.pb.gz >"$WORK/c2.pb.gz"
for rep in -comments -raw -top; do
    same_as_pprof $rep "$WORK/c1.pb.gz"
    same_as_pprof $rep "$WORK/c1.pb.gz" "$WORK/c2.pb.gz"
done
# the comment really is there (not two empty outputs)
"$BIN/pproftop" -comments "$WORK/c1.pb.gz" "$WORK/c2.pb.gz" >"$WORK/c.txt"
printf 'first note\nsecond note\n' | cmp -s - "$WORK/c.txt" ||
    die "comments: $(cat "$WORK/c.txt")"
# label reports with content: go_cpu_labels, go_heap, go_goroutine, ...
[ "${nonempty:-0}" -ge 20 ] || die "only ${nonempty:-0} non-empty -tags"
echo "$nchecked comparisons"
