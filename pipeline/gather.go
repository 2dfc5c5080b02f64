package pipeline

import (
	"time"

	"github.com/tikcraft/tikcraft"
)

// gatherer decides whether a batch waits for more events (Options.Gather)
// and does the waiting. It keeps the average time from the pipeline
// finding no event waiting to the next event's arrival: a batch waits only
// while that is under half the window, so a slow stream's events are
// queued at once, as before, and so are bursts (TikTok packs a busy LIVE's
// events into frames) that come further apart than the window, while a
// fast steady stream's events share a commit.
type gatherer struct {
	window  time.Duration
	idle    time.Duration // average wait for the next event (moving average)
	emptyAt time.Time     // when no event was waiting last; zero once one came
	timer   *time.Timer
}

func newGatherer(window time.Duration) *gatherer {
	return &gatherer{window: window, idle: window} // no pace known yet: a slow stream
}

// emptied notes that no event was waiting at now.
func (g *gatherer) emptied(now time.Time) { g.emptyAt = now }

// arrived notes an event's arrival at now.
func (g *gatherer) arrived(now time.Time) {
	if g.emptyAt.IsZero() {
		return // it was already waiting: a burst, or the pipeline is behind
	}
	g.idle += (now.Sub(g.emptyAt) - g.idle) / 8
	g.emptyAt = time.Time{}
}

// fast reports whether the next event is expected within the window.
func (g *gatherer) fast() bool { return g.window > 0 && g.idle < g.window/2 }

// wait is called when no event is waiting. It returns the next event if
// one arrives before the batch that began at first has gathered for the
// window, while events come fast; otherwise (nil, false), at once, when
// the window ends or when events is closed.
func (g *gatherer) wait(events <-chan tikcraft.Event, first time.Time) (tikcraft.Event, bool) {
	now := time.Now()
	g.emptied(now)
	if !g.fast() {
		return nil, false
	}
	left := g.window - now.Sub(first)
	if left <= 0 {
		return nil, false
	}
	if g.timer == nil {
		g.timer = time.NewTimer(left)
	} else {
		g.timer.Reset(left)
	}
	select {
	case ev, ok := <-events:
		g.timer.Stop()
		return ev, ok
	case <-g.timer.C:
		return nil, false
	}
}

func (g *gatherer) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
}
