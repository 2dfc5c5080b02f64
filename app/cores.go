package app

import (
	"os"
	"runtime"
)

// UseOneCore has the Go runtime run tikcraft's goroutines on one core at a
// time (GOMAXPROCS=1), unless the GOMAXPROCS environment variable says
// otherwise. run calls it, and bench to measure what run does: a LIVE
// hands every event from goroutine to goroutine (socket, handlers,
// pipeline, store, delivery, browsers), and on two cores each hand-off
// wakes the other core, which then spins looking for work. On one, the
// same events cost about a fifth less CPU (docs/PERFORMANCE.md), a few
// milliseconds of latency in the worst 1%, and the other cores stay with
// Minecraft and OBS. System calls (SQLite's writes, the sockets) still
// run beside it.
func UseOneCore() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}
