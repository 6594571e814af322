#!/usr/bin/env bash
# The /debug/pprof/ endpoint of a program linked with the library
# (tests/capture/src/http_server.c) against curl and go tool pprof:
# statuses, headers and content types of every path, the index lists
# the registry, Go's error messages (docs/FORMATS.md 7), a concurrent CPU
# profile is refused while the server keeps answering, a client that
# hangs up ends its CPU profile, cmdline equals argv, delta profiles,
# remote symbolization (the server makes unsymbolized profiles:
# PPROF_SYMBOLIZE=0), and go tool pprof on the URLs themselves.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload http_server
need curl
# go tool pprof saves fetched profiles under $PPROF_TMPDIR (or $HOME/pprof)
export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
B="$CAPBIN/http_server"
cd "$WORK"

PPROF_SYMBOLIZE=0 timeout 120 "$B" "$WORK/stop" 100 >server.out 2>server.err &
spid=$!
trap 'touch "$WORK/stop"; wait' EXIT
for _ in $(seq 200); do
    grep -q '^port ' server.out && break
    kill -0 $spid 2>/dev/null || break
    sleep 0.05
done
P=$(sed -n 's/^port //p' server.out)
[ -n "$P" ] || { cat server.err; die "the server did not start"; }
U="http://127.0.0.1:$P/debug/pprof"
echo "server on $U"

# fetch NAME URL [CURL ARGS]: body in NAME.body, headers in NAME.hdr,
# status in $status
fetch() {
    local name=$1 url=$2
    shift 2
    status=$(curl -s -S --max-time 60 -D "$name.hdr" -o "$name.body" \
                  -w '%{http_code}' "$@" "$url")
}
header() {  # NAME FIELD: the value of header FIELD ("" if absent)
    tr -d '\r' <"$1.hdr" | sed -n "s/^$2: //Ip" | head -1
}
# check NAME URL STATUS CONTENT_TYPE [CURL ARGS]
check() {
    local name=$1 url=$2 want=$3 ctype=$4
    shift 4
    fetch "$name" "$url" "$@"
    echo "$url -> $status $(header "$name" Content-Type)"
    [ "$status" = "$want" ] || { cat "$name.hdr" "$name.body"; die "$url: status $status, want $want"; }
    [ "$(header "$name" Content-Type)" = "$ctype" ] || die "$url: Content-Type '$(header "$name" Content-Type)', want '$ctype'"
    [ "$(header "$name" X-Content-Type-Options)" = nosniff ] || die "$url: no X-Content-Type-Options: nosniff"
}
# check_error NAME URL STATUS MESSAGE: Go's serveError
check_error() {
    check "$1" "$2" "$3" "text/plain; charset=utf-8"
    [ "$(header "$1" X-Go-Pprof)" = 1 ] || die "$2: no X-Go-Pprof: 1"
    [ -z "$(header "$1" Content-Disposition)" ] || die "$2: error with an attachment"
    printf '%s\n' "$4" >"$1.want"
    expect_same "$1.body" "$1.want"
}
has_fn() {  # FUNC: stdin (pprof -top) has a row for FUNC
    awk -v f="$1" '$6 == f { found = 1 } END { exit !found }'
}
TEXT="text/plain; charset=utf-8"
OCT="application/octet-stream"

# --- index: every registry profile with its count, and a debug=1 link
check index "$U/" 200 "text/html; charset=utf-8"
for name in $(sed -n 's/^profile //p' server.out) cmdline profile symbol; do
    grep -qF "<a href='$name?debug=1'>$name</a>" index.body || die "index lacks $name"
done
read -r _ cname ccount < <(grep '^count ' server.out)
grep -qF "<tr><td>$ccount</td><td><a href='$cname?debug=1'>" index.body ||
    die "index: $cname count is not $ccount"
check redirect "http://127.0.0.1:$P/debug/pprof" 301 "text/html; charset=utf-8"
[ "$(header redirect Location)" = /debug/pprof/ ] || die "redirect to '$(header redirect Location)'"
check outside "http://127.0.0.1:$P/other" 404 "$TEXT"

