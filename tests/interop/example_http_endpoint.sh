# examples/capture/http_endpoint serves /debug/pprof/: go tool pprof
# reads a CPU and a heap profile from it, and its work shows up.
. "$TESTLIB"
need go curl
ex="$(cd "$(dirname "$0")/../.." && pwd)/$O/examples/capture/http_endpoint"
[ -x "$ex" ] || die "$ex not built (make tests)"
cd "$WORK"
"$ex" 127.0.0.1:0 8 >out 2>err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q serving out && break; sleep 0.1; done
port=$(sed -n 's|^serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' out)
[ -n "$port" ] || { cat out err; die "no port printed"; }
url=http://127.0.0.1:$port/debug/pprof
curl -sf "$url/" | grep -q heap || die "index has no heap"
HOME=$WORK PPROF_TMPDIR=$WORK pprof -top "$url/profile?seconds=2" >cpu.txt || die "go tool pprof could not read the CPU profile"
grep -q compute cpu.txt || { cat cpu.txt; die "compute not in the CPU profile"; }
HOME=$WORK PPROF_TMPDIR=$WORK pprof -sample_index=alloc_space -top "$url/heap" >heap.txt || die "heap profile"
grep -q churn heap.txt || { cat heap.txt; die "churn not in the heap profile"; }
kill $pid; wait $pid 2>/dev/null
trap - EXIT
echo "example endpoint served CPU and heap profiles to go tool pprof"
