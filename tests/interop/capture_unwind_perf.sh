#!/usr/bin/env bash
# The DWARF unwinder against the reference for this: `perf record
# --call-graph dwarf` on the same -O2 -fomit-frame-pointer binary
# (tests/capture/src/unwind/). For each of the workload's four leaves
# (plain chain, qsort comparator, shared-library callback, dlopen'ed
# library) the chain of the workload's own functions that most samples
# show must be the same in perf's view and in ours, and every one of
# our samples of the leaf must have it (perf's are allowed a few
# misses). Skipped (77) if perf cannot sample here.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
unwind_workload
cd "$WORK"
# qsort_r is left out: perf names glibc's internal frames differently
KEEP=leaf_chain,b_chain,a_chain,main,cmp_slow,sort_work,cb_leaf,lib_inner,lib_walk,use_lib,dl_leaf,dl_mid,dl_entry,use_dl

need perf
perf record -q --call-graph dwarf -F 499 -o perf.data -- "$B" "$DL" 2 \
    >perf.out 2>perf.err
if [ $? -ne 0 ] || [ ! -s perf.data ]; then
    echo "perf cannot sample here ($(head -1 perf.err)): comparison skipped"
    exit 77
fi
perf_chains "$KEEP" perf.data >perf.chains
[ -s perf.chains ] || { echo "perf recorded no user stacks: comparison skipped"; exit 77; }

run "$BIN/pprofrecord" -o cpu.pb.gz --rate=1000 -- "$B" "$DL" 2
expect_rc 0
trace_chains "$KEEP" cpu.pb.gz >ours.chains

# top_chain FILE LEAF: the most frequent chain of LEAF's samples
top_chain() {
    awk -v l="$2" '$1 == l { n[$3]++ }
        END { for (c in n) if (n[c] > best) { best = n[c]; top = c }; print top }' "$1"
}
for leaf in leaf_chain cmp_slow cb_leaf dl_leaf; do
    p=$(top_chain perf.chains $leaf)
    o=$(top_chain ours.chains $leaf)
    echo "$leaf: perf $p, ours $o"
    [ -n "$p" ] || die "perf has no sample of $leaf"
    [ "$p" = "$o" ] || die "$leaf: chain $o, perf says $p"
    bad=$(awk -v l=$leaf -v c="$p" '$1 == l && $3 != c' ours.chains)
    [ -z "$bad" ] || die "$leaf samples off perf's chain: $bad"
done
exit 0
