package overlay

import (
	"context"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// Run sleeps until the first thing that is due: the end of an alert on
// screen (named overlays' too), of the running timer, or a second after an
// unsaved change; with nothing due it sleeps until a change wakes it.
func TestRunSleepsUntilSomethingIsDue(t *testing.T) {
	alert := func(name string, secs int) tikcraft.Action {
		a := tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "t", Seconds: secs}}
		if name != "" {
			a.Command = "@" + name
		}
		return a
	}
	tests := []struct {
		name  string
		saver bool
		do    func(context.Context, *Manager)
		after time.Duration // the clock moves on by this before asking
		want  time.Duration
	}{
		{name: "the timer runs from the start", want: DefaultTimerStart},
		{name: "paused timer: nothing due", do: func(ctx context.Context, m *Manager) { m.Deliver(ctx, overlayAction("timer pause")) }, want: idleWake},
		{name: "an alert on screen", do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer pause"))
			m.Deliver(ctx, alert("", 2))
		}, after: 500 * time.Millisecond, want: 2600*time.Millisecond - 500*time.Millisecond},
		{name: "a named overlay's alert", do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer pause"))
			m.Deliver(ctx, alert("corner", 4))
		}, want: 4600 * time.Millisecond},
		{name: "the timer ends first", do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer -598s"))
			m.Deliver(ctx, alert("", 5))
		}, want: 2 * time.Second},
		{name: "an unsaved change", saver: true, do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer pause"))
			m.Event(follow("1", "ann"))
		}, after: 300 * time.Millisecond, want: 700 * time.Millisecond},
		{name: "an unsaved change long after the last save", saver: true, do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer pause"))
			m.Event(follow("1", "ann"))
		}, after: time.Minute, want: 0},
		{name: "a change with nowhere to save it", do: func(ctx context.Context, m *Manager) {
			m.Deliver(ctx, overlayAction("timer pause"))
			m.Event(follow("1", "ann"))
		}, want: idleWake},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t0}
			var sv Saver
			if tt.saver {
				sv = &memSaver{}
			}
			m, _ := newTestManager(Defaults(), c, sv)
			if tt.do != nil {
				tt.do(ctx, m)
			}
			c.t = c.t.Add(tt.after)
			if got := m.untilDue(t0); got != tt.want {
				t.Fatalf("sleeps %v, want %v", got, tt.want)
			}
		})
	}
}

// With the real clock and nothing to wake it but what is due, Run takes an
// alert off the screen when its time is up and ends the timer, firing
// timer_end, and saves the change.
func TestRunWakesForWhatIsDue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Defaults()
	cfg.Alerts.FadeIn, cfg.Alerts.FadeOut = 0, 0
	cfg.Timer.Start = 1500 * time.Millisecond
	pubs := make(chan Snapshot, 100)
	fired := make(chan string, 10)
	sv := &countingSaver{saved: make(chan struct{}, 100)}
	m := New(ctx, Options{Config: cfg, Saver: sv, Publish: func(s Snapshot) { pubs <- s }, Fire: func(t string) { fired <- t }})
	// Three seconds: Run, started after the alert, sees it on screen first
	// however busy the machine.
	m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "rose", Seconds: 3}})
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()

	deadline := time.After(time.Minute)
	var shown, gone, ended bool
	for !gone || !ended {
		select {
		case s := <-pubs:
			if s.Alert != nil {
				shown = true
			} else if shown {
				gone = true
			}
			if s.Timer.Ended {
				ended = true
			}
		case <-deadline:
			t.Fatalf("after a minute: alert shown %v, gone %v, timer ended %v", shown, gone, ended)
		}
	}
	if got := <-fired; got != TriggerTimerEnd {
		t.Fatalf("fired %q, want %q", got, TriggerTimerEnd)
	}
	select {
	case <-sv.saved:
	case <-deadline:
		t.Fatal("the change was not saved within a minute")
	}
	cancel()
	<-done
}

// countingSaver says each save on a channel.
type countingSaver struct {
	memSaver
	saved chan struct{}
}

func (s *countingSaver) SaveOverlayState(ctx context.Context, b []byte) error {
	s.memSaver.SaveOverlayState(ctx, b)
	s.saved <- struct{}{}
	return nil
}

// Run publishes a change at once when the last snapshot is a frame old,
// and at most one snapshot a frame however many changes come: the last
// state always goes out.
func TestRunPublishesAtMostOncePerFrame(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pubs := make(chan Snapshot, 10000)
	m := New(ctx, Options{Config: Defaults(), Publish: func(s Snapshot) { pubs <- s }})
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	start := time.Now()
	const n = 2000
	for range n {
		m.Deliver(ctx, overlayAction("wins +1"))
	}
	var got []Snapshot
	deadline := time.After(time.Minute)
	for len(got) == 0 || got[len(got)-1].Wins != n {
		select {
		case s := <-pubs:
			got = append(got, s)
		case <-deadline:
			t.Fatalf("after a minute %d snapshots, none showing %d wins", len(got), n)
		}
	}
	elapsed := time.Since(start)
	if most := int(elapsed/frame) + 2; len(got) > most {
		t.Fatalf("%d snapshots for %d changes in %v: more than one a frame (%d)", len(got), n, elapsed, most)
	}
	cancel()
	<-done
}
