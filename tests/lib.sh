# Helpers for shell test cases (sourced). Each assertion prints what it
# compared and exits 1 on mismatch.
set -u

die() { echo "FAIL: $*" >&2; exit 1; }

# run CMD...: runs it, storing stdout in $WORK/out, stderr in $WORK/err,
# the exit status in $rc. Never fails by itself.
run() {
    "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?
    return 0
}

expect_rc() {
    [ "$rc" -eq "$1" ] || { echo "stderr:"; cat "$WORK/err"; die "exit status $rc, want $1"; }
}

# expect_err_line REGEX: stderr is exactly one line matching REGEX.
expect_err_line() {
    local n
    n=$(wc -l <"$WORK/err")
    [ "$n" -eq 1 ] || { cat "$WORK/err"; die "stderr has $n lines, want 1"; }
    grep -Eq -- "$1" "$WORK/err" || die "stderr '$(cat "$WORK/err")' does not match /$1/"
}

expect_same() {  # FILE_A FILE_B
    cmp -s "$1" "$2" || { diff -u "$2" "$1" | head -40; die "$1 differs from $2"; }
}

expect_no_file() {
    [ ! -e "$1" ] || die "$1 exists"
    local stray
    stray=$(ls -a "$(dirname "$1")" | grep -F "$(basename "$1").tmp" || true)
    [ -z "$stray" ] || die "temporary file left: $stray"
}

# need PROGRAM...: fail, naming the Debian package to install, when a
# program a test runs is missing. tests/install-deps.sh installs every
# one of them (tests/check-programs.sh checks that it does), so a
# missing program is a broken machine, never a reason to skip.
need() {
    local p pkg
    for p in "$@"; do
        command -v "$p" >/dev/null 2>&1 && continue
        case $p in
        go) pkg=golang-go ;;
        dot) pkg=graphviz ;;
        perf) pkg=linux-perf ;;
        eu-*) pkg=elfutils ;;
        addr2line|readelf|nm|objdump) pkg=binutils ;;
        llvm-symbolizer-19|llvm-*-19) pkg=llvm-19 ;;
        llvm-*) pkg=llvm ;;
        clang-19) pkg=clang-19 ;;
        node|npm) pkg=nodejs ;;
        man) pkg=man-db ;;
        xmllint) pkg=libxml2-utils ;;
        *) pkg=$p ;;
        esac
        echo "FAIL: '$p' not found: install the Debian package $pkg" \
             "(tests/install-deps.sh does)" >&2
        exit 1
    done
}

need_go() { need go; }

# pprof ARGS...: the reference, with its diagnostics dropped.
pprof() { TZ=UTC go tool pprof "$@" 2>/dev/null; }

# The Go corpus binary, unpacked once per test run.
go_workload() {
    local dst="$WORK/go_workload"
    [ -x "$dst" ] || { gzip -dc "$CORPUS/go_workload.gz" >"$dst" && chmod +x "$dst"; }
    echo "$dst"
}
