#!/usr/bin/env bash
# `make demo`: convert a bundled profile and print a summary of it.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
out="$O/demo"
mkdir -p "$out"
in=testdata/corpus/go_cpu.pb.gz
echo "== pprofconv $in $out/go_cpu.pb.gz"
"$O/bin/pprofconv" "$in" "$out/go_cpu.pb.gz"
ls -l "$out/go_cpu.pb.gz"
if [ -x "$O/bin/pproftop" ]; then
    echo "== pproftop -nodecount=10 $out/go_cpu.pb.gz"
    "$O/bin/pproftop" -nodecount=10 "$out/go_cpu.pb.gz"
else
    echo "== pprofconv --format=raw $out/go_cpu.pb.gz - (first lines)"
    "$O/bin/pprofconv" --format=raw "$out/go_cpu.pb.gz" - | head -20
fi
