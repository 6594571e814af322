#!/usr/bin/env bash
# LD_PRELOAD mode through pprofrecord, on a program that knows nothing
# of the library: CPU split 3:1 over two threads, heap site, a SIGALRM
# handler that allocates 1000 times a second, a forked child (must not
# write or clobber the profile), and an exec'd child (writes FILE.PID).
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload preload_work
B="$CAPBIN/preload_work"
R="$BIN/pprofrecord"
# sanitizer builds: the preloaded library comes before libasan
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cd "$WORK"

run "$R" -o cpu.pb.gz --rate=1000 --heap=heap.pb.gz --heap-rate=4096 -- "$B" 1
expect_rc 0
grep -q '^ticks [1-9][0-9]* child 0$' "$WORK/err" || { cat "$WORK/err"; die "workload did not run its signal handler/child"; }
a=$(top_cum "$B" cpu.pb.gz three_parts)
b=$(top_cum "$B" cpu.pb.gz one_part)
c=$(top_cum "$B" cpu.pb.gz child_only_work)
share=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + b > 0) printf "%.1f", 100 * a / (a + b); else print 0 }')
echo "three_parts $a ms, one_part $b ms ($share%), child_only_work $c ms"
within "$share" 65 85 || die "split $share%, want 75 +- 10"
[ "$c" = 0 ] || die "the forked child's CPU is in the parent's profile"
ls | grep -q '^cpu.pb.gz.' && die "stray profile files: $(ls)"
k=$(pprof -sample_index=inuse_space -top -unit=B "$B" heap.pb.gz |
    awk '$6 == "kept_alloc" { v = $1; sub(/B$/, "", v); print v }')
echo "kept_alloc in use: $k"
within "$k" $((8192000 * 95 / 100)) $((8192000 * 105 / 100)) || die "kept_alloc $k bytes, want 8192000 +- 5%"
pprof -sample_index=alloc_space -nodefraction=0 -top "$B" heap.pb.gz | grep -q 'on_alarm' ||
    die "allocations in the signal handler not seen"
# the library's own work (writing the CPU profile first, at exit, with
# its gzip worker threads) is not in the program's heap profile. The
# DWARF unwinder follows on_alarm's allocations through the signal
# frame into whatever it interrupted, the library's SIGPROF handler
# included: library frames below on_alarm are not the library's
# allocations.
own=$(pprof -sample_index=alloc_space -traces "$B" heap.pb.gz |
      awk '/^-----------\+/ { prog = 0; next }
           $NF == "on_alarm" { prog = 1 }
           !prog && /^ +(pf_|pf__|\[libdeflate)/' | sort -u)
[ -z "$own" ] || die "library allocations in the heap profile: $own"

# exec'd child: the workload, started by the shell, writes cpu2.pb.gz.PID
# (the shell itself leaves through _exit, so it writes nothing)
run "$R" -o cpu2.pb.gz -- sh -c "'$B' 0.2; true"
expect_rc 0
child=$(ls cpu2.pb.gz.* 2>/dev/null | grep -v tmp)
[ -n "$child" ] || die "no profile from the exec'd child: $(ls)"
pprof -top "$B" "$child" | grep -q three_parts || die "child profile lacks three_parts"

# the command's exit status passes through
run "$R" -o cpu3.pb.gz -- sh -c 'exit 3'
expect_rc 3
exit 0
