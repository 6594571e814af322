# How pproftop -dot writes function names matches go tool pprof -dot:
# the short name of the box (Go import paths and major versions cut,
# Java packages cut, C++ namespaces cut to Class::method), split into
# lines at '.' and '::', "[...]" kept, and quotes and backslashes
# escaped in labels and tooltips. The names come from folded stacks
# converted by pprofconv. (Names with C++ template or parameter lists
# are left out: go tool pprof's reader simplifies those before any
# report is made, which is not the DOT writer's business.)
. "$TESTLIB"
need_go

cat >"$WORK/names.folded" <<'STACKS'
main;github.com/acme/widget/v2.(*Server).Handle;github.com/acme/widget/v2/internal.parse 30
main;gopkg.in/yaml.v3.Unmarshal;gopkg.in/yaml.v3.(*decoder).unmarshal 20
main;example.com/mod/v10/pkg.Run[...];k8s.io/client-go/v1.Get 12
main;ns::Outer::Inner::method;__gnu_cxx::__Foo::~__Foo 11
main;com.example.app.Foo.bar(Foo.java);com.example.Foo$Bar.<init>;org.Thing.run$1 10
main;say"hi\\there;back\slash"quote 9
main;a/b/;trailing/;x//y.z 8
main;runtime.gcBgMarkWorker.func2;runtime/internal/atomic.(*Uint32).Load 7
STACKS
"$BIN/pprofconv" "$WORK/names.folded" "$WORK/names.pb.gz" || die "pprofconv failed"
for fl in -nodefraction=0 -nodecount=6 "-nodefraction=0 -lines"; do
    # shellcheck disable=SC2086
    TZ=UTC go tool pprof -dot $fl "$WORK/names.pb.gz" >"$WORK/ref.dot" 2>/dev/null ||
        die "go tool pprof -dot $fl failed"
    # shellcheck disable=SC2086
    "$BIN/pproftop" -dot $fl "$WORK/names.pb.gz" >"$WORK/our.dot" ||
        die "pproftop -dot $fl failed"
    cmp -s "$WORK/ref.dot" "$WORK/our.dot" || {
        diff -u "$WORK/ref.dot" "$WORK/our.dot" | head -40
        die "DOT differs from go tool pprof -dot $fl"
    }
done
grep -q 'tooltip="say\\"hi\\\\\\\\there' "$WORK/ref.dot" || die "escaping not exercised"
