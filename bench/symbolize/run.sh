#!/usr/bin/env bash
# Symbolization benchmark (by hand): N distinct code addresses of a large
# generated -g -O2 program, built by gcc and by clang, symbolized with
# inline frames by pprofsym, GNU addr2line -f -i and llvm-symbolizer in
# the same run; answers are compared (function, file:line per frame)
# and the times reported. See README.md.
#
#   bench/symbolize/run.sh [WORKDIR [N]]     (from the repository root,
#                                             after `make`)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
work=${1:-/tmp/pf-bench-symbolize}
n=${2:-100000}
bin="$root/$O/bin"
mkdir -p "$work"
cd "$work"

if [ ! -x big_gcc ] || [ ! -x big_clang ]; then
    "$root/bench/symbolize/gen.sh" src
    [ -x big_gcc ] || gcc -g -O2 -o big_gcc src/*.c
    [ -x big_clang ] || clang -g -O2 -o big_clang src/*.c
fi
# Helpers link the shared library as built (it carries its own deps).
cc -O2 -I"$root/libprofile" "$root/testdata/elf/src/mkprof.c" \
    -L"$root/$O/lib" -lprofile -Wl,-rpath,"$root/$O/lib" -o mkprof


# "name@file:line;..." per address from addr2line-style output with -a.
gnu_chains() {
    awk '
    /^0x[0-9a-f]+$/ { if (NR > 1) print c; c = ""; nm = ""; k = 0; next }
    k == 0 { nm = $0; k = 1; next }
    {
        loc = $0; sub(/ \(discriminator [0-9]+\)$/, "", loc)
        sub(/:\?$/, ":0", loc)   # addr2line prints line 0 as "?"
        if (loc == "??:0") loc = ":0"
        if (!(nm == "??" && loc == ":0")) c = c (c == "" ? "" : ";") nm "@" loc
        k = 0
    }
    END { print c }'
}

our_chains() {
    awk '
    /^Locations/ { on = 1; next }
    /^Mappings/ { on = 0 }
    on && /^ *[0-9]+: 0x/ {
        if (started) print c
        started = 1; c = ""
        i = ($3 ~ /^M=/) ? 4 : 3
        if (NF > i) c = $i "@" $(i + 1)
        next
    }
    on && /^             / { c = c ";" $1 "@" $2 }
    END { if (started) print c }'
}

cc -O2 -I"$root/libprofile" "$root/bench/symbolize/symtime.c" \
    -L"$root/$O/lib" -lprofile -Wl,-rpath,"$root/$O/lib" -o symtime

echo "CPU seconds (user+sys, best of 3). lib = pf_profile_symbolize alone;"
echo "pprofsym = the tool (decode profile, symbolize, gzip-encode profile)."
printf '%-10s %7s %10s %10s %10s %10s %7s %7s %7s %7s  %s\n' build addrs \
    lib pprofsym addr2line llvm-sym a2l/lib llvm/lib a2l/tool llvm/tool \
    "identical to (a2l, llvm)"
for b in big_gcc big_clang; do
    # Every K-th instruction of .text: N distinct addresses.
    objdump -d --no-show-raw-insn "$b" |
        awk '/^ +[0-9a-f]+:\t/ { sub(/:.*/, ""); gsub(/ /, ""); print }' \
        >"$b.all"
    total=$(wc -l <"$b.all")
    k=$((total / n)); [ $k -ge 1 ] || k=1
    awk -v k=$k -v n=$n 'NR % k == 0 && c < n { print "0x" $1; c++ }' \
        "$b.all" >"$b.addrs"
    got=$(wc -l <"$b.addrs")
    { echo "map 0 0 0 $work/$b"; awk '{ print "addr", NR, $1 }' "$b.addrs"; } |
        ./mkprof - "$b.pb.gz"

    # CPU seconds (user+sys), best of 3 runs: the machine may be shared,
    # so wall time (of the best run) is printed too, but the ratios use
    # CPU time.
    tm() {
        local out=$1 i; shift
        for i in 1 2 3; do
            /usr/bin/time -f "%U %S %e" -o "$out.$i" "$@"
        done
        sort -n -k1,1 "$out".[123] | awk '{ print $1 + $2, $3 }' |
            sort -n | head -1 >"$out"
    }
    tm t.ours "$bin/pprofsym" -q "$b.pb.gz" "$b.sym.pb.gz"
    tm t.gnu sh -c "addr2line -a -f -i -e '$b' <'$b.addrs' >'$b.gnu.out'"
    tm t.llvm sh -c "llvm-symbolizer --obj='$b' --inlining --functions=linkage \
        --output-style=GNU --print-address <'$b.addrs' >'$b.llvm.out'"
    lib=$(./symtime "$b.pb.gz" 3)
    "$bin/pprofconv" -f raw "$b.sym.pb.gz" - | our_chains >"$b.ours"
    gnu_chains <"$b.gnu.out" >"$b.gnu"
    gnu_chains <"$b.llvm.out" >"$b.llvm"
    same_g=$(paste -d'\n' "$b.ours" "$b.gnu" | awk 'NR % 2 { a = $0; next } a == $0 { s++ } END { print s + 0 }')
    same_l=$(paste -d'\n' "$b.ours" "$b.llvm" | awk 'NR % 2 { a = $0; next } a == $0 { s++ } END { print s + 0 }')
    cpu() { awk '{ printf "%.3f", $1 }' "$1"; }
    wall() { awk '{ print $2 }' "$1"; }
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    to=$(cpu t.ours) tg=$(cpu t.gnu) tl=$(cpu t.llvm)
    printf '%-10s %7d %9ss %9ss %9ss %9ss %6sx %6sx %6sx %6sx  %s, %s\n' \
        "$b" "$got" "$lib" "$to" "$tg" "$tl" "$(ratio "$tg" "$lib")" \
        "$(ratio "$tl" "$lib")" "$(ratio "$tg" "$to")" "$(ratio "$tl" "$to")" \
        "$same_g" "$same_l"
    printf '%-10s %7s %10s %9ss %9ss %9ss   (wall seconds)\n' "" "" "" \
        "$(wall t.ours)" "$(wall t.gnu)" "$(wall t.llvm)"
    paste -d'|' "$b.addrs" "$b.ours" "$b.gnu" "$b.llvm" |
        awk -F'|' '$2 != $3 || $2 != $4' >"$b.diff"
    [ -s "$b.diff" ] && echo "  differences: $work/$b.diff ($(wc -l <"$b.diff") lines: addr|ours|addr2line|llvm-symbolizer)"
done