# --- named profiles: proto attachment, or text with debug=N
for name in $(sed -n 's/^profile //p' server.out) goroutine; do
    check "p_${name//\//_}" "$U/$name" 200 "$OCT"
    [ "$(header "p_${name//\//_}" Content-Disposition)" = "attachment; filename=\"$name\"" ] ||
        die "$name: Content-Disposition '$(header "p_${name//\//_}" Content-Disposition)'"
    [ "$(head -c 2 "p_${name//\//_}.body" | od -An -tx1 | tr -d ' ')" = 1f8b ] || die "$name: not gzip"
    check "t_${name//\//_}" "$U/$name?debug=1" 200 "$TEXT"
    [ -z "$(header "t_${name//\//_}" Content-Disposition)" ] || die "$name?debug=1 is an attachment"
done
head -1 t_heap.body | grep -q '^heap profile: ' || die "heap?debug=1: $(head -1 t_heap.body)"
check dump "$U/goroutine?debug=2" 200 "$TEXT"
grep -q '^thread [0-9]* ' dump.body || die "goroutine?debug=2 is not a thread dump"

# --- errors, with Go's messages
check_error unknown "$U/nosuch" 404 "Unknown profile"
check_error badsec "$U/profile?seconds=abc" 400 'invalid value for "seconds" - must be a positive integer'
check_error zerosec "$U/profile?seconds=0" 400 'invalid value for "seconds" - must be a positive integer'
check_error badsec2 "$U/heap?seconds=-1" 400 'invalid value for "seconds" - must be a positive integer'
check_error custom "$U/$cname?seconds=1" 400 '"seconds" parameter is not supported for this profile type'
check_error secdebug "$U/heap?seconds=1&debug=1" 400 'seconds and debug params are incompatible'
# the timeline (its content: capture_trace.sh)
check trace "$U/trace?seconds=1" 200 "application/json"
grep -q '^{"displayTimeUnit":"ms","traceEvents":\[' trace.body || die "trace: $(head -c 300 trace.body)"

# --- cmdline: argv joined by NUL
check cmdline "$U/cmdline" 200 "$TEXT"
printf '%s\0%s\0%s' "$B" "$WORK/stop" 100 >cmdline.want
expect_same cmdline.body cmdline.want

# --- symbol: GET says symbols exist; POST and GET ?query name the
# workload's functions (the addresses it printed), in request order;
# an address with no function gets no line
check sym0 "$U/symbol" 200 "$TEXT"
printf 'num_symbols: 1\n' >sym0.want
expect_same sym0.body sym0.want
q=$(awk '$1 == "addr" { printf "%s+", $2 }' server.out)0x1
{ echo "num_symbols: 1"; awk '$1 == "addr" { print $2, $3 }' server.out; } >sym.want
check sympost "$U/symbol" 200 "$TEXT" --data-binary "$q"
expect_same sympost.body sym.want
check symget "$U/symbol?$q" 200 "$TEXT"
expect_same symget.body sym.want
# the same without the server (pf_capture_http_serve, in the workload)
expect_same "$WORK/stop.symbol" sym.want
grep -qx 'direct 404 X-Content-Type-Options=nosniff Content-Type=text/plain; charset=utf-8 X-Go-Pprof=1' server.out ||
    die "direct serve of an unknown profile: $(grep '^direct' server.out)"

# --- CPU profile: a second one is refused while the first runs, and
# the server keeps answering meanwhile
(fetch cpu1 "$U/profile?seconds=4"; echo "$status" >cpu1.status) &
cpid=$!
sleep 1
check_error cpu2 "$U/profile?seconds=1" 500 "Could not enable CPU profiling: cpu profiling already in use"
t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 30 "$U/cmdline")
echo "cmdline during a CPU profile: ${t}s"
within "$t" 0 1.5 || die "the server blocked for ${t}s during a CPU profile"
wait $cpid
[ "$(cat cpu1.status)" = 200 ] || die "profile?seconds=4: status $(cat cpu1.status)"
[ "$(header cpu1 Content-Disposition)" = 'attachment; filename="profile"' ] || die "profile: Content-Disposition"
pprof -top "$B" cpu1.body | has_fn http_spin || die "profile lacks http_spin"

# a client that hangs up ends its CPU profile: the next one may start
curl -s --max-time 1 -o /dev/null "$U/profile?seconds=60"
for _ in $(seq 20); do
    fetch cpu3 "$U/profile?seconds=1"
    [ "$status" = 500 ] || break
    sleep 0.2
done
[ "$status" = 200 ] || die "CPU profile still held after its client left (status $status)"

# --- go tool pprof on the URLs
pprof -top "$U/profile?seconds=1" | has_fn http_spin || die "pprof profile URL: no http_spin"
pprof -top "$U/heap" | has_fn http_keep_alloc || die "pprof heap URL: no http_keep_alloc"
pprof -top "$U/goroutine" | has_fn spinner_main || die "pprof goroutine URL: no spinner_main"

# --- remote symbolization: the profiles are unsymbolized, and
# -symbolize=remote names them through /debug/pprof/symbol only
pprof -symbolize=none -top "$U/heap" | has_fn http_keep_alloc &&
    die "the heap profile is symbolized already: nothing left for remote"
pprof -symbolize=remote -top "$U/heap" | has_fn http_keep_alloc ||
    die "-symbolize=remote did not name http_keep_alloc"

# --- delta: allocations during the window only
check delta "$U/allocs?seconds=1" 200 "$OCT"
[ "$(header delta Content-Disposition)" = 'attachment; filename="allocs-delta"' ] ||
    die "delta: Content-Disposition '$(header delta Content-Disposition)'"
pprof -sample_index=alloc_space -top "$B" delta.body >delta.top
has_fn http_churn <delta.top || die "delta lacks http_churn"
has_fn http_keep_alloc <delta.top && die "delta has http_keep_alloc (allocated before the window)"
pprof -top "$U/heap?seconds=1" >/dev/null || die "pprof heap?seconds=1 failed"

# --- stop: answers in flight, the port is free again, clean exit
touch "$WORK/stop"
wait $spid
rc=$?
[ $rc -eq 0 ] || { cat server.err; die "server exit status $rc"; }
exit 0
