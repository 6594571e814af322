# -output=FILE works for every kind of output (text reports, JSON, DOT,
# pictures) and writes what stdout would get; a failure (unwritable
# place, bad input, dot missing) exits 1 with one line naming the
# problem, leaves no file or temporary behind and an existing FILE as
# it was.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"

for kind in -top -traces -tree -peek=main -folded -json -csv -dot; do
    run "$BIN/pproftop" "$kind" "$f"
    expect_rc 0
    mv "$WORK/out" "$WORK/stdout.txt"
    run "$BIN/pproftop" "$kind" -output="$WORK/report.txt" "$f"
    expect_rc 0
    [ ! -s "$WORK/out" ] || die "$kind -output also wrote to stdout"
    expect_same "$WORK/report.txt" "$WORK/stdout.txt"
    expect_no_file "$WORK/report.txt.tmp"
    rm "$WORK/report.txt"
done
# the Go spellings: -output FILE, --output=FILE, and -o
run "$BIN/pproftop" -dot -output "$WORK/a.dot" "$f"
expect_rc 0
run "$BIN/pproftop" -dot --output="$WORK/b.dot" "$f"
expect_rc 0
run "$BIN/pproftop" -dot -o "$WORK/c.dot" "$f"
expect_rc 0
expect_same "$WORK/a.dot" "$WORK/b.dot"
expect_same "$WORK/a.dot" "$WORK/c.dot"

if command -v dot >/dev/null; then
    run "$BIN/pproftop" -png -output="$WORK/g.png" "$f"
    expect_rc 0
    [ "$(head -c 4 "$WORK/g.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
        die "g.png is not a PNG"
    run "$BIN/pproftop" -pdf -output="$WORK/g.pdf" "$f"
    expect_rc 0
    [ "$(head -c 5 "$WORK/g.pdf")" = "%PDF-" ] || die "g.pdf is not a PDF"
    run "$BIN/pproftop" -ps -output="$WORK/g.ps" "$f"
    expect_rc 0
    [ "$(head -c 4 "$WORK/g.ps")" = "%!PS" ] || die "g.ps is not PostScript"
    run "$BIN/pproftop" -gif -output="$WORK/g.gif" "$f"
    expect_rc 0
    [ "$(head -c 4 "$WORK/g.gif")" = "GIF8" ] || die "g.gif is not a GIF"
fi

# unwritable places: under a regular file, in a missing directory
printf 'a file\n' >"$WORK/plain"
run "$BIN/pproftop" -output="$WORK/plain/report.txt" "$f"
expect_rc 1
expect_err_line "^pproftop: $WORK/plain/report.txt: "
[ ! -s "$WORK/out" ] || die "stdout not empty"
run "$BIN/pproftop" -svg -output="$WORK/no/such/dir/g.svg" "$f"
expect_rc 1
expect_err_line "^pproftop: $WORK/no/such/dir/g.svg: "
[ ! -e "$WORK/no" ] || die "a directory was created"

# a failing run leaves an existing output file untouched
printf 'precious\n' >"$WORK/keep.txt"
cp "$WORK/keep.txt" "$WORK/keep.orig"
printf 'not a profile\n' >"$WORK/junk"
run "$BIN/pproftop" -output="$WORK/keep.txt" "$WORK/junk"
expect_rc 1
expect_same "$WORK/keep.txt" "$WORK/keep.orig"
run "$BIN/pproftop" -peek=nosuchfunction -output="$WORK/keep.txt" "$f"
expect_rc 1
expect_same "$WORK/keep.txt" "$WORK/keep.orig"
run env PATH=/nonexistent "$BIN/pproftop" -svg -output="$WORK/keep.txt" "$f"
expect_rc 1
expect_same "$WORK/keep.txt" "$WORK/keep.orig"
stray=$(ls -a "$WORK" | grep -F '.tmp' || true)
[ -z "$stray" ] || die "temporary files left: $stray"
