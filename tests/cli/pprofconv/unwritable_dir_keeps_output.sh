# When no temporary file can be created beside the output (a directory
# the user cannot write, holding a file the user can), the tool refuses
# with one clear line instead of writing in place: a failing conversion
# must not empty the existing file, nor the input when output == input.
# Root bypasses permission bits, so as root the tool runs as nobody.
. "$TESTLIB"
cd "$WORK"
if [ "$(id -u)" -eq 0 ]; then
    need setpriv
    as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
else
    as_user() { "$@"; }
fi
# $WORK's parents may be private (mode 700): nobody needs a path it can
# walk, so the directory is a fresh one under /tmp.
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfro.XXXXXX")
trap 'chmod 755 "$dir"; rm -rf "$dir"' EXIT
echo "precious" >"$dir/out.txt"
cp "$CORPUS/go_cpu.pb.gz" "$dir/in.pb.gz"
chmod 666 "$dir/out.txt" "$dir/in.pb.gz"
chmod 555 "$dir"
# The write fails (a CPU profile has no debug=1 form) ...
run as_user "$BIN/pprofconv" -f debug1 "$dir/in.pb.gz" "$dir/out.txt"
expect_rc 1
expect_err_line "^pprofconv: cannot create a temporary file in '$dir': Permission denied; output not written$"
[ "$(cat "$dir/out.txt")" = precious ] || die "out.txt was clobbered: '$(cat "$dir/out.txt")'"
# ... and one that would succeed is refused too: never written in place.
run as_user "$BIN/pprofconv" "$dir/in.pb.gz" "$dir/out.txt"
expect_rc 1
expect_err_line "^pprofconv: cannot create a temporary file in '$dir'"
[ "$(cat "$dir/out.txt")" = precious ] || die "out.txt was written in place"
# Output == input: refused, the input is intact.
run as_user "$BIN/pprofconv" -f debug1 "$dir/in.pb.gz" "$dir/in.pb.gz"
expect_rc 1
expect_same "$dir/in.pb.gz" "$CORPUS/go_cpu.pb.gz"
[ "$(ls "$dir" | wc -l)" -eq 2 ] || die "stray files: $(ls "$dir")"
# Where the directory is writable, output == input is safe: the input
# is read whole before the output replaces it by rename.
cp "$CORPUS/go_cpu.pb.gz" same.pb.gz
run "$BIN/pprofconv" -f debug1 same.pb.gz same.pb.gz
expect_rc 1
expect_same same.pb.gz "$CORPUS/go_cpu.pb.gz"
run "$BIN/pprofconv" -f proto -l 9 same.pb.gz same.pb.gz
expect_rc 0
[ "$("$BIN/pproftop" same.pb.gz | head -3)" = "$("$BIN/pproftop" "$CORPUS/go_cpu.pb.gz" | head -3)" ] ||
    die "conversion in place changed the profile"
