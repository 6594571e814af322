# '-' reads stdin; --long, -flag value and -flag=value spellings agree.
. "$TESTLIB"
f="$CORPUS/go_heap.pb.gz"
"$BIN/pproftop" -nodecount=3 -sample_index=alloc_space "$f" >"$WORK/a" || die a
"$BIN/pproftop" --nodecount 3 --sample_index alloc_space - <"$f" >"$WORK/b" || die b
"$BIN/pproftop" -nodecount 3 -alloc_space -- "$f" >"$WORK/c" || die c
expect_same "$WORK/b" "$WORK/a"
expect_same "$WORK/c" "$WORK/a"
grep -q '^Type: alloc_space$' "$WORK/a" || die "wrong sample type"
[ "$(grep -c '^ ' "$WORK/a")" -eq 4 ] || die "want 3 rows + column header"
