# A conversion killed by SIGINT, SIGTERM, SIGHUP or SIGPIPE while it
# writes its temporary output removes that file, and dies of the signal
# (exit status 128 + signal number in the shell), leaving no output.
. "$TESTLIB"
cd "$WORK"
gen=$BIN/../bench/gen_profile
[ -x "$gen" ] || { echo "gen_profile not built (make tests)"; exit 77; }
# ~12 MB gzipped, ~1 s of folded output to write: a wide window.
"$gen" -q -n 200000 -o big.pb.gz || die "gen_profile failed"
for sig in INT TERM HUP PIPE; do
    # Background jobs of a script start with SIGINT ignored, and the
    # harness may ignore SIGPIPE: give the tool the default actions.
    env --default-signal=INT,TERM,HUP,PIPE "$BIN/pprofconv" big.pb.gz out.folded &
    pid=$!
    tmp=
    for _ in $(seq 1000); do
        tmp=$(ls -a | grep -F out.folded.tmp || true)
        [ -n "$tmp" ] && break
        sleep 0.01
    done
    [ -n "$tmp" ] || { wait "$pid"; die "SIG$sig: no temporary file seen"; }
    kill -s "$sig" "$pid"
    wait "$pid"; rc=$?
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" -eq "$want" ] || die "SIG$sig: exit status $rc, want $want"
    expect_no_file "$WORK/out.folded"
done
