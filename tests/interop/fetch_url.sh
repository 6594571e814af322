#!/usr/bin/env bash
# URL sources (tools/tool_fetch.c) against a live `pprofrecord --http`
# workload: every profile-reading tool takes http://HOST:PORT/... and
# the bare HOST:PORT/PATH spelling; pproftop's heap report of the URL
# equals go tool pprof's of the same URL; -seconds sets the CPU profile
# length (the profile's duration); HOST:PORT alone means
# /debug/pprof/profile; --progress says what is fetched; a 404 shows
# the status and the body's first line, as pprof does; connection
# refused, a server that never answers (bounded by -timeout), a body
# over --max-inflated: one line each, exit 1, no output file.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_http
need python3
export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"
spid=
trap 'touch "$WORK/stop"; [ -n "$spid" ] && kill $spid 2>/dev/null; wait' EXIT

PPROF_HTTP_PORTFILE="$WORK/port" timeout 120 "$BIN/pprofrecord" \
    --http=127.0.0.1:0 -- "$CAPBIN/preload_http" "$WORK/stop" 100 \
    >run.out 2>run.err &
pid=$!
wait_for port $pid || { cat run.err; die "pprofrecord did not report its port"; }
P=$(cat port)
H="127.0.0.1:$P"
U="http://$H/debug/pprof"
echo "workload on $U"

# heap: pproftop and go tool pprof on the same URL print the same table
# (the 64 x 64 KiB kept by preload_keep do not change between fetches)
pprof -top "$U/heap" | grep -v '^Time:' >heap.want
"$BIN/pproftop" "$U/heap" >heap.top 2>heap.err || { cat heap.err; die "pproftop $U/heap failed"; }
[ ! -s heap.err ] || { cat heap.err; die "pproftop printed to stderr"; }
grep -v '^Time:' heap.top >heap.got
grep -q preload_keep heap.got || die "heap profile lacks preload_keep"
expect_same heap.got heap.want

# the bare HOST:PORT/PATH spelling, through each tool
run "$BIN/pprofconv" "$H/debug/pprof/heap" heap.pb.gz
expect_rc 0
pprof -top heap.pb.gz | grep -v '^Time:' >conv.top
expect_same conv.top heap.want
run "$BIN/pprofmerge" -o merged.pb.gz "$U/heap" "$H/debug/pprof/heap"
expect_rc 0
pprof -top -sample_index=inuse_space merged.pb.gz | grep preload_keep >merged.row
pprof -top -sample_index=inuse_space "$U/heap" "$U/heap" | grep preload_keep >merged.want
expect_same merged.row merged.want
run "$BIN/pprofdiff" "$U/heap" "$H/debug/pprof/heap"
expect_rc 0
run "$BIN/pprofsym" --allow-partial -q "$U/heap" sym.pb.gz
expect_rc 0
pprof -top sym.pb.gz | grep -q preload_keep || die "pprofsym of the URL lost preload_keep"

# -seconds: a 1-second CPU profile; HOST:PORT alone is /debug/pprof/profile
run "$BIN/pproftop" -seconds=1 "$H"
expect_rc 0
grep -Eq '^Duration: 1(\.[0-9]+)?s,' "$WORK/out" || { cat "$WORK/out"; die "-seconds=1: not a 1s profile"; }
grep -q preload_spin "$WORK/out" || die "CPU profile lacks preload_spin"
run "$BIN/pprofconv" --seconds=1 --progress "$U/profile?seconds=30" cpu.pb.gz
expect_rc 0
grep -qx "pprofconv: Fetching profile over HTTP from $U/profile?seconds=1" "$WORK/err" ||
    { cat "$WORK/err"; die "--progress: no fetch line with seconds=1"; }
# the flag's 1 s, not the URL's 30 s
pprof -top cpu.pb.gz | grep -Eq '^Duration: 1(\.[0-9]+)?s,' || die "cpu.pb.gz is not a 1s profile"
# without --progress (stderr not a terminal): nothing on stderr
run "$BIN/pprofconv" "$U/heap" quiet.pb.gz
expect_rc 0
[ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "stderr without --progress"; }

# a 404 with a body: status and the body's first line, as pprof says it
pprof -top "$U/nosuch" >/dev/null 2>&1 && die "go tool pprof took a 404"
go tool pprof -top "$U/nosuch" 2>&1 | grep -o 'server response: .*' >404.want
run "$BIN/pprofconv" "$U/nosuch" out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: $U/nosuch: server response: 404 Not Found - Unknown profile$"
sed 's/^pprofconv: [^ ]*: //' "$WORK/err" >404.got
expect_same 404.got 404.want
expect_no_file out.pb.gz
# a body over the input cap
run "$BIN/pprofconv" --max-inflated=1000 "$U/heap" out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: $U/heap: http fetch: response larger than 1000 bytes"
expect_no_file out.pb.gz

touch "$WORK/stop"
wait $pid || { cat run.err; die "workload exit status $?"; }

# connection refused: the workload's port is closed now
run "$BIN/pproftop" "$U/heap"
expect_rc 1
expect_err_line "^pproftop: $U/heap: http fetch: .*(refused|connect)"

# a server that accepts connections and never answers: -timeout ends it
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(30)
' >silent.port &
spid=$!
wait_for silent.port $spid || die "silent server did not start"
SP=$(cat silent.port)
start=$(date +%s)
run "$BIN/pprofconv" --timeout=1 "127.0.0.1:$SP/debug/pprof/heap" out.pb.gz
end=$(date +%s)
expect_rc 1
expect_err_line "^pprofconv: 127\.0\.0\.1:$SP/debug/pprof/heap: http fetch: no complete answer within 1 s"
[ $((end - start)) -le 5 ] || die "-timeout=1 took $((end - start)) s"
expect_no_file out.pb.gz
run "$BIN/pproftop" -timeout=1 "http://127.0.0.1:$SP/debug/pprof/heap"
expect_rc 1
expect_err_line "no complete answer within 1 s"
kill $spid
wait $spid 2>/dev/null
spid=
exit 0
