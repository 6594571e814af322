#!/usr/bin/env bash
# Go debug=1 heap profiles of a recursive program (testdata/go_recursive,
# built and run here): stacks repeat a PC across frames (recursion,
# mutual recursion, runtime.doInit nesting). Each repeat's "#" lines
# describe the same frame again and must not pile up on its location:
#  - the usual legacy comparison with the reference (legacy_compare.inc:
#    -traces/-top with the binary, -raw/-traces without symbols, our
#    comment symbols against the binary's);
#  - our comment symbols alone (no binary) give the reference's -traces
#    (with the binary) for the recursive stacks: as many frames, the
#    same names;
#  - the parse, all-zero records with their bytes:[0] label included,
#    equals the reference's own parser (its profile package, built here
#    from the Go installation's copy) on this file and the corpus heap
#    files, comment lines removed.
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
export GOCACHE="$WORK/gocache" GOFLAGS= GOPATH="$WORK/gopath" GO111MODULE=on
(cd "$TESTDATA/go_recursive" && go build -o "$WORK/rec" .) ||
    die "cannot build the recursive program"
"$WORK/rec" >"$WORK/rec_heap.debug1.txt" || die "the program failed"
f="$WORK/rec_heap.debug1.txt"
grep -q 'runtime.doInit' "$f" || die "no runtime.doInit in the profile"
# the case exists: a record whose stack repeats a PC
awk '/^[0-9]+: [0-9]+ \[/ { n = split($0, a, "@ "); split(a[2], s, " ")
     delete seen; for (i in s) if (seen[s[i]]++) rep = 1 } END { exit !rep }' "$f" ||
    die "no record repeats a PC"

legacy_check "$f" "$WORK/rec"

# Comment symbols alone. main.leafAlloc is inlined into main.recurse:
# Go's stacks give it an address of its own, which the binary names
# after the physical function.
focus='-focus=main\.(ping|recurse)|dep\.init|runtime\.doInit'
pprof -traces "$focus" "$WORK/rec" "$f" | grep -v '^File: ' >"$WORK/ref.txt"
"$BIN/pproftop" -traces "$focus" "$f" |
    sed 's/main\.leafAlloc$/main.recurse/' >"$WORK/ours.txt" ||
    die "pproftop failed"
grep -q 'runtime.doInit' "$WORK/ref.txt" || die "reference shows no doInit"
expect_same "$WORK/ours.txt" "$WORK/ref.txt"
echo "   comment symbols: -traces of the recursive stacks equal"

# The reference's parser, as a program.
mkdir -p "$WORK/oracle/profile"
cp "$(go env GOROOT)"/src/cmd/vendor/github.com/google/pprof/profile/*.go \
    "$WORK/oracle/profile/" || die "no pprof profile package in GOROOT"
printf 'module oracle\n\ngo 1.19\n' >"$WORK/oracle/go.mod"
cat >"$WORK/oracle/main.go" <<'GO'
package main

import (
	"fmt"
	"os"

	"oracle/profile"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err == nil {
		var p *profile.Profile
		if p, err = profile.Parse(f); err == nil {
			fmt.Print(p.String())
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
GO
(cd "$WORK/oracle" && go build -o parse .) || die "cannot build the oracle"
nzero=0
for g in "$f" "$CORPUS/go_heap.debug1.txt" "$CORPUS/go_allocs.debug1.txt" \
         "$CORPUS/go_heap_sampled.debug1.txt"; do
    grep -av '^#' "$g" >"$WORK/stripped.txt"
    TZ=UTC "$WORK/oracle/parse" "$WORK/stripped.txt" >"$WORK/ref.txt" ||
        die "the reference parser failed on $g"
    "$BIN/pprofconv" -f raw "$WORK/stripped.txt" - |
        grep -v '^DropFrames: \|^KeepFrames: ' >"$WORK/ours.txt"
    expect_same "$WORK/ours.txt" "$WORK/ref.txt"
    nzero=$((nzero + $(grep -c '^ *0 *0 *0 *0: ' "$WORK/ref.txt")))
done
[ "$nzero" -gt 0 ] || die "no all-zero record was compared"
grep -q 'bytes:\[0\]' "$WORK/ours.txt" || die "no bytes:[0] label"
echo "   parse equals the reference parser's ($nzero all-zero records)"
