#!/usr/bin/env bash
# perf.data input against perf itself: a workload recorded here with
# `perf record -g` and with two events (no -g); pprofconv reads the
# perf.data file, pprofsym symbolizes it from the workload's binary (its
# mapping carries the ELF build id), and then pproftop's flat% of every
# workload function equals `perf report --no-children --sort sym`'s,
# per event; sample counts and event totals equal perf report's header
# lines; go tool pprof reads the converted profile with the same totals.
. "$TESTLIB"
. "$(dirname "$0")/perf_lib.bash"

# the workload's own functions, to compare (the kernel's stay
# unsymbolized: pprofsym does not read kallsyms)
nm --defined-only spin | awk '$2 ~ /^[tT]$/ { print $3 }' | sort >own.fns
own_only() { awk 'NR == FNR { own[$1] = 1; next } own[$1]' own.fns "$1" >"$1.own"; mv "$1.own" "$1"; }
# report_total DATA EVENT: "SAMPLES EVENT_COUNT" from perf report's header
report_total() {
    perf report -i "$1" --stdio --no-children --sort sym -g none 2>/dev/null |
        awk -v ev="$2" '/^# Samples: .* of event / { cur = $0; sub(/.*of event .?/, "", cur); sub(/.$/, "", cur)
                                                   if (cur == ev) { n = $3 } }
                        /^# Event count/ && n != "" && !done { print n, $NF; done = 1 }'
}
# raw_total PROFILE INDEX: sum of sample value INDEX (from 1) in pprof -raw
raw_total() {
    pprof -raw "$1" | awk -v i="$2" '/^Samples:/ { s = 1; getline; next }
        /^[A-Z]/ { s = 0 } s && /^ +[0-9]+( +[0-9]+)*:/ { t += $i } END { print t + 0 }'
}

for mode in g e; do
    if [ $mode = g ]; then
        perf record -q -e cpu-clock -g -o $mode.data ./spin 30000000 >rec.log 2>&1
        events=cpu-clock
    else
        perf record -q -e cpu-clock,task-clock -o $mode.data ./spin 30000000 >rec.log 2>&1
        events="cpu-clock task-clock"
    fi || { cat rec.log; die "perf record ($mode) failed"; }
    run "$BIN/pprofconv" $mode.data $mode.pb.gz
    expect_rc 0
    [ ! -s "$WORK/err" ] || { cat "$WORK/err"; die "pprofconv printed to stderr"; }
    run "$BIN/pprofsym" --allow-partial -q $mode.pb.gz $mode.sym.pb.gz
    expect_rc 0
    i=0
    for ev in $events; do
        report_pct $mode.data $ev >$mode.$ev.want
        own_only $mode.$ev.want
        grep -q '^spin_a ' $mode.$ev.want || die "perf report ($ev) has no spin_a"
        run "$BIN/pproftop" -nodefraction=0 -nodecount=1000 -sample_index=${ev}_event $mode.sym.pb.gz
        expect_rc 0
        top_pct "$WORK/out" >$mode.$ev.got
        own_only $mode.$ev.got
        same_pct $mode.$ev.want $mode.$ev.got "perf.data, $mode, $ev"
        read -r want_n want_t < <(report_total $mode.data $ev)
        got_n=$(raw_total $mode.pb.gz $((i + 1)))
        got_t=$(raw_total $mode.pb.gz $((i + 2)))
        [ "$got_n $got_t" = "$want_n $want_t" ] ||
            die "$mode $ev: $got_n samples / $got_t, perf report says $want_n / $want_t"
        i=$((i + 2))
    done
done
# the workload's mapping is the main one, with the ELF build id
bid=$(readelf -n spin | sed -n 's/^ *Build ID: //p')
[ -n "$bid" ] || die "the workload has no build id"
pprof -raw g.pb.gz | grep -q "^1: .* $WORK/spin $bid" ||
    { pprof -raw g.pb.gz | sed -n '/^Mappings/,$p'; die "main mapping lacks build id $bid"; }
# the same samples through perf script: the same totals
perf script -i g.data >g.txt 2>/dev/null || die "perf script failed"
"$BIN/pprofconv" g.txt gs.pb.gz || die "pprofconv g.txt failed"
[ "$(raw_total gs.pb.gz 2)" = "$(raw_total g.pb.gz 2)" ] ||
    die "perf script and perf.data totals differ"
# truncated: one clear line, exit 1, no output
head -c $(($(stat -c %s g.data) / 2)) g.data >cut.data
run "$BIN/pprofconv" cut.data cut.pb.gz
expect_rc 1
expect_err_line '^pprofconv: cut\.data: perf\.data: byte offset [0-9]+: '
expect_no_file cut.pb.gz
exit 0
