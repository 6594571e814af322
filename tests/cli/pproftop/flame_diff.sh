# -flamegraph with -diff_base or -base embeds base and new apart (the
# page colours by their difference); -normalize scales new to the base's
# total first; base and new must be compatible.
. "$TESTLIB"
printf 'main;a 30\nmain;b 10\n' >"$WORK/base.folded"
printf 'main;a 30\nmain;b 50\nmain;c 20\n' >"$WORK/new.folded"
data() { sed -n 's/^<script type="application\/json" id="fg-data">\(.*\)<\/script>$/\1/p' "$1"; }
# vals FLAGS...: "names | new cum | base cum" of the page
vals() {
    "$BIN/pproftop" -flamegraph "$@" "$WORK/new.folded" >"$WORK/p.html" ||
        die "pproftop $*"
    data "$WORK/p.html" | node -e '
        const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
        console.log(d.diff, d.names.join(","), "|", d.c[0].join(","), "|",
                    d.bc[0].join(","), "|", d.types[0].total);'
}
got=$(vals -diff_base="$WORK/base.folded")
[ "$got" = "true root,main,a,b,c | 100,100,30,50,20 | 40,40,30,10,0 | 40" ] ||
    die "diff_base: $got"
got=$(vals -base="$WORK/base.folded")
[ "$got" = "true root,main,a,b,c | 100,100,30,50,20 | 40,40,30,10,0 | 40" ] ||
    die "base: $got"
# normalized: new * 40/100
got=$(vals -diff_base="$WORK/base.folded" -normalize)
[ "$got" = "true root,main,a,b,c | 40,40,12,20,8 | 40,40,30,10,0 | 40" ] ||
    die "normalize: $got"
run "$BIN/pproftop" -flamegraph -diff_base="$CORPUS/go_heap.pb.gz" "$WORK/new.folded"
expect_rc 1
expect_err_line 'go_heap\.pb\.gz'
