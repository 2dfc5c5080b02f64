//go:build !unix && !windows

package app

// lockDataDir is a no-op where neither flock nor LockFileEx exists (Plan 9, WebAssembly).
func lockDataDir(string) (func(), error) { return func() {}, nil }
