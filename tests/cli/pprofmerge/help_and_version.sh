# --help prints usage on stdout and exits 0; --version names the tool
# and library; bad usage exits 2 with a hint to --help.
. "$TESTLIB"
cd "$WORK"
run "$BIN/pprofmerge" --help
expect_rc 0
grep -q '^Usage: pprofmerge \[OPTIONS\] IN\.\.\.' "$WORK/out" || die "no usage line"
grep -q -- '--common-types' "$WORK/out" || die "--common-types undocumented"
[ ! -s "$WORK/err" ] || die "stderr not empty"
run "$BIN/pprofmerge" -h
expect_rc 0
run "$BIN/pprofmerge" --version
expect_rc 0
grep -Eq '^pprofmerge [0-9]+\.[0-9]+\.[0-9]+ \(libprofile [0-9.]+\)$' "$WORK/out" ||
    die "bad version line: $(cat "$WORK/out")"
usage() {  # REGEX ARGS...: usage error
    local re=$1
    shift
    run "$BIN/pprofmerge" "$@"
    expect_rc 2
    grep -Eq "^pprofmerge: $re" "$WORK/err" || die "stderr: $(cat "$WORK/err")"
    grep -q "Try 'pprofmerge --help'" "$WORK/err" || die "no --help hint"
}
usage 'want at least one input profile'
usage 'want at least one input profile' -o out.pb.gz
usage "unrecognized option|bad option" --frobnicate x
usage "'-' \(stdin\) can be given only once" -o out.pb.gz - -
usage "unknown format 'xml'" --format=xml -o out.pb.gz "$CORPUS/go_cpu.pb.gz"
usage "--level wants 1 to 9" --level=0 -o out.pb.gz "$CORPUS/go_cpu.pb.gz"
expect_no_file "$WORK/out.pb.gz"
