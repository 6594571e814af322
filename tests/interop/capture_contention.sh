#!/usr/bin/env bash
# Mutex and block profiles: four threads contend for one mutex held ~1 ms
# at a time (mutex: delay charged to the unlocker in contended_section;
# block: waiters in contended_section), a thread waits ~100 ms on a
# condition variable and one ~50 ms on a rwlock.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload contend
B="$CAPBIN/contend"
run "$B" "$WORK/mutex.pb.gz" "$WORK/block.pb.gz"
expect_rc 0
m=$(top_cum "$B" "$WORK/mutex.pb.gz" contended_section)
b=$(top_cum "$B" "$WORK/block.pb.gz" contended_section)
c=$(top_cum "$B" "$WORK/block.pb.gz" cond_waiter_wait)
r=$(top_cum "$B" "$WORK/block.pb.gz" rw_reader_wait)
echo "mutex contended_section $m ms; block: contended_section $b, cond $c, rwlock $r ms"
# 200 sections of >= 1 ms by 4 threads: waiters wait >= 100 ms in total
within "$m" 100 100000 || die "mutex delay in contended_section: $m ms"
within "$b" 100 100000 || die "block delay in contended_section: $b ms"
within "$c" 90 2000 || die "cond wait: $c ms, want ~100"
within "$r" 40 2000 || die "rwlock wait: $r ms, want ~50"
n=$(pprof -sample_index=contentions -top "$B" "$WORK/block.pb.gz" |
    awk '$6 == "cond_waiter_wait" { print $4 }')
[ "$n" = 1 ] || die "cond waits counted $n, want 1"
for f in mutex block; do
    pprof -raw "$WORK/$f.pb.gz" | grep -q '^contentions/count delay/nanoseconds' ||
        die "$f sample types"
done
exit 0
