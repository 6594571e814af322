#!/usr/bin/env bash
# Issue 11.4: fetching the threads profile must not change what the
# program sees. preload_sleep has threads in nanosleep, sleep and a
# blocking pipe read, and counts any EINTR or early wake-up while the
# threads profile is fetched 50 times over HTTP (proto, debug=1 and
# debug=2). Blocked threads are then unwound from a copy of their stack
# instead of being signalled: the dump still shows each of them in its
# own function, with its state.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_sleep
need_http
B="$CAPBIN/preload_sleep"
cd "$WORK"
trap 'touch "$WORK/stop"; wait' EXIT

http_record -- "$B" "$WORK/stop"
sleep 0.5   # the threads are in their calls
for i in $(seq 50); do
    case $((i % 3)) in
    0) q="threads?debug=2" ;;
    1) q="threads" ;;
    2) q="goroutine?debug=1" ;;
    esac
    curl -sf -o "fetch$((i % 3))" --max-time 20 "$U/$q" || die "fetch $i ($q) failed"
    sleep 0.02
done
curl -sf -o dump.txt --max-time 20 "$U/threads?debug=2" || die "threads?debug=2 failed"
curl -sf -o threads.pb.gz --max-time 20 "$U/threads" || die "threads failed"
touch stop
wait $pid || { cat run.err; die "workload failed"; }
cat run.err
grep -qx 'eintr 0' run.out || die "the fetches interrupted the program: $(cat run.out)"

# Under ASan the pipe read goes through the sanitizer's read
# interceptor, which keeps its frame pointer in a register the blocked
# thread's /proc/.../syscall does not show; its stack is then known down
# to the interceptor only (docs/CAPTURE.md, Sanitizers). The point of
# the test, no EINTR, is checked above either way.
readfn=read_pipe
[ -n "${SANITIZE:-}" ] && readfn='(read_pipe|__interceptor_read)'

# block THREADNAME: that thread's block of the dump
block() {
    awk -v n="\"$1\"" '/^thread / { on = ($3 == n) } on' dump.txt
}
for t in "nanosleeper sleep sleep_nano" "sleeper sleep sleep_secs" \
         "piperead read $readfn"; do
    set -- $t
    b=$(block "$1")
    [ -n "$b" ] || die "thread $1 not in the dump"
    printf '%s\n' "$b" | head -1 | grep -q "\[$2\]:\$" ||
        die "thread $1: state is not [$2]: $(printf '%s\n' "$b" | head -1)"
    printf '%s\n' "$b" | grep -Eq "^$3\(" || die "thread $1: $3 not in its stack: $b"
    echo "thread $1: [$2] in $3"
done
pprof -traces "$B" threads.pb.gz >traces.txt || die "go tool pprof cannot read the threads profile"
for f in sleep_nano sleep_secs "$readfn"; do
    grep -Eq "^ *$f\$" traces.txt || die "$f not in the threads profile: $(cat traces.txt)"
done
exit 0
