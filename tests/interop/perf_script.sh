#!/usr/bin/env bash
# perf script input against perf itself: a workload recorded here with
# `perf record -g` (one event) and without -g (two events, build ids in
# the mmap records); pproftop's flat% per function equals
# `perf report --stdio --no-children --sort sym`'s overhead for every
# function of 0.5% or more (both ways), per event; the profile that
# pprofconv writes reads the same in go tool pprof; the workload's
# mapping carries its ELF build id; pprofmerge takes perf script too.
. "$TESTLIB"
. "$(dirname "$0")/perf_lib.bash"

# --- call graphs, one event
perf record -q -e cpu-clock -g -o g.data ./spin 30000000 >rec.log 2>&1 ||
    { cat rec.log; die "perf record -g failed"; }
perf script -i g.data >g.txt 2>/dev/null || die "perf script failed"
grep -q "spin_a" g.txt || die "perf script shows no spin_a"
report_pct g.data cpu-clock >g.want
[ -s g.want ] || die "perf report gave nothing"
run "$BIN/pproftop" -nodefraction=0 -nodecount=1000 g.txt
expect_rc 0
cp "$WORK/out" g.top
grep -q '^Type: cpu-clock_event$' g.top || die "default type is not cpu-clock_event"
top_pct g.top >g.got
same_pct g.want g.got "call graphs"
# the converted profile reads the same in go tool pprof, with the
# call graph: spin_a's most frequent caller in perf script is its caller
# in pprof -peek
run "$BIN/pprofconv" g.txt g.pb.gz
expect_rc 0
pprof -top -nodefraction=0 -nodecount=1000 g.pb.gz >g.gotop
top_pct g.gotop >g.gogot
same_pct g.want g.gogot "go tool pprof"
caller=$(awk 'prev { sub(/^[ \t]*[0-9a-f]+ /, ""); sub(/[+ ].*/, ""); print; prev = 0 }
              / spin_a\+0x/ { prev = 1 }' g.txt | sort | uniq -c | sort -rn | awk '{ print $2; exit }')
[ -n "$caller" ] || die "no caller of spin_a in perf script"
pprof -peek '^spin_a$' g.pb.gz | grep -Eq "\| +$caller\$" ||
    { pprof -peek '^spin_a$' g.pb.gz; die "spin_a's caller $caller not in -peek"; }

# --- no call graphs, two events, build ids in the mmap records
if perf record -q --buildid-mmap -e cpu-clock,task-clock -o e.data ./spin 30000000 >rec2.log 2>&1; then
    perf script -i e.data --show-mmap-events >e.txt 2>/dev/null || die "perf script failed"
else    # an older perf without --buildid-mmap
    perf record -q -e cpu-clock,task-clock -o e.data ./spin 30000000 >rec2.log 2>&1 ||
        { cat rec2.log; die "perf record -e cpu-clock,task-clock failed"; }
    perf script -i e.data >e.txt 2>/dev/null || die "perf script failed"
fi
for ev in cpu-clock task-clock; do
    report_pct e.data $ev >e.want
    run "$BIN/pproftop" -nodefraction=0 -nodecount=1000 -sample_index=${ev}_event e.txt
    expect_rc 0
    top_pct "$WORK/out" >e.got
    same_pct e.want e.got "$ev, no call graphs"
done
if grep -q 'PERF_RECORD_MMAP2.*<[0-9a-f]*>\]: r-xp .*/spin$' e.txt; then
    bid=$(readelf -n spin | sed -n 's/^ *Build ID: //p')
    "$BIN/pprofconv" e.txt e.pb.gz || die "pprofconv e.txt failed"
    pprof -raw e.pb.gz | grep -q "^1: .* $WORK/spin $bid" ||
        { pprof -raw e.pb.gz | sed -n '/^Mappings/,$p'; die "main mapping lacks build id $bid"; }
else
    echo "perf records no build ids in mmap events: build id check not run"
fi

# --- merge: two perf script files add up
run "$BIN/pprofmerge" -o m.pb.gz g.txt g.txt
expect_rc 0
a=$(pprof -raw g.pb.gz | awk '/^Samples:/ { s = 1; next } s && /^ +[0-9]+ +[0-9]+:/ { t += $2 } END { print t }')
b=$(pprof -raw m.pb.gz | awk '/^Samples:/ { s = 1; next } s && /^ +[0-9]+ +[0-9]+:/ { t += $2 } END { print t }')
[ "$b" = $((2 * a)) ] || die "merged total $b, want $((2 * a))"
exit 0
