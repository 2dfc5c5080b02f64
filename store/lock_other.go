//go:build !unix && !windows

package store

// lockDir is a no-op where neither flock nor LockFileEx exists (Plan 9, WebAssembly).
func lockDir(string) (func(), error) { return func() {}, nil }
