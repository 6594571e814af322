# The gperftools profiles of the corpus, symbolized by pprofsym with
# c_workload, against `go tool pprof -top c_workload PROFILE` (the
# reference symbolizing them itself).
#
# The reference gives one frame per address (the physical function); we
# give inline chains, so our profile is compared with -noinlines, which
# folds inlined frames into their physical function: every row of the
# reference must then be in ours with the same flat and cum values.
# Frames the reference leaves unsymbolized ([c_workload] for _start,
# which has no DWARF; [libc.so.6], it reads no symbol tables) may carry
# names in ours (symbol table / libc debug info when installed): each
# such extra row must have flat 0 and the cum of one of those [..] rows.
# Without -noinlines, every named reference row keeps its cum value.
. "$TESTLIB"
need_go

cmp_top() {  # REF OURS: rows "flat flat% sum% cum cum% name"
    awk '
    function rows(file, arr,   line, on, n, name) {
        on = 0
        while ((getline line < file) > 0) {
            if (line ~ /^ *flat  *flat%/) { on = 1; continue }
            if (!on) continue
            n = split(line, f, " ")
            name = f[6]; for (i = 7; i <= n; i++) name = name " " f[i]
            arr[name] = f[1] " " f[2] " " f[4] " " f[5]
        }
    }
    BEGIN {
        rows(ARGV[1], ref); rows(ARGV[2], ours); bad = 0
        for (n in ref) if (n ~ /^\[/) { split(ref[n], v, " "); bcum[v[3]] = 1 }
        for (n in ref) {
            if (n in ours) {
                if (ours[n] != ref[n]) { print "row " n ": ours " ours[n] ", reference " ref[n]; bad = 1 }
            } else if (n !~ /^\[/) { print "missing row " n; bad = 1 }
        }
        for (n in ours) if (!(n in ref)) {
            split(ours[n], v, " ")
            if (v[1] != "0" || !(v[3] in bcum)) { print "extra row " n ": " ours[n]; bad = 1 }
            else print "named where the reference has [..]: " n " (cum " v[3] ")"
        }
        exit bad
    }' "$1" "$2"
}

cmp_cum() {  # REF OURS: named reference rows keep their cum
    awk '
    function rows(file, arr,   line, on, n, name) {
        on = 0
        while ((getline line < file) > 0) {
            if (line ~ /^ *flat  *flat%/) { on = 1; continue }
            if (!on) continue
            n = split(line, f, " ")
            name = f[6]; for (i = 7; i <= n; i++) name = name " " f[i]
            arr[name] = f[4]
        }
    }
    BEGIN {
        rows(ARGV[1], ref); rows(ARGV[2], ours); bad = 0
        for (n in ref) if (n !~ /^\[/ && ours[n] != ref[n]) {
            print "cum of " n ": ours " ours[n] ", reference " ref[n]; bad = 1
        }
        exit bad
    }' "$1" "$2"
}

cp "$CORPUS/c_workload" "$WORK/c_workload"
for f in c_cpu.prof c_heap.0001.heap; do
    inputs="$CORPUS/expected/$f.nosym.pb.gz"
    # The legacy file itself, once pf_profile_read reads gperftools.
    if "$BIN/pprofconv" "$CORPUS/$f" "$WORK/probe.pb.gz" 2>/dev/null; then
        inputs="$inputs $CORPUS/$f"
    else
        echo "note: $f not readable yet, using its nosym conversion only"
    fi
    for sidx in "" -sample_index=inuse_objects; do
        [ "$f" = c_cpu.prof ] && [ -n "$sidx" ] && continue
        (cd "$CORPUS" && pprof -top -nodecount=100 $sidx c_workload "$f") \
            >"$WORK/ref.txt"
        [ -s "$WORK/ref.txt" ] || die "reference produced nothing for $f"
        for in in $inputs; do
            run "$BIN/pprofsym" --binary "$WORK/c_workload" "$in" \
                "$WORK/sym.pb.gz"
            expect_rc 0
            grep -q "mapping 1 .*c_workload': \([0-9]*\)/\1 locations resolved from '$WORK/c_workload' (DWARF)" \
                "$WORK/err" || die "$f: main mapping not fully resolved: $(cat "$WORK/err")"
            pprof -top -nodecount=100 -noinlines $sidx "$WORK/sym.pb.gz" \
                >"$WORK/ours.txt"
            echo "== $f $sidx (from $(basename "$in"))"
            cmp_top "$WORK/ref.txt" "$WORK/ours.txt" ||
                { cat "$WORK/ref.txt" "$WORK/ours.txt"; die "$f: -top differs"; }
            pprof -top -nodecount=100 $sidx "$WORK/sym.pb.gz" >"$WORK/ours_inl.txt"
            cmp_cum "$WORK/ref.txt" "$WORK/ours_inl.txt" ||
                { cat "$WORK/ours_inl.txt"; die "$f: cum values differ"; }
        done
    done
done
