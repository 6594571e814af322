# Symbolize return addresses recorded by a -g -O2 test program (PIE,
# non-PIE, clang if present) and its shared library: every address
# must give the inline chain known by construction (function, file and
# line of each @tag in testdata/elf/src), identical to what
# eu-addr2line -f -i and GNU addr2line -f -i say for the ELF address
# the dynamic loader reported.
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
need eu-addr2line addr2line
sym_build

T=$SYM_SRC/symtest.c L=$SYM_SRC/symlib.c
want_1="inner@$T:$(src_line inner);middle@$T:$(src_line middle_inner);symtest_outer@$T:$(src_line outer_middle)"
want_2="middle@$T:$(src_line middle);symtest_outer@$T:$(src_line outer_middle)"
want_3="symtest_outer@$T:$(src_line outer)"
want_11="lib_leaf@$L:$(src_line lib_leaf);symlib_entry@$L:$(src_line lib_entry)"

check() {
    local name=$1 n=0 kw id rt ea path ours eu gnu want
    "$WORK/$name" >"$WORK/$name.txt" || die "$name did not run"
    "$WORK/mkprof" "$WORK/$name.txt" "$WORK/$name.pb.gz" || die "mkprof"
    run "$BIN/pprofsym" "$WORK/$name.pb.gz" "$WORK/$name.sym.pb.gz"
    expect_rc 0
    grep -q "4/4 locations resolved, 0 mappings failed" "$WORK/err" ||
        die "$name: summary: $(cat "$WORK/err")"
    "$BIN/pprofconv" -f raw "$WORK/$name.sym.pb.gz" "$WORK/$name.raw"
    sym_chains "$WORK/$name.raw" >"$WORK/$name.ours"
    while read -r kw id rt ea path; do
        [ "$kw" = addr ] || continue
        n=$((n + 1))
        ours=$(awk -v id=$n '$1 == id { print $2 }' "$WORK/$name.ours")
        eu=$(eu_chain "$path" "0x$ea")
        gnu=$(gnu_chain "$path" "0x$ea")
        eval "want=\$want_$id"
        echo "$name #$id 0x$rt -> $ours"
        [ "$ours" = "$want" ] || die "$name id $id: got '$ours', want '$want'"
        # eu-addr2line finds the CU through .debug_aranges, which clang
        # does not emit: it answers "??" there (the pitfall our own CU
        # index avoids). It is compared wherever it has an answer.
        case $eu in
        *'??'*) [ "$name" = symtest_clang ] ||
                    die "$name id $id: eu-addr2line has no answer: '$eu'" ;;
        *) [ "$ours" = "$eu" ] ||
               die "$name id $id: ours '$ours', eu-addr2line '$eu'" ;;
        esac
        [ "$ours" = "$gnu" ] || die "$name id $id: ours '$ours', addr2line '$gnu'"
    done <"$WORK/$name.txt"
    [ $n -eq 4 ] || die "$name recorded $n addresses, want 4"
    # Both mappings are fully symbolized, with inline frames.
    [ "$(grep -c '\[FN\]\[FL\]\[LN\]\[IN\]' "$WORK/$name.raw")" -eq 2 ] ||
        die "$name: mapping flags: $(sed -n '/^Mappings/,$p' "$WORK/$name.raw")"
}

check symtest_pie
check symtest_nopie
if sym_build_clang; then
    check symtest_clang
else
    echo "clang not installed: clang build not checked"
fi
