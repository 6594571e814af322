#!/usr/bin/env bash
# Issue 11.5: the execution timeline, as Chrome Trace Event JSON, from
# pprofrecord --trace and from /debug/pprof/trace?seconds=N, on
# preload_timeline (thread "busy" always in timeline_busy, "pulse" in
# timeline_pulse 20 ms out of 50). node checks the JSON
# (tests/capture/trace_check.js): it parses, metadata names the process
# and each thread, each thread's slices are ordered and do not overlap,
# the threads' slices are in their functions, seconds= bounds the
# window; go tool pprof reads the CPU profile taken beside it.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_timeline
need node
need_http
B="$CAPBIN/preload_timeline"
R="$BIN/pprofrecord"
CHECK="$(cd "$(dirname "$0")/../capture" && pwd)/trace_check.js"
cd "$WORK"
trap 'touch "$WORK/stop"; wait' EXIT

# --trace alone: the timeline, and no CPU profile file
run timeout 60 "$R" --rate=250 --trace=t1.json -- "$B" 1.5
expect_rc 0
grep -qx 'timeline done' "$WORK/out" || die "workload did not finish"
node "$CHECK" t1.json || die "pprofrecord --trace timeline"
[ -e cpu.pb.gz ] && die "--trace without -o wrote cpu.pb.gz"
ls | grep -q 'tmp' && die "stray temporary files: $(ls)"

# with -o: both, from the same profile
run timeout 60 "$R" -o cpu.pb.gz --trace=t2.json -- "$B" 1
expect_rc 0
node "$CHECK" t2.json || die "pprofrecord -o --trace timeline"
pprof -top "$B" cpu.pb.gz | awk '$6 == "timeline_busy" { f = 1 } END { exit !f }' ||
    die "the CPU profile beside the timeline lacks timeline_busy"

# the HTTP route
http_record -- "$B" 50 "$WORK/stop"
for s in 1 2; do
    t0=$(date +%s%N)
    code=$(curl -s -o "h$s.json" -D "h$s.hdr" -w '%{http_code}' --max-time 30 "$U/trace?seconds=$s")
    t1=$(date +%s%N)
    [ "$code" = 200 ] || die "trace?seconds=$s: status $code: $(cat "h$s.json")"
    grep -qi '^content-type: application/json' "h$s.hdr" || die "trace: not JSON: $(cat "h$s.hdr")"
    grep -qi '^content-disposition: attachment; filename="trace.json"' "h$s.hdr" ||
        die "trace: no attachment name"
    ms=$(( (t1 - t0) / 1000000 ))
    [ "$ms" -ge $((s * 1000)) ] || die "trace?seconds=$s answered after $ms ms"
    node "$CHECK" "h$s.json" $s || die "trace?seconds=$s timeline"
done
code=$(curl -s -o bad.txt -w '%{http_code}' --max-time 30 "$U/trace?seconds=x")
[ "$code" = 400 ] || die "trace?seconds=x: status $code"
touch stop
wait $pid || { cat run.err; die "workload failed"; }
exit 0
