package rcon

import (
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// The client is the sink the pipeline asks about its state and answers.
var (
	_ tikcraft.Replier       = (*Client)(nil)
	_ tikcraft.StateReporter = (*Client)(nil)
)

// TestReplyCarriesMinecraftsAnswer: the answer's text reaches the caller,
// and an "Unknown command" answer is flagged as refused.
func TestReplyCarriesMinecraftsAnswer(t *testing.T) {
	s := startServer(t, rcontest.Reply(func(cmd string) string {
		if strings.HasPrefix(cmd, "sya") {
			return "Unknown or incomplete command, see below for error\nsya hi<--[HERE]"
		}
		return "Set the time to 1000"
	}))
	c, _ := newClient(t, Config{Address: s.Addr()})
	tests := []struct {
		cmd     string
		text    string
		refused bool
	}{
		{"time set 1000", "Set the time to 1000", false},
		{"sya hi", "Unknown or incomplete command, see below for error\nsya hi<--[HERE]", true},
	}
	for _, tt := range tests {
		r, err := c.DeliverReply(testContext(t), command(tt.cmd))
		if err != nil || r.Text != tt.text || r.Refused != tt.refused || r.Resends != 0 {
			t.Errorf("DeliverReply(%q) = %+v, %v; want text %q refused %t", tt.cmd, r, err, tt.text, tt.refused)
		}
	}
}

// TestReplyCountsResends: a command resent after a dropped connection says so.
func TestReplyCountsResends(t *testing.T) {
	s := startServer(t, rcontest.DropAfter(1, 2))
	c, _ := newClient(t, Config{Address: s.Addr()})
	r, err := c.DeliverReply(testContext(t), command("say again"))
	if err != nil || r.Resends != 2 {
		t.Fatalf("DeliverReply = %+v, %v; want 2 resends", r, err)
	}
}

// TestSinkState: down, then connected; pacing shows when the rate limit,
// not Minecraft, holds commands back.
func TestSinkState(t *testing.T) {
	s := startServer(t, rcontest.Late())
	c, log := newClient(t, Config{Address: s.Addr(), MaxCommandsPerSecond: 2})
	if st := c.SinkState(); st.Connected || st.Problem != "" || st.MaxPerSecond != 2 {
		t.Fatalf("before the first command: %+v", st)
	}
	done := make(chan error, 1)
	go func() { done <- c.Deliver(testContext(t), command("say 1")) }()
	log.waitFor(t, slog.LevelWarn, "not reachable")
	st := c.SinkState()
	if st.Connected || !strings.Contains(st.Problem, "is not reachable (connection refused)") || st.Since.IsZero() {
		t.Fatalf("while the server is down: %+v", st)
	}
	if err := s.Listen(); err != nil {
		t.Error(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := c.SinkState(); !st.Connected || st.Problem != "" || !st.Since.IsZero() || st.Pacing {
		t.Fatalf("after connecting: %+v", st)
	}
	var clock fakeClock
	clock.install(c)
	for _, cmd := range cmds("fill", 3) { // the burst is 2: the third waits
		if err := c.Deliver(testContext(t), command(cmd)); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.SinkState(); !st.Pacing || !st.Connected {
		t.Fatalf("after a paced command: %+v", st)
	}
	clock.advance(10 * time.Second)
	if err := c.Deliver(testContext(t), command("say alone")); err != nil {
		t.Fatal(err)
	}
	if st := c.SinkState(); st.Pacing {
		t.Fatalf("a lone command after a pause is not paced: %+v", st)
	}
}

// TestConnectLogsInWithoutACommand: Connect logs in and sends nothing; a
// wrong password is a permanent error and the state says refused; a
// server that is not there is a problem in plain words. Nothing is
// retried.
func TestConnectLogsInWithoutACommand(t *testing.T) {
	s := startServer(t)
	c, _ := newClient(t, Config{Address: s.Addr()})
	if err := c.Connect(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if st := c.SinkState(); !st.Connected || s.Logins() != 1 || len(s.Commands()) != 0 {
		t.Fatalf("state %+v, %d logins, commands %q", st, s.Logins(), s.Commands())
	}
	if err := c.Connect(testContext(t)); err != nil || s.Logins() != 1 {
		t.Fatalf("a second Connect logged in again: %v, %d logins", err, s.Logins())
	}

	wrong, _ := newClient(t, Config{Address: s.Addr(), Password: "not-the-password"})
	err := wrong.Connect(testContext(t))
	if !errors.Is(err, tikcraft.ErrPermanent) || !strings.Contains(err.Error(), "refused the RCON password") {
		t.Fatalf("wrong password: %v", err)
	}
	// The client learns of the refusal just before the server counts it.
	if err := s.WaitFailedLogins(testContext(t), 1); err != nil {
		t.Fatal(err)
	}
	if st := wrong.SinkState(); st.Connected || !st.Refused || st.Problem == "" || s.FailedLogins() != 1 {
		t.Fatalf("wrong password: state %+v, %d failed logins", st, s.FailedLogins())
	}

	s.Stop()
	down, _ := newClient(t, Config{Address: s.Addr()})
	err = down.Connect(testContext(t))
	if err == nil || errors.Is(err, tikcraft.ErrPermanent) || !strings.Contains(err.Error(), "is not reachable") {
		t.Fatalf("server down: %v", err)
	}
	if st := down.SinkState(); st.Connected || st.Refused || !strings.Contains(st.Problem, "is not reachable") {
		t.Fatalf("server down: state %+v", st)
	}
}

// On Windows the net package returns Winsock's numbers (10061 for a
// refused connection): the streamer reads the same cause and fix as on
// any other system, not "connectex: No connection could be made...".
func TestDescribeWindowsErrors(t *testing.T) {
	winsock := func(n syscall.Errno) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", n)}
	}
	cfg := Config{Address: "127.0.0.1:25580"}
	for n, want := range map[syscall.Errno]string{
		10061: "connection refused: is the server running with enable-rcon=true and rcon.port=25580 in server.properties?",
		10054: "the connection was closed: is the server starting or restarting?",
		10065: "no route to the host: are rcon.address in tikcraft.yaml and the network right?",
	} {
		if what, hint := describe(winsock(n), cfg); what+": "+hint != want {
			t.Errorf("%d: got %q: %q, want %q", n, what, hint, want)
		}
	}
}
