#!/usr/bin/env bash
# --format=debug2 of the goroutine proto: one block per goroutine (a
# sample of value N is N blocks), so the number of blocks that contain a
# function equals that function's cumulative goroutine count, which the
# reference computes with `go tool pprof -top` on the same proto.
. "$TESTLIB"
need_go
in="$CORPUS/go_goroutine.pb.gz"
run "$BIN/pprofconv" --format=debug2 "$in" "$WORK/out.txt"
expect_rc 0

# Blocks per function (a function counted once per block).
awk '
    /^goroutine [0-9]+ \[.*\]:$/ { for (f in seen) delete seen[f]; next }
    /^[^\t].*\((\.\.\.)?\)$/ { f = $0; sub(/\((\.\.\.)?\)$/, "", f)
                    if (!(f in seen)) { seen[f] = 1; n[f]++ } }
    END { for (f in n) print f, n[f] }
' "$WORK/out.txt" | LC_ALL=C sort >"$WORK/got"
pprof -top -nodecount=100000 -nodefraction=0 "$in" |
    awk 'p { name = $6; for (i = 7; i <= NF; i++) name = name " " $i
             sub(/ \(inline\)$/, "", name); print name, $4 }
         /flat%/ { p = 1 }' | LC_ALL=C sort >"$WORK/want"
[ "$(wc -l <"$WORK/want")" -ge 10 ] || die "reference -top too short"
expect_same "$WORK/got" "$WORK/want"

# Blocks: as many as goroutines, separated by exactly one empty line,
# numbered 1..N; no trailing empty line.
total=$(pprof -top "$in" | sed -n 's/.* of \([0-9]*\) total.*/\1/p')
[ "$(grep -c '^goroutine ' "$WORK/out.txt")" -eq "$total" ] || die "block count"
[ "$(grep -c '^$' "$WORK/out.txt")" -eq $((total - 1)) ] || die "separators"
grep '^goroutine ' "$WORK/out.txt" | sed 's/^goroutine \([0-9]*\) .*/\1/' >"$WORK/ids"
seq 1 "$total" >"$WORK/want_ids"
expect_same "$WORK/ids" "$WORK/want_ids"
[ "$(tail -n 1 "$WORK/out.txt")" != "" ] || die "trailing empty line"
