#!/usr/bin/env bash
# Issue 11.6: the debug=1 text the capture module writes. mutex?debug=1
# has Go's header ("--- mutex:", "cycles/second=", "sampling period="
# with the mutex fraction, values raw as Go writes them), block has
# "--- contention:" without a sampling period, and go tool pprof reads
# back the proto's values from both. The "#" frame lines carry each
# frame's offset from its function's start: PC - OFFSET is the
# function's address (printed by the workload) and agrees with nm.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload contend
need nm
B="$CAPBIN/contend"
cd "$WORK"
run "$B" mutex.pb.gz block.pb.gz dbg 2
expect_rc 0

# headers (docs/FORMATS.md 2.4)
[ "$(head -3 dbg.mutex.txt)" = "$(printf -- '--- mutex:\ncycles/second=1000000000\nsampling period=2')" ] ||
    die "mutex header: $(head -3 dbg.mutex.txt)"
[ "$(head -2 dbg.block.txt)" = "$(printf -- '--- contention:\ncycles/second=1000000000')" ] ||
    die "block header: $(head -2 dbg.block.txt)"
sed -n 3p dbg.block.txt | grep -q '^sampling period' && die "block profile with a sampling period"
# the corpus's Go mutex profile has the same three header lines
[ "$(head -3 "$CORPUS/go_mutex.debug1.txt" | sed 's/=.*/=/')" = "$(head -3 dbg.mutex.txt | sed 's/=.*/=/')" ] ||
    die "header differs from Go's: $(head -3 "$CORPUS/go_mutex.debug1.txt")"

# go tool pprof reads the same values from the text as from the proto
values() {  # PROFILE: "count delay" per sample, sorted
    pprof -raw "$1" | awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 }
        s && $2 ~ /:$/ { sub(/:$/, "", $2); print $1, $2 }' | sort
}
for k in mutex block; do
    values "$k.pb.gz" >"$k.want"
    values "dbg.$k.txt" >"$k.got"
    [ -s "$k.want" ] || die "$k: no samples in the proto"
    cmp -s "$k.want" "$k.got" || { diff "$k.want" "$k.got"; die "$k: debug=1 values differ from the proto's"; }
    echo "$k: $(wc -l <"$k.got") samples read back equal"
done
pprof -raw dbg.mutex.txt | grep -qx 'Period: 2' || die "pprof does not read sampling period=2"

# offsets: "#<TAB>0xPC<TAB>FUNC+0xOFF<TAB>FILE:LINE"
addr() { awk -v f="$1" '$1 == "addr" && $3 == f { print $2 }' "$WORK/out"; }
nmval() { nm "$B" | awk -v f="$1" '$3 == f && ($2 == "T" || $2 == "t") { print "0x" $1 }'; }
bias=$(( $(addr main) - $(nmval main) ))
[ $((bias % 4096)) = 0 ] || die "load bias $bias is not page aligned"
checked=0
for f in dbg.mutex.txt dbg.block.txt dbg.threadcreate.txt; do
    while read -r pc fn off; do
        want=$(addr "$fn")
        [ -n "$want" ] || continue
        [ $((pc - off)) = $((want)) ] ||
            die "$f: $fn at $pc +$off: function at $(printf 0x%x $((pc - off))), want $want"
        [ $((pc - off - bias)) = $(( $(nmval "$fn") )) ] ||
            die "$f: $fn +$off disagrees with nm ($(nmval "$fn"))"
        [ "$off" != 0x0 ] || die "$f: $fn with offset 0"
        checked=$((checked + 1))
    done < <(awk -F'\t+' '/^#/ && $3 ~ /\+0x/ {
                 split($3, a, "+"); print $2, a[1], a[2] }' "$f")
done
[ "$checked" -ge 4 ] || die "only $checked frames with known functions checked"
echo "offsets: $checked frames agree with the functions' addresses and nm"
# and nothing is left at +0x0 where the function is known
grep -P '^#\t0x[0-9a-f]+\t[a-z_]+\+0x0\t' dbg.*.txt && die "frames with +0x0"
exit 0
