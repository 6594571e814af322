# pproftop -list=RE equals go tool pprof -list byte for byte: routines
# in name then file order, the lines around the sampled ones, inlined
# functions, -source_path / -trim_path and pprof's default trimming,
# sources that cannot be found, functions without file names, and a
# regexp that matches nothing.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"

GO_PREFIX=/build/corpus/public/go_workload
C_PREFIX=/build/corpus/public/c
# The profiles name their sources under /build/corpus/public/...; the
# sources live in the corpus directory.
cd "$WORK" || die "no work directory"
mkdir -p src/go_workload src/c sub/dir
cp "$CORPUS/go_workload.go" src/go_workload/
cp "$CORPUS/c_workload.c" src/c/
# run from a directory below the one holding the file: pprof looks in
# every parent of each -source_path directory
cp "$CORPUS/go_workload.go" .

GO="$CORPUS/go_cpu.pb.gz"
C="$CORPUS/expected/c_cpu.prof.pb.gz"
for re in cpuHeavy 'main\.cpu' lightMix cpuLight '^main\.main$' . \
          'Medium|Round'; do
    same_as_pprof "-list=$re" -trim_path=$GO_PREFIX -source_path="$WORK/src/go_workload" "$GO"
done
# trimming guessed from the base name of the search directory
same_as_pprof -list=cpuLight -source_path="$WORK/src/go_workload" "$GO"
# several trim prefixes and search directories, the first ones useless
same_as_pprof -list=main -trim_path=/nowhere:$GO_PREFIX/ \
    -source_path="$WORK/sub:$WORK/src/go_workload" "$GO"
# a relative file searched in the parents of the search directory
same_as_pprof -list=cpuHeavy -trim_path=$GO_PREFIX -source_path="$WORK/sub/dir" "$GO"
# no -source_path: the working directory (and its parents)
same_as_pprof -list=cpuHeavy -trim_path=$GO_PREFIX "$GO"
(cd sub/dir && same_as_pprof -list=cpuHeavy -trim_path=$GO_PREFIX "$GO") ||
    die "listing from a subdirectory"
# sources that cannot be found: absolute and relative names
same_as_pprof -list=cpuHeavy "$GO"
same_as_pprof -list=cpuHeavy -trim_path=/build "$GO"
same_as_pprof -list=runtime.main -trim_path=$GO_PREFIX -source_path="$WORK/src" "$GO"
# filters, granularity options and value options still apply
same_as_pprof -list=cpu -noinlines -trim_path=$GO_PREFIX "$GO"
same_as_pprof -list=cpu -focus=cpuRound -hide=Light -trim_path=$GO_PREFIX "$GO"
same_as_pprof -list=cpu -sample_index=samples -trim_path=$GO_PREFIX "$GO"
same_as_pprof -list=main -unit=ms -divide_by=2 -trim_path=$GO_PREFIX "$GO"
same_as_pprof -list=alloc -sample_index=alloc_space -trim_path=$GO_PREFIX "$CORPUS/go_heap.pb.gz"
same_as_pprof -list=alloc -sample_index=inuse_objects -trim_path=$GO_PREFIX "$CORPUS/go_heap.pb.gz"
same_as_pprof -list=serve -tagfocus=request=b -trim_path=$GO_PREFIX "$CORPUS/go_cpu_labels.pb.gz"
same_as_pprof -list=block -trim_path=$GO_PREFIX "$CORPUS/go_block.pb.gz"
# the C profile (symbolized by the reference) with its own source
same_as_pprof -list=c_ -trim_path=$C_PREFIX -source_path="$WORK/src/c" "$C"
same_as_pprof -list='^main$' -source_path="$WORK/src/c" "$C"
same_as_pprof -list=c_ "$C"
# functions without any file name
printf 'main;work;leaf 5\nmain;other 3\n' >stacks.folded
"$BIN/pprofconv" -f proto stacks.folded nofile.pb.gz || die "pprofconv"
same_as_pprof -list=. nofile.pb.gz
# nothing matches: exit 1, no output
same_as_pprof -list=xyzzy_no_such "$GO"
run "$BIN/pproftop" -list=xyzzy_no_such "$GO"
expect_rc 1
[ ! -s "$WORK/out" ] || die "output despite no match"
expect_err_line 'no matches found for regexp: xyzzy_no_such'
# a bad regexp is a usage error
run "$BIN/pproftop" '-list=(' "$GO"
expect_rc 2
echo "$nchecked comparisons"
