#!/usr/bin/env bash
# --format=folded of a labelled CPU profile: one line per distinct stack,
# root first, inline frames as frames of their own, samples that differ
# only by labels summed. Checked against the reference's own view of the
# same file: `go tool pprof -traces` (one block per sample, leaf first,
# values in ns with -unit=ns), folded and summed by awk here.
. "$TESTLIB"
need_go
in="$CORPUS/go_cpu_labels.pb.gz"
run "$BIN/pprofconv" --format=folded "$in" "$WORK/out.folded"
expect_rc 0

pprof -traces -unit=ns "$in" | awk '
    function flush() {
        if (n > 0) {
            s = frame[n]
            for (i = n - 1; i >= 1; i--) s = s ";" frame[i]
            sum[s] += val
        }
        n = 0; inblock = 0
    }
    /^-----------\+/ { flush(); started = 1; next }
    !started { next }
    !inblock && /^ *-?[0-9]+ns +/ {
        inblock = 1
        val = $1; sub(/ns$/, "", val)
        line = $0; sub(/^ *-?[0-9]+ns +/, "", line)
        sub(/ \(inline\)$/, "", line)
        frame[++n] = line
        next
    }
    inblock {
        line = $0; sub(/^ +/, "", line); sub(/ \(inline\)$/, "", line)
        if (line != "") frame[++n] = line
    }
    END { flush(); for (s in sum) if (sum[s] != 0) print s, sum[s] }
' | LC_ALL=C sort >"$WORK/want"
[ "$(wc -l <"$WORK/want")" -ge 3 ] || die "reference traces gave too little"
expect_same "$WORK/out.folded" "$WORK/want"

# Labels split samples in the proto; folding merges them: fewer lines
# than samples, and the total is the profile's.
total=$(awk '{ t += $NF } END { print t }' "$WORK/out.folded")
want_total=$(pprof -top -unit=ns "$in" | sed -n 's/.*of \([0-9]*\)ns total.*/\1/p')
[ "$total" = "$want_total" ] || die "folded total $total, reference $want_total"

# The extension picks the format too.
run "$BIN/pprofconv" "$in" "$WORK/by-ext.folded"
expect_rc 0
expect_same "$WORK/by-ext.folded" "$WORK/out.folded"
