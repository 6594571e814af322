// Package rate samples every allocation from the start of the
// program's initialisation, so that dep's init is in the profile.
package rate

import "runtime"

var _ = func() int { runtime.MemProfileRate = 1; return 0 }()
