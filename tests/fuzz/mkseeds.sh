#!/usr/bin/env bash
# Write the seed inputs of the fuzz targets that take more than one
# profile (testdata/fuzz/{write,report,merge_diff}/)
# from the corpus. Run by hand when the input layout of a target
# changes; the seeds are committed, and fuzzers add to them.
set -eu
cd "$(dirname "$0")/../.."
C=testdata/corpus F=testdata/fuzz
mkdir -p $F/write $F/report $F/merge_diff
small="go_cpu.pb.gz go_cpu_labels.pb.gz go_heap.pb.gz go_block.pb.gz go_mutex.debug1.txt
go_goroutine.debug1.txt go_goroutine.debug2.txt go_threadcreate.pb.gz c_cpu.prof c_heap.0001.heap
go_custom.debug1.txt go_heap_sampled.debug1.txt"
for f in $small; do cp "$C/$f" "$F/write/$f"; done

# report: kind (pf_report_kind 0-10; 11-21 the same as JSON; 22 the top
# table as CSV) flags granularity nodecount nodefraction edgefraction, then
# focus ignore hide tagfocus symbol sample_index (newline-ended), profile
report() {  # NAME KIND FLAGS GRAN NODECOUNT STRINGS PROFILE
    { printf "\\x$(printf %02x "$2")\\x$(printf %02x "$3")\\x$(printf %02x "$4")\\x$(printf %02x "$5")\\x01\\x01"
      printf '%b' "$6"; cat "$C/$7"; } >"$F/report/$1"
}
report top_cpu 0 0 0 12 '\n\n\n\n\n\n' go_cpu.pb.gz
report traces_labels 1 0 0 0 'cpu\n\n\nrequest=a\n\n\n' go_cpu_labels.pb.gz
report tree_heap_lines 2 1 3 82 '\n\n\n\n\nalloc_space\n' go_heap.pb.gz
report peek_block 3 2 0 0 '\n\n\n\nblockOn\ndelay\n' go_block.pb.gz
report folded_gperf 4 0 0 0 '\nc_hot_mix\n\n\n\n\n' c_cpu.prof
report dot_cpu 5 0 0 12 'cpu(Heavy|Light)\n\nruntime\\.\n\n\n\n' go_cpu.pb.gz
report flame_labels 6 64 0 0 '\n\n\n\n\n\n' go_cpu_labels.pb.gz
report list_heap 7 0 3 0 '\n\n\n\nalloc\n\n' go_heap.pb.gz
report tags_labels 8 0 0 0 '\n\n\n\n\n\n' go_cpu_labels.pb.gz
report comments_heap 9 0 0 0 '\n\n\n\n\n\n' go_heap.pb.gz
report raw_block 10 0 4 0 '\n\n\n\n\n\n' go_block.pb.gz
report json_goroutine 11 1 0 5 '\n\n\n\n\n\n' go_goroutine.pb.gz
report json_traces 12 0 0 0 '\n\n\n\n\n\n' go_cpu_labels.pb.gz
report json_dot_refused 16 0 0 0 '\n\n\n\n\n\n' go_cpu.pb.gz
report csv_mutex 22 32 1 0 '[a-z]+\n\n\n\n\n\n' go_mutex.pb.gz

# merge_diff: 2-byte big-endian length of the first profile, then both
pair() {  # NAME A B
    local n
    n=$(stat -c %s "$C/$2")
    { printf "\\x$(printf %02x $((n >> 8)))\\x$(printf %02x $((n & 255)))"
      cat "$C/$2" "$C/$3"; } >"$F/merge_diff/$1"
}
pair cpu_labels go_cpu.pb.gz go_cpu_labels.pb.gz
pair heap_heapsampled go_heap.pb.gz go_heap_sampled.pb.gz
pair block_mutex go_block.pb.gz go_mutex.pb.gz
pair gperf_cpu_go c_cpu.prof go_cpu.pb.gz
pair mutex_text_proto go_mutex.debug1.txt go_mutex.pb.gz

ls $F/write $F/report $F/merge_diff | wc -l
# The symbolizer's seeds are binaries: mk/fuzz.mk builds them from
# tests/fuzz/seeds/tiny.c, never committed.
