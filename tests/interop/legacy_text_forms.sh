#!/usr/bin/env bash
# Small legacy inputs beyond the corpus (testdata/text/): C++ contentionz,
# threadz, tcmalloc heap_v2, growthz/fragmentation, memory-map forms
# (brief form, glog prefix, $variables, split mappings, greedy
# permissions, fake mapping, downward extension), a 32-bit big-endian CPU
# profile, Java heapz/contentionz/CPU. pprof -raw, -traces and -top of
# our conversion equal those of the reference on the file itself.
. "$TESTLIB"
need_go
export PPROF_BINARY_PATH="$WORK/no-binaries"
mkdir -p "$PPROF_BINARY_PATH"
n=0
for f in "$TESTDATA"/text/*; do
    name=$(basename "$f")
    run "$BIN/pprofconv" "$f" "$WORK/$name.pb.gz"
    expect_rc 0
    for args in -raw -traces -top; do
        pprof $args "$WORK/$name.pb.gz" >"$WORK/a"
        pprof $args "$f" >"$WORK/b"
        [ -s "$WORK/b" ] || die "reference cannot read $name"
        expect_same "$WORK/a" "$WORK/b"
    done
    n=$((n + 1))
done
[ "$n" -ge 10 ] || die "only $n inputs"
echo "$n inputs: -raw, -traces and -top equal"
