# -tags with multi-byte UTF-8 label keys and values (a goroutine
# profile of testdata/go_labels, built and run here): pproftop aligns
# the columns as go tool pprof does (by characters) and prints the same
# bytes for -tags, -tags with a label filter, and -traces.
. "$TESTLIB"
need_go
. "$(dirname "$0")/report_lib.inc"
export GOCACHE="$WORK/gocache" GOFLAGS= GOPATH="$WORK/gopath" GO111MODULE=on
(cd "$TESTDATA/go_labels" && go build -o "$WORK/labels" .) ||
    die "cannot build the label program"
"$WORK/labels" >"$WORK/g.pb.gz" || die "the program failed"
same_as_pprof -tags "$WORK/g.pb.gz"
grep -q 'väg: Total' "$WORK/our.txt" || die "no UTF-8 key in -tags"
same_as_pprof -tags '-tagfocus=stad=Malmö' "$WORK/g.pb.gz"
same_as_pprof -tags -taghide=stad "$WORK/g.pb.gz"
same_as_pprof -traces -tagfocus=väg "$WORK/g.pb.gz"
echo "$nchecked comparisons"
