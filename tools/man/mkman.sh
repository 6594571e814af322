#!/bin/sh
# mkman.sh TOOL VERSION PAGE.txt < HELP > TOOL.1
#
# Writes the man page of TOOL from its --help text (stdin) and
# tools/man/TOOL.txt (first line: the one-line summary for NAME; the
# rest: the EXAMPLES section, where a line starting with "$ " is a
# command and other lines explain it). The options and their wording
# come only from --help, so the page cannot drift from the program.
#
# --help layout read here: "Usage: TOOL ..." on line 1, description
# paragraphs, then headings (an unindented line ending in ':') with
# option lines ("  -x, --long=ARG   text", continuations indented
# deeper), then closing paragraphs; one starting "Exit status" becomes
# EXIT STATUS.
set -eu
tool=$1 version=$2 page=$3
summary=$(sed -n 1p "$page")
awk -v tool="$tool" -v version="$version" -v summary="$summary" -v page="$page" '
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    if (s ~ /^[.\047]/) s = "\\&" s
    return s
}
function flushpara() {
    if (para == "") return
    print ".PP"
    n = split(para, pl, "\n")
    for (i = 1; i <= n; i++) print esc(pl[i])
    para = ""
}
BEGIN {
    up = toupper(tool)
    printf ".TH %s 1 \"\" \"libprofile %s\" \"libprofile manual\"\n", up, version
    print ".SH NAME"
    print tool " \\- " esc(summary)
    state = "usage"
}
NR == 1 {
    sub(/^Usage: */, "")
    print ".SH SYNOPSIS"
    n = split($0, w, " ")
    printf ".B %s\n", esc(w[1])
    rest = ""
    for (i = 2; i <= n; i++) rest = rest (i > 2 ? " " : "") w[i]
    if (rest != "") print esc(rest)
    print ".SH DESCRIPTION"
    state = "desc"
    next
}
/^$/ { flushpara(); next }
/^[^ ].*:$/ {
    flushpara()
    if (state != "opts") { print ".SH OPTIONS"; state = "opts" }
    h = $0; sub(/:$/, "", h)
    if (h != "Options") print ".SS " esc(h)
    next
}
/^ +-/ && state == "opts" {
    flushpara()
    line = $0; sub(/^ +/, "", line)
    # the option part ends at the first run of two or more spaces
    if (match(line, /   */)) { opt = substr(line, 1, RSTART - 1); desc = substr(line, RSTART + RLENGTH) }
    else { opt = line; desc = "" }
    print ".TP"
    print "\\fB" esc(opt) "\\fR"
    if (desc != "") print esc(desc)
    inopt = 1
    next
}
/^      / && inopt && state == "opts" {
    line = $0; sub(/^ +/, "", line)
    print esc(line)
    next
}
{
    inopt = 0
    if (state == "opts") state = "after"
    line = $0; sub(/^ +/, "", line)
    if ((state == "after" || state == "notes") && line ~ /^Exit status/) {
        flushpara()
        print ".SH EXIT STATUS"
        sub(/^Exit status: */, "", line)
        state = "exit"
    } else if (state == "after" && para == "") {
        print ".SH NOTES"
        state = "notes"
    }
    para = para (para == "" ? "" : "\n") line
}
END {
    flushpara()
    ex = 0
    while ((getline l < page) > 0) {
        if (++ln == 1) continue
        if (!ex) { print ".SH EXAMPLES"; ex = 1 }
        if (l ~ /^\$ /) { print ".PP"; print ".nf"; print "\\fB" esc(substr(l, 3)) "\\fR"; print ".fi" }
        else if (l == "") continue
        else print esc(l)
    }
    print ".SH SEE ALSO"
    n = split("pprofconv pprofmerge pprofdiff pproftop pprofsym pprofrecord", t, " ")
    for (i = 1; i <= n; i++) if (t[i] != tool) print ".BR " t[i] " (1),"
    print ".BR go (1)"
    print "(go tool pprof, the reference these tools follow)."
}'
