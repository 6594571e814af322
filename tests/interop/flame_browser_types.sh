# Switching the sample type of a heap profile's flame graph redraws the
# frames with that type's values: widths as go tool pprof -top -cum
# -sample_index=TYPE's cum, for the default type and two others.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/browser/lib.sh"
need_go
need_browser
prof=$CORPUS/go_heap.pb.gz

run "$BIN/pproftop" -flamegraph "$prof"
expect_rc 0
mv "$WORK/out" "$WORK/page.html"
for t in inuse_space alloc_objects alloc_space; do
    "$BIN/pproftop" -json -cum -nodefraction=0 -sample_index=$t "$prof" \
        >"$WORK/$t.json" || die "pproftop -sample_index=$t"
    pprof -top -cum -nodefraction=0 -sample_index=$t "$prof" >"$WORK/$t.ref" ||
        die "go tool pprof -sample_index=$t"
done
node - "$WORK" >"$WORK/expect.json" <<'JS' || die "cannot build the expectations"
const fs = require('fs'), W = process.argv[2];
const types = [['inuse_space', undefined], ['alloc_objects', 0], ['alloc_space', 1]];
const out = types.map(([t, sel]) => {
  const j = JSON.parse(fs.readFileSync(`${W}/${t}.json`, 'utf8'));
  const ref = fs.readFileSync(`${W}/${t}.ref`, 'utf8').split('\n')
    .filter((l) => /%\s+\S/.test(l) && !/flat%|^Showing/.test(l))
    .map((l) => l.trim().split(/\s+/)[5]);
  const top = j.rows.slice(0, 6);
  top.forEach((r, k) => {
    if (r.name !== ref[k]) throw new Error(`${t}: row ${k}: ${r.name} vs ${ref[k]}`);
  });
  return { name: t, select: sel, total: j.total,
           top: top.map((r) => ({ name: r.name, cum: r.cum })) };
});
console.log(JSON.stringify({ types: out }));
JS
flame_browser types "$WORK/page.html" "$WORK/expect.json"
