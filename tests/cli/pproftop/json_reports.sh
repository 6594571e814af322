# -json with every report kind: the documented schema keys in order,
# and the numbers and names equal those of the text report with the
# same flags (count profiles, so the text shows plain integers):
# -traces, -tree, -peek, -folded, -tags, -comments, -raw. -csv is only
# for -top (usage error otherwise); -json -top keeps its schema.
. "$TESTLIB"
command -v node >/dev/null ||
    die "node not found: install the Debian package nodejs (tests/install-deps.sh does)"
g="$CORPUS/go_goroutine.pb.gz"
l="$CORPUS/go_cpu_labels.pb.gz"
both() {  # NAME ARGS...: text to $WORK/NAME.txt, JSON to $WORK/NAME.json
    local name=$1
    shift
    "$BIN/pproftop" "$@" >"$WORK/$name.txt" || die "pproftop $* failed"
    "$BIN/pproftop" -json "$@" >"$WORK/$name.json" ||
        die "pproftop -json $* failed"
}
both traces -traces -sample_index=samples "$l"
both tree -tree "$g"
both peek -peek=runtime.gopark "$g"
both folded -folded -sample_index=samples "$l"
both tags -tags -sample_index=samples "$l"
both raw -raw -focus=serveA "$l"
"$BIN/pproftop" -json -comments "$g" >"$WORK/comments.json" || die "comments"
"$BIN/pproftop" -json -top "$g" >"$WORK/top.json" || die "top"
run "$BIN/pproftop" -csv -traces "$g"
expect_rc 2
grep -q -- '-csv writes only the -top table' "$WORK/err" || die "csv message"

node - "$WORK" <<'JS' || die "JSON does not match the text reports"
const fs = require("fs"), dir = process.argv[2];
const rd = (n) => fs.readFileSync(`${dir}/${n}`, "utf8");
const js = (n) => JSON.parse(rd(n + ".json"));
const lines = (n) => rd(n + ".txt").split("\n").slice(0, -1);
const eq = (a, b, what) => {
  const x = JSON.stringify(a), y = JSON.stringify(b);
  if (x !== y) throw new Error(`${what}: ${x} != ${y}`);
};
const head = ["schema", "sample_type", "sample_unit", "output_unit", "total"];
const graphHead = head.concat(["shown_flat", "dropped_nodes",
  "dropped_cutoff", "nodes_before_nodecount", "labels", "nodes"]);

// traces: blocks between separators; labels, value on the first frame
let t = js("traces");
eq(Object.keys(t), head.concat(["labels", "traces"]), "traces keys");
eq(t.schema, "libprofile.traces/1", "traces schema");
const tl = lines("traces"), sep = tl.findIndex((x) => x.startsWith("----"));
eq(t.labels, tl.slice(0, sep), "traces header");
const blocks = tl.slice(sep).join("\n").split(/^-+\+-+$/m)
  .map((b) => b.split("\n").filter((x) => x !== "")).filter((b) => b.length);
eq(t.traces.length, blocks.length, "number of traces");
blocks.forEach((b, i) => {
  const tr = t.traces[i];
  const lab = b.filter((x) => /^ *[^ ]+:  /.test(x))
    .map((x) => x.trim().split(/:  /));
  const frames = b.filter((x) => !/^ *[^ ]+:  /.test(x));
  eq(Number(frames[0].slice(0, 10).trim()), tr.value, `trace ${i} value`);
  eq(frames.map((x) => x.slice(13)),
     tr.frames.map((f) => f.name + (f.inline ? " (inline)" : "")),
     `trace ${i} frames`);
  const want = {};
  lab.forEach(([k, v]) => { want[k] = v.split(" "); });
  const got = {};
  Object.keys(tr.labels).sort().forEach((k) => { got[k] = tr.labels[k]; });
  eq(Object.fromEntries(Object.entries(want).sort()), got, `trace ${i} labels`);
});
if (!t.traces.some((x) => Object.keys(x.labels).length)) throw new Error("no labels");

