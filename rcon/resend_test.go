package rcon

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// TestUnansweredCommandIsSentAtMostFourTimes: a server that executes every
// command and then closes the connection without answering must not get the
// same command again and again. After MaxResends resends the client gives up
// on it with an error marked tikcraft.ErrUnconfirmed, and the next command
// goes out normally.
func TestUnansweredCommandIsSentAtMostFourTimes(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	tooMany := make(chan struct{})
	addr := scripted(t, func(_ int, p *peerConn) {
		if !p.login() {
			return
		}
		id, _, body, ok := p.read()
		if !ok {
			return
		}
		mu.Lock()
		got[body]++
		if got[body] == MaxResends+2 {
			close(tooMany)
		}
		mu.Unlock()
		if body == "say fine" {
			p.write(id, TypeResponse, "")
			p.read()
		}
		// Otherwise: executed, and the connection closes unanswered.
	})
	c, log := newClient(t, Config{Address: addr})
	done := make(chan error, 1)
	go func() { done <- c.Deliver(testContext(t), command("give @a diamond 64")) }()
	var err error
	select {
	case err = <-done:
	case <-tooMany:
		t.Fatalf("the server got the command %d times", MaxResends+2)
	}
	if !errors.Is(err, tikcraft.ErrUnconfirmed) || errors.Is(err, tikcraft.ErrPermanent) {
		t.Fatalf("Deliver error = %v; want one marked ErrUnconfirmed (and not permanent)", err)
	}
	for _, want := range []string{`"give @a diamond 64"`, "4 times", "may have run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
	mu.Lock()
	n := got["give @a diamond 64"]
	mu.Unlock()
	if n != MaxResends+1 {
		t.Errorf("the server got the command %d times, want %d (once plus %d resends)", n, MaxResends+1, MaxResends)
	}
	if err := c.Deliver(testContext(t), command("say fine")); err != nil {
		t.Fatalf("the next command: %v", err)
	}
	_ = log
}
