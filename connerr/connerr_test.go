package connerr

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// dialError is how the net package returns a system's error number.
func dialError(n syscall.Errno) error {
	return fmt.Errorf("connecting: %w", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", n)})
}

func TestKinds(t *testing.T) {
	for _, tt := range []struct {
		err                          error
		refused, closed, unreachable bool
	}{
		{dialError(syscall.ECONNREFUSED), true, false, false},
		{dialError(10061), true, false, false}, // Windows: WSAECONNREFUSED
		{dialError(syscall.ECONNRESET), false, true, false},
		{dialError(syscall.EPIPE), false, true, false},
		{dialError(10054), false, true, false}, // WSAECONNRESET
		{dialError(10053), false, true, false}, // WSAECONNABORTED
		{dialError(syscall.EHOSTUNREACH), false, false, true},
		{dialError(10065), false, false, true}, // WSAEHOSTUNREACH
		{dialError(10051), false, false, true}, // WSAENETUNREACH
		{dialError(syscall.EACCES), false, false, false},
		{errors.New("connection refused"), false, false, false},
		{nil, false, false, false},
	} {
		if Refused(tt.err) != tt.refused || Closed(tt.err) != tt.closed || Unreachable(tt.err) != tt.unreachable {
			t.Errorf("%v: Refused %t, Closed %t, Unreachable %t; want %t, %t, %t", tt.err,
				Refused(tt.err), Closed(tt.err), Unreachable(tt.err), tt.refused, tt.closed, tt.unreachable)
		}
	}
}
