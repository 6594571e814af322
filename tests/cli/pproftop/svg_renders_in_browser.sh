# pproftop -svg: well-formed XML with one node group per DOT node (the
# legend, every function box and tag sub-node), and it renders in a
# browser: headless Chromium runs its pan/zoom script (which marks the
# root data-panzoom="on"), the hottest functions are in the DOM, a
# screenshot is a picture, not a blank page, and a wheel turn, a drag
# and a double click zoom, pan and reset the view.
. "$TESTLIB"
need dot xmllint node chromium

f="$CORPUS/go_cpu_labels.pb.gz"
"$BIN/pproftop" -dot "$f" >"$WORK/g.dot" || die "pproftop -dot failed"
"$BIN/pproftop" -svg -output="$WORK/g.svg" "$f" || die "pproftop -svg failed"
xmllint --noout "$WORK/g.svg" || die "SVG is not well-formed XML"
want=$(( $(grep -c '^N[N0-9_]* \[' "$WORK/g.dot") + 1 ))   # + the legend
got=$(xmllint --xpath 'count(//*[local-name()="g"][@class="node"])' "$WORK/g.svg")
[ "$got" -eq "$want" ] || die "SVG has $got node groups, DOT has $want nodes"
# (dot also numbers the legend "node1" on its own, as with pprof's SVG)
for id in $(sed -n 's/^N[0-9]* \[.* id="\(node[0-9]*\)".*/\1/p' "$WORK/g.dot"); do
    [ "$(xmllint --xpath "count(//*[@id=\"$id\"])" "$WORK/g.svg")" -ge 1 ] ||
        die "no element with id $id in the SVG"
done
grep -q '<script' "$WORK/g.svg" || die "no pan/zoom script"
if grep -Eq '(href|src)="https?:' "$WORK/g.svg"; then
    die "SVG refers to something outside itself"
fi

chrome() {
    local profile
    profile=$(mktemp -d "$WORK/chrome.XXXXXX")
    timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$profile" \
        "$@" 2>/dev/null
}
chrome --dump-dom "file://$WORK/g.svg" >"$WORK/dom.xml" || die "chromium failed"
grep -q 'data-panzoom="on"' "$WORK/dom.xml" || die "pan/zoom script did not run"
# the three functions with the largest flat values, as the DOT labels them
n=0
for name in $("$BIN/pproftop" -nodecount=3 "$f" | awk 'h { print $6 } /flat%/ { h = 1 }'); do
    short=${name##*.}
    grep -q ">$short</text>" "$WORK/dom.xml" || die "$short is not in the rendered DOM"
    n=$((n + 1))
done
[ "$n" -eq 3 ] || die "checked $n function names, want 3"
chrome --screenshot="$WORK/shot.png" --window-size=1000,800 "file://$WORK/g.svg" >/dev/null ||
    die "chromium screenshot failed"
read -r w h inked colours < <(node "$(dirname "$0")/png_stats.js" "$WORK/shot.png") ||
    die "cannot read the screenshot"
[ "$w" -eq 1000 ] && [ "$h" -eq 800 ] || die "screenshot is ${w}x$h"
# a blank page has no ink; the graph has boxes, arrows and text in colour
[ "$inked" -gt 20000 ] && [ "$colours" -gt 50 ] ||
    die "screenshot looks blank: $inked inked pixels, $colours colours"
# navigation: a page embeds the SVG and sends it a wheel turn, a drag
# and a double click; the SVG's viewBox must zoom in, move, and return
cat >"$WORK/nav.html" <<'HTML'
<!DOCTYPE html><html><body>
<object id="o" data="g.svg" type="image/svg+xml" width="800" height="600"></object>
<pre id="r">pending</pre>
<script>
document.getElementById('o').addEventListener('load', function () {
  var d = this.contentDocument, svg = d.documentElement, vb = svg.viewBox.baseVal;
  function box() { return [vb.x, vb.y, vb.width, vb.height].join(' '); }
  function mouse(t, x, y) {
    return new MouseEvent(t, { button: 0, clientX: x, clientY: y, bubbles: true });
  }
  var out = ['before=' + box()];
  svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, clientX: 400,
      clientY: 300, bubbles: true, cancelable: true }));
  out.push('zoomed=' + box());
  svg.dispatchEvent(mouse('mousedown', 100, 100));
  d.defaultView.dispatchEvent(mouse('mousemove', 150, 130));
  d.defaultView.dispatchEvent(mouse('mouseup', 150, 130));
  out.push('panned=' + box());
  svg.dispatchEvent(mouse('dblclick', 10, 10));
  out.push('reset=' + box());
  document.getElementById('r').textContent = 'NAV ' + out.join(';');
});
</script></body></html>
HTML
chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom \
    "file://$WORK/nav.html" >"$WORK/nav.dom" || die "chromium failed on nav.html"
nav=$(sed -n 's/.*<pre id="r">NAV \([^<]*\)<\/pre>.*/\1/p' "$WORK/nav.dom")
[ -n "$nav" ] || die "navigation page did not run: $(grep -o 'pending' "$WORK/nav.dom")"
# before, zoomed, panned, reset: "x y width height" each
echo "$nav" | tr ';' '\n' | sed 's/^[a-z]*=//' | awk '
    { x[NR] = $1; y[NR] = $2; w[NR] = $3; h[NR] = $4 }
    END {
        if (NR != 4) { print "got " NR " views"; exit 1 }
        if (!(w[2] < w[1] && h[2] < h[1])) { print "no zoom"; exit 1 }
        if (x[3] == x[2] && y[3] == y[2]) { print "no pan"; exit 1 }
        if (w[3] != w[2]) { print "pan changed the zoom"; exit 1 }
        if (x[4] != x[1] || y[4] != y[1] || w[4] != w[1] || h[4] != h[1]) {
            print "no reset"; exit 1 }
    }' || die "SVG navigation does not work: $nav"
echo "svg: $got nodes; screenshot: $inked inked pixels, $colours colours; $nav"
