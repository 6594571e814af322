# Every kind of broken input: one line on stderr naming the file and
# the problem, exit 1, no output file (and no temporary left behind).
. "$TESTLIB"
cd "$WORK"
bad() {  # NAME REGEX [OPTIONS...]: convert NAME, expect failure matching REGEX
    local name=$1 re=$2
    shift 2
    run "$BIN/pprofconv" "$@" "$name" out.pb.gz
    expect_rc 1
    expect_err_line "^pprofconv: $name: .*$re"
    expect_no_file "$WORK/out.pb.gz"
}
: >empty.pb.gz
bad empty.pb.gz 'empty input file'
head -c 300 "$CORPUS/go_cpu.pb.gz" >trunc.pb.gz
bad trunc.pb.gz 'gzip: unexpected end of data'
gzip -dc "$CORPUS/go_cpu.pb.gz" | head -c 500 >trunc.pb
bad trunc.pb 'runs past the end|truncated'
# sample_type {type=1 unit=2} then field 2 (sample) with wire type 0
printf '\x0a\x04\x08\x01\x10\x02\x10\x01\x32\x00' >wiretype.pb
bad wiretype.pb 'type mismatch: field 2 has wire type 0'
# sample_type {type=1 unit=9}: index 9 with a 3-entry table
printf '\x0a\x04\x08\x01\x10\x09\x32\x00\x32\x01a\x32\x01b' >strindex.pb
bad strindex.pb 'string index 9 out of range \[0, 3\)'
# sample {location_id=2} with only location 1
printf '\x0a\x04\x08\x01\x10\x02\x12\x04\x08\x02\x10\x05\x22\x05\x08\x01\x18\x80\x20\x32\x00\x32\x01a\x32\x01b' >dangling.pb
bad dangling.pb 'unknown location id 2'
# wire type 7 does not exist
printf '\x0a\x04\x08\x01\x10\x02\x3f' >wt7.pb
bad wt7.pb 'unknown wire type 7'
# 64 MiB of zeros gzipped: over a 1 MB cap
head -c 67108864 /dev/zero | gzip -1 >bomb.pb.gz
bad bomb.pb.gz 'exceeds the limit of 1000000 bytes' --max-inflated=1000000
# not a profile at all
echo "hello, world" >text.txt
bad text.txt 'unrecognized profile format'
# missing input
run "$BIN/pprofconv" nosuchfile out.pb.gz
expect_rc 1
expect_err_line '^pprofconv: nosuchfile: No such file or directory$'
expect_no_file "$WORK/out.pb.gz"
