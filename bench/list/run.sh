#!/usr/bin/env bash
# Benchmark: `pproftop -list=.` (= `go tool pprof -list=.`: a routine for
# every function) on a generated profile, against the reference in the
# same run: wall time, CPU time and peak RSS of both, and a check that
# the outputs are identical. The generated files do not exist, so every
# routine ends in pprof's "could not find file" line: this measures the
# listing's graph, grouping and sorting, not file reading.
#
#   bench/list/run.sh [SAMPLES]         (default 200000; run by hand)
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
N=${1:-200000}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/libprofile-bench}
mkdir -p "$BENCH_DIR"
GEN=$O/bench/gen_profile
[ -x "$GEN" ] || make --no-print-directory -s "$GEN" >/dev/null
prof=$BENCH_DIR/list-$N.pb.gz
[ -s "$prof" ] || "$GEN" -n "$N" -q -o "$prof"
measure() {  # LABEL CMD... -> "LABEL wall user sys rss_kb"
    local label=$1
    shift
    /usr/bin/time -f "$label %e %U %S %M" -o "$BENCH_DIR/time.$label" \
        "$@" >"$BENCH_DIR/out.$label" 2>/dev/null
    cat "$BENCH_DIR/time.$label"
}
ours=$(measure pproftop "$O/bin/pproftop" -list=. "$prof")
ref=$(TZ=UTC measure pprof go tool pprof -list=. "$prof")
if cmp -s "$BENCH_DIR/out.pprof" "$BENCH_DIR/out.pproftop"; then same=identical; else same=DIFFERENT; fi
echo "profile: $prof ($N samples, $(stat -L -c %s "$prof") bytes, $(wc -l <"$BENCH_DIR/out.pproftop") lines of listing)"
echo "$ours $ref" | awk -v same="$same" '{
    printf "%-10s %9s %9s %12s\n", "", "wall s", "cpu s", "peak RSS MB"
    printf "%-10s %9.2f %9.2f %12.0f\n", $1, $2, $3 + $4, $5 / 1024
    printf "%-10s %9.2f %9.2f %12.0f\n", $6, $7, $8 + $9, $10 / 1024
    printf "speed-up: %.1fx wall, %.1fx cpu; memory: %.1fx less; output %s\n",
        $7 / $2, ($8 + $9) / ($3 + $4), $10 / $5, same
}'
