# Without Graphviz's dot in PATH, the picture outputs fail with exit 1
# and one line that names the Debian package to install; -dot itself
# needs no Graphviz.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"
for kind in -svg -png -pdf -ps -gif; do
    run env PATH=/nonexistent "$BIN/pproftop" "$kind" "$f"
    expect_rc 1
    expect_err_line "^pproftop: cannot run 'dot': not found in PATH .*graphviz"
    [ ! -s "$WORK/out" ] || die "$kind wrote to stdout without dot"
    run env PATH=/nonexistent "$BIN/pproftop" "$kind" -output="$WORK/g.out" "$f"
    expect_rc 1
    expect_no_file "$WORK/g.out"
done
run env PATH=/nonexistent "$BIN/pproftop" -dot "$f"
expect_rc 0
grep -q '^digraph ' "$WORK/out" || die "-dot wrote no graph"
