// Package pause holds delivery to Minecraft without touching the queue:
// Gate is a tikcraft.Sink in front of the real one whose Deliver waits
// while delivery is paused. The delivery worker sends one action at a time
// and acknowledges it only after Deliver returned, so a paused action simply
// stays first in the queue: nothing is dropped and nothing is reordered.
//
// Two things pause: the streamer (the dashboard's pause button) and a death
// in Minecraft (minecraft.pause_on_death), which lasts until the respawn or
// a safety timeout, so a lost respawn message never stalls the stream.
package pause

import (
	"context"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
)

var (
	_ tikcraft.Replier       = (*Gate)(nil)
	_ tikcraft.StateReporter = (*Gate)(nil)
)

// State is what holds delivery right now.
type State struct {
	Paused bool `json:"paused"`
	// Manual: paused from the dashboard or the API, until resumed.
	Manual bool `json:"manual"`
	// Death: paused because the player died, until the respawn or Until.
	Death bool      `json:"death"`
	Until time.Time `json:"until,omitzero"`
}

// Gate is a Sink that passes actions on to Next unless paused.
type Gate struct {
	next    tikcraft.Sink
	timeout time.Duration

	// notify serialises the listeners, so they see changes in order.
	notify sync.Mutex

	mu       sync.Mutex
	manual   bool
	death    bool
	until    time.Time
	timer    *time.Timer
	changed  chan struct{} // closed and replaced on every change
	onChange []func(State)
	onWait   func() // tests: a delivery started waiting
}

// New returns an open gate in front of next. deathTimeout bounds a death
// pause (0: 30 seconds).
func New(next tikcraft.Sink, deathTimeout time.Duration) *Gate {
	if deathTimeout <= 0 {
		deathTimeout = 30 * time.Second
	}
	return &Gate{next: next, timeout: deathTimeout, changed: make(chan struct{})}
}

// OnChange registers f to be called after every change of state, in
// order. f must not change the gate. Register before delivery starts.
func (g *Gate) OnChange(f func(State)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.onChange = append(g.onChange, f)
}

// Deliver waits while the gate is paused, then delivers a. If ctx ends
// first it returns ctx's error and a stays queued.
func (g *Gate) Deliver(ctx context.Context, a tikcraft.Action) error {
	if err := g.wait(ctx); err != nil {
		return err
	}
	return g.next.Deliver(ctx, a)
}

// DeliverReply is Deliver passing on the next sink's answer (see
// tikcraft.Replier), so that Minecraft's replies reach the console and the
// dashboard through the gate.
func (g *Gate) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	if err := g.wait(ctx); err != nil {
		return tikcraft.Reply{}, err
	}
	if r, ok := g.next.(tikcraft.Replier); ok {
		return r.DeliverReply(ctx, a)
	}
	return tikcraft.Reply{}, g.next.Deliver(ctx, a)
}

// SinkState is the next sink's state (when it reports one), with Paused
// saying why the gate holds delivery.
func (g *Gate) SinkState() tikcraft.SinkState {
	st, _ := tikcraft.StateOf(g.next)
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.manual:
		st.Paused = "paused from the dashboard; press Resume"
	case g.death:
		st.Paused = "the player died; delivery resumes at the respawn"
	}
	return st
}

// wait returns once the gate is open, or with ctx's error.
func (g *Gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		paused, ch := g.pausedLocked(), g.changed
		g.mu.Unlock()
		if !paused {
			return nil
		}
		if g.onWait != nil {
			g.onWait()
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// State reports what holds delivery now.
func (g *Gate) State() State {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stateLocked()
}

// Pause holds delivery until Resume.
func (g *Gate) Pause() { g.update(func() { g.manual = true }) }

// Resume lets delivery go on, whatever paused it (a death pause too: the
// streamer decides).
func (g *Gate) Resume() {
	g.update(func() {
		g.manual = false
		g.clearDeathLocked()
	})
}

// Died holds delivery until Respawned, or until the death timeout passed
// since the last death.
func (g *Gate) Died() {
	g.update(func() {
		g.death = true
		g.until = time.Now().Add(g.timeout)
		if g.timer != nil {
			g.timer.Stop()
		}
		var t *time.Timer
		t = time.AfterFunc(g.timeout, func() {
			g.update(func() {
				if g.timer == t { // not a timer a later death replaced
					g.clearDeathLocked()
				}
			})
		})
		g.timer = t
	})
}

// Respawned ends a death pause.
func (g *Gate) Respawned() { g.update(g.clearDeathLocked) }

func (g *Gate) clearDeathLocked() {
	g.death = false
	g.until = time.Time{}
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
}

func (g *Gate) pausedLocked() bool { return g.manual || g.death }

func (g *Gate) stateLocked() State {
	return State{Paused: g.pausedLocked(), Manual: g.manual, Death: g.death, Until: g.until}
}

// update applies change and, if the state changed, wakes waiting
// deliveries and tells the listeners.
func (g *Gate) update(change func()) {
	g.mu.Lock()
	before := g.stateLocked()
	change()
	after := g.stateLocked()
	if before == after {
		g.mu.Unlock()
		return
	}
	close(g.changed)
	g.changed = make(chan struct{})
	listeners := g.onChange
	g.notify.Lock()
	defer g.notify.Unlock()
	g.mu.Unlock()
	for _, f := range listeners {
		f(after)
	}
}
