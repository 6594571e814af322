#!/usr/bin/env bash
# Install what building and testing need on Debian, if anything is
# missing (as root: apt-get; otherwise print the command to run).
#
#   tests/install-deps.sh          install what is missing
#   tests/install-deps.sh --list   print the package names, one a line
#
# Every program a test runs comes from one of these packages (or from
# Debian's required set); tests/check-programs.sh checks that.
set -eu
# build: compiler, protobuf-c, zlib, libdeflate, elfutils, libmicrohttpd,
#        libcurl (URL sources)
# tests: cmocka; go tool pprof (the oracle); curl; binutils, elfutils,
#        llvm and clang (symbolizer comparisons, sanitizer builds: clang 19
#        with its runtimes and the llvm-symbolizer of its own version,
#        which names files and lines in TSan's reports); gperftools and time
#        (benchmarks); graphviz (call graphs); chromium (pages are tested
#        in a real browser) with nodejs (drives it); linux-perf (the
#        unwinder's oracle, perf input); man-db and groff (man pages);
#        python3 and jq (JSON checks); libxml2-utils (xmllint: SVG
#        is well-formed XML)
pkgs="build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libdeflate-dev
libdw-dev libelf-dev libmicrohttpd-dev libcurl4-openssl-dev
libcmocka-dev golang-go curl elfutils binutils libgoogle-perftools-dev llvm clang
clang-19 libclang-rt-19-dev llvm-19 time graphviz chromium nodejs linux-perf
man-db groff-base python3 jq libxml2-utils"
if [ "${1:-}" = --list ]; then
    printf '%s\n' $pkgs
    exit 0
fi
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
# npm (the flame graph's browser tests, mk/flame.mk): part of some
# nodejs builds (NodeSource), a package of its own in Debian's.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
