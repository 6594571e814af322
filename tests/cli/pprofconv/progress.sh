# Progress on stderr: --progress reports the stages of a conversion
# (read, parsed with the counts, wrote); without it nothing is added to
# stderr, and on a terminal a small conversion stays silent too (only
# inputs of 16 MiB and more report themselves there).
. "$TESTLIB"
cd "$WORK"
H="$CORPUS/go_heap.debug1.txt"
run "$BIN/pprofconv" "$H" plain.pb.gz
expect_rc 0
[ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "stderr without --progress"; }
run "$BIN/pprofconv" --progress "$H" prog.pb.gz
expect_rc 0
cmp -s plain.pb.gz prog.pb.gz || die "--progress changed the output"
# the counts, from the text itself: one sample per record, one
# location per distinct address
ns=$(grep -c '^ *[0-9]*: [0-9]* \[' "$H")
nl=$(grep '@ 0x' "$H" | tr ' ' '\n' | grep '^0x' | sort -u | wc -l)
sed 's/([0-9.]* s\( in all\)\{0,1\})/(T)/; s/: [0-9.]* MiB/: M MiB/' "$WORK/err" >err.got
cat >err.want <<EOT
pprofconv: read $H: M MiB (T); parsing
pprofconv: parsed heap text: $ns samples, $nl locations (T); writing
pprofconv: wrote prog.pb.gz (T)
EOT
expect_same err.got err.want
if command -v script >/dev/null 2>&1 && script -qec "true" /dev/null >/dev/null 2>&1; then
    script -qec "'$BIN/pprofconv' '$H' tty.pb.gz" /dev/null >tty.out || die "pprofconv under script failed"
    [ ! -s tty.out ] || { cat -A tty.out; die "a small conversion reported progress on a terminal"; }
    script -qec "'$BIN/pprofconv' --progress '$H' tty.pb.gz" /dev/null >tty.out || die "pprofconv under script failed"
    grep -q '^pprofconv: wrote tty.pb.gz' tty.out || { cat -A tty.out; die "--progress silent on a terminal"; }
else
    echo "script(1) cannot make a terminal here: tty case not run"
fi
