# Shared by tests/interop/write_debug1_*.sh (sourced after $TESTLIB; not
# a test itself, hence not *.sh).
#
# Our debug=1 text of a corpus proto must read back, in `go tool pprof`,
# to the same -top as the original proto. Text stacks are bare return
# addresses, so the reference symbolizes them with the binary, and its
# Go object reader gives one frame per address (the physical function):
# the proto side is therefore shown with -noinlines, which attributes
# inlined frames to their physical caller the same way. Nothing else
# differs: same file, same addresses, every node shown, exact units.

# top_args UNIT: the -top options used on both sides.
top_args() {
    echo "-top -nodecount=100000 -nodefraction=0 -edgefraction=0 -unit=$1"
}

# strip_top: drop the lines that legitimately differ (file name, the
# capture time the text format has no field for).
strip_top() { grep -v -e '^File:' -e '^Time:'; }

# compare_proto_top KIND UNIT SAMPLE_INDEX...: write go_KIND.pb.gz as
# debug=1 (once), then compare -top for each sample index.
compare_proto_top() {
    local kind=$1 unit=$2 si bin
    shift 2
    bin=$(go_workload)
    [ -s "$WORK/$kind.txt" ] || {
        run "$BIN/pprofconv" --format=debug1 "$CORPUS/go_$kind.pb.gz" "$WORK/$kind.txt"
        expect_rc 0
    }
    for si in "$@"; do
        # shellcheck disable=SC2046
        pprof $(top_args "$unit") -noinlines -sample_index="$si" \
            "$CORPUS/go_$kind.pb.gz" | strip_top >"$WORK/want.$si"
        # shellcheck disable=SC2046
        pprof $(top_args "$unit") -sample_index="$si" "$bin" \
            "$WORK/$kind.txt" | strip_top >"$WORK/got.$si"
        grep -q '^Type: ' "$WORK/want.$si" || die "no -top for the proto ($si)"
        [ "$(wc -l <"$WORK/want.$si")" -gt 3 ] || die "empty -top ($si)"
        expect_same "$WORK/got.$si" "$WORK/want.$si"
        echo "ok: -sample_index=$si matches the proto"
    done
}

# compare_go_text_top KIND UNIT SAMPLE_INDEX...: our text and the
# runtime's own go_KIND.debug1.txt (same snapshot) give the same -top.
# Go's text ends every stack with runtime.goexit, which the proto (and
# so our text) never has: that node is hidden on both sides.
compare_go_text_top() {
    local kind=$1 unit=$2 si bin
    shift 2
    bin=$(go_workload)
    for si in "$@"; do
        # shellcheck disable=SC2046
        pprof $(top_args "$unit") -hide='^runtime\.goexit$' \
            -sample_index="$si" "$bin" "$CORPUS/go_$kind.debug1.txt" |
            strip_top >"$WORK/gowant.$si"
        # shellcheck disable=SC2046
        pprof $(top_args "$unit") -hide='^runtime\.goexit$' \
            -sample_index="$si" "$bin" "$WORK/$kind.txt" |
            strip_top >"$WORK/gogot.$si"
        [ "$(wc -l <"$WORK/gowant.$si")" -gt 3 ] || die "empty -top of Go's text ($si)"
        expect_same "$WORK/gogot.$si" "$WORK/gowant.$si"
        echo "ok: -sample_index=$si matches Go's own debug=1 text"
    done
}
