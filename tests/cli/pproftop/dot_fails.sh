# When Graphviz's dot fails, pproftop says so in one line (with dot's
# own first line of complaint) and exits 1, leaving no output file; a
# dot that crashes only takes itself down; a dot that quits without
# reading its input does not kill pproftop with SIGPIPE. Fake `dot`
# programs first in PATH stand in for the broken cases.
. "$TESTLIB"
f="$CORPUS/go_cpu.pb.gz"
mkdir -p "$WORK/fail" "$WORK/crash" "$WORK/early" "$WORK/args"
printf '#!/bin/sh\ncat >/dev/null\necho "Error: <stdin>: syntax error in line 1 near x" >&2\necho "more" >&2\nexit 1\n' \
    >"$WORK/fail/dot"
printf '#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n' >"$WORK/crash/dot"
printf '#!/bin/sh\necho "Error: gave up early" >&2\nexit 3\n' >"$WORK/early/dot"
printf '#!/bin/sh\necho "$@" >"%s/args.txt"\ncat\n' "$WORK" >"$WORK/args/dot"
chmod +x "$WORK"/*/dot

run env PATH="$WORK/fail:$PATH" "$BIN/pproftop" -svg -output="$WORK/g.svg" "$f"
expect_rc 1
expect_err_line "^pproftop: dot -Tsvg failed \(exit 1\): Error: <stdin>: syntax error in line 1 near x$"
expect_no_file "$WORK/g.svg"

run env PATH="$WORK/crash:$PATH" "$BIN/pproftop" -png -output="$WORK/g.png" "$f"
expect_rc 1
expect_err_line "^pproftop: dot -Tpng killed by signal 11"
expect_no_file "$WORK/g.png"

# a graph larger than a pipe buffer, so that writing it meets EPIPE
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "main;work.f%d %d\n", i, i + 1 }' \
    >"$WORK/wide.folded"
"$BIN/pprofconv" "$WORK/wide.folded" "$WORK/wide.pb.gz" || die "pprofconv"
"$BIN/pproftop" -dot -nodecount=0 -nodefraction=0 "$WORK/wide.pb.gz" >"$WORK/wide.dot"
[ "$(wc -c <"$WORK/wide.dot")" -gt 262144 ] || die "wide graph too small"
run env PATH="$WORK/early:$PATH" "$BIN/pproftop" -pdf -nodecount=0 \
    -nodefraction=0 "$WORK/wide.pb.gz"
expect_rc 1
expect_err_line "^pproftop: dot -Tpdf failed \(exit 3\): Error: gave up early$"

# dot gets exactly -T<format>, and the DOT on its stdin
run env PATH="$WORK/args:$PATH" "$BIN/pproftop" -gif "$f"
expect_rc 0
[ "$(cat "$WORK/args.txt")" = "-Tgif" ] || die "dot got: $(cat "$WORK/args.txt")"
"$BIN/pproftop" -dot "$f" >"$WORK/want.dot"
expect_same "$WORK/out" "$WORK/want.dot"
