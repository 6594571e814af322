# Progress on stderr: --progress prints one line per merged input (a
# log gets whole lines) and the writing/done notes; without it, and
# with stderr not a terminal, stderr stays empty; on a terminal (script
# gives the run one) the count is redrawn in place without --progress.
# stdout (the profile) never carries any of it.
. "$TESTLIB"
cd "$WORK"
C="$CORPUS/go_cpu.pb.gz"
run "$BIN/pprofmerge" -o plain.pb.gz "$C" "$C" "$C"
expect_rc 0
[ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "stderr without --progress"; }
run "$BIN/pprofmerge" --progress -o prog.pb.gz "$C" "$C" "$C"
expect_rc 0
cmp -s plain.pb.gz prog.pb.gz || die "--progress changed the output"
sed 's/([0-9.]* s)/(T)/' "$WORK/err" >err.got
cat >err.want <<'EOT'
pprofmerge: merged inputs: 1/3 (33%)
pprofmerge: merged inputs: 2/3 (66%)
pprofmerge: merged inputs: 3/3 (100%)
pprofmerge: writing 12 samples (T)
pprofmerge: done (T)
EOT
expect_same err.got err.want
# to stdout: the profile alone on stdout
"$BIN/pprofmerge" --progress "$C" "$C" >stdout.pb.gz 2>stdout.err || die "merge to stdout failed"
cmp -s stdout.pb.gz <("$BIN/pprofmerge" "$C" "$C") || die "progress leaked into stdout"
grep -q "merged inputs: 2/2 (100%)" stdout.err || die "no progress with stdout output"
# a terminal: redrawn in place, no --progress needed
if command -v script >/dev/null 2>&1 &&
   script -qec "true" /dev/null >/dev/null 2>&1; then
    script -qec "'$BIN/pprofmerge' -o tty.pb.gz '$C' '$C'" /dev/null >tty.out ||
        die "pprofmerge under script failed"
    tr -d '\r' <tty.out | grep -q 'pprofmerge: merged inputs: 2/2 (100%)' ||
        { cat -A tty.out; die "no progress on a terminal"; }
    grep -q $'\r''pprofmerge: merged inputs: 1/2' tty.out ||
        { cat -A tty.out; die "terminal progress not redrawn with CR"; }
    cmp -s tty.pb.gz plain2.pb.gz 2>/dev/null || "$BIN/pprofmerge" -o plain2.pb.gz "$C" "$C"
    cmp -s tty.pb.gz plain2.pb.gz || die "terminal run wrote a different profile"
else
    echo "script(1) cannot make a terminal here: tty case not run"
fi
