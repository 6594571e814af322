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
