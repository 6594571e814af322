#!/usr/bin/env bash
# Benchmark: `pproftop` (= `go tool pprof -top`) on a 2M-sample profile,
# against the reference in the same run: wall time, CPU time and peak
# RSS of both, their ratio, and a check that the outputs are identical.
#
#   bench/top/run.sh [SAMPLES]          (default 2000000; run by hand)
#   REPORT=-dot bench/top/run.sh 200000 (another report, e.g. the graph)
#
# Uses the shared generator bench/gen_profile.c ($O/bench/gen_profile,
# built by `make bench-tools`); the profile is cached in $BENCH_DIR.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
N=${1:-2000000}
REPORT=${REPORT:--top}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/libprofile-bench}
mkdir -p "$BENCH_DIR"
GEN=$O/bench/gen_profile
if [ ! -x "$GEN" ]; then
    make --no-print-directory -s "$GEN" >/dev/null 2>&1 || {
        echo "bench/top: no $GEN (bench/gen_profile.c not in this tree)" >&2
        exit 77
    }
fi
prof=$BENCH_DIR/top-$N.pb.gz
[ -s "$prof" ] || "$GEN" -n "$N" -o "$prof"
measure() {  # LABEL CMD... -> "LABEL wall user+sys rss_kb"
    local label=$1
    shift
    /usr/bin/time -f "$label %e %U %S %M" -o "$BENCH_DIR/time.$label" \
        "$@" >"$BENCH_DIR/out.$label" 2>/dev/null
    cat "$BENCH_DIR/time.$label"
}
ours=$(measure pproftop "$O/bin/pproftop" "$REPORT" "$prof")
ref=$(TZ=UTC measure pprof go tool pprof "$REPORT" "$prof")
grep -v '^File:' "$BENCH_DIR/out.pprof" >"$BENCH_DIR/ref.cmp"
grep -v '^File:' "$BENCH_DIR/out.pproftop" >"$BENCH_DIR/our.cmp"
if cmp -s "$BENCH_DIR/ref.cmp" "$BENCH_DIR/our.cmp"; then same=identical; else same=DIFFERENT; fi
echo "report: $REPORT"
echo "profile: $prof ($N samples, $(stat -L -c %s "$prof") bytes)"
echo "$ours $ref" | awk -v same="$same" '{
    printf "%-10s %9s %9s %12s\n", "", "wall s", "cpu s", "peak RSS MB"
    printf "%-10s %9.2f %9.2f %12.0f\n", $1, $2, $3 + $4, $5 / 1024
    printf "%-10s %9.2f %9.2f %12.0f\n", $6, $7, $8 + $9, $10 / 1024
    printf "speed-up: %.1fx wall, %.1fx cpu; memory: %.1fx less; output %s\n",
        $7 / $2, ($8 + $9) / ($3 + $4), $10 / $5, same
}'
