#!/usr/bin/env bash
# Our writers' legacy text read back by our readers: for Go profiles of
# the corpus, proto -> debug1 (and debug2 where the writer has one) ->
# proto gives the same go tool pprof -top as the original, for every
# sample index. (Folded output is lossy by design: one value, no inline
# marks; it is not part of this check.)
. "$TESTLIB"
need_go
export PPROF_BINARY_PATH="$WORK/no-binaries"
mkdir -p "$PPROF_BINARY_PATH"
ntypes() { pprof -raw "$1" | awk '/^Samples:/ { getline; print NF; exit }'; }
n=0
for f in go_heap go_allocs go_goroutine go_block go_mutex go_custom go_threadcreate; do
    for fmt in debug1 debug2; do
        run "$BIN/pprofconv" --format=$fmt "$CORPUS/$f.pb.gz" "$WORK/$f.$fmt"
        if [ "$rc" -ne 0 ]; then
            # The writer refuses formats a profile has no form for
            # (debug2 of heap or contention): that is fine here.
            [ "$fmt" = debug2 ] && continue
            cat "$WORK/err"; die "cannot write $f as $fmt"
        fi
        run "$BIN/pprofconv" "$WORK/$f.$fmt" "$WORK/$f.$fmt.pb.gz"
        expect_rc 0
        k=$(ntypes "$CORPUS/$f.pb.gz")
        for ((i = 0; i < k; i++)); do
            pprof -top -sample_index=$i "$WORK/$f.$fmt.pb.gz" | sed -n '/^Showing/,$p' >"$WORK/a"
            pprof -top -sample_index=$i "$CORPUS/$f.pb.gz" | sed -n '/^Showing/,$p' >"$WORK/b"
            [ -s "$WORK/b" ] || die "no -top for $f"
            expect_same "$WORK/a" "$WORK/b"
        done
        n=$((n + 1))
    done
done
[ "$n" -ge 10 ] || die "only $n conversions checked"
echo "$n written files read back with the original's -top"
