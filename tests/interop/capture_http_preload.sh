#!/usr/bin/env bash
# The /debug/pprof/ endpoint in an unmodified program (LD_PRELOAD):
# pprofrecord --http with PPROF_HTTP_PORTFILE, go tool pprof on its
# CPU and heap URLs, no CPU profile file without -o; plain PPROF_HTTP
# with port 0 reports the port on stderr; a bad address or a port in
# use is one stderr line and the program still runs; without PPROF_HTTP
# the preloaded library does not load libmicrohttpd (nor its TLS stack).
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_http
need curl
export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
# sanitizer builds: the preloaded library comes before libasan
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
B="$CAPBIN/preload_http"
R="$BIN/pprofrecord"
cd "$WORK"
trap 'touch "$WORK/stop" "$WORK/stop2"; wait' EXIT

# no endpoint asked for: libmicrohttpd stays out of the process
LD_PRELOAD="$CAPLIB/libprofile-capture.so" cat /proc/self/maps > maps.txt ||
    die "preloaded cat failed"
grep -q 'libprofile-capture' maps.txt || die "library not preloaded"
grep -q 'microhttpd\|gnutls' maps.txt && die "libmicrohttpd loaded without PPROF_HTTP"
# libmicrohttpd missing (hidden by a bind mount in a private mount
# namespace, when we may make one): one clear line, the program runs on
mhd=$(ldconfig -p | awk '/libmicrohttpd\.so\.12 / { print $NF; exit }')
if [ -n "$mhd" ] && unshare -m true 2>/dev/null; then
    run unshare -m sh -c "mount --bind /dev/null '$mhd' &&
        PPROF_HTTP=127.0.0.1:0 LD_PRELOAD='$CAPLIB/libprofile-capture.so' /bin/echo ran"
    expect_rc 0
    grep -qx ran "$WORK/out" || die "program did not run without libmicrohttpd"
    expect_err_line '^libprofile-capture: cannot start the http endpoint: cannot load libmicrohttpd\.so\.12: '
else
    echo "no private mount namespace: missing-libmicrohttpd case not run"
fi

has_fn() {
    awk -v f="$1" '$6 == f { found = 1 } END { exit !found }'
}

PPROF_HTTP_PORTFILE="$WORK/port" timeout 120 "$R" --http=127.0.0.1:0 -- \
    "$B" "$WORK/stop" 100 >run.out 2>run.err &
pid=$!
wait_for "$WORK/port" $pid || { cat run.err; die "no port file"; }
P=$(cat "$WORK/port")
U="http://127.0.0.1:$P/debug/pprof"
echo "pprofrecord --http: $U"
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$U/")" = 200 ] || die "index not served"
pprof -top "$U/profile?seconds=1" | has_fn preload_spin || die "CPU profile lacks preload_spin"
pprof -top "$U/heap" | has_fn preload_keep || die "heap profile lacks preload_keep"
touch "$WORK/stop"
wait $pid
rc=$?
[ $rc -eq 0 ] || { cat run.err; die "exit status $rc"; }
[ ! -s run.err ] || { cat run.err; die "unexpected stderr"; }
[ ! -e cpu.pb.gz ] || die "--http without -o wrote cpu.pb.gz"
ls | grep -q '^port\.' && die "stray port files: $(ls)"

# plain LD_PRELOAD, port 0 and no port file: the port is on stderr
# (env after timeout: a preloaded timeout would serve too)
timeout 120 env LD_PRELOAD="$CAPLIB/libprofile-capture.so" \
    PPROF_HTTP=127.0.0.1:0 "$B" "$WORK/stop2" 100 >run2.out 2>run2.err &
pid=$!
wait_for run2.err $pid || die "no port line on stderr"
P2=$(sed -n 's/^libprofile-capture: serving \/debug\/pprof\/ on port \([0-9]*\)$/\1/p' run2.err)
[ -n "$P2" ] || { cat run2.err; die "stderr: no port line"; }
curl -s --max-time 30 -o cmdline.body "http://127.0.0.1:$P2/debug/pprof/cmdline"
printf '%s\0%s\0%s' "$B" "$WORK/stop2" 100 >cmdline.want
expect_same cmdline.body cmdline.want

# the same port while that one runs: reported, the program still runs
run timeout 60 env LD_PRELOAD="$CAPLIB/libprofile-capture.so" \
    PPROF_HTTP="127.0.0.1:$P2" "$B" "$WORK/stop2" 0
expect_rc 1     # preload_http's own time limit: it ran
grep -qx "libprofile-capture: cannot start the http endpoint: cannot listen on '127.0.0.1:$P2': Address already in use" "$WORK/err" ||
    { cat "$WORK/err"; die "port in use not reported"; }
touch "$WORK/stop2"
wait $pid
rc=$?
[ $rc -eq 0 ] || { cat run2.err; die "exit status $rc"; }

run timeout 60 env LD_PRELOAD="$CAPLIB/libprofile-capture.so" \
    PPROF_HTTP=nonsense "$B" "$WORK/stop2"
expect_rc 0
expect_err_line "^libprofile-capture: cannot start the http endpoint: bad address 'nonsense': "
exit 0
