# pproftop -http in headless Chromium: /ui/top shows pproftop -top's
# rows and sorts them by a click on a column; the filter form and the
# sample-type menu reload the view with f= / si= in the URL and the
# rows pproftop prints for those options; the view menu keeps them
# (peek equals pproftop -peek); /ui/ draws the call graph as SVG;
# /ui/flamegraph has the navigation bar. No console error, and no
# request leaves the server's 127.0.0.1:PORT (tests/browser/webui.test.js).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/browser/lib.sh"
. "$(dirname "$0")/webui_lib.inc"
need_browser
need dot

P="$CORPUS/go_cpu.pb.gz"
json_lines() {  # stdin lines -> JSON array of strings
    node -e 'const l = require("fs").readFileSync(0, "utf8").split("\n");
             l.pop(); process.stdout.write(JSON.stringify(l));'
}
top_rows_text "$P" >"$WORK/top.txt"
top_rows_text -focus=cpuLight "$P" >"$WORK/focused.txt"
top_rows_text -focus=cpuLight -sample_index=samples "$P" >"$WORK/other.txt"
"$BIN/pproftop" -peek=cpuLight -focus=cpuLight -sample_index=samples "$P" \
    >"$WORK/peek.txt"
[ -s "$WORK/top.txt" ] && [ -s "$WORK/focused.txt" ] || die "pproftop -top failed"
cmp -s "$WORK/top.txt" "$WORK/focused.txt" && die "the focus changes nothing"
{
    printf '{"top":%s,' "$(json_lines <"$WORK/top.txt")"
    printf '"focus":"cpuLight","focused":%s,' "$(json_lines <"$WORK/focused.txt")"
    printf '"other_type":"samples","focused_other":%s,' "$(json_lines <"$WORK/other.txt")"
    printf '"peek":%s,' "$(node -e 'process.stdout.write(JSON.stringify(
        require("fs").readFileSync(process.argv[1], "utf8")))' "$WORK/peek.txt")"
    printf '"graph_names":["cpuHeavy","cpuRound","cpuLight"]}\n'
} >"$WORK/expect.json"

webui_start "$P"
node "$(dirname "$TESTLIB")/browser/webui.test.js" "$BASE" "$WORK/expect.json" \
    ${WEBUI_SHOTS:+"$WEBUI_SHOTS"} || die "browser checks failed"
webui_stop
