# The capture module installs libprofile-capture.pc: the capture example
# builds against the installed library with pkg-config alone (shared
# and static), runs, and its profiles show its labelled work.
. "$TESTLIB"
cd "$(dirname "$0")/../../.."
make -s --no-print-directory install O="$O" PREFIX=/opt/pf DESTDIR="$WORK/root" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log"; die "make install failed"; }
root="$WORK/root/opt/pf"
grep -qx 'prefix=/opt/pf' "$root/lib/pkgconfig/libprofile-capture.pc" || die "pc file ignores PREFIX"
export PKG_CONFIG_SYSROOT_DIR="$WORK/root" PKG_CONFIG_PATH="$root/lib/pkgconfig"
san=${SANITIZE:+-fsanitize=address,undefined}
# shellcheck disable=SC2046
cc $san -o "$WORK/shared" examples/capture/profile_work.c \
    $(pkg-config --cflags --libs libprofile-capture) -Wl,-rpath,"$root/lib" ||
    die "cannot build against the installed shared library"
# shellcheck disable=SC2046
cc $san -static-libgcc -o "$WORK/static" examples/capture/profile_work.c \
    $(pkg-config --cflags libprofile-capture) "$root/lib/libprofile-capture.a" \
    "$root/lib/libprofile.a" $(pkg-config --libs-only-l --static libprofile-capture |
        sed 's/-lprofile-capture//; s/-lprofile / /') ||
    die "cannot build against the installed static libraries"
for kind in shared static; do
    ( cd "$WORK" && "./$kind" cpu.pb.gz heap.pb.gz handles.pb.gz ) >"$WORK/out" 2>&1 ||
        { cat "$WORK/out"; die "$kind example failed"; }
    grep -q '1 open handle' "$WORK/out" || die "$kind: custom profile count"
    "$BIN/pproftop" -tagfocus=handler=parse -top "$WORK/cpu.pb.gz" | grep -q parse_requests ||
        die "$kind: parse_requests not under handler=parse"
    # an ASan-built program's malloc is ASan's, which our interposer
    # cannot come before when linked (docs/CAPTURE.md, Sanitizers)
    [ -n "$san" ] ||
        "$BIN/pproftop" -sample_index=inuse_space -top "$WORK/heap.pb.gz" |
        grep -q build_cache || die "$kind: build_cache not in the heap profile"
    "$BIN/pproftop" -traces "$WORK/handles.pb.gz" | grep -q main || die "$kind: custom profile stack"
done
echo "capture example builds with pkg-config (shared, static) and profiles its work"
