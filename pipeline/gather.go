package pipeline

import (
	"time"

	"github.com/tikcraft/tikcraft"
)

// gatherer decides whether a batch waits for more events (Options.Gather)
// and does the waiting. It keeps the average gap between events: a batch
// waits only while events come faster than one every window/2, so a slow
// stream's events are queued at once, as before, and a fast one's share a
// commit.
type gatherer struct {
	window time.Duration
	last   time.Time     // when the last event arrived
	gap    time.Duration // average gap between events (moving average)
	timer  *time.Timer
}

// arrived notes an event's arrival.
func (g *gatherer) arrived(now time.Time) {
	if g.last.IsZero() {
		g.gap = g.window // no rate known yet: assume a slow stream
	} else {
		g.gap += (now.Sub(g.last) - g.gap) / 8
	}
	g.last = now
}

// wait returns the next event if one arrives before the batch that began
// at first has gathered for window, while events come fast; otherwise
// (nil, false) at once, when the window ends or when events is closed.
func (g *gatherer) wait(events <-chan tikcraft.Event, first time.Time) (tikcraft.Event, bool) {
	if g.window <= 0 || g.gap >= g.window/2 {
		return nil, false
	}
	left := g.window - time.Since(first)
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
