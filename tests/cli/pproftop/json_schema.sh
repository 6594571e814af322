# --json: the documented schema (keys, types, order) is stable, rows are
# the rows of the text report in the same order, and two runs give the
# same bytes. --csv has the same rows.
. "$TESTLIB"
need python3
f="$CORPUS/go_goroutine.pb.gz"
run "$BIN/pproftop" --json "$f"
expect_rc 0
cp "$WORK/out" "$WORK/a.json"
run "$BIN/pproftop" -json "$f"
expect_same "$WORK/out" "$WORK/a.json"
"$BIN/pproftop" "$f" >"$WORK/top.txt" || die "top failed"
"$BIN/pproftop" -csv "$f" >"$WORK/top.csv" || die "csv failed"
python3 - "$WORK/a.json" "$WORK/top.txt" "$WORK/top.csv" <<'PY' || die "json check failed"
import csv, json, sys
doc = json.load(open(sys.argv[1]), object_pairs_hook=lambda kv: kv)
keys = [k for k, _ in doc]
want = ["schema", "sample_type", "sample_unit", "output_unit", "total",
        "shown_flat", "dropped_nodes", "dropped_cutoff",
        "nodes_before_nodecount", "labels", "rows"]
assert keys == want, keys
d = dict(doc)
assert d["schema"] == "libprofile.top/1"
assert d["sample_type"] == "goroutine" and d["total"] == 19, d
rowkeys = ["name", "inline", "flat", "flat_pct", "sum_pct", "cum", "cum_pct"]
rows = [dict(r) for r in d["rows"]]
for r in d["rows"]:
    assert [k for k, _ in r] == rowkeys, r
text = [l for l in open(sys.argv[2]).read().splitlines() if l.startswith(" ")][1:]
assert len(text) == len(rows), (len(text), len(rows))
for line, r in zip(text, rows):
    f = line.split()
    name = line[line.rindex("%  ") + 3:]
    want_name = r["name"] + (" " + r["inline"] if r["inline"] else "")
    assert name == want_name, (name, want_name)
    assert int(f[0]) == r["flat"] and int(f[3]) == r["cum"], (f, r)
labels = [l for l in open(sys.argv[2]).read().splitlines() if not l.startswith(" ")]
assert labels == list(d["labels"]), (labels, d["labels"])
assert sum(r["flat"] for r in rows) == d["shown_flat"]
c = list(csv.reader(open(sys.argv[3])))
assert c[0] == ["flat", "flat_pct", "sum_pct", "cum", "cum_pct", "name", "inline"]
assert [x[5] for x in c[1:]] == [r["name"] for r in rows]
PY
