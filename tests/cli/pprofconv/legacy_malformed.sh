# Malformed legacy inputs (every reader): exit 1, one line on stderr
# naming the file and the line (or byte offset) and what was expected,
# and no output file.
. "$TESTLIB"
cd "$WORK"
bad() {  # NAME REGEX: convert NAME, expect failure matching REGEX
    local name=$1 re=$2
    run "$BIN/pprofconv" "$name" out.pb.gz
    expect_rc 1
    expect_err_line "^pprofconv: $name: $re"
    expect_no_file "$WORK/out.pb.gz"
}
hdr='heap profile: 1: 8 [1: 8] @ heap_v2/524288'

printf 'heap profile: 1: 8 [1: 8] @ heap_v3/2\n1: 8 [1: 8] @ 0x10\n' >heap_bad_header.txt
bad heap_bad_header.txt "line 1: malformed heap profile header, expected 'heap profile: N: BYTES \\[N: BYTES\\] @ heap_v2/RATE'"
printf 'goroutine profile: total lots\n1 @ 0x10\n' >count_bad_header.txt
bad count_bad_header.txt "line 1: malformed count profile header, expected 'NAME profile: total N'$"
printf 'goroutine 1 [running\nmain.main()\n' >g2_bad_header.txt
bad g2_bad_header.txt "line 1: malformed goroutine header, expected 'goroutine N \\[STATE\\]:'$"
printf '%s\n1: 8 [1: 8] @ 0x10\nnot a record\n' "$hdr" >heap_bad_record.txt
bad heap_bad_record.txt "line 3: expected a heap record"
printf '%s\n0: 8 [1: 8] @ 0x10\n' "$hdr" >heap_count0.txt
bad heap_count0.txt "line 2: inuse count was 0 but inuse bytes was 8$"
printf '%s\n1: 8 [1: 8] @ 0x10 0x123456789abcdef012\n' "$hdr" >heap_bad_hex.txt
bad heap_bad_hex.txt "line 2: address '0x123456789abcdef012' does not fit in 64 bits$"
printf '%s\n1: 99999999999999999999 [1: 8] @ 0x10\n' "$hdr" >heap_absurd.txt
bad heap_absurd.txt "line 2: inuse count or bytes out of range$"
printf '%s\n1: 8 [1: 8] @ 0x10\n1: 8 [1: 8\n' "$hdr" >heap_cut.txt
bad heap_cut.txt "line 3: expected a heap record"

printf 'goroutine profile: total 1\n1 @ 0x4b829b 0xZZ\n' >count_bad_hex.txt
bad count_bad_hex.txt "line 2: expected a record 'COUNT @ 0xADDR...'$"
printf 'goroutine profile: total 1\n18446744073709551616 @ 0x10\n' >count_absurd.txt
bad count_absurd.txt "line 2: count '18446744073709551616' out of range$"

printf -- '--- mutex:\ncycles/second=100\nsampling period=1\n5 2 @ 0x10\n5 x @ 0x10\n' >mutex_bad.txt
bad mutex_bad.txt "line 5: expected a record 'CYCLES COUNT @ 0xADDR...'$"

printf -- '--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n  0x10 0x20\n' >threadz_cut.txt
bad threadz_cut.txt "line 3: thread profile ends without a memory map"

printf 'goroutine 1 [running]:\nmain.main()\n' >g2_cut.txt
bad g2_cut.txt "line 2: dump ends after a function line, expected"
printf 'goroutine 1 [running]:\nmain.main()\nmain.f()\n' >g2_bad.txt
bad g2_bad.txt "line 3: expected '\\\\tFILE:LINE' after function line 2$"

printf 'main;a 1\nmain;b one\n' >folded_bad.txt
bad folded_bad.txt "line 2: expected 'frame;frame;... COUNT'$"

# gperftools CPU, 64-bit little endian: header, then a record that
# claims 5 frames and has 1.
printf '\0\0\0\0\0\0\0\0\3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10\x27\0\0\0\0\0\0\0\0\0\0\0\0\0\0' >cpu_cut.prof
printf '\1\0\0\0\0\0\0\0\5\0\0\0\0\0\0\0\x10\0\0\0\0\0\0\0' >>cpu_cut.prof
bad cpu_cut.prof "byte offset 40: cpu profile record of 5 frames cut short"

# A 100 MB line: refused at the line, quickly, without a crash.
{ printf '%s\n1: 8 [1: 8] @ 0x10\n' "$hdr"; head -c 104857600 /dev/zero | tr '\0' ' '; } >huge_line.txt
bad huge_line.txt "line 3: line longer than [0-9]+ bytes$"
