# The table and --json describe the same numbers, sorted by |delta|
# then name; --json is valid JSON with the documented fields; stdin
# works for one input; --common-types compares shared types.
. "$TESTLIB"
cd "$WORK"
cpu=$CORPUS/go_cpu.pb.gz
lab=$CORPUS/go_cpu_labels.pb.gz
run "$BIN/pprofdiff" "$cpu" "$lab"
expect_rc 0
sed -n 1,4p out >head.txt
printf '%s\n' 'Type: cpu' 'Mode: diff_base, by flat' \
    'Total: base 2s, new 2.02s, delta +20ms (+1.0%)' \
    '      delta    delta%        base         new  function' >want.txt
expect_same head.txt want.txt
# Rows by |delta| descending.
grep -q 'main.cpuHeavy' out || die "no cpuHeavy row"
[ "$(sed -n 5p out | awk '{print $NF}')" = main.cpuHeavy ] || die "cpuHeavy not first"
# -N limits rows and says so.
run "$BIN/pprofdiff" -N 2 "$cpu" "$lab"
grep -q '^Showing 2 of [0-9]* changed functions$' out || die "$(cat out)"
[ "$(wc -l <out)" -eq 7 ] || die "want 7 lines: $(cat out)"
# stdin as NEW gives the same table.
run "$BIN/pprofdiff" "$cpu" - <"$lab"
"$BIN/pprofdiff" "$cpu" "$lab" >file.txt
expect_same out file.txt
# JSON.
run "$BIN/pprofdiff" --json "$cpu" "$lab"
expect_rc 0
grep -q '"mode": "diff_base"' out || die "no mode"
grep -q '"total": {"base": 2000000000, "new": 2020000000, "delta": 20000000, "delta_pct": 1.0000}' out ||
    die "bad total: $(grep total out)"
grep -q '{"name": "main.cpuHeavy", "flat": {"base": 1270000000, "new": 0, "delta": -1270000000, "delta_pct": -100.0000}' out ||
    die "bad cpuHeavy row"
grep -q '"name": "main.serveA", "flat": {"base": 0, "new": 830000000, "delta": 830000000, "delta_pct": null}' out ||
    die "new function without null percentage"
grep -q '"regressed": false' out || die "regressed flag"
need python3
python3 - out <<'PY' || die "JSON check failed"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"base", "new", "mode", "normalize", "sample_type", "by",
                  "total", "functions", "thresholds", "regressions",
                  "regressed"}, d.keys()
rows = d["functions"]
key = [(-abs(r["flat"]["delta"]), -abs(r["cum"]["delta"]), r["name"]) for r in rows]
assert key == sorted(key), "not sorted"
assert sum(r["flat"]["delta"] for r in rows) == d["total"]["delta"]
for r in rows:
    for s in ("flat", "cum"):
        assert r[s]["delta"] == r[s]["new"] - r[s]["base"]
PY
# --common-types: block (2 types) vs a one-type contention profile.
printf '\x0a\x04\x08\x01\x10\x02\x12\x02\x10\x05\x5a\x04\x08\x01\x10\x02\x32\x00\x32\x0bcontentions\x32\x05count' >one.pb
run "$BIN/pprofdiff" "$CORPUS/go_block.pb.gz" one.pb
expect_rc 2
expect_err_line 'sample types differ: \[contentions/count delay/nanoseconds\] vs \[contentions/count\]$'
run "$BIN/pprofdiff" --common-types "$CORPUS/go_block.pb.gz" one.pb
expect_rc 0
grep -q '^Type: contentions$' out || die "$(cat out)"
grep -q '^Total: base 28, new 5, delta -23 (-82.1%)$' out || die "$(cat out)"
