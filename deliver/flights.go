package deliver

import (
	"sync/atomic"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/queue"
)

// Flights is what each lane is delivering: the action in flight and since
// when. A Worker keeps it up to date; the status lines and the dashboard
// read it, so that both name the same output. Safe for concurrent use; the
// zero value is ready, and a nil *Flights has nothing in flight.
type Flights struct {
	lanes [queue.NumLanes]atomic.Pointer[flight]
}

type flight struct {
	action tikcraft.Action
	since  time.Time
}

// InFlighter tells the action lane is delivering and since when; ok is
// false between deliveries. A Worker and its Flights are.
type InFlighter interface {
	InFlight(lane queue.Lane) (a tikcraft.Action, since time.Time, ok bool)
}

var (
	_ InFlighter = (*Flights)(nil)
	_ InFlighter = (*Worker)(nil)
)

// InFlight returns the action of lane being delivered and when its
// delivery started; ok is false between deliveries. With queue.AllLanes
// it is the one that has been in flight longest.
func (f *Flights) InFlight(lane queue.Lane) (a tikcraft.Action, since time.Time, ok bool) {
	if f == nil {
		return a, since, false
	}
	for _, l := range lanesOf(lane) {
		if fl := f.lanes[l].Load(); fl != nil && (!ok || fl.since.Before(since)) {
			a, since, ok = fl.action, fl.since, true
		}
	}
	return a, since, ok
}

func (f *Flights) start(lane queue.Lane, a tikcraft.Action, at time.Time) {
	f.lanes[lane].Store(&flight{action: a, since: at})
}

func (f *Flights) done(lane queue.Lane) { f.lanes[lane].Store(nil) }

// SlowAfter is how long a $http request may take before its target is
// named as what the $http lane waits for: a moment into a request is no
// reason to blame it.
const SlowAfter = time.Second

// SlowHTTP is the $http request f has been delivering for SlowAfter or
// more at now: its target's host:port ("" when its address cannot be
// read) and how long it has waited; ok is false when there is none. The
// status lines and the dashboard's "waiting by output" both say it.
func SlowHTTP(f InFlighter, now time.Time) (host string, waited time.Duration, ok bool) {
	a, since, ok := f.InFlight(queue.LaneHTTP)
	if !ok || a.Kind != tikcraft.KindHTTP || now.Sub(since) < SlowAfter {
		return "", 0, false
	}
	host, err := actions.HTTPHost(a.Command)
	if err != nil {
		host = ""
	}
	return host, now.Sub(since), true
}
