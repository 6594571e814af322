# Legacy inputs are detected by content, also on stdin; each reaches the
# right reader (pprofconv --format=raw shows the sample types).
. "$TESTLIB"
cd "$WORK"
check() {  # FILE REGEX-on-raw-output
    run "$BIN/pprofconv" --format=raw - out.txt <"$1"
    expect_rc 0
    grep -Eq "$2" out.txt || { head -20 out.txt; die "$1: raw output lacks /$2/"; }
}
check "$CORPUS/go_heap.debug1.txt" "alloc_objects/count"
check "$CORPUS/c_cpu.prof" "samples/count"
check "$CORPUS/go_block.debug1.txt" "contentions/count"
check "$CORPUS/go_threadcreate.debug1.txt" "threadcreate/count"
check "$CORPUS/go_goroutine.debug2.txt" "goroutine/count"
printf 'main;work;leaf 10\nmain;work 5\n' >f.folded
check f.folded "samples/count"
printf -- '--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n  0x10\n--- Memory map: ---\n' >t.txt
check t.txt "thread/count"
# Gzipped legacy text is read too.
gzip -c "$CORPUS/go_mutex.debug1.txt" >m.gz
check m.gz "delay/nanoseconds"
