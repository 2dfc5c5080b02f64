package pause

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
)

// recorder is a sink that records what it delivered and says so on got.
type recorder struct {
	mu   sync.Mutex
	cmds []string
	got  chan string
}

func newRecorder() *recorder { return &recorder{got: make(chan string, 100)} }

func (r *recorder) Deliver(_ context.Context, a tikcraft.Action) error {
	r.mu.Lock()
	r.cmds = append(r.cmds, a.Command)
	r.mu.Unlock()
	r.got <- a.Command
	return nil
}

func (r *recorder) delivered() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.cmds...)
}

func cmd(s string) tikcraft.Action { return tikcraft.Action{Kind: tikcraft.KindCommand, Command: s} }

// run starts a real delivery worker on q through g; stop waits for it.
func run(t *testing.T, q queue.Queue, g *Gate) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&deliver.Worker{Queue: q, Sink: g, Grace: time.Millisecond}).Run(ctx, nil)
	}()
	return func() { cancel(); <-done }
}

func wait(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("delivered %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%q was never delivered", want)
	}
}

// TestPauseHoldsInOrder: while paused nothing reaches the sink and the
// action in hand stays queued; on resume everything goes out in order.
func TestPauseHoldsInOrder(t *testing.T) {
	rec := newRecorder()
	g := New(rec, time.Hour)
	waiting := make(chan struct{}, 10)
	g.onWait = func() { waiting <- struct{}{} }
	var states []State
	g.OnChange(func(s State) { states = append(states, s) })
	q := queue.NewMemory()
	defer run(t, q, g)()

	q.Push(context.Background(), cmd("a1"))
	wait(t, rec.got, "a1")
	g.Pause()
	q.Push(context.Background(), cmd("a2"), cmd("a3"))
	<-waiting // the worker holds a2 at the gate
	if got := rec.delivered(); fmt.Sprint(got) != "[a1]" {
		t.Fatalf("delivered while paused: %v", got)
	}
	if n, _, _ := q.Stats(context.Background(), queue.AllLanes); n != 2 {
		t.Fatalf("%d actions queued while paused, want 2", n)
	}
	g.Resume()
	wait(t, rec.got, "a2")
	wait(t, rec.got, "a3")
	if len(states) != 2 || !states[0].Paused || !states[0].Manual || states[1].Paused {
		t.Errorf("state changes %+v", states)
	}
}

// TestDeathPause: a death holds delivery until the respawn; without a
// respawn the timeout lets it go on; the streamer's resume overrides both.
func TestDeathPause(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		after   func(g *Gate)
	}{
		{"respawn", time.Hour, (*Gate).Respawned},
		{"lost respawn", 20 * time.Millisecond, func(*Gate) {}},
		{"resume", time.Hour, (*Gate).Resume},
		{"second death keeps the pause until the respawn", time.Hour, func(g *Gate) { g.Died(); g.Respawned() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			g := New(rec, tt.timeout)
			waiting := make(chan struct{}, 10)
			g.onWait = func() { waiting <- struct{}{} }
			q := queue.NewMemory()
			defer run(t, q, g)()
			g.Died()
			if s := g.State(); !s.Paused || !s.Death || s.Manual || s.Until.IsZero() {
				t.Fatalf("state after death %+v", s)
			}
			q.Push(context.Background(), cmd("b1"), cmd("b2"))
			<-waiting
			tt.after(g)
			wait(t, rec.got, "b1")
			wait(t, rec.got, "b2")
			if s := g.State(); s.Paused {
				t.Errorf("still paused: %+v", s)
			}
		})
	}
}

// TestPausedShutdownKeepsTheAction: stopping while paused returns an error
// (never nil, which would acknowledge an action that was not sent).
func TestPausedShutdownKeepsTheAction(t *testing.T) {
	g := New(newRecorder(), 0)
	g.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Deliver(ctx, cmd("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver while paused and stopped = %v", err)
	}
	// A manual pause survives a respawn.
	g.Died()
	g.Respawned()
	if s := g.State(); !s.Paused || !s.Manual {
		t.Fatalf("respawn ended a manual pause: %+v", s)
	}
}

// replySink answers like RCON does and reports its state.
type replySink struct{ st tikcraft.SinkState }

func (replySink) Deliver(context.Context, tikcraft.Action) error { return nil }
func (replySink) DeliverReply(_ context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	return tikcraft.Reply{Text: "Unknown command: " + a.Command, Refused: true}, nil
}
func (s replySink) SinkState() tikcraft.SinkState { return s.st }

// The gate passes Minecraft's replies and the connection state through, so
// the console and the status line see them, and says why it holds delivery.
func TestGatePassesRepliesAndState(t *testing.T) {
	next := replySink{tikcraft.SinkState{Connected: true, Pacing: true, MaxPerSecond: 20}}
	g := New(deliver.Router{Commands: next}, 0)
	r, err := g.DeliverReply(context.Background(), cmd("fly"))
	if err != nil || !r.Refused || r.Text != "Unknown command: fly" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	if st, ok := tikcraft.StateOf(g); !ok || !st.Connected || !st.Pacing || st.Paused != "" {
		t.Fatalf("state %+v %v", st, ok)
	}
	g.Pause()
	if st, _ := tikcraft.StateOf(g); st.Paused == "" || !st.Connected {
		t.Fatalf("paused state %+v", st)
	}
	g.Resume()
	g.Died()
	if st, _ := tikcraft.StateOf(g); !strings.Contains(st.Paused, "died") {
		t.Fatalf("death state %+v", st)
	}
}
