// Package dep allocates while it is initialised: its stack repeats
// runtime.doInit (the runtime initialises dependencies recursively).
package dep

import _ "recursive/rate"

var Table = make([][]byte, 0, 4)

func init() {
	for i := 0; i < 4; i++ {
		Table = append(Table, make([]byte, 8192))
	}
}
