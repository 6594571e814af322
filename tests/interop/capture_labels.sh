#!/usr/bin/env bash
# Labels: the API checks of the workload pass, and CPU samples taken
# inside pf_capture_do() (and in a thread created inside it) carry the
# labels, while samples outside carry none.
. "$TESTLIB"
. "$(dirname "$0")/../capture/lib.sh"
need_go
need_workload labels

p="$WORK/labels.pb.gz"
run "$CAPBIN/labels" "$p"
expect_rc 0
B="$CAPBIN/labels"
r1=$(top_cum "$B" "$p" labelled_work -tagfocus=request=r1)
r1_other=$(top_cum "$B" "$p" unlabelled_work -tagfocus=request=r1)
r2=$(top_cum "$B" "$p" child_work -tagfocus=stage=child)
r2b=$(top_cum "$B" "$p" child_work -tagfocus=request=r2)
un=$(top_cum "$B" "$p" unlabelled_work -tagignore=request=.)
un_l=$(top_cum "$B" "$p" labelled_work -tagignore=request=.)
echo "labelled_work r1=$r1 unlabelled_work r1=$r1_other child r2=$r2/$r2b unlabelled=$un labelled-without-tag=$un_l"
within "$r1" 200 400 || die "labelled_work under request=r1: $r1 ms"
within "$r1_other" 0 0 || die "unlabelled_work has request=r1 samples"
within "$r2" 200 400 || die "child_work under stage=child: $r2 ms"
within "$r2b" 200 400 || die "child_work under request=r2: $r2b ms"
within "$un" 200 400 || die "unlabelled_work without labels: $un ms"
within "$un_l" 0 0 || die "labelled_work has samples without labels"
pprof -tags "$p" | grep -q 'request: Total' || die "no request tag in -tags"
exit 0
