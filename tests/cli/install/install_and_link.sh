# `make install` honours PREFIX and DESTDIR, and a program using only
# the installed header and pkg-config file builds and runs against it.
. "$TESTLIB"
cd "$(dirname "$0")/../../.."
make -s --no-print-directory install O="$O" PREFIX=/opt/pf DESTDIR="$WORK/root" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log"; die "make install failed"; }
root="$WORK/root/opt/pf"
for f in bin/pprofconv lib/libprofile.a lib/libprofile.so.0 include/libprofile/profile.h \
         lib/pkgconfig/libprofile.pc; do
    [ -e "$root/$f" ] || die "$f not installed"
done
grep -qx 'prefix=/opt/pf' "$root/lib/pkgconfig/libprofile.pc" || die "pc file ignores PREFIX"
export PKG_CONFIG_SYSROOT_DIR="$WORK/root" PKG_CONFIG_PATH="$root/lib/pkgconfig"
# shellcheck disable=SC2046
cc ${SANITIZE:+-fsanitize=address,undefined} -o "$WORK/bp" examples/build_profile.c $(pkg-config --cflags libprofile) \
    "$root/lib/libprofile.a" $(pkg-config --libs-only-l --static libprofile | sed 's/-lprofile//') ||
    die "cannot build against the installed library"
"$WORK/bp" "$WORK/x.pb.gz" || die "program failed"
"$root/bin/pprofconv" -f raw "$WORK/x.pb.gz" - | grep -q '^Samples:' || die "installed pprofconv failed"
