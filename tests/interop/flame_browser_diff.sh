# A diff flame graph (pproftop -flamegraph -diff_base=BASE NEW, and
# -base): a function that grew is red, one that shrank blue, one that
# did not change grey, a larger relative change more intense; the
# tooltip's delta is go tool pprof -diff_base -top's value.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/browser/lib.sh"
need_go
need_browser

printf 'main;grow 10\nmain;shrink 50\nmain;same 20\nmain;bitmore 20\n' >"$WORK/base.folded"
printf 'main;grow 60\nmain;shrink 5\nmain;same 20\nmain;bitmore 24\n' >"$WORK/new.folded"
"$BIN/pprofconv" "$WORK/base.folded" "$WORK/base.pb.gz" || die "pprofconv base"
"$BIN/pprofconv" "$WORK/new.folded" "$WORK/new.pb.gz" || die "pprofconv new"
pprof -top -diff_base="$WORK/base.pb.gz" "$WORK/new.pb.gz" >"$WORK/ref.txt" ||
    die "go tool pprof -diff_base failed"

node - "$WORK" >"$WORK/expect.json" <<'JS' || die "cannot build the expectations"
const fs = require('fs'), W = process.argv[2];
const delta = {};
for (const l of fs.readFileSync(W + '/ref.txt', 'utf8').split('\n')) {
  const f = l.trim().split(/\s+/);
  if (f.length === 6 && ['grow', 'shrink', 'bitmore'].includes(f[5]))
    delta[f[5]] = (f[0].startsWith('-') ? '' : '+') + f[0];
}
if (Object.keys(delta).length !== 3) throw new Error('reference rows missing');
console.log(JSON.stringify({
  colour: { grow: 'red', bitmore: 'red', shrink: 'blue', same: 'grey' },
  stronger: 'grow', weaker: 'bitmore', delta,
}));
JS
for mode in diff_base base; do
    run "$BIN/pproftop" -flamegraph -$mode="$WORK/base.pb.gz" "$WORK/new.pb.gz"
    expect_rc 0
    mv "$WORK/out" "$WORK/$mode.html"
    flame_browser diff "$WORK/$mode.html" "$WORK/expect.json"
done
