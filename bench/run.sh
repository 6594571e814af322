#!/usr/bin/env bash
# `make bench`: run the benchmarks, one directory per area.
#
#   bench/run.sh [AREA...]        (default: every bench/*/run.sh)
#   make bench BENCH="proto merge"
#
# Each bench/AREA/run.sh gets O (the build directory), BIN ($O/bin),
# BENCH_BIN ($O/bench: gen_profile and other bench programs) and
# BENCH_DATA (a cache directory for generated profiles, $O/bench/data),
# and prints its own report. See bench/README.md.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
export O BIN="$PWD/$O/bin" BENCH_BIN="$PWD/$O/bench"
export BENCH_DATA=${BENCH_DATA:-$PWD/$O/bench/data}
export TZ=UTC LC_ALL=C
mkdir -p "$BENCH_DATA"

areas=${*:-${BENCH:-}}
if [ -z "$areas" ]; then
    for f in bench/*/run.sh; do
        [ -f "$f" ] && areas="$areas $(basename "$(dirname "$f")")"
    done
fi
rc=0
for a in $areas; do
    if [ ! -f "bench/$a/run.sh" ]; then
        echo "bench: no bench/$a/run.sh" >&2
        rc=2
        continue
    fi
    echo "=== bench/$a ($(date -u +%FT%TZ))"
    bash "bench/$a/run.sh" || rc=1
done
exit $rc
