#!/usr/bin/env bash
# Install what building and testing need on Debian, if anything is
# missing (as root: apt-get; otherwise print the command to run).
set -eu
pkgs="build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libdeflate-dev
libdw-dev libelf-dev libmicrohttpd-dev elfutils binutils libcmocka-dev golang-go curl
libgoogle-perftools-dev llvm clang clang-19 libclang-rt-19-dev llvm-19 time
graphviz chromium linux-perf libcurl4-openssl-dev man-db groff-base nodejs
libxml2-utils"
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
