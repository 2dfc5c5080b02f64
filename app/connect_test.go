package app

import (
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// check --connect on Windows, where a refused connection is Winsock's
// 10061, gives the cause and fix it gives elsewhere.
func TestRCONProblemOfWindowsRefusal(t *testing.T) {
	err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", syscall.Errno(10061))}
	want := "nothing accepts RCON connections at 127.0.0.1:25575 (connection refused): start the Minecraft server"
	if got := rconProblem("127.0.0.1:25575", err); !strings.HasPrefix(got.Error(), want) {
		t.Errorf("got %v\nwant %s...", got, want)
	}
}
