#!/usr/bin/env bash
# Benchmark: `pproftop -list=.` against `go tool pprof -list=.` in the
# same run (wall, CPU, peak RSS, identical output): bench/top/run.sh
# with that report, on a 200k-sample profile by default (the reference
# needs about 1.5 GB there). The generated profile names files that do
# not exist, so every routine ends in pprof's "could not find file" line:
# this measures the listing's graph, grouping and sorting.
#
#   bench/list/run.sh [SAMPLES]
set -eu
REPORT=-list=. exec "$(dirname "$0")/../top/run.sh" "${1:-200000}"
