package runtime_test

import goruntime "runtime"

// runtimeGosched yields while a test polls a counter that another
// goroutine updates.
func runtimeGosched() { goruntime.Gosched() }
