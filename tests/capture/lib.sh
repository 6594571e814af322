# Helpers for the capture tests (tests/interop/capture_*.sh), sourced
# after "$TESTLIB".
CAPBIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/$O/tests/capture"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lsan.supp"
CAPLIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/$O/lib"

need_workload() {
    local w
    for w in "$@"; do
        [ -x "$CAPBIN/$w" ] || die "workload $CAPBIN/$w not built"
    done
}

# top_cum BINARY PROFILE FUNC [PPROF ARGS]: FUNC's cum value (-top
# -unit=ms, plain number of ms or of counts), 0 if absent.
top_cum() {
    local bin=$1 prof=$2 fn=$3
    shift 3
    pprof -top -unit=ms "$@" "$bin" "$prof" |
        awk -v f="$fn" '$6 == f { v = $4; sub(/ms$/, "", v); print v; found = 1 }
                         END { if (!found) print 0 }' | head -1
}

# total_ms BINARY PROFILE: the "Total samples" of -top in ms.
total_ms() {
    pprof -top -unit=ms "$1" "$2" |
        sed -n 's/.*Total samples = \([0-9.]*\)ms.*/\1/p'
}

# within VALUE LO HI (floating point)
within() {
    awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'
}

# wait_for FILE PID: until FILE is non-empty (or PID is gone), at most 10 s.
wait_for() {
    for _ in $(seq 200); do
        [ -s "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.05
    done
    [ -s "$1" ]
}

# trace_chains KEEP PPROF_ARGS...: one line per sample of `go tool pprof
# -traces`: "LEAF ROOT CHAIN", LEAF and ROOT its first and last frames,
# CHAIN its frames that are in the comma-separated list KEEP, leaf
# first, joined by '>' ("-" if none).
trace_chains() {
    local keep=$1
    shift
    pprof -traces "$@" | awk -v KEEP="$keep" '
        BEGIN { n = split(KEEP, k, ","); for (i = 1; i <= n; i++) want[k[i]] = 1 }
        function flush() {
            if (leaf != "") print leaf, root, (chain == "" ? "-" : chain)
            leaf = ""; root = ""; chain = ""; inblk = 0
        }
        /^-----------\+/ { flush(); inblk = 1; next }
        !inblk { next }
        /^ +[A-Za-z_]+:/ && NF == 1 { next }           # a label line
        {
            f = $NF
            if (leaf == "") leaf = f
            root = f
            if (f in want) chain = chain (chain == "" ? "" : ">") f
        }
        END { flush() }'
}

# perf_chains KEEP PERF_DATA: the same for `perf script` output.
perf_chains() {
    local keep=$1
    perf script -i "$2" -F ip,sym 2>/dev/null | awk -v KEEP="$keep" '
        BEGIN { n = split(KEEP, k, ","); for (i = 1; i <= n; i++) want[k[i]] = 1 }
        function flush() {
            if (leaf != "") print leaf, root, (chain == "" ? "-" : chain)
            leaf = ""; root = ""; chain = ""
        }
        NF == 0 { flush(); next }
        {
            f = $2
            if (leaf == "") leaf = f
            root = f
            if (f in want) chain = chain (chain == "" ? "" : ">") f
        }
        END { flush() }'
}

# unwind_workload: B and DL, the -O2 unwind workload and the library it
# dlopens (tests/capture/src/unwind/), and ASan's link-order check off
# (the preloaded library comes before libasan in sanitizer builds).
unwind_workload() {
    need_workload unwind/unwind_o2 unwind/libunwind_dl.so
    B="$CAPBIN/unwind/unwind_o2"
    DL="$CAPBIN/unwind/libunwind_dl.so"
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
}

# For tests that talk to a preloaded /debug/pprof/ endpoint: skip
# without curl; pprof's cache and the sanitizer's link-order check
# (the preloaded library comes before libasan) out of the way.
need_http() {
    need curl
    export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
}

# http_record [PPROFRECORD OPTIONS] -- CMD...: pprofrecord
# --http=127.0.0.1:0 in the background (at most 60 s; output in
# $WORK/run.out and run.err), its pid in $pid and its /debug/pprof URL
# in $U once it listens.
http_record() {
    rm -f "$WORK/port"
    PPROF_HTTP_PORTFILE="$WORK/port" timeout 60 "$BIN/pprofrecord" \
        --http=127.0.0.1:0 "$@" >"$WORK/run.out" 2>"$WORK/run.err" &
    pid=$!
    wait_for "$WORK/port" $pid || { cat "$WORK/run.err"; die "no port file"; }
    U="http://127.0.0.1:$(cat "$WORK/port")/debug/pprof"
}