// tree and peek: node rows and their caller/callee rows
for (const name of ["tree", "peek"]) {
  const d = js(name);
  eq(Object.keys(d), graphHead, name + " keys");
  eq(d.schema, "libprofile.tree/1", name + " schema");
  const tx = lines(name);
  const start = tx.findIndex((x) => x.startsWith("----"));
  eq(d.labels, tx.slice(0, start), name + " header");
  // blocks between separators: caller rows, the node row, callee rows
  const want = tx.slice(start + 2).join("\n").split(/^-+\+-+$/m)
    .map((b) => b.split("\n").filter((x) => x !== "")).filter((b) => b.length)
    .map((b) => {
      const cells = b.map((r) => r.split("|"));
      const at = cells.findIndex(([l]) => l.trim().split(/\s+/).length === 5);
      const edge = ([l, r]) => ({ name: r.trim().replace(/ \(inline\)$/, ""),
                                  value: +l.trim().split(/\s+/)[0] });
      const f = cells[at][0].trim().split(/\s+/);
      return { name: cells[at][1].trim(), flat: +f[0], cum: +f[3],
               callers: cells.slice(0, at).map(edge),
               callees: cells.slice(at + 1).map(edge) };
    });
  const got = d.nodes.map((n) => ({ name: n.name, flat: n.flat, cum: n.cum,
    callers: n.callers.map((e) => ({ name: e.name, value: e.value })),
    callees: n.callees.map((e) => ({ name: e.name, value: e.value })) }));
  eq(got, want, name + " nodes");
  if (!got.some((n) => n.callers.length && n.callees.length))
    throw new Error(name + ": no node with callers and callees");
}

// folded: same stacks and values, in order
const fo = js("folded");
eq(Object.keys(fo), head.concat(["labels", "stacks"]), "folded keys");
eq(fo.stacks.map((s) => `${s.stack} ${s.value}`), lines("folded"), "folded");

// tags: per key total and per value sums (text has one decimal)
const tg = js("tags");
eq(Object.keys(tg), ["schema", "sample_type", "sample_unit", "output_unit",
                     "keys"], "tags keys");
const tt = lines("tags").filter((x) => x !== "");
let k = -1, vi = 0, nvals = 0;
for (const x of tt) {
  let m;
  if ((m = /^ *(\S+): Total ([\d.]+)$/.exec(x))) {
    k++; vi = 0;
    eq([tg.keys[k].key, tg.keys[k].total], [m[1], Number(m[2])], "tag total");
  } else if ((m = /^ *([\d.]+) \( *([\d.]+)%\): (.*)$/.exec(x))) {
    const v = tg.keys[k].values[vi++];
    eq([v.value, v.total], [m[3], Number(m[1])], "tag value");
    nvals++;
  } else throw new Error("tags line " + x);
}
eq(k + 1, tg.keys.length, "tag key count");
if (nvals < 3) throw new Error("too few tag values");

// raw: samples (values, location ids) and location count
const rw = js("raw");
eq(rw.schema, "libprofile.raw/1", "raw schema");
const rl = lines("raw");
const s0 = rl.indexOf("Samples:"), l0 = rl.indexOf("Locations"),
      m0 = rl.indexOf("Mappings");
const sl = rl.slice(s0 + 2, l0).filter((x) => /^ +-?\d+ +-?\d+: /.test(x));
eq(rw.samples.map((s) => s.values.map((v) => String(v).padStart(10)).join(" ")
                  + ": " + s.locations.map((l) => l + " ").join("")),
   sl.map((x) => x.slice(1)), "raw samples");
eq(rw.mappings.length, rl.length - m0 - 1, "raw mappings");
eq(rw.sample_types.map((s) => `${s.type}/${s.unit}`).join(" "),
   rl[s0 + 1].replace(/\[dflt\]/g, ""), "raw sample types");
if (rw.samples.length < 1) throw new Error("raw: no samples");

const cm = js("comments");
eq(cm, { schema: "libprofile.comments/1", comments: [] }, "comments");
eq(js("top").schema, "libprofile.top/1", "top schema");
JS
