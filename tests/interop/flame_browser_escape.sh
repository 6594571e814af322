# Frame names that look like markup (</script>, <img onerror>), with
# & and quotes, non-ASCII, invalid UTF-8 and U+2028 are drawn in
# Chromium as exactly their text (invalid bytes as U+FFFD, decoded
# independently by node's TextDecoder), with no injected element, no
# console error and no network request; an empty page loads cleanly.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/browser/lib.sh"
need_browser
printf 'main;</script><img src=x onerror=console.error(1)>;x&ampy "q" '"'"'s'"'"' <!--;caf\303\251;bad\377end 7\nmain;\342\200\250sep 3\n' \
    >"$WORK/names.folded"
run "$BIN/pproftop" -flamegraph "$WORK/names.folded"
expect_rc 0
mv "$WORK/out" "$WORK/page.html"
node - "$WORK/names.folded" >"$WORK/expect.json" <<'JS' || die "expectations"
const fs = require('fs');
const text = new TextDecoder('utf-8').decode(fs.readFileSync(process.argv[2]));
const names = new Set();
for (const line of text.split('\n').filter(Boolean))
  line.slice(0, line.lastIndexOf(' ')).split(';').forEach((n) => names.add(n));
console.log(JSON.stringify({ names: [...names], title: 'flame graph of samples' }));
JS
flame_browser escape "$WORK/page.html" "$WORK/expect.json"

# a page with nothing to draw (the focus matched no sample) loads
# cleanly too: only the root frame
run "$BIN/pproftop" -flamegraph -focus=nomatch "$WORK/names.folded"
expect_rc 0
mv "$WORK/out" "$WORK/empty.html"
echo '{"names":[],"title":"flame graph of samples"}' >"$WORK/empty.json"
flame_browser escape "$WORK/empty.html" "$WORK/empty.json"
