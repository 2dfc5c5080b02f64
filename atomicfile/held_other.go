//go:build !windows

package atomicfile

// heldOpen is false: elsewhere a rename replaces a file whoever has it
// open.
func heldOpen(error) bool { return false }
