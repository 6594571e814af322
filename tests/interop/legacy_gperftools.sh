#!/usr/bin/env bash
# gperftools binary CPU profile and heap profile text, with their
# /proc/self/maps sections, against go tool pprof with c_workload.
. "$TESTLIB"
. "$(dirname "$0")/legacy_compare.inc"
need_go
legacy_check "$CORPUS/c_cpu.prof" "$CORPUS/c_workload"
legacy_check "$CORPUS/c_heap.0001.heap" "$CORPUS/c_workload"
