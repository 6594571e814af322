# Helpers for the perf_*.sh interop cases (sourced after $TESTLIB):
# a small C workload recorded with perf, and the comparison of flat
# percentages with perf report's. Skips (77) when perf or a compiler is
# missing or perf cannot record here.
need_go
need perf cc
export HOME="$WORK" PPROF_TMPDIR="$WORK/pprof"
cd "$WORK"
cat >spin.c <<'EOF'
#include <stdlib.h>
static volatile unsigned long sink;
__attribute__((noinline)) void spin_a(long n)
{
    unsigned long x = sink;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ul + 1;
    sink = x;
}
__attribute__((noinline)) void spin_b(long n)
{
    unsigned long x = sink;
    for (long i = 0; i < n; i++)
        x = x * 3 + 7;
    sink = x;
}
__attribute__((noinline)) void spin_mid(long n)
{
    spin_a(n);
    spin_b(n / 2);
    sink++;
}
int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 30000000;
    for (int i = 0; i < 3; i++)
        spin_mid(n);
    return 0;
}
EOF
cc -O1 -g -fno-omit-frame-pointer -fno-inline -Wl,--build-id spin.c -o spin ||
    die "cannot compile the workload"
if ! perf record -q -e cpu-clock -g -o probe.data -- true >probe.log 2>&1; then
    echo "perf cannot record here: $(head -1 probe.log)"
    exit 77
fi

# report_pct DATA EVENT: "FUNCTION PERCENT" from perf report, 0.5% and up
report_pct() {
    perf report -i "$1" --stdio --no-children --sort sym -g none 2>/dev/null |
        awk -v ev="$2" '
            /^# Samples: .* of event / { cur = $0; sub(/.*of event .?/, "", cur); sub(/.$/, "", cur) }
            /^ +[0-9.]+%  \[[.kgu]\] / && cur == ev {
                p = $1; sub(/%/, "", p); name = $0; sub(/^ +[0-9.]+%  \[.\] /, "", name)
                sub(/ +$/, "", name)
                if (p + 0 >= 0.5 && name !~ /^0x/) printf "%s %.2f\n", name, p }' |
        sort
}
# top_pct TOP-OUTPUT: "FUNCTION PERCENT" from a -top table, 0.5% and up
top_pct() {
    awk '/^ +flat +flat%/ { t = 1; next }
         t { p = $2; sub(/%/, "", p); name = $6; for (i = 7; i <= NF; i++) name = name " " $i
             if (p + 0 >= 0.5 && name !~ /^0x|^[0-9a-f]+$/) printf "%s %.2f\n", name, p }' "$1" | sort
}
# same_pct A B: the same functions, percentages within 0.01
same_pct() {
    join -a1 -a2 -e missing -o 0,1.2,2.2 "$1" "$2" >pct.join
    awk '$2 == "missing" || $3 == "missing" || ($2 - $3 > 0.011) || ($3 - $2 > 0.011) { bad = 1; print "  differs: " $0 }
         END { exit bad }' pct.join ||
        { echo "perf report:"; cat "$1"; echo "pproftop:"; cat "$2"; die "flat% differs from perf report ($3)"; }
}

