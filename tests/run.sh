#!/usr/bin/env bash
# Run the test suites and print one closing line "N passed, N failed".
#
#   tests/run.sh [unit|fuzz|cli|interop|CASE]...     (default: all)
#
# CASE: one shell case by its path below tests/, e.g.
# interop/example_http_endpoint.sh (after `make tests`), to rerun it
# alone with the same environment as in the whole run.
#
# unit:    every $O/tests/test_* cmocka binary (one per module)
# fuzz:    every $O/tests/fuzz/fuzz_X replaying testdata/fuzz/X/
# cli:     every tests/cli/<tool>/<case>.sh (tools, exit codes, errors)
# interop: every tests/interop/<case>.sh (runs `go tool pprof` for real)
#
# A shell case passes with exit 0, is skipped with exit 77 and fails
# otherwise. Cases get: BIN (tool directory), O, TESTDATA, CORPUS,
# WORK (a fresh empty directory), and source tests/lib.sh for helpers.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
export O BIN="$PWD/$O/bin" TESTDATA="$PWD/testdata" CORPUS="$PWD/testdata/corpus"
export TESTLIB="$PWD/tests/lib.sh" TZ=UTC LC_ALL=C
suites=${*:-unit fuzz cli interop}
pass=0 fail=0 skip=0
failed=()
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/pftest.XXXXXX")
trap 'rm -rf "$tmproot"' EXIT

run_unit() {
    local t out rc n
    for t in "$O"/tests/test_*; do
        [ -x "$t" ] || continue
        out=$("$t" 2>&1); rc=$?
        n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        pass=$((pass + ${n:-0}))
        if [ $rc -ne 0 ]; then
            printf '%s\n' "$out" | grep -E 'FAILED|ERROR|Failure|error:|failed' | head -20
            n=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
            fail=$((fail + ${n:-1}))
            failed+=("unit:$(basename "$t")")
            echo "FAIL unit $(basename "$t")"
        else
            echo "ok   unit $(basename "$t") (${n:-0})"
        fi
    done
}

# run_sh DIR|CASE: every case below tests/DIR, or the one case
run_sh() {
    local kind=$1 f name rc log cases
    if [ -f "tests/$kind" ]; then
        cases=tests/$kind
    else
        cases=$(find "tests/$kind" -name '*.sh' 2>/dev/null | sort)
    fi
    for f in $cases; do
        name=${f#tests/}
        WORK="$tmproot/${name//\//_}"
        mkdir -p "$WORK"
        log="$WORK.log"
        WORK="$WORK" bash "$f" >"$log" 2>&1 </dev/null; rc=$?
        if [ $rc -eq 0 ]; then
            pass=$((pass + 1)); echo "ok   $name"
        elif [ $rc -eq 77 ]; then
            skip=$((skip + 1)); echo "skip $name: $(tail -1 "$log")"
        else
            fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc)"
            sed 's/^/    | /' "$log" | tail -30
        fi
    done
}

run_fuzz() {
    local t name dir dirs
    for t in "$O"/tests/fuzz/fuzz_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        # the committed corpus, and seeds built into $O (mk/fuzz.mk)
        dirs=()
        for dir in "testdata/fuzz/${name#fuzz_}" "$O/tests/fuzz/seeds/${name#fuzz_}"; do
            [ -d "$dir" ] && dirs+=("$dir")
        done
        [ ${#dirs[@]} -gt 0 ] || continue
        if "$t" "${dirs[@]}" >"$tmproot/$name.log" 2>&1; then
            pass=$((pass + 1)); echo "ok   fuzz $name ($(tail -1 "$tmproot/$name.log"))"
        else
            fail=$((fail + 1)); failed+=("fuzz:$name"); echo "FAIL fuzz $name"
            tail -20 "$tmproot/$name.log" | sed 's/^/    | /'
        fi
    done
}

for s in $suites; do
    case $s in
    unit) run_unit ;;
    fuzz) run_fuzz ;;
    cli) run_sh cli ;;
    interop) run_sh interop ;;
    cli/*.sh | interop/*.sh)
        [ -f "tests/$s" ] || { echo "no such case tests/$s" >&2; exit 2; }
        run_sh "$s" ;;
    *) echo "unknown suite or case $s (unit, fuzz, cli, interop or e.g. interop/NAME.sh)" >&2; exit 2 ;;
    esac
done
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
