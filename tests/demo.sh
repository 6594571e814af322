#!/usr/bin/env bash
# `make demo`: the main job on a bundled example. A gperftools CPU
# profile of a C program (testdata/corpus/c_cpu.prof) is converted to
# profile.proto, symbolized against its binary, and summarized.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
B="$O/bin"
out="$O/demo"
c=testdata/corpus
mkdir -p "$out"
run() { echo "\$ $*"; "$@"; }
run "$B/pprofconv" $c/c_cpu.prof "$out/c_cpu.pb.gz"
run "$B/pprofsym" --binary $c/c_workload "$out/c_cpu.pb.gz" "$out/c_cpu.sym.pb.gz"
run "$B/pproftop" -nodecount=8 "$out/c_cpu.sym.pb.gz"
echo
run "$B/pproftop" -traces "$out/c_cpu.sym.pb.gz" | head -24
