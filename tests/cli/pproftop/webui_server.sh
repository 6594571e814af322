# pproftop -http: every route answers with the status and content type
# it should, the views show what the text reports print for the same
# options (URL parameters as pprof's: f, h, si, g, ...), a bad regexp or
# sample index in the URL gives a 400 page while the server keeps
# running, $BROWSER is started on the URL, and SIGINT stops it with exit
# 0 and the port closed. A port in use and a bad host fail cleanly.
. "$TESTLIB"
. "$(dirname "$0")/webui_lib.inc"
need curl

P="$CORPUS/go_cpu.pb.gz"
TRIM=-trim_path=/build/corpus/public/go_workload
SRC=-source_path="$CORPUS"
# a fake browser that records the URL it is given
printf '#!/bin/sh\necho "$@" >"%s/browser.url"\n' "$WORK" >"$WORK/browser"
chmod +x "$WORK/browser"
BROWSER="$WORK/browser" "$BIN/pproftop" -http=:0 "$TRIM" "$SRC" "$P" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 100); do
    [ -s "$WORK/browser.url" ] && break
    sleep 0.05
done
grep -qx 'Serving web UI on http://127\.0\.0\.1:[0-9]*' "$WORK/server.err" ||
    { cat "$WORK/server.err"; die "no 'Serving web UI' line for -http=:0"; }
[ "$(cat "$WORK/browser.url" 2>/dev/null)" = "$(sed 's/^Serving web UI on //' "$WORK/server.err")" ] ||
    die "browser got '$(cat "$WORK/browser.url" 2>/dev/null)'"
kill -TERM $PID; wait $PID || die "exit status $? after SIGTERM"
trap - EXIT
[ ! -s "$WORK/server.out" ] || die "the server wrote to stdout"

webui_start "$TRIM" "$SRC" "$P"

# top: the table equals pproftop -top, for the defaults and for filters
fetch /ui/top
expect_page 200
top_rows_html >"$WORK/html.rows"
top_rows_text "$P" >"$WORK/text.rows"
[ -s "$WORK/text.rows" ] || die "no rows from pproftop -top"
expect_same "$WORK/html.rows" "$WORK/text.rows"
pre_labels=$(sed -n '/<pre class="pfui-labels"/,/<\/pre>/p' "$WORK/body" |
             sed 's/<[^>]*>//g' | grep -v '^$')
[ "$pre_labels" = "$("$BIN/pproftop" -top "$P" | sed '/^ *flat  flat%/,$d')" ] ||
    die "top header lines differ from pproftop -top"
fetch '/ui/top?f=cpuHeavy%7CcpuLight&si=samples&h=lightMix'
expect_page 200
top_rows_html >"$WORK/html.rows"
top_rows_text -focus='cpuHeavy|cpuLight' -sample_index=samples -hide=lightMix "$P" \
    >"$WORK/text.rows"
expect_same "$WORK/html.rows" "$WORK/text.rows"
cmp -s "$WORK/html.rows" <(top_rows_text "$P") && die "filters changed nothing"
grep -q '<option value="samples" selected>' "$WORK/body" ||
    die "sample menu does not show the selected type"
grep -q '<input name="f" value="cpuHeavy|cpuLight">' "$WORK/body" ||
    die "filter box does not show the focus"
# the view links keep the query
grep -q 'href="/ui/peek?f=cpuHeavy%7CcpuLight&amp;h=lightMix&amp;si=samples"' \
    "$WORK/body" || die "navigation links lose the query"
# a row's name links to its peek view, with the other options kept
link=$(grep -o 'href="/ui/peek?f=%5Emain%5C.cpuLight%24[^"]*"' "$WORK/body") ||
    die "no peek link for main.cpuLight"
