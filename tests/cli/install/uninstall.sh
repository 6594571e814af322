# `make uninstall` with the PREFIX and DESTDIR of `make install` removes
# every file the install wrote.
. "$TESTLIB"
cd "$(dirname "$0")/../../.."
root="$WORK/root"
make -s --no-print-directory install O="$O" PREFIX=/opt/pf DESTDIR="$root" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log"; die "make install failed"; }
installed=$(find "$root" \( -type f -o -type l \) | wc -l)
[ "$installed" -ge 20 ] || die "only $installed files installed"
make -s --no-print-directory uninstall O="$O" PREFIX=/opt/pf DESTDIR="$root" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log"; die "make uninstall failed"; }
left=$(find "$root" \( -type f -o -type l \))
[ -z "$left" ] || die "left after uninstall: $left"
echo "uninstall removed all $installed files"
