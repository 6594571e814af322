# The flame graph of a corpus CPU profile in headless Chromium: no
# console error, no network request; the hottest functions' widths are
# go tool pprof -top's cum; click-to-zoom with breadcrumb and reset;
# regexp search highlights frames and shows go tool pprof -focus's
# share (main.(*cpuWorker).cpuMedium is recursive: counted once);
# flame/icicle switch; tooltip values in pprof's units.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/browser/lib.sh"
need_go
need_browser
prof=$CORPUS/go_cpu.pb.gz

run "$BIN/pproftop" -flamegraph "$prof"
expect_rc 0
mv "$WORK/out" "$WORK/page.html"
pprof -top -cum -nodefraction=0 -unit=auto "$prof" >"$WORK/ref.txt" ||
    die "go tool pprof failed"
pprof -top -focus=cpuMedium "$prof" >"$WORK/focus.txt"
"$BIN/pproftop" -json -cum -nodefraction=0 "$prof" >"$WORK/top.json"
"$BIN/pproftop" -json -focus=cpuMedium -nodefraction=0 "$prof" >"$WORK/focus.json"

node - "$WORK" >"$WORK/expect.json" <<'JS' || die "cannot build the expectations"
const fs = require('fs'), W = process.argv[2];
const ref = fs.readFileSync(W + '/ref.txt', 'utf8').split('\n');
const rows = ref.filter((l) => /%\s+\S/.test(l) && !/flat%/.test(l) &&
                        !/^Showing/.test(l))
  .map((l) => l.trim().split(/\s+/));
const top = JSON.parse(fs.readFileSync(W + '/top.json', 'utf8'));
// the reference's five hottest by cum, with pproftop's exact values
const want = rows.slice(0, 8).map((r) => r[5]);
const got = top.rows.slice(0, 8).map((r) => r.name);
if (JSON.stringify(want) !== JSON.stringify(got))
  throw new Error('pproftop and go tool pprof disagree: ' + want + ' / ' + got);
const pct = fs.readFileSync(W + '/focus.txt', 'utf8')
  .match(/^Showing nodes accounting for \S+, (\S+) of/m)[1];
const focus = JSON.parse(fs.readFileSync(W + '/focus.json', 'utf8'));
const heavy = rows.find((r) => r[5] === 'main.cpuHeavy');
console.log(JSON.stringify({
  total: top.total,
  top: top.rows.slice(0, 8).map((r) => ({ name: r.name, cum: r.cum })),
  zoom: 'main.cpuHeavy',
  search: 'cpuMedium',
  searchValue: focus.shown_flat,
  searchPct: pct,
  tipCum: 'cum: ' + rows[0][3] + ' (' + rows[0][4] + ')',
  heavy: heavy[3],
}));
JS
flame_browser page "$WORK/page.html" "$WORK/expect.json"
