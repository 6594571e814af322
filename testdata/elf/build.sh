# Sourced by the symbolization tests (tests/interop/sym_*.sh,
# tests/cli/pprofsym/*.sh) after tests/lib.sh: builds the test program
# and library of src/ into $WORK, and helpers to read the results.
#
#   sym_build            libsymlib.so, symtest_pie, symtest_nopie, mkprof
#   sym_run_profile      sym_build, then run a copy of symtest_pie as
#                        $WORK/run/symtest_pie and profile it: $WORK/in.pb.gz
#   sym_build_clang      symtest_clang (PIE) if clang is installed, else 1
#   sym_chains RAWDUMP   one line per location: "ID func@file:line;..."
#   eu_chain FILE ADDR [-C]   the same form from eu-addr2line -f -i
#   gnu_chain FILE ADDR [-C]  the same form from addr2line -f -i
#   sym_build_cxx        libsymcxx.so (C++) if g++ is installed, else 1
#   src_line TAG         the line number of "@TAG" in src/
SYM_SRC="$TESTDATA/elf/src"

sym_cflags() {
    # The test helper links the library as built: same sanitizers.
    if [ -n "${SANITIZE:-}" ]; then
        echo "-fsanitize=address,undefined"
    fi
}

sym_build() {
    local cc=${CC:-cc}
    (
        cd "$WORK" || exit 1
        $cc -g -O2 -fPIC -shared "$SYM_SRC/symlib.c" -o libsymlib.so &&
        $cc -g -O2 -fPIE -pie "$SYM_SRC/symtest.c" -L. -lsymlib \
            -Wl,-rpath,"$WORK" -o symtest_pie &&
        $cc -g -O2 -fno-pie -no-pie "$SYM_SRC/symtest.c" -L. -lsymlib \
            -Wl,-rpath,"$WORK" -o symtest_nopie &&
        # Linked with the shared library as built, so that its own
        # dependencies need not be listed here.
        $cc -g $(sym_cflags) -I"$OLDPWD/libprofile" "$SYM_SRC/mkprof.c" \
            -L"$OLDPWD/$O/lib" -lprofile -Wl,-rpath,"$OLDPWD/$O/lib" \
            -o mkprof
    ) || die "cannot build the symbolization test programs"
}

sym_run_profile() {
    sym_build
    mkdir -p "$WORK/run"
    cp "$WORK/symtest_pie" "$WORK/run/symtest_pie"
    "$WORK/run/symtest_pie" >"$WORK/p.txt" || die "test program failed"
    "$WORK/mkprof" "$WORK/p.txt" "$WORK/in.pb.gz" || die mkprof
}

sym_build_clang() {
    command -v clang >/dev/null 2>&1 || return 1
    (cd "$WORK" && clang -g -O2 -fPIE -pie "$SYM_SRC/symtest.c" -L. -lsymlib \
        -Wl,-rpath,"$WORK" -o symtest_clang) || die "clang build failed"
}

sym_chains() {
    # Function names may hold spaces (C++); file paths here do not: a
    # frame is "NAME FILE:LINE s=START[(SYSTEM_NAME)][ col=N]".
    awk '
    function frame(line,   p, head, i) {
        p = index(line, " s=")
        if (p == 0) return ""
        head = substr(line, 1, p - 1)
        for (i = length(head); i > 0 && substr(head, i, 1) != " "; i--) ;
        return substr(head, 1, i - 1) "@" substr(head, i + 1)
    }
    /^Locations/ { on = 1; next }
    /^Mappings/ { on = 0 }
    on && /^ *[0-9]+: 0x/ {
        if (id != "") print id, chain
        id = $1; sub(/:$/, "", id)
        line = $0
        sub(/^ *[0-9]+: 0x[0-9a-f]+ (M=[0-9]+ )?(\[F\] )?/, "", line)
        chain = frame(line)
        next
    }
    on && /^             / { line = $0; sub(/^ +/, "", line); chain = chain ";" frame(line) }
    END { if (id != "") print id, chain }' "$1"
}

eu_chain() {  # FILE ADDR [-C]
    eu-addr2line ${3:-} -f -i -e "$1" "$2" | awk '
    NR % 2 == 1 { sub(/ inlined at .*/, ""); name = $0; next }
    {
        loc = $0
        n = split(loc, a, ":")
        if (n >= 3) loc = a[1] ":" a[2]
        out = out (out == "" ? "" : ";") name "@" loc
    }
    END { print out }'
}

gnu_chain() {  # FILE ADDR [-C]
    addr2line ${3:-} -f -i -e "$1" "$2" | awk '
    NR % 2 == 1 { name = $0; next }
    {
        loc = $0
        sub(/ \(discriminator [0-9]+\)$/, "", loc)
        out = out (out == "" ? "" : ";") name "@" loc
    }
    END { print out }'
}

src_line() {
    grep -HnE "@$1( \*/)?$" "$SYM_SRC"/*.c "$SYM_SRC"/*.cc | head -1 | cut -d: -f2
}

sym_build_cxx() {  # libsymcxx.so, if a C++ compiler is installed
    command -v "${CXX:-g++}" >/dev/null 2>&1 || return 1
    (cd "$WORK" && "${CXX:-g++}" -g -O2 -fPIC -shared "$SYM_SRC/symcxx.cc" \
        -o libsymcxx.so) || die "cannot build libsymcxx.so"
}
