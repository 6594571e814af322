# Invalid regexps and tag filters are usage errors (exit 2) that name the
# option; nothing is printed on stdout. Checked before reading the file.
. "$TESTLIB"
for fl in '-focus=(' '-ignore=[a' '-hide=a\1' '-show=\pL' '-tagfocus=k=(' \
          '-prune_from=(' '-show_from=a)' '-focus=a**' ; do
    run "$BIN/pproftop" "$fl" "$CORPUS/go_cpu.pb.gz"
    expect_rc 2
    name=${fl%%=*}
    name=${name#-}
    expect_err_line "^pproftop: invalid option: $name: invalid regexp"
    [ ! -s "$WORK/out" ] || die "stdout not empty for $fl"
done
run "$BIN/pproftop" '-focus=(' "$WORK/does-not-exist"
expect_rc 2
run "$BIN/pproftop" '-peek=(' "$CORPUS/go_cpu.pb.gz"
expect_rc 2
expect_err_line 'peek: invalid regexp'
