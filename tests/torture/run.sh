#!/usr/bin/env bash
# Allocation-failure torture (make check-oom): for each operation below,
# count the library allocations it makes, then run it once per N with
# the Nth allocation failing (PF_TORTURE_FAIL_AT=N, tools linked against
# the -DPF_TORTURE library in $O/torture/bin, ASan+UBSan+LSan). Every run
# must either succeed with the normal output (the failure was absorbed)
# or exit 1 with an error (its last line) saying "out of memory", no
# output file and no temporary file; any crash, sanitizer report or
# leak fails the sweep.
#
#   O=build-san tests/torture/run.sh [OPERATION...]
set -u
cd "$(dirname "$0")/../.."
O=${O:-build-oom}
T=$PWD/$O/torture/bin
C=$PWD/testdata/corpus
[ -x "$T/pprofconv" ] || { echo "torture tools not built: make check-oom" >&2; exit 2; }
export ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98
export LSAN_OPTIONS=exitcode=97
export TZ=UTC LC_ALL=C
work=$(mktemp -d "${TMPDIR:-/tmp}/pftorture.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# Operations: NAME, output file ("-" = stdout), command (OUT stands for
# the output path).
ops=(
    "convert|out.pb.gz|pprofconv $C/go_heap.pb.gz OUT"
    "convert-legacy|out.txt|pprofconv -f debug1 $C/go_block.debug1.txt OUT"
    "merge|out.pb.gz|pprofmerge -o OUT $C/go_cpu.pb.gz $C/go_cpu_labels.pb.gz"
    "report|-|pproftop -nodecount=10 $C/go_heap.pb.gz"
    "symbolize|out.pb.gz|pprofsym -q --debug-dir= --binary $C/c_workload $C/c_cpu.prof OUT"
)

# one CMD OUT N: run CMD with the Nth allocation failing (0 = none).
one() {
    local cmd=$1 out=$2 n=$3 argv
    rm -rf "$work/run" && mkdir "$work/run"
    argv=${cmd//OUT/$work/run/$out}
    ( cd "$work/run" && PF_TORTURE_FAIL_AT=$n PF_TORTURE_COUNT_FD=3 \
        timeout -k 5 60 "$T"/$argv >"$work/stdout" 2>"$work/stderr" 3>"$work/count" )
}

for op in "${ops[@]}"; do
    IFS='|' read -r name out cmd <<<"$op"
    [ $# -eq 0 ] || [[ " $* " == *" $name "* ]] || continue
    one "$cmd" "$out" 0; rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: the run without failures exits $rc"; sed 's/^/    | /' "$work/stderr"
        failures=$((failures + 1)); continue
    fi
    total=$(tail -1 "$work/count")
    if [ "$out" = - ]; then cp "$work/stdout" "$work/want"; else cp "$work/run/$out" "$work/want"; fi
    bad=0 absorbed=0
    for n in $(seq 1 "$total"); do
        one "$cmd" "$out" "$n"; rc=$?
        why=
        if [ $rc -eq 0 ]; then
            absorbed=$((absorbed + 1))
            if [ "$out" = - ]; then got=$work/stdout; else got=$work/run/$out; fi
            cmp -s "$got" "$work/want" || why="succeeded with different output"
        elif [ $rc -ne 1 ]; then
            why="exit status $rc"
        elif ! tail -1 "$work/stderr" | grep -q 'out of memory'; then
            why="the error is not 'out of memory'"
        elif [ "$out" != - ] && [ -n "$(ls -A "$work/run")" ]; then
            why="left files: $(ls -A "$work/run")"
        elif [ "$out" = - ] && [ -s "$work/stdout" ]; then
            # A report is written after the profile is read and
            # reported; failing before, it prints nothing.
            why="partial output on stdout"
        fi
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            if [ $bad -le 5 ]; then
                echo "FAIL $name: allocation $n of $total: $why"
                sed 's/^/    | /' "$work/stderr" | head -30
            fi
        fi
    done
    if [ $bad -eq 0 ]; then
        echo "ok   $name: $total allocations, each failed once ($absorbed absorbed)"
    else
        echo "FAIL $name: $bad of $total failing allocations mishandled"
        failures=$((failures + 1))
    fi
done
[ $failures -eq 0 ]
