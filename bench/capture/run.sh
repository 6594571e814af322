#!/usr/bin/env bash
# Overhead of libprofile-capture against gperftools, same run, same
# machine (run by hand from the repository root after `make`):
#
#   bench/capture/run.sh [REPEAT]
#
# CPU: cpu_bench alone, under pprofrecord at 100 and 1000 Hz, under
# gperftools' libprofiler (CPUPROFILE, CPUPROFILE_FREQUENCY) at 100 and
# 1000 Hz. Heap: malloc_bench on glibc alone, with libprofile-capture's
# heap sampling at the default 512 KiB rate, on tcmalloc alone and with
# tcmalloc's heap profiler (HEAPPROFILE). Each number is the best of
# REPEAT runs (default 5), in ms of wall time.
#
# Unwinding methods: cpu_bench built the ordinary way (-O2, no frame
# pointers) alone, under pprofrecord --unwind=dwarf and --unwind=fp and
# under libprofiler (libunwind), at 100 and 1000 Hz, in REPEAT
# alternating rounds (each round runs every configuration once); median
# and best of the process CPU time of the work loop
# (CPU_BENCH_CPUTIME=1: handlers included, wall time swings too much on
# a shared machine). Then the cost of building the unwind tables
# (table_cost.c).
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
REPEAT=${1:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
FLAGS="-O2 -fno-omit-frame-pointer"
$CC $FLAGS -o "$T/cpu_bench" bench/capture/cpu_bench.c
$CC $FLAGS -o "$T/malloc_bench" bench/capture/malloc_bench.c
REC="$O/bin/pprofrecord"
LIBDIR=/usr/lib/x86_64-linux-gnu
PROFILER=$LIBDIR/libprofiler.so
TCMALLOC=$LIBDIR/libtcmalloc.so

best() {  # CMD...: best of REPEAT wall times
    local b="" t
    for _ in $(seq "$REPEAT"); do
        t=$("$@" 2>/dev/null | tail -1)
        b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "" || t < a) ? t : a }')
    done
    echo "$b"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", 100 * (a - b) / b }'; }

echo "CPU-bound (cpu_bench), best of $REPEAT, ms"
base=$(best "$T/cpu_bench")
echo "  baseline                     $base"
for hz in 100 1000; do
    t=$(best "$REC" -o "$T/c.pb.gz" --rate=$hz -- "$T/cpu_bench")
    echo "  libprofile-capture $hz Hz   $t ($(pct "$t" "$base"))"
    if [ -e "$PROFILER" ]; then
        t=$(best env LD_PRELOAD="$PROFILER" CPUPROFILE="$T/g.prof" \
            CPUPROFILE_FREQUENCY=$hz "$T/cpu_bench")
        echo "  gperftools libprofiler $hz Hz $t ($(pct "$t" "$base"))"
    fi
done

# the execution timeline on top of the CPU profile (a ring append and a
# clock read per sample; the JSON is written at exit)
t=$(best "$REC" -o "$T/c.pb.gz" --trace="$T/t.json" --rate=1000 -- "$T/cpu_bench")
echo "  capture 1000 Hz + --trace     $t ($(pct "$t" "$base")), timeline $(wc -c <"$T/t.json") bytes"

echo "malloc-heavy (malloc_bench), best of $REPEAT, ms"
base=$(best "$T/malloc_bench")
echo "  glibc                        $base"
t=$(best "$REC" --no-cpu --heap="$T/h.pb.gz" -- "$T/malloc_bench")
echo "  glibc + capture heap 512KiB  $t ($(pct "$t" "$base"))"
if [ -e "$TCMALLOC" ]; then
    tb=$(best env LD_PRELOAD="$TCMALLOC" "$T/malloc_bench")
    echo "  tcmalloc                     $tb ($(pct "$tb" "$base") vs glibc)"
    # tcmalloc's heap profiler records every allocation (no sampling);
    # the interval only keeps it from dumping every 1 GiB allocated
    t=$(best env LD_PRELOAD="$TCMALLOC" HEAPPROFILE="$T/tc" \
        HEAP_PROFILE_ALLOCATION_INTERVAL=1099511627776 "$T/malloc_bench")
    echo "  tcmalloc + HEAPPROFILE       $t ($(pct "$t" "$tb") vs tcmalloc)"
fi

echo "unwinding methods (cpu_bench -O2), $REPEAT alternating rounds, CPU ms"
$CC -O2 -fomit-frame-pointer -o "$T/cpu_bench_o2" bench/capture/cpu_bench.c
$CC -O2 -Ilibprofile -Ilibprofile/capture bench/capture/table_cost.c \
    "$O/lib/libprofile-capture.a" "$O/lib/libprofile.a" \
    $(pkg-config --libs libprotobuf-c zlib libdw libdeflate) -ldl -lrt \
    -lpthread -lm -o "$T/table_cost"

names=(baseline)
cmds=("$T/cpu_bench_o2")
for hz in 100 1000; do
    names+=("dwarf $hz Hz" "fp $hz Hz")
    cmds+=("$REC -o $T/c.pb.gz --rate=$hz --unwind=dwarf -- $T/cpu_bench_o2"
           "$REC -o $T/c.pb.gz --rate=$hz --unwind=fp -- $T/cpu_bench_o2")
    if [ -e "$PROFILER" ]; then
        names+=("gperftools $hz Hz")
        cmds+=("env LD_PRELOAD=$PROFILER CPUPROFILE=$T/g.prof CPUPROFILE_FREQUENCY=$hz $T/cpu_bench_o2")
    fi
done
for r in $(seq "$REPEAT"); do
    for i in "${!cmds[@]}"; do
        CPU_BENCH_CPUTIME=1 ${cmds[$i]} 2>/dev/null | tail -1 >>"$T/t.$i"
    done
done
stats() {  # FILE: median best
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f %.1f\n", m, v[1] }'
}
read -r bm bb < <(stats "$T/t.0")
printf "%-18s %10s %8s %10s %8s\n" "cpu_bench -O2" "median ms" "" "best ms" ""
for i in "${!cmds[@]}"; do
    read -r m b < <(stats "$T/t.$i")
    printf "%-18s %10.1f %+7.2f%% %10.1f %+7.2f%%\n" "${names[$i]}" "$m" \
        "$(awk -v a="$m" -v b="$bm" 'BEGIN { print 100 * (a - b) / b }')" "$b" \
        "$(awk -v a="$b" -v b="$bb" 'BEGIN { print 100 * (a - b) / b }')"
done
echo "unwind tables of table_cost's own modules (3 runs):"
for _ in 1 2 3; do "$T/table_cost"; done
