//go:build !unix && !windows

package store

// freeBytes cannot tell here.
func freeBytes(string) (uint64, bool) { return 0, false }

// diskFull cannot tell here.
func diskFull(error) bool { return false }
