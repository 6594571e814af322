#!/usr/bin/env bash
# Merge benchmark: pprofmerge vs `go tool pprof -proto` on the same
# inputs, in the same run; wall/user time and peak RSS (/usr/bin/time -v)
# and the ratios. By hand: `make merge-bench-tools && bench/merge/run.sh`
# (or `make bench BENCH=merge` once bench/run.sh exists). See README.md.
#
#   MERGE_N=100 MERGE_SAMPLES=200000 MERGE_POOL=20000   fleet run
#   MERGE_RAW_N=8                                       records run (0 = skip)
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
BIN=$PWD/$O/bin
GEN=$PWD/$O/bench/merge/gen_fleet
DATA=${BENCH_DATA:-$PWD/$O/bench/data}/merge
N=${MERGE_N:-100}
SAMPLES=${MERGE_SAMPLES:-200000}
POOL=${MERGE_POOL:-20000}
RAW_N=${MERGE_RAW_N:-8}
PPROF=$(go env GOTOOLDIR)/pprof
export TZ=UTC LC_ALL=C

[ -x /usr/bin/time ] || { echo "bench/merge: needs /usr/bin/time (Debian: time)" >&2; exit 1; }
[ -x "$GEN" ] || make --no-print-directory -s "$GEN" >/dev/null ||
    { echo "bench/merge: cannot build $GEN (make merge-bench-tools)" >&2; exit 1; }
[ -x "$PPROF" ] || { echo "bench/merge: no pprof in $(go env GOTOOLDIR)" >&2; exit 1; }

# gen DIR ARGS...: cached generation (remade when the arguments change).
gen() {
    local dir=$1
    shift
    if [ "$(cat "$dir/args" 2>/dev/null)" != "$*" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        echo "generating $dir: gen_fleet $*" >&2
        "$GEN" "$@" "$dir"
        echo "$*" >"$dir/args"
    fi
}

# measure LABEL OUTFILE CMD...: prints "LABEL wall user+sys maxrss_MB"
measure() {
    local label=$1 out=$2 tf
    shift 2
    tf=$(mktemp)
    /usr/bin/time -v -o "$tf" "$@" >"$out" 2>/dev/null ||
        { echo "bench/merge: $label failed" >&2; cat "$tf" >&2; exit 1; }
    awk -v l="$label" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
            for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time/ { u = $2 } /System time/ { s = $2 }
        /Maximum resident/ { m = $2 / 1024 }
        END { printf "%-10s wall %8.2f s  cpu %8.2f s  maxrss %8.1f MB\n", l, w, u + s, m }' "$tf"
    rm -f "$tf"
}

run_case() {  # TITLE DIR
    local title=$1 dir=$2 ours ref
    echo "== $title: $(ls "$dir"/p*.pb.gz | wc -l) inputs, $(du -sh "$dir" | cut -f1) on disk"
    ours=$(measure pprofmerge "$dir/ours.pb.gz" "$BIN/pprofmerge" -o "$dir/ours.pb.gz" "$dir"/p*.pb.gz)
    ref=$(measure "pprof" "$dir/ref.pb.gz" "$PPROF" -proto "$dir"/p*.pb.gz)
    echo "$ours"
    echo "$ref"
    awk -v a="$ours" -v b="$ref" 'BEGIN {
        split(a, x, " +"); split(b, y, " +")
        printf "ratio      wall %8.1fx   cpu %8.1fx   maxrss %6.1fx  (reference / ours)\n",
            y[3] / x[3], y[6] / x[6], y[9] / x[9] }'
    # Same answer: the reference's -top on both results.
    "$PPROF" -top -nodecount=30 "$dir/ours.pb.gz" 2>/dev/null >"$dir/ours.top"
    "$PPROF" -top -nodecount=30 "$dir/ref.pb.gz" 2>/dev/null >"$dir/ref.top"
    cmp -s "$dir/ours.top" "$dir/ref.top" && echo "check      go tool pprof -top of both results: identical" ||
        { echo "check      -top DIFFERS" >&2; diff "$dir/ours.top" "$dir/ref.top" | head >&2; exit 1; }
    rm -f "$dir/ours.pb.gz" "$dir/ref.pb.gz"
}

gen "$DATA/fleet" -n "$N" -s "$SAMPLES" -p "$POOL" --aggregate
run_case "fleet: $N profiles x $SAMPLES samples (aggregated records, stack pool $POOL)" "$DATA/fleet"
if [ "$RAW_N" -gt 0 ]; then
    gen "$DATA/records" -n "$RAW_N" -s "$SAMPLES"
    run_case "records: $RAW_N profiles x $SAMPLES sample records" "$DATA/records"
fi
