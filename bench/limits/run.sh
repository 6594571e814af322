#!/usr/bin/env bash
# The memory budget a 2M-sample profile needs (--max-memory), found by
# bisection to 16 MiB, and the peak RSS of reading it with the default
# budget, for pprofconv (one input) and pprofmerge (two inputs decoded
# at once). See README.md.
set -u
. "$(dirname "$0")/../lib.sh"
in=$(bench_profile big2m.pb.gz --samples 2000000 --seed 1) || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# needed CMD...: smallest --max-memory (MiB, 16 MiB steps) CMD passes with.
needed() {
    local lo=16 hi=8192 mid
    while [ $((hi - lo)) -gt 16 ]; do
        mid=$(((lo + hi) / 2))
        if "$@" --max-memory=${mid}M >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
    done
    echo "$hi"
}
printf '%-42s %10s %10s %8s\n' operation "budget MiB" "RSS MB" "wall s"
for op in conv merge2; do
    case $op in
    conv) cmd=("$BIN/pprofconv" "$in" "$out/o.pb.gz") ;;
    merge2) cmd=("$BIN/pprofmerge" -o "$out/o.pb.gz" "$in" "$in") ;;
    esac
    need=$(needed "${cmd[@]}")
    bench_time t "${cmd[@]}"
    set -- $t
    printf '%-42s %10s %10s %8s\n' "$op (2M samples)" "$need" $(($4 / 1000)) "$1"
done
