#!/usr/bin/env bash
# pprofrecord --http: an empty address is a usage error; --help
# documents the option; --http alone writes no CPU profile at exit
# (the endpoint needs the CPU profiler), -o still does.
. "$TESTLIB"
R="$BIN/pprofrecord"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"

run "$R" --http= -- true
expect_rc 2
head -1 "$WORK/err" | grep -qx 'pprofrecord: --http wants an address' || die "message: $(cat "$WORK/err")"
run "$R" --help
expect_rc 0
grep -q -- '--http=ADDR' "$WORK/out" || die "--help does not mention --http"
PPROF_HTTP_PORTFILE="$WORK/port" run "$R" --http=127.0.0.1:0 -- sleep 0.1
expect_rc 0
[ -s "$WORK/port" ] || die "no port file"
[ ! -e cpu.pb.gz ] || die "--http alone wrote cpu.pb.gz"
PPROF_HTTP_PORTFILE="$WORK/port2" run "$R" --http=127.0.0.1:0 -o cpu.pb.gz -- sleep 0.1
expect_rc 0
[ -s cpu.pb.gz ] || die "--http -o wrote no cpu.pb.gz"
exit 0
