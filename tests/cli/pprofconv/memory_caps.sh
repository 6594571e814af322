# Reading is bounded by one memory budget (--max-memory, shared by the
# inputs decoded at once) and a record cap (--max-records): gzip bombs,
# forged gzip trailers and huge string tables fail with one clear line
# naming the cap and the option, exit 1, and a small peak RSS.
. "$TESTLIB"
cd "$WORK"
gz=$BIN/../tests/cli/gzrepeat
[ -x "$gz" ] || { echo "gzrepeat not built (make tests)"; exit 77; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time not installed"; exit 77; }
asan=false
ldd "$BIN/pprofconv" | grep -q libasan && asan=true

# rss_run MAXKB CMD...: run CMD (as run does), fail if its peak RSS
# passes MAXKB kilobytes.
rss_run() {
    local max=$1 kb
    shift
    /usr/bin/time -f %M -o rss "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?
    kb=$(tail -1 rss)
    sed -i '/^Command exited with non-zero status/d' "$WORK/err"
    [ "$kb" -le "$max" ] || die "$* took $kb KB of RSS, want <= $max"
}
# ASan's shadow memory and quarantine add to every run.
slack=$($asan && echo 250000 || echo 60000)
mem_re='reading needs more than the memory limit of 268435456 bytes \(--max-memory raises the limit\)$'

# 10 GiB of zeros in 10 MB: refused before anything is inflated, by
# every tool that reads profiles.
"$gz" 10G >bomb.gz
rss_run $slack "$BIN/pprofconv" --max-memory=256M bomb.gz out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: bomb.gz: $mem_re"
expect_no_file "$WORK/out.pb.gz"
rss_run $slack "$BIN/pproftop" -max-memory=256M bomb.gz
expect_rc 1
expect_err_line "^pproftop: bomb.gz: $mem_re"
rss_run $slack "$BIN/pprofsym" --max-memory=256M bomb.gz out.pb.gz
expect_rc 1
expect_err_line "^pprofsym: bomb.gz: $mem_re"
rss_run $slack "$BIN/pprofdiff" --max-memory=256M bomb.gz bomb.gz
[ "$rc" -ne 0 ] || die "pprofdiff accepted a gzip bomb"
expect_err_line "^pprofdiff: bomb.gz: $mem_re"
# Two copies merged: the parallel decoders share the budget.
rss_run $slack "$BIN/pprofmerge" --max-memory=256M -o out.pb.gz bomb.gz bomb.gz
expect_rc 1
expect_err_line "^pprofmerge: bomb.gz: $mem_re"
expect_no_file "$WORK/out.pb.gz"
# With the default budget (3 GiB) too; its size is in the message. (7
# GiB, whose trailer says 3 GiB: refused up front. The 10 GiB bomb
# would inflate 2 GiB, within the default, before it is refused.)
"$gz" 7G >bomb7.gz
rss_run $slack "$BIN/pprofmerge" -o out.pb.gz bomb7.gz bomb7.gz bomb7.gz
expect_rc 1
expect_err_line '^pprofmerge: bomb7.gz: reading needs more than the memory limit of 3221225472 bytes \(--max-memory raises the limit\)$'

# A 99-byte truncated gzip whose trailer claims 4 GiB: the trailer is
# not trusted past deflate's best ratio, so the error is the gzip one,
# found without a big allocation (under a 300 MB address-space limit).
head -c 100000 /dev/zero | gzip -c | head -c 95 >forged.gz
printf '\377\377\377\377' >>forged.gz
[ "$(wc -c <forged.gz)" -eq 99 ] || die "forged.gz is not 99 bytes"
rss_run $slack "$BIN/pprofconv" forged.gz out.pb.gz
expect_rc 1
expect_err_line '^pprofconv: forged.gz: gzip: unexpected end of data at byte 99$'
if ! $asan; then    # ASan reserves terabytes of address space
    run bash -c "ulimit -v 300000; exec '$BIN/pprofconv' forged.gz out.pb.gz"
    expect_rc 1
    expect_err_line '^pprofconv: forged.gz: gzip: unexpected end of data at byte 99$'
fi

# 1.08e9 bytes of empty string_table entries (5.4e8 strings) in 1 MB:
# over the budget while inflating.
"$gz" -p 3200 1080000000 >strings.gz
rss_run $slack "$BIN/pprofconv" --max-memory=256M strings.gz out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: strings.gz: $mem_re"
# 4e7 empty strings (80 MB) fit when inflated, their table does not.
"$gz" -p 3200 80000000 >strings80.gz
rss_run $((slack + 262144)) "$BIN/pprofconv" --max-memory=256M strings80.gz out.pb.gz
expect_rc 1
expect_err_line "^pprofconv: strings80.gz: $mem_re"
# The record cap counts strings.
rss_run $((slack + 200000)) "$BIN/pprofconv" --max-records=1000000 strings80.gz out.pb.gz
expect_rc 1
expect_err_line '^pprofconv: strings80.gz: more than 1000000 records \(strings, mappings, functions, locations, samples\) at byte 2000000 \(--max-records raises the limit\)$'
expect_no_file "$WORK/out.pb.gz"

# A pipe is read into memory: within the limit too.
rss_run $slack bash -c "head -c 30000000 /dev/zero | exec '$BIN/pprofconv' --max-memory=8M - out.pb.gz"
expect_rc 1
expect_err_line '^pprofconv: <stdin>: input exceeds the memory limit of 8388608 bytes \(--max-memory raises the limit\)$'
expect_no_file "$WORK/out.pb.gz"

# Caps that do not bind leave a real profile alone.
run "$BIN/pprofconv" --max-memory=64M --max-records=100000 "$CORPUS/go_heap.pb.gz" out.pb.gz
expect_rc 0
# Bad values are usage errors.
run "$BIN/pprofconv" --max-memory=lots "$CORPUS/go_heap.pb.gz" out2.pb.gz
expect_rc 2
grep -q "^pprofconv: --max-memory wants a positive size" err || die "bad --max-memory: $(cat err)"
run "$BIN/pprofconv" --max-records=0 "$CORPUS/go_heap.pb.gz" out2.pb.gz
expect_rc 2
grep -q "^pprofconv: --max-records wants a positive count, not '0'" err || die "bad --max-records: $(cat err)"
