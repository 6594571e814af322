// Goroutines parked under pprof.Do with labels whose keys and values
// are multi-byte UTF-8, for tests/interop/top_tags_utf8.sh: pprof's
// -tags aligns its columns by characters, not bytes. Writes the
// goroutine profile (profile.proto) to stdout.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"time"
)

func park(ch chan struct{}, kv ...string) {
	pprof.Do(context.Background(), pprof.Labels(kv...), func(context.Context) {
		go func() { <-ch }()
	})
}

func main() {
	ch := make(chan struct{})
	park(ch, "stad", "Göteborg")
	park(ch, "stad", "Malmö")
	park(ch, "stad", "Malmö")
	park(ch, "stad", "東京", "väg", "ö")
	park(ch, "väg", "långgatan")
	time.Sleep(50 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 0)
}
