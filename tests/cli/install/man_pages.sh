# `make install` puts a man page for every tool under PREFIX/share/man;
# `man TOOL` renders it without warnings, and it documents every option
# the tool's --help lists, with examples.
. "$TESTLIB"
need man
cd "$(dirname "$0")/../../.."
make -s --no-print-directory install O="$O" PREFIX=/opt/pf DESTDIR="$WORK/root" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log"; die "make install failed"; }
mandir="$WORK/root/opt/pf/share/man"
n=0
for tool in "$BIN"/pprof*; do
    t=$(basename "$tool")
    [ -f "$mandir/man1/$t.1" ] || die "no man page for $t"
    MANPATH="$mandir" MANWIDTH=200 man -P cat "$t" >"$WORK/$t.txt" 2>"$WORK/$t.err" ||
        die "man $t failed: $(cat "$WORK/$t.err")"
    [ ! -s "$WORK/$t.err" ] || die "man $t warns: $(cat "$WORK/$t.err")"
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        grep -q "^$section" "$WORK/$t.txt" || die "$t.1 has no $section section"
    done
    # every option spelled in --help (long and single-dash names)
    "$tool" --help | grep -oE '(^|[ ,])--?[a-z][a-z_-]*' | sed 's/^[ ,]*//' | sort -u >"$WORK/opts"
    [ -s "$WORK/opts" ] || die "no options found in $t --help"
    while read -r o; do
        grep -q -e "$o\\b" "$WORK/$t.txt" || die "$t.1 does not mention $o"
    done <"$WORK/opts"
    grep -A1 '^EXAMPLES' "$WORK/$t.txt" | grep -q "$t" || die "$t.1: examples do not run $t"
    n=$((n + 1))
done
[ $n -ge 6 ] || die "only $n tools"
echo "$n man pages render and list every option"
