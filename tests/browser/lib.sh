# Helpers for the flame graph browser cases (tests/interop/flame_*.sh),
# sourced after tests/lib.sh.

# need_browser: skip (77) without chromium; fail without the npm
# packages, which the build installs (mk/flame.mk).
need_browser() {
    need "${CHROMIUM:-chromium}" node
    command -v node >/dev/null 2>&1 ||
        { echo "node not installed (Debian package nodejs)"; exit 1; }
    NODE_PATH="$(cd "$BIN/.." && pwd)/browser/node_modules"
    [ -d "$NODE_PATH/puppeteer-core" ] ||
        die "no puppeteer-core in $NODE_PATH (make tests runs npm ci)"
    export NODE_PATH
}

# flame_browser CASE PAGE EXPECT: run tests/browser/flame.test.js.
flame_browser() {
    node "$(dirname "$TESTLIB")/browser/flame.test.js" "$@" ||
        die "browser case $1 failed"
}
