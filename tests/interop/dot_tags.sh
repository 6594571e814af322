# The numeric tag sub-nodes: a node whose samples carry more than four
# distinct "bytes" values shows them collapsed into four ranges
# ("16B..48B") grouped around the heaviest, each with its share, drawn
# dotted when a caller shows the cum share of its callees. The profile
# is a Go heap profile (debug=1 text) written here and converted to
# profile.proto by pprofconv, keeping the function names of its comment
# lines (go tool pprof reads only the addresses of the text form).
. "$TESTLIB"
need_go

f="$WORK/many_sizes.pb.gz"
{
    echo "heap profile: 0: 0 [0: 0] @ heap/1048576"
    n=0
    for size in 16 32 48 1024 4096 65536 1048576 24 8192; do
        n=$((n + 1))
        echo "$n: $((n * size)) [$((n + 1)): $(((n + 1) * size))] @ 0x1010 0x2020 0x3030"
        echo "#	0x100f	main.allocMany+0x1	/src/main.go:10"
        echo "#	0x201f	main.run+0x1	/src/main.go:20"
        echo "#	0x302f	runtime.main+0x1	/usr/lib/go/src/runtime/proc.go:250"
        echo
    done
    for size in 64 128 256; do
        echo "3: $((3 * size)) [3: $((3 * size))] @ 0x4040 0x2020 0x3030"
        echo "#	0x403f	main.allocFew+0x1	/src/main.go:30"
        echo "#	0x201f	main.run+0x1	/src/main.go:20"
        echo "#	0x302f	runtime.main+0x1	/usr/lib/go/src/runtime/proc.go:250"
        echo
    done
} >"$WORK/many_sizes.txt"
"$BIN/pprofconv" "$WORK/many_sizes.txt" "$f" || die "pprofconv failed"

for fl in "" -sample_index=objects -sample_index=space \
          -nodecount=2 -nodecount=3 -nodefraction=0 -edgefraction=0.9 -cum \
          -unit=kb; do
    # shellcheck disable=SC2086
    TZ=UTC go tool pprof -dot $fl "$f" >"$WORK/ref.dot" 2>"$WORK/ref.err" ||
        die "go tool pprof -dot $fl failed: $(cat "$WORK/ref.err")"
    # shellcheck disable=SC2086
    TZ=UTC "$BIN/pproftop" -dot $fl "$f" >"$WORK/our.dot" 2>"$WORK/err" ||
        die "pproftop -dot $fl failed: $(cat "$WORK/err")"
    cmp -s "$WORK/ref.dot" "$WORK/our.dot" || {
        diff -u "$WORK/ref.dot" "$WORK/our.dot" | head -40
        die "DOT differs from go tool pprof -dot $fl"
    }
    cat "$WORK/ref.dot" >>"$WORK/all.dot"
done
grep -q 'label = "[0-9.]*[kMG]*B\.\.[0-9.]*[kMG]*B"' "$WORK/all.dot" ||
    die "no collapsed range in the reference's output"
grep -q 'style="dotted"\]' "$WORK/all.dot" || die "no dotted tag edge"
