//go:build !unix

package userfile

// Windows has no FIFOs that a path opens: nothing blocks an open there.
const openNonblock = 0
