#!/usr/bin/env bash
# CPU profiling overhead by unwinding method, alternating runs (by hand,
# from the repository root after `make`):
#
#   bench/capture/unwind.sh [ROUNDS]        # default 9
#
# cpu_bench built the ordinary way (-O2, no frame pointers), run alone,
# under pprofrecord --unwind=dwarf and --unwind=fp, and under gperftools'
# libprofiler (libunwind), each at 100 and 1000 Hz; one round runs every
# configuration once, rounds repeat, and the median and best of each
# are printed: the process CPU time of cpu_bench's work loop in ms
# (CPU_BENCH_CPUTIME=1: signal handlers included, table building and
# profile writing excluded; wall time swings by 2x on a busy machine). Then the cost
# of building the unwind tables (bench/capture/table_cost.c).
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
ROUNDS=${1:-9}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
$CC -O2 -fomit-frame-pointer -o "$T/cpu_bench" bench/capture/cpu_bench.c
$CC -O2 -Ilibprofile -Ilibprofile/capture bench/capture/table_cost.c \
    "$O/lib/libprofile-capture.a" "$O/lib/libprofile.a" \
    $(pkg-config --libs libprotobuf-c zlib libdw libdeflate) -ldl -lrt \
    -lpthread -lm -o "$T/table_cost"
REC="$O/bin/pprofrecord"
PROFILER=/usr/lib/x86_64-linux-gnu/libprofiler.so

names=(baseline)
cmds=("$T/cpu_bench")
for hz in 100 1000; do
    names+=("dwarf $hz Hz" "fp $hz Hz")
    cmds+=("$REC -o $T/c.pb.gz --rate=$hz --unwind=dwarf -- $T/cpu_bench"
           "$REC -o $T/c.pb.gz --rate=$hz --unwind=fp -- $T/cpu_bench")
    if [ -e "$PROFILER" ]; then
        names+=("gperftools $hz Hz")
        cmds+=("env LD_PRELOAD=$PROFILER CPUPROFILE=$T/g.prof CPUPROFILE_FREQUENCY=$hz $T/cpu_bench")
    fi
done
export CPU_BENCH_CPUTIME=1
for r in $(seq "$ROUNDS"); do
    for i in "${!cmds[@]}"; do
        ${cmds[$i]} 2>/dev/null | tail -1 >>"$T/t.$i"
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
