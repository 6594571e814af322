# Every profile.proto of the corpus decodes and re-encodes; the
# reference's -raw and -traces on our output equal its answers on the
# original, byte for byte (ids are kept as read, so -raw matches too).
. "$TESTLIB"
need_go
cd "$CORPUS"
n=0
for f in *.pb.gz; do
    "$BIN/pprofconv" "$f" "$WORK/$f" || die "$f: conversion failed"
    for mode in raw traces top; do
        pprof -$mode "$f" >"$WORK/ref.$mode"
        pprof -$mode "$WORK/$f" >"$WORK/ours.$mode"
        [ -s "$WORK/ref.$mode" ] || die "$f: reference printed nothing"
        # -top names the file; everything else must match.
        if [ $mode = top ]; then
            sed -i 1d "$WORK/ref.$mode" "$WORK/ours.$mode"
        fi
        expect_same "$WORK/ours.$mode" "$WORK/ref.$mode"
    done
    n=$((n + 1))
done
[ $n -ge 10 ] || die "only $n profiles found"
