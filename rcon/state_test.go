package rcon

import (
	"log/slog"
	"strings"
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
