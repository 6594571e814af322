# tests/run.sh CASE: one shell case by its path below tests/ runs alone
# and is counted as in the whole run; a case that fails fails the run;
# an unknown case or suite exits 2 saying what is accepted.
. "$TESTLIB"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
C=cli/pprofconv/help_and_version.sh

run "$ROOT/tests/run.sh" "$C"
expect_rc 0
grep -qx "ok   $C" "$WORK/out" || { cat "$WORK/out"; die "no ok line for $C"; }
[ "$(tail -1 "$WORK/out")" = "1 passed, 0 failed, 0 skipped" ] ||
    die "closing line '$(tail -1 "$WORK/out")'"

# the same case against a build directory with no tools: it fails
run env O=nosuch-build "$ROOT/tests/run.sh" "$C"
expect_rc 1
grep -qx "FAIL $C (exit 1)" "$WORK/out" || { cat "$WORK/out"; die "no FAIL line"; }
grep -qx "failed: $C" "$WORK/out" || die "no 'failed:' line"
[ "$(tail -1 "$WORK/out")" = "0 passed, 1 failed, 0 skipped" ] ||
    die "closing line '$(tail -1 "$WORK/out")'"

run "$ROOT/tests/run.sh" interop/nosuch.sh
expect_rc 2
expect_err_line '^no such case tests/interop/nosuch\.sh$'
run "$ROOT/tests/run.sh" bogus
expect_rc 2
expect_err_line '^unknown suite or case bogus \(unit, fuzz, cli, interop or e\.g\. interop/NAME\.sh\)$'
exit 0
