# The flame graph is drawn from the same prepared profile as -top:
# granularity (-lines), -focus, -hide and -sample_index give frames
# named and valued as -top's rows.
. "$TESTLIB"
cpu="$CORPUS/go_cpu.pb.gz"
# data FILE: the page's embedded JSON
data() { sed -n 's/^<script type="application\/json" id="fg-data">\(.*\)<\/script>$/\1/p' "$1"; }
# check PAGE TOP_JSON: every frame name is a -top row and every row a
# frame; the root is as wide as the rows' flat sum; nothing pruned
check() {
    data "$1" >"$WORK/d.json"
    node - "$WORK/d.json" "$2" <<'JS' || die "$1 does not match $2"
const fs = require('fs');
const d = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const top = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const names = new Set(d.n.slice(1).map((k) => d.names[k]));
const rows = new Set(top.rows.map((r) => r.name));
const a = [...names].sort().join('\n'), b = [...rows].sort().join('\n');
if (a !== b) { console.error('frames:\n' + a + '\nrows:\n' + b); process.exit(1); }
const t = d.index, flat = top.rows.reduce((s, r) => s + r.flat, 0);
if (d.c[t][0] !== flat) { console.error('root ' + d.c[t][0] + ' vs ' + flat); process.exit(1); }
if (d.types[t].total !== top.total) { console.error('total'); process.exit(1); }
if (d.types[t].type !== top.sample_type) { console.error('type'); process.exit(1); }
if (d.prunedPaths !== 0) { console.error('pruned'); process.exit(1); }
JS
}
lab="$CORPUS/go_cpu_labels.pb.gz"
for case in "$cpu|" "$cpu|-lines" "$cpu|-focus=cpuMedium" "$cpu|-hide=^runtime" \
            "$cpu|-sample_index=samples -files" "$lab|-tagfocus=request=b" \
            "$lab|-ignore=background -noinlines"; do
    f=${case%%|*} flags=${case#*|}
    run "$BIN/pproftop" -flamegraph $flags "$f"
    expect_rc 0
    [ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "warnings for $flags"; }
    mv "$WORK/out" "$WORK/page.html"
    "$BIN/pproftop" -json -nodefraction=0 $flags "$f" >"$WORK/top.json" ||
        die "pproftop -json $flags"
    check "$WORK/page.html" "$WORK/top.json"
done
run "$BIN/pproftop" -flamegraph -lines "$cpu"
grep -q 'main.cpuHeavy [^"]*\.go:[0-9]' "$WORK/out" || die "-lines frame names"
