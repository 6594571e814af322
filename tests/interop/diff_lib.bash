# Helpers for the diff_*.sh interop cases (sourced after $TESTLIB).

# diff_vs_ref MODE NORM BASE NEW REPORT...: `pprofdiff --mode=MODE
# [--normalize] -o OUT BASE NEW`, then for each REPORT (a quoted list of
# pprof flags) `go tool pprof REPORT OUT` must print exactly what
# `go tool pprof REPORT -MODE=BASE [-normalize] NEW` prints.
diff_vs_ref() {
    local mode=$1 norm=$2 base=$3 new=$4 rep
    shift 4
    "$BIN/pprofdiff" -q --mode="$mode" ${norm:+--normalize} \
        -o "$WORK/diff.pb.gz" "$base" "$new" ||
        die "pprofdiff --mode=$mode $norm $base $new failed"
    for rep in "$@"; do
        # shellcheck disable=SC2086
        pprof $rep "-$mode=$base" ${norm:+-normalize} "$new" >"$WORK/ref.txt"
        # shellcheck disable=SC2086
        pprof $rep "$WORK/diff.pb.gz" >"$WORK/ours.txt"
        [ -s "$WORK/ref.txt" ] || die "reference printed nothing for $rep"
        expect_same "$WORK/ours.txt" "$WORK/ref.txt"
    done
}

# All four combinations of mode and normalization.
diff_all_modes() {  # BASE NEW REPORT...
    local mode norm
    for mode in diff_base base; do
        for norm in "" normalize; do
            diff_vs_ref "$mode" "$norm" "$@"
        done
    done
}
