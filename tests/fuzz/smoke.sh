#!/usr/bin/env bash
# make fuzz-smoke: run every libFuzzer target for SECONDS (default 30)
# on a scratch copy of its corpus (testdata/fuzz/<target>/), so the
# repository's corpus is never changed by a run. A crash, leak or
# timeout fails the run and its input is copied to
# testdata/fuzz/<target>/crash-<sha1>, where make check replays it from
# then on. Prints one line per target: runs, execs/s, corpus growth.
#
#   tests/fuzz/smoke.sh SECONDS BINARY...
#
# With FUZZ_RUNS=N (and FUZZ_SEED, default 1) each target instead runs
# exactly N inputs from that seed: the same inputs on every machine, so
# a CI run cannot fail on a crash that only its luck found (.ci/run).
set -u
cd "$(dirname "$0")/../.."
secs=$1; shift
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzzsmoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
bad=0 npass=0 nfail=0
for bin in "$@"; do
    t=$(basename "$bin"); t=${t#fuzz_}
    mkdir -p "$work/$t/corpus" "$work/$t/art"
    cp testdata/fuzz/"$t"/* "$work/$t/corpus/" 2>/dev/null
    [ -n "${FUZZ_SEEDS:-}" ] && cp "$FUZZ_SEEDS/$t"/* "$work/$t/corpus/" 2>/dev/null
    before=$(ls "$work/$t/corpus" | wc -l)
    if [ -n "${FUZZ_RUNS:-}" ]; then
        limit="-runs=$FUZZ_RUNS -seed=${FUZZ_SEED:-1} -max_total_time=600"
    else
        limit="-max_total_time=$secs"
    fi
    # the capture target interposes malloc: ld.so's own blocks look
    # leaked to LSan (tests/capture/lsan.supp says why)
    LSAN_OPTIONS=suppressions=$PWD/tests/capture/lsan.supp \
    ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1 \
        "$bin" $limit -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$work/$t/art/" "$work/$t/corpus" \
        >"$work/$t/log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t/log" | tail -1)
    after=$(ls "$work/$t/corpus" | wc -l)
    if [ $rc -ne 0 ] || ls "$work/$t/art" | grep -q .; then
        bad=1
        for a in "$work/$t/art"/*; do
            [ -f "$a" ] || continue
            mkdir -p "testdata/fuzz/$t"
            dst="testdata/fuzz/$t/$(basename "$a" | cut -d- -f1)-$(sha1sum "$a" | cut -c1-12)"
            cp "$a" "$dst"
            echo "fuzz $t: saved $dst"
        done
        grep -E 'ERROR|SUMMARY|==[0-9]+==' "$work/$t/log" | head -20 | sed 's/^/    | /'
        echo "FAIL fuzz-smoke $t (exit $rc)"
        nfail=$((nfail + 1))
    else
        npass=$((npass + 1))
        echo "ok   fuzz-smoke $t: ${runs:-?} runs, ${rate:-?} execs/s, corpus $before -> $after"
    fi
done
echo "fuzz-smoke: $npass passed, $nfail failed"
exit $bad
