# Go runtime profiles come symbolized by the runtime itself (inline
# frames included). Throwing those names away (--force) and symbolizing
# again from go_workload's DWARF must give the same -traces and
# -top -lines output in go tool pprof: functions, files, lines and
# inline chains agree with the Go runtime's own symbolization.
. "$TESTLIB"
need_go
bin=$(go_workload)
for f in go_cpu go_heap go_mutex go_block go_goroutine; do
    run "$BIN/pprofsym" --force --binary "$bin" "$CORPUS/$f.pb.gz" \
        "$WORK/$f.sym.pb.gz"
    expect_rc 0
    grep -q "mapping 1 .*: \([0-9]*\)/\1 locations resolved from '$bin' (DWARF)" \
        "$WORK/err" || die "$f: $(cat "$WORK/err")"
    for mode in "-traces" "-top -lines -nodecount=100"; do
        pprof $mode "$CORPUS/$f.pb.gz" >"$WORK/ref.txt"
        pprof $mode "$WORK/$f.sym.pb.gz" >"$WORK/ours.txt"
        [ -s "$WORK/ref.txt" ] || die "no reference output"
        expect_same "$WORK/ours.txt" "$WORK/ref.txt"
    done
done
