// A recursive program for the debug=1 heap reader (tests/interop/
// legacy_go_recursive.sh): its heap records repeat program counters
// across stack frames, as Go heap profiles of recursive code do:
// direct recursion (recurse) with an inlined helper at its leaf,
// mutual recursion (ping/pong), and package initialisation, where
// runtime.doInit calls itself for every level of imports (mid imports
// dep, whose init allocates; rate turns on MemProfileRate=1 first).
// It writes its heap profile with debug=1 to stdout.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"

	_ "recursive/mid"
)

var sink [][]byte

func leafAlloc(n int) { sink = append(sink, make([]byte, n)) } // inlined

//go:noinline
func recurse(n, size int) {
	if n == 0 {
		leafAlloc(size)
		return
	}
	recurse(n-1, size)
}

//go:noinline
func ping(n int) {
	if n == 0 {
		sink = append(sink, make([]byte, 4096))
		return
	}
	pong(n - 1)
}

//go:noinline
func pong(n int) { ping(n) }

func main() {
	for i := 0; i < 8; i++ {
		recurse(4, 1<<16)
		ping(3)
	}
	recurse(2, 1<<20)
	runtime.GC()
	pprof.Lookup("heap").WriteTo(os.Stdout, 1)
}
