// Package connerr tells why a network connection failed, the same way on
// every system. On Windows, Go's net package returns Winsock's own error
// numbers (WSAECONNREFUSED is 10061), which syscall.ECONNREFUSED does not
// match there: a check for the POSIX number alone read "Minecraft is not
// running" as an unknown error, and said nothing of what to do.
package connerr

import (
	"errors"
	"syscall"
)

// Winsock's numbers (winerror.h), as the net package returns them on
// Windows. No other system uses numbers this high, so they are checked
// everywhere, which lets every system's tests cover them.
const (
	wsaENETUNREACH  = syscall.Errno(10051)
	wsaECONNABORTED = syscall.Errno(10053)
	wsaECONNRESET   = syscall.Errno(10054)
	wsaECONNREFUSED = syscall.Errno(10061)
	wsaEHOSTUNREACH = syscall.Errno(10065)
)

// Refused reports a connection refused: nothing listens at that port.
func Refused(err error) bool {
	return is(err, syscall.ECONNREFUSED, wsaECONNREFUSED)
}

// Closed reports a connection the other side closed or broke off while
// it was in use (reset, aborted, or written to after it was gone).
func Closed(err error) bool {
	return is(err, syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED, wsaECONNRESET, wsaECONNABORTED)
}

// Unreachable reports a host or network that no route leads to.
func Unreachable(err error) bool {
	return is(err, syscall.EHOSTUNREACH, syscall.ENETUNREACH, wsaEHOSTUNREACH, wsaENETUNREACH)
}

func is(err error, targets ...syscall.Errno) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
