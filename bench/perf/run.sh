#!/usr/bin/env bash
# perf input benchmark: pprofconv on a large `perf script` text and on a
# perf.data file, against perf's own `perf report` and `perf script` on
# the same recording (the tools a perf user would otherwise run).
#
#   make bench BENCH=perf          (as root: perf record must work)
#
# Env: SECONDS_REC (length of the recording, default 20), FREQ (sampling
# frequency, default 4000), COPIES (the perf script text is repeated
# COPIES times to make a big input, default 10).
set -eu
. bench/lib.sh
bench_need_time
command -v perf >/dev/null || { echo "bench perf: perf not installed" >&2; exit 1; }
DIR="$BENCH_DATA/perf"
mkdir -p "$DIR"
REC=${SECONDS_REC:-20} FREQ=${FREQ:-4000} COPIES=${COPIES:-10}

if [ ! -s "$DIR/g.data" ]; then
    cat >"$DIR/work.c" <<'C'
#include <stdlib.h>
#include <time.h>
static volatile unsigned long sink;
#define F(n) __attribute__((noinline)) void f##n(long k) { for (long i = 0; i < k; i++) sink = sink * 31 + n; }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7)
static void (*const fs[8])(long) = { f0, f1, f2, f3, f4, f5, f6, f7 };
__attribute__((noinline)) void walk(int d, unsigned r)
{
    if (d == 0) { fs[r % 8](20000); return; }
    walk(d - 1, r * 1103515245u + 12345u);
}
int main(int argc, char **argv)
{
    time_t end = time(NULL) + atoi(argv[1]);
    unsigned r = 1;
    while (time(NULL) < end)
        walk(3 + (int)(r % 12), r), r = r * 1664525u + 1013904223u;
    return 0;
}
C
    cc -O1 -g -fno-omit-frame-pointer "$DIR/work.c" -o "$DIR/work"
    perf record -q -F "$FREQ" -g -o "$DIR/g.data" "$DIR/work" "$REC" >/dev/null 2>&1
fi
[ -s "$DIR/g.txt" ] || perf script -i "$DIR/g.data" >"$DIR/g.txt" 2>/dev/null
if [ ! -s "$DIR/big.txt" ]; then
    : >"$DIR/big.txt"
    for _ in $(seq "$COPIES"); do cat "$DIR/g.txt" >>"$DIR/big.txt"; done
fi
samples=$(grep -c 'cpu-clock\|cycles' "$DIR/big.txt" || true)
printf 'perf.data %s MB; perf script text %s MB, %s samples\n' \
    "$(du -m "$DIR/g.data" | cut -f1)" "$(du -m "$DIR/big.txt" | cut -f1)" "$samples"
printf '%-40s %8s %8s %10s\n' command wall_s user_s peak_MB
row() {  # LABEL CMD...
    local label=$1 t
    shift
    bench_time t "$@" >/dev/null 2>&1
    set -- $t
    [ "$5" = 0 ] || { echo "bench perf: '$label' failed" >&2; exit 1; }
    printf '%-40s %8s %8s %10d\n' "$label" "$1" "$2" $(($4 / 1024))
}
row "pprofconv big.txt (perf script text)" "$BIN/pprofconv" "$DIR/big.txt" "$DIR/big.pb.gz"
row "pprofconv g.data (perf.data)" "$BIN/pprofconv" "$DIR/g.data" "$DIR/g.pb.gz"
row "perf script -i g.data" perf script -i "$DIR/g.data"
row "perf report --stdio -i g.data" perf report --stdio --no-children -i "$DIR/g.data"
