# Helpers for the merge_*.sh interop cases (sourced after $TESTLIB).

# merge_vs_proto IN...: pprofmerge IN... must give the same -top,
# -traces and -raw under the reference as the reference's own merge,
# `go tool pprof -proto IN...`.
merge_vs_proto() {
    local mode
    "$BIN/pprofmerge" -o "$WORK/ours.pb.gz" "$@" || die "pprofmerge $* failed"
    TZ=UTC go tool pprof -proto "$@" >"$WORK/ref.pb.gz" 2>/dev/null ||
        die "reference merge of $* failed"
    for mode in top traces raw; do
        pprof -$mode "$WORK/ref.pb.gz" >"$WORK/ref.$mode"
        pprof -$mode "$WORK/ours.pb.gz" >"$WORK/ours.$mode"
        [ -s "$WORK/ref.$mode" ] || die "reference printed nothing for -$mode"
        expect_same "$WORK/ours.$mode" "$WORK/ref.$mode"
    done
}

# merge_vs_direct FLAGS -- IN...: `go tool pprof FLAGS OURS` equals
# `go tool pprof FLAGS IN...` (the reference merging in memory).
merge_vs_direct() {
    local flags=()
    while [ "$1" != "--" ]; do flags+=("$1"); shift; done
    shift
    "$BIN/pprofmerge" -o "$WORK/ours.pb.gz" "$@" || die "pprofmerge $* failed"
    pprof "${flags[@]}" "$@" >"$WORK/ref.direct"
    pprof "${flags[@]}" "$WORK/ours.pb.gz" >"$WORK/ours.direct"
    [ -s "$WORK/ref.direct" ] || die "reference printed nothing for ${flags[*]}"
    expect_same "$WORK/ours.direct" "$WORK/ref.direct"
}
