package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// heldOpen reports whether err is Windows refusing to replace or remove a
// file because another program has it open without sharing its deletion.
func heldOpen(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}
