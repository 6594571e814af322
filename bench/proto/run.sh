#!/usr/bin/env bash
# proto -> proto conversion: our decode+encode (pprofconv) against the
# reference (`go tool pprof -proto`) on the same generated profile, in
# one run: wall time, CPU time and peak RSS of each, and the ratios;
# then the per-phase breakdown of our side (bench_codec).
#
# Knobs (environment): SAMPLES (2000000), SEED (1), RUNS of ours (3,
# the fastest is compared), REF_RUNS (1), SKIP_REF=1 (no reference),
# GEN_ARGS (more gen_profile options, e.g. "--type heap").
# Targets (issue 2): >= 5x faster, <= 1/3 of the reference's peak RSS.
set -u
. "$(dirname "$0")/../lib.sh"
bench_need_time
SAMPLES=${SAMPLES:-2000000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
REF_RUNS=${REF_RUNS:-1}
SKIP_REF=${SKIP_REF:-0}
GEN_ARGS=${GEN_ARGS:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/pfbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2086
in=$(bench_profile "proto-$SAMPLES-$SEED.pb.gz" --samples "$SAMPLES" \
    --seed "$SEED" $GEN_ARGS) || exit 1
rawsize=$(gzip -dc "$in" | wc -c)
echo "input: $in"
echo "       $(cat "$in.args")"
printf '       %d bytes gzipped, %d bytes serialized\n' "$(stat -c %s "$in")" "$rawsize"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# Sanity first, on a small profile: go tool pprof reads our multi-member
# output as the same profile as the original.
small=$(bench_profile "proto-check.pb.gz" --samples 20000 --locations 5000 \
    --functions 2000 --seed "$SEED") || exit 1
"$BIN/pprofconv" "$small" "$work/small-ours.pb.gz" || exit 1
if [ "$SKIP_REF" != 1 ]; then
    go tool pprof -raw "$small" >"$work/a.raw" 2>/dev/null &&
        go tool pprof -raw "$work/small-ours.pb.gz" >"$work/b.raw" 2>/dev/null &&
        cmp -s "$work/a.raw" "$work/b.raw" ||
        { echo "FAIL: go tool pprof -raw differs on our output"; exit 1; }
    echo "check: go tool pprof -raw of our output equals that of the input (20000 samples)"
fi

# row LABEL "WALL USER SYS RSS EXIT"
row() {
    echo "$2" | awk -v l="$1" '{ printf "%-26s %9.2f %12.2f %12.0f\n", l, $1, $2 + $3, $4 / 1024 }'
}
# lt A B: A < B (floating point)
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
best_wall=; best=
printf '\n%-26s %9s %12s %12s\n' "" "wall s" "user+sys s" "peak RSS MB"
for i in $(seq 1 "$RUNS"); do
    bench_time t "$BIN/pprofconv" "$in" "$work/ours.pb.gz"
    set -- $t
    [ "$5" = 0 ] || { echo "FAIL: pprofconv exited $5"; exit 1; }
    row "ours (pprofconv) run $i" "$t"
    if [ -z "$best_wall" ] || lt "$1" "$best_wall"; then
        best_wall=$1; best=$t
    fi
done
# Our output is the same profile: the dumps of input and output agree.
"$BIN/pprofconv" -f raw "$in" "$work/in.txt" &&
    "$BIN/pprofconv" -f raw "$work/ours.pb.gz" "$work/out.txt" &&
    cmp -s "$work/in.txt" "$work/out.txt" ||
    { echo "FAIL: the converted profile differs from the input"; exit 1; }
rm -f "$work/in.txt" "$work/out.txt"

if [ "$SKIP_REF" != 1 ]; then
    ref=
    for i in $(seq 1 "$REF_RUNS"); do
        bench_time r go tool pprof -proto "$in" >"$work/ref.pb.gz" 2>"$work/ref.err"
        set -- $r
        [ "$5" = 0 ] || { echo "FAIL: go tool pprof exited $5:"; cat "$work/ref.err"; exit 1; }
        row "go tool pprof -proto run $i" "$r"
        if [ -z "$ref" ] || lt "$1" "${ref%% *}"; then
            ref=$r
        fi
    done
    echo
    echo "$best $ref" | awk '{
        ow = $1; oc = $2 + $3; om = $4; rw = $6; rc = $7 + $8; rm = $9
        printf "speed:  %.1fx faster (wall, best runs), %.1fx less CPU time\n", rw / ow, rc / oc
        printf "memory: %.1f%% of the reference peak RSS (%.1fx less)\n", 100 * om / rm, rm / om
        printf "targets: >=5x faster: %s; <=1/3 of peak RSS: %s\n",
            (rw >= 5 * ow ? "PASS" : "MISS"), (3 * om <= rm ? "PASS" : "MISS")
    }'
    printf 'sizes:  ours %d bytes, reference %d bytes (gzipped)\n' \
        "$(stat -c %s "$work/ours.pb.gz")" "$(stat -c %s "$work/ref.pb.gz")"
fi

echo
echo "breakdown of ours (bench_codec, in memory, best of 3):"
"$BENCH_BIN/bench_codec" -r 3 "$in" | sed 's/^/  /'
