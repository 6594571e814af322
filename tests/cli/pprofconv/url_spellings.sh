# Which sources are URLs, and the URL fetched for each (go tool pprof's
# adjustURL rules), seen through --progress's "Fetching" line against a
# closed port: HOST:PORT alone gets /debug/pprof/profile, HOST:PORT/PATH
# and http:// keep their path, --seconds replaces the seconds query,
# https+insecure is https; a name that is no host:port, or an existing
# file, is a file. Bad --seconds / --timeout values are usage errors.
. "$TESTLIB"
cd "$WORK"
# a port nobody listens on: bound, then closed
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fetches() {  # SOURCE URL [OPTIONS...]: SOURCE is fetched from URL, which fails
    local src=$1 url=$2
    shift 2
    run "$BIN/pprofconv" --progress "$@" "$src" out.pb.gz
    expect_rc 1
    [ "$(sed -n 1p "$WORK/err")" = "pprofconv: Fetching profile over HTTP from $url" ] ||
        { cat "$WORK/err"; die "$src: not fetched from $url"; }
    tail -n 1 "$WORK/err" | grep -qF "pprofconv: $src: http fetch: " ||
        { cat "$WORK/err"; die "$src: no http fetch error"; }
    expect_no_file out.pb.gz
}
fetches "127.0.0.1:$PORT" "http://127.0.0.1:$PORT/debug/pprof/profile"
fetches "127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/debug/pprof/profile"
fetches "localhost:$PORT/debug/pprof/heap" "http://localhost:$PORT/debug/pprof/heap"
fetches "http://127.0.0.1:$PORT/debug/pprof/allocs" "http://127.0.0.1:$PORT/debug/pprof/allocs"
fetches "http://127.0.0.1:$PORT/debug/pprof/profile?debug=0&seconds=30" \
    "http://127.0.0.1:$PORT/debug/pprof/profile?debug=0&seconds=2" --seconds=2
fetches "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=30" \
    "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=30"
fetches "127.0.0.1:$PORT/debug/pprof/profile" \
    "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=3" --seconds=3
fetches "https+insecure://127.0.0.1:$PORT/debug/pprof/heap" "https://127.0.0.1:$PORT/debug/pprof/heap"
# without --progress, the error alone
run "$BIN/pprofconv" "127.0.0.1:$PORT" out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: 127\.0\.0\.1:$PORT: http fetch: .*(refused|connect)"
# not URLs: files
for f in "cpu:2024.pb.gz" "dir/host:$PORT" "nosuch.pb.gz"; do
    run "$BIN/pprofconv" "$f" out.pb.gz
    expect_rc 1
    expect_err_line "^pprofconv: $f: No such file or directory$"
done
# an existing file with a host:port name is read as the file
cp "$CORPUS/go_cpu.pb.gz" "127.0.0.1:$PORT"
run "$BIN/pprofconv" "127.0.0.1:$PORT" out.pb.gz
expect_rc 0
[ -s out.pb.gz ] || die "file named like a URL not converted"
# option values
for o in --seconds=x --seconds=-1 --timeout= --timeout=1.5; do
    run "$BIN/pprofconv" "$o" "$CORPUS/go_cpu.pb.gz" out2.pb.gz
    expect_rc 2
    grep -q "^pprofconv: --[a-z]* wants a whole number of seconds" "$WORK/err" ||
        { cat "$WORK/err"; die "$o: no usage error"; }
done
run "$BIN/pproftop" -seconds=x "$CORPUS/go_cpu.pb.gz"
expect_rc 2
grep -q "^pproftop: -seconds wants a whole number of seconds, not 'x'" "$WORK/err" ||
    { cat "$WORK/err"; die "pproftop -seconds=x: no usage error"; }
