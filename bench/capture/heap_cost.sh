#!/usr/bin/env bash
# Heap sampling cost per malloc/free pair, counted rather than timed
# (run by hand from the repository root after `make`):
#
#   bench/capture/heap_cost.sh
#
# Wall time on a shared 2-core machine moves by several percent from run
# to run, more than the cost being measured. cachegrind's counts do not:
# the same binary and input give the same instructions and simulated D1
# misses whatever else the machine does. malloc_bench runs at two
# iteration counts, N1 and N2, and the difference divided by N2 - N1 is
# the cost of one iteration (one free and one malloc of 16 B..4 KiB),
# with start-up and the profile written at exit cancelled out. Compared
# in the same run: glibc alone, and glibc under libprofile-capture's
# heap sampling at the default rate (512 KiB) through LD_PRELOAD.
#
# The estimate of time adds 10 cycles per D1 miss to one cycle per
# instruction: a rough weighting, printed beside the raw counts.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
N1=${N1:-1000000}
N2=${N2:-3000000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
${CC:-cc} -O2 -fno-omit-frame-pointer -o "$T/malloc_bench" \
    bench/capture/malloc_bench.c
LIB="$PWD/$O/lib/libprofile-capture.so"
[ -e "$LIB" ] || { echo "no $LIB: run make first" >&2; exit 1; }

counts() {      # N [env...]: "instructions d1_misses"
    local n=$1
    shift
    env "$@" valgrind --tool=cachegrind --cache-sim=yes \
        --cachegrind-out-file=/dev/null "$T/malloc_bench" "$n" 2>&1 |
        awk '/I *refs:/ { gsub(",", "", $4); i = $4 }
             /D1  misses:/ { gsub(",", "", $4); d = $4 }
             END { print i, d }'
}

per_iter() {    # label [env...]
    local label=$1 a b
    shift
    a=$(counts "$N1" "$@")
    b=$(counts "$N2" "$@")
    echo "$a $b" | awk -v l="$label" -v n="$((N2 - N1))" '{
        printf "%s %.1f %.2f\n", l, ($3 - $1) / n, ($4 - $2) / n }'
}

{
    per_iter glibc
    per_iter capture PPROF_HEAP="$T/h.pb.gz" LD_PRELOAD="$LIB"
} | awk '
    { l[NR] = $1; ins[NR] = $2; d1[NR] = $3 }
    END {
        printf "%-34s %10s %10s %10s\n", "per malloc+free pair", "instr",
               "D1 miss", "~cycles"
        for (i = 1; i <= NR; i++) {
            c = ins[i] + 10 * d1[i]
            extra = i == 1 ? "" : sprintf("  (%+.1f%% instr, %+.1f%% ~cycles)",
                100 * (ins[i] / ins[1] - 1), 100 * (c / (ins[1] + 10 * d1[1]) - 1))
            printf "%-34s %10.1f %10.2f %10.1f%s\n",
                   (i == 1 ? "glibc malloc" : "glibc + capture heap (512 KiB)"),
                   ins[i], d1[i], c, extra
        }
    }'
