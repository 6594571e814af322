# Progress on stderr: --progress reports reading (locations and
# mappings), symbolizing and writing; without it stderr holds only the
# usual summary (nothing with -q).
. "$TESTLIB"
cd "$WORK"
C="$CORPUS/go_cpu.pb.gz"
run "$BIN/pprofsym" -q "$C" plain.pb.gz
expect_rc 0
[ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "stderr with -q and no --progress"; }
run "$BIN/pprofsym" -q --progress "$C" prog.pb.gz
expect_rc 0
cmp -s plain.pb.gz prog.pb.gz || die "--progress changed the output"
sed 's/([0-9.]* s)/(T)/; s/: [1-9][0-9]* locations in [1-9][0-9]* mappings/: N locations in M mappings/' "$WORK/err" >err.got
cat >err.want <<EOT
pprofsym: read $C: N locations in M mappings (T); symbolizing
pprofsym: symbolized (T)
pprofsym: wrote prog.pb.gz (T)
EOT
expect_same err.got err.want
