# C++: a class-template member inlined into a function of an anonymous
# namespace, in a -g -O2 shared library loaded with dlopen. Default
# (simple) names are pprof's simplified demangling, known by
# construction; the mangled linkage name stays the system name;
# --demangle=full and none equal llvm-symbolizer with and without
# demangling, and GNU/elfutils addr2line -C frame for frame (see below
# for the one name they do not qualify).
. "$TESTLIB"
. "$TESTDATA/elf/build.sh"
need eu-addr2line addr2line
sym_build
sym_build_cxx || { echo "no C++ compiler"; exit 77; }
"$WORK/symtest_pie" "$WORK/libsymcxx.so" >"$WORK/p.txt" || die "test program failed"
grep -q "^addr 21 .*libsymcxx.so$" "$WORK/p.txt" || die "no C++ address: $(cat "$WORK/p.txt")"
"$WORK/mkprof" "$WORK/p.txt" "$WORK/in.pb.gz" || die mkprof
n=$(grep -c '^addr ' "$WORK/p.txt")
read -r _ _ _ ea path < <(grep '^addr 21 ' "$WORK/p.txt")
C=$SYM_SRC/symcxx.cc
want="pfx::Box::poke@$C:$(src_line cxx_poke);pfx::(anonymous namespace)::helper@$C:$(src_line cxx_helper)"

for mode in simple full none; do
    run "$BIN/pprofsym" --demangle=$mode "$WORK/in.pb.gz" "$WORK/$mode.pb.gz"
    expect_rc 0
    "$BIN/pprofconv" -f raw "$WORK/$mode.pb.gz" "$WORK/$mode.raw"
    sym_chains "$WORK/$mode.raw" | awk -v n=$n '$1 == n { $1 = ""; sub(/^ /, ""); print }' \
        >"$WORK/$mode.chain"
done
ours=$(cat "$WORK/simple.chain")
echo "simple: $ours"
[ "$ours" = "$want" ] || die "simple names: got '$ours', want '$want'"
# The system names are the mangled linkage names.
grep -q "pfx::Box::poke .*(_ZNK3pfx3BoxIiE4pokeEPFviE)" "$WORK/simple.raw" ||
    die "system name of poke: $(grep poke "$WORK/simple.raw")"

# llvm-symbolizer qualifies the anonymous-namespace function (from the
# symbol table, as we do); GNU and elfutils addr2line print its bare
# DW_AT_name "helper" (gcc emits no linkage name for internal linkage).
# So: whole chains against llvm-symbolizer, and against the addr2lines
# the same frames, files and lines, the innermost name exactly and the
# outer one as its last component.
llvm_chain() {  # FILE ADDR [--no-demangle]
    llvm-symbolizer --obj="$1" --inlining --output-style=GNU ${3:-} "$2" | awk '
    NF == 0 { next }
    NR % 2 == 1 { name = $0; next }
    { out = out (out == "" ? "" : ";") name "@" $0 }
    END { print out }'
}
strip_outer() {  # CHAIN: outer frame name reduced to what follows the last ::
    echo "$1" | awk -F';' '{
        n = split($NF, f, "@"); name = f[1]
        gsub(/\(anonymous namespace\)/, "", name)
        sub(/\(.*$/, "", name); sub(/.*::/, "", name)
        $NF = name "@" f[2]; print }' OFS=';'
}
full=$(cat "$WORK/full.chain")
none=$(cat "$WORK/none.chain")
echo "full: $full"
echo "none: $none"
case $full in
*"pfx::(anonymous namespace)::helper(void (*)(int), int)@"*) ;;
*) die "full name of helper: '$full'" ;;
esac
need llvm-symbolizer
[ "$full" = "$(llvm_chain "$path" "0x$ea")" ] ||
    die "full: ours '$full', llvm-symbolizer '$(llvm_chain "$path" "0x$ea")'"
[ "$none" = "$(llvm_chain "$path" "0x$ea" --no-demangle)" ] ||
    die "none: ours '$none', llvm-symbolizer '$(llvm_chain "$path" "0x$ea" --no-demangle)'"
for tool in gnu_chain eu_chain; do
    [ "$(strip_outer "$full")" = "$($tool "$path" "0x$ea" -C)" ] ||
        die "full vs $tool -C: '$(strip_outer "$full")' vs '$($tool "$path" "0x$ea" -C)'"
done
# Without demangling the innermost frame is the mangled linkage name.
case $none in
_ZNK3pfx3BoxIiE4pokeEPFviE@*";_ZN3pfx12_GLOBAL__N_16helperEPFviEi@"*) ;;
*) die "mangled names: '$none'" ;;
esac
[ "${none%%;*}" = "$(gnu_chain "$path" "0x$ea" | cut -d';' -f1)" ] ||
    die "none: innermost frame differs from addr2line"
