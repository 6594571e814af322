#!/usr/bin/env bash
# Registry, custom, threads and threadcreate profiles, error messages.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload registry
B="$CAPBIN/registry"
run "$B" "$WORK"
expect_rc 0
cat "$WORK/errors.txt"
# the registry lists predefined and custom profiles sorted by name
[ "$(grep '^profile ' "$WORK/errors.txt" | cut -d' ' -f2 | tr '\n' ' ')" = \
  "allocs block example.com/files heap mutex threadcreate threads " ] ||
    die "profile list"
grep -qx "new_profile twice: profile 'example.com/files' already exists" "$WORK/errors.txt" || die "dup profile message"
grep -qx "lookup unknown: not found" "$WORK/errors.txt" || die "unknown lookup"
grep -qx "add twice: profile 'example.com/files': value already added" "$WORK/errors.txt" || die "dup add message"
grep -qx "unwritable: cannot open '/nonexistent-dir/cpu.pb.gz': No such file or directory" "$WORK/errors.txt" || die "unwritable message"
grep -qx "start twice: cpu profiling already in use" "$WORK/errors.txt" || die "start twice message"
grep -qx "stop without start: cpu profiling is not running" "$WORK/errors.txt" || die "stop message"

# custom: 3 entries from open_a, 2 from open_b (one removed)
[ "$(top_cum "$B" "$WORK/custom.pb.gz" open_a)" = 3 ] || die "open_a count"
[ "$(top_cum "$B" "$WORK/custom.pb.gz" open_b)" = 2 ] || die "open_b count"
pprof -raw "$WORK/custom.pb.gz" | grep -qx 'example.com/files/count' || die "custom sample type"
# debug=1: Go's count-profile text, which pprof reads back
head -1 "$WORK/custom.txt" | grep -qx 'example.com/files profile: total 5' || die "debug=1 header: $(head -1 "$WORK/custom.txt")"
n=$(awk '/^[0-9]+ @/ { c = $1; seen = 0 } /\topen_a\+0x/ && !seen { s += c; seen = 1 } END { print s + 0 }' "$WORK/custom.txt")
[ "$n" = 3 ] || die "debug=1 records through open_a count $n, want 3"
pprof -raw "$WORK/custom.txt" | grep -qx 'example.com/files/count' || die "debug=1 text does not load in pprof"
head -1 "$WORK/threadcreate.txt" | grep -qx 'threadcreate profile: total 4' || die "threadcreate debug=1"
# threads: 3 parked threads with parked_thread on their stacks, 4 in all
[ "$(top_cum "$B" "$WORK/threads.pb.gz" parked_thread)" = 3 ] || die "parked threads"
pprof -raw "$WORK/threads.pb.gz" | grep -qx 'threads/count' || die "threads sample type"
tot=$(pprof -raw "$WORK/threads.pb.gz" | sed -n '/^Samples:/,/^Locations/p' | awk '/^ +[0-9]+:/ { s += $1 } END { print s }')
[ "$tot" = 4 ] || die "threads total $tot, want 4"
# debug=2: one block per thread
[ "$(grep -c '^thread [0-9]* ".*" \[' "$WORK/threads.txt")" = 4 ] || die "debug=2 blocks"
# the 3 parked threads wait in a futex, in parked_thread at the source
# line of its pthread_cond_wait call (symbolized in process, file:line)
[ "$(grep -c '^thread [0-9]* ".*" \[futex wait\]:$' "$WORK/threads.txt")" = 3 ] ||
    die "debug=2: want 3 threads in [futex wait]"
src="$TESTDATA/../tests/capture/src/registry.c"
line=$(grep -n 'pthread_cond_wait(&g_cv' "$src" | cut -d: -f1)
n=$(grep -A1 '^parked_thread(\.\.\.)$' "$WORK/threads.txt" |
    grep -c "registry\.c:$line +0x[0-9a-f]*$")
[ "$n" = 3 ] || { cat "$WORK/threads.txt"; die "debug=2: parked_thread at registry.c:$line in $n blocks, want 3"; }
# threadcreate: 3 from spawn_parked, 1 from main directly
[ "$(top_cum "$B" "$WORK/threadcreate.pb.gz" spawn_parked)" = 3 ] || die "threadcreate spawn_parked"
[ "$(top_cum "$B" "$WORK/threadcreate.pb.gz" main)" = 4 ] || die "threadcreate main"
pprof -top "$B" "$WORK/cpu.pb.gz" >/dev/null || die "cpu profile does not load"
exit 0