link=${link#href=\"}
link=${link%\"}
[ "$link" = '/ui/peek?f=%5Emain%5C.cpuLight%24&amp;h=lightMix&amp;si=samples' ] ||
    die "peek link '$link'"
fetch "$(printf '%s' "$link" | sed 's/&amp;/\&/g')"
expect_page 200
pre_text pfui-peek >"$WORK/html.txt"
"$BIN/pproftop" '-peek=^main\.cpuLight$' '-focus=^main\.cpuLight$' -hide=lightMix \
    -sample_index=samples "$P" >"$WORK/text.txt"
expect_same "$WORK/html.txt" "$WORK/text.txt"
fetch '/ui/top?g=lines&s=main'
top_rows_html >"$WORK/html.rows"
top_rows_text -lines -show=main "$P" >"$WORK/text.rows"
expect_same "$WORK/html.rows" "$WORK/text.rows"

# peek and source: the text reports, with f as the regexp (and focus)
fetch '/ui/peek?f=cpuRound'
expect_page 200
pre_text pfui-peek >"$WORK/html.txt"
"$BIN/pproftop" -peek=cpuRound -focus=cpuRound "$P" >"$WORK/text.txt"
expect_same "$WORK/html.txt" "$WORK/text.txt"
fetch '/ui/source?f=cpuHeavy'
expect_page 200
pre_text pfui-source >"$WORK/html.txt"
"$BIN/pproftop" -list=cpuHeavy -focus=cpuHeavy "$TRIM" "$SRC" "$P" >"$WORK/text.txt"
grep -q 'x ^= x << 13' "$WORK/text.txt" || die "listing without source text"
expect_same "$WORK/html.txt" "$WORK/text.txt"
fetch '/ui/source?f=cpuLight&si=samples&noinlines=t'
pre_text pfui-source >"$WORK/html.txt"
"$BIN/pproftop" -list=cpuLight -focus=cpuLight -sample_index=samples -noinlines \
    "$TRIM" "$SRC" "$P" >"$WORK/text.txt"
expect_same "$WORK/html.txt" "$WORK/text.txt"

# the call graph: Graphviz's SVG of the DOT report, with its legend
fetch '/ui/?f=cpuHeavy%7CcpuLight'
expect_page 200
grep -q '<svg' "$WORK/body" || die "no SVG in /ui/"
grep -q '<?xml' "$WORK/body" && die "XML prolog inside the HTML page"
want=$("$BIN/pproftop" -top -focus='cpuHeavy|cpuLight' "$P" | grep '^Showing nodes')
grep -qF ">$want</text>" "$WORK/body" || die "graph legend lacks '$want'"
grep -q '>cpuHeavy</text>' "$WORK/body" || die "no cpuHeavy node in the graph"
grep -q '>cpuMedium</text>' "$WORK/body" && die "the focus did not reach the graph"
# the flame graph page, with the navigation bar in it
fetch '/ui/flamegraph?si=samples'
expect_page 200
grep -q '<nav class="pfui-nav"' "$WORK/body" || die "flame graph without navigation"
grep -q 'main.cpuHeavy' "$WORK/body" || die "flame graph without its data"

# errors: 400 pages, and the server keeps serving
fetch '/ui/source?f=%28'
expect_page 400
grep -q "pfui-error.*invalid regexp" "$WORK/body" || die "no regexp error shown"
grep -q '<nav class="pfui-nav"' "$WORK/body" || die "error page without navigation"
fetch '/ui/top?si=no_such_type'
expect_page 400
grep -q 'pfui-error' "$WORK/body" || die "no sample index error shown"
fetch '/ui/top?g=bytes'
expect_page 400
fetch '/ui/peek?f=xyzzy_no_such'
expect_page 404
grep -q 'no matches found for regexp: xyzzy_no_such' "$WORK/body" ||
    die "no 'no matches' message"
fetch /ui/no_such_page
expect_page 404
fetch /ui/top
expect_page 200
# / redirects to /ui/ with the query
curl -s -D "$WORK/hdr" -o /dev/null "$BASE/?f=main" || die "curl /"
grep -qi '^Location: /ui/?f=main' "$WORK/hdr" || die "no redirect to /ui/"
# only GET and HEAD
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/ui/top")" = 405 ] ||
    die "POST not refused"
# no page may fetch anything from elsewhere
curl -s -D "$WORK/hdr" -o /dev/null "$BASE/ui/top"
grep -qi "^Content-Security-Policy: default-src 'none'" "$WORK/hdr" ||
    die "no Content-Security-Policy"
grep -Eiq '(src|href)="(https?:)?//' "$WORK/body" && die "external reference in /ui/top"

# a second server on the same port fails with a clear message
run "$BIN/pproftop" -http=127.0.0.1:$PORT -no_browser "$P"
expect_rc 1
expect_err_line "cannot listen on 127\.0\.0\.1:$PORT: Address already in use"

webui_stop

run "$BIN/pproftop" -http=no-such-host.invalid:0 -no_browser "$P"
expect_rc 1
expect_err_line "bad host 'no-such-host\.invalid'"
run "$BIN/pproftop" -http=127.0.0.1:99999 -no_browser "$P"
expect_rc 2
run "$BIN/pproftop" -http=nocolon -no_browser "$P"
expect_rc 2
