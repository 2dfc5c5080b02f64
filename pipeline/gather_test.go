package pipeline

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/queue"
)

// The pace a batch gathers for: the time from finding no event waiting to
// the next one's arrival, on average.
func TestGathererLearnsThePace(t *testing.T) {
	const window = 5 * time.Millisecond
	t0 := time.Now()
	tests := []struct {
		name   string
		frames int           // arrivals of events after the pipeline found none waiting
		every  time.Duration // between those
		burst  int           // events arriving together each time
		fast   bool
	}{
		{"nothing known yet", 0, 0, 1, false},
		{"1,000 a second, one by one", 20, time.Millisecond, 1, true},
		{"500 a second", 20, 2 * time.Millisecond, 1, true},
		{"250 a second", 20, 4 * time.Millisecond, 1, false},
		{"100 a second", 20, 10 * time.Millisecond, 1, false},
		// 1,000 a second in frames of 8: the next frame is 8 ms away, so
		// waiting for it would only delay this one.
		{"frames of 8 every 8 ms", 20, 8 * time.Millisecond, 8, false},
		{"frames of 2 every 2 ms", 20, 2 * time.Millisecond, 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGatherer(window)
			at := t0
			for range tc.frames {
				g.emptied(at)
				at = at.Add(tc.every)
				for range tc.burst {
					g.arrived(at)
				}
			}
			if g.fast() != tc.fast {
				t.Fatalf("fast() = %v with an average wait of %v", g.fast(), g.idle)
			}
		})
	}
}

// The windows here are an hour long: a wait that should not happen would
// hang the test (and fail it at the test timeout) instead of passing late,
// and a wait that should happen ends by an event or the channel closing,
// never by the clock.
func TestGathererWaitsOnlyWhileEventsComeFast(t *testing.T) {
	ev := &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}
	fast := func() *gatherer {
		g := newGatherer(time.Hour)
		t0 := time.Now()
		for i := range 10 {
			g.emptied(t0.Add(time.Duration(i) * time.Millisecond))
			g.arrived(t0.Add(time.Duration(i)*time.Millisecond + time.Microsecond))
		}
		return g
	}
	t.Run("a slow stream never waits", func(t *testing.T) {
		g := newGatherer(time.Hour)
		if got, more := g.wait(make(chan tikcraft.Event), time.Now()); got != nil || more {
			t.Fatalf("got %v, %v", got, more)
		}
	})
	t.Run("a fast stream waits for the next event", func(t *testing.T) {
		g := fast()
		ch := make(chan tikcraft.Event)
		go func() { ch <- ev }()
		if got, more := g.wait(ch, time.Now()); got != ev || !more {
			t.Fatalf("got %v, %v", got, more)
		}
	})
	t.Run("not past the batch's window", func(t *testing.T) {
		g := fast()
		if got, more := g.wait(make(chan tikcraft.Event), time.Now().Add(-2*time.Hour)); got != nil || more {
			t.Fatalf("got %v, %v", got, more)
		}
	})
	t.Run("the stream ends", func(t *testing.T) {
		g := fast()
		ch := make(chan tikcraft.Event)
		close(ch)
		if got, more := g.wait(ch, time.Now()); got != nil || more {
			t.Fatalf("got %v, %v", got, more)
		}
	})
	t.Run("off", func(t *testing.T) {
		g := fast()
		g.window = -1
		if got, more := g.wait(make(chan tikcraft.Event), time.Now()); got != nil || more {
			t.Fatalf("got %v, %v", got, more)
		}
	})
}

// Events that come one by one, each only once the pipeline took the one
// before (so no two are ever waiting together), share a batch once the
// stream is known to be fast; every event's action is queued once, in
// order.
func TestFastEventsShareABatch(t *testing.T) {
	const n = 40
	took := make(chan struct{})
	src := sourceFunc(func(ctx context.Context, emit func(tikcraft.Event)) error {
		for i := range n {
			emit(&tikcraft.ShareEvent{User: tikcraft.User{UniqueID: fmt.Sprint("u", i)}})
			<-took
		}
		return nil
	})
	var mu sync.Mutex
	var batches [][]string
	sink := &flakySink{}
	res, err := Run(context.Background(), src, Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink,
		Finish: true, Gather: time.Hour,
		OnEvent: func(tikcraft.Event, bool) { took <- struct{}{} },
		OnQueued: func(acts []tikcraft.Action) {
			var cmds []string
			for _, a := range acts {
				cmds = append(cmds, a.Command)
			}
			mu.Lock()
			batches = append(batches, cmds)
			mu.Unlock()
		},
	})
	if err != nil || res.Events != n || res.Delivered != n {
		t.Fatalf("res %+v, err %v", res, err)
	}
	var all []string
	longest := 0
	for _, b := range batches {
		all = append(all, b...)
		longest = max(longest, len(b))
	}
	for i := range n {
		if i >= len(all) || all[i] != fmt.Sprint("share u", i) {
			t.Fatalf("queued %v", all)
		}
	}
	if len(all) != n {
		t.Fatalf("queued %d actions for %d events: %v", len(all), n, all)
	}
	// The first few go alone while the stream's pace is learnt.
	if longest < n/2 {
		t.Fatalf("no batch gathered the fast events: %v", batches)
	}
}

// A lone event is queued at once: the stream is not known to be fast.
func TestALoneEventIsQueuedAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	queued := make(chan struct{})
	src := sourceFunc(func(ctx context.Context, emit func(tikcraft.Event)) error {
		emit(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}})
		<-queued // a batch that waited for more would never be queued
		cancel()
		return nil
	})
	var once sync.Once
	_, err := Run(ctx, src, Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: &flakySink{},
		Gather:   time.Hour,
		OnQueued: func(acts []tikcraft.Action) { once.Do(func() { close(queued) }) },
	})
	if err != nil {
		t.Fatal(err)
	}
}
