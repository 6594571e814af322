# Go debug=1 text profiles (addresses are go_workload's virtual
# addresses, one fake mapping without file name) symbolized by pprofsym
# with the binary, against `go tool pprof BINARY FILE` symbolizing them
# itself. The reference gives one frame per address, so ours is read
# with -noinlines. --force: our reader may already take names from the
# `#` comment frames of the text; the reference ignores those and
# symbolizes from the binary, and so do we here. Label lines are left
# out of -traces: the reference ignores Go's `# labels:` comments.
# Skips until pf_profile_read reads Go debug=1 text.
. "$TESTLIB"
need_go
bin=$(go_workload)
nolabels() { grep -Ev '^ +[^ ]+:  ' "$1"; }
for f in go_heap go_mutex go_block go_goroutine go_allocs; do
    in="$CORPUS/$f.debug1.txt"
    run "$BIN/pprofsym" --force --binary "$bin" "$in" "$WORK/$f.pb.gz"
    expect_rc 0
    grep -q "mapping 1 '$bin': \([0-9]*\)/\1 locations resolved (DWARF)" \
        "$WORK/err" || die "$f: $(cat "$WORK/err")"
    (cd "$(dirname "$bin")" && pprof -top -nodecount=100 "$(basename "$bin")" "$in") |
        sed 1,2d >"$WORK/ref.top"
    pprof -top -noinlines -nodecount=100 "$WORK/$f.pb.gz" | sed 1,2d >"$WORK/ours.top"
    [ -s "$WORK/ref.top" ] || die "no reference output for $f"
    expect_same "$WORK/ours.top" "$WORK/ref.top"
    (cd "$(dirname "$bin")" && pprof -traces "$(basename "$bin")" "$in") |
        sed 1,2d >"$WORK/ref.tr"
    pprof -traces -noinlines "$WORK/$f.pb.gz" | sed 1,2d >"$WORK/ours.tr"
    nolabels "$WORK/ref.tr" >"$WORK/ref.tr2"
    nolabels "$WORK/ours.tr" >"$WORK/ours.tr2"
    expect_same "$WORK/ours.tr2" "$WORK/ref.tr2"
done
