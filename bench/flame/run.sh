#!/usr/bin/env bash
# Benchmark: `pproftop -flamegraph` on a 2M-sample profile (wall time,
# CPU time and peak RSS by /usr/bin/time, next to `pproftop -top` on
# the same profile), the page's size, and the time headless Chromium
# takes to load and draw it.
#
#   bench/flame/run.sh [SAMPLES]        (default 2000000; run by hand)
#   make bench BENCH=flame
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
BIN=${BIN:-$PWD/$O/bin}
BENCH_BIN=${BENCH_BIN:-$PWD/$O/bench}
BENCH_DATA=${BENCH_DATA:-$PWD/$O/bench/data}
N=${1:-2000000}
. bench/lib.sh
bench_need_time
mkdir -p "$BENCH_DATA"
[ -x "$BENCH_BIN/gen_profile" ] ||
    make --no-print-directory -s "$O/bench/gen_profile" >/dev/null
make --no-print-directory -s "$O/browser/node_modules/.package-lock.json"
prof=$(bench_profile flame-$N.pb.gz --samples "$N" --seed 1)
page=$BENCH_DATA/flame-$N.html

echo "profile: $prof ($N samples, $(stat -L -c %s "$prof") bytes)"
bench_time top "$BIN/pproftop" -top "$prof" >/dev/null
bench_time fg "$BIN/pproftop" -flamegraph -output="$page" "$prof"
printf '%-22s %8s %8s %12s\n' "" "wall s" "cpu s" "peak RSS MB"
for r in "pproftop -top|$top" "pproftop -flamegraph|$fg"; do
    echo "${r#*|}" | awk -v l="${r%%|*}" '{
        if ($5 != 0) { print l ": FAILED (exit " $5 ")"; exit }
        printf "%-22s %8.2f %8.2f %12.0f\n", l, $1, $2 + $3, $4 / 1024 }'
done
nodes=$(sed -n 's/.*"d":\[\([0-9,]*\)\].*/\1/p' "$page" | tr ',' '\n' | wc -l)
echo "page: $(stat -c %s "$page") bytes ($(gzip -c "$page" | wc -c) gzipped), $nodes call-path nodes"
NODE_PATH=$PWD/$O/browser/node_modules node bench/flame/draw.js "$page" 3
