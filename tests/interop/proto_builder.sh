# A profile built from scratch with the builder API (examples/
# build_profile.c: hot 60%, warm 30%, cold 10% with mix inlined) loads in
# the reference, which reports exactly that shape.
. "$TESTLIB"
need_go
"$BIN/../examples/build_profile" "$WORK/b.pb.gz" || die "build_profile failed"
pprof -top "$WORK/b.pb.gz" >"$WORK/top.txt"
expect_same "$WORK/top.txt" "$(dirname "$0")/proto_builder.top.expected"
pprof -traces "$WORK/b.pb.gz" >"$WORK/traces.txt"
grep -q 'phase:  steady' "$WORK/traces.txt" || die "label lost"
grep -q 'mix (inline)' "$WORK/traces.txt" || die "inline frame lost"
