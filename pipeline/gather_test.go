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

// The windows here are an hour long: a wait that should not happen would
// hang the test (and fail it at the test timeout) instead of passing late,
// and a wait that should happen ends by an event or the channel closing,
// never by the clock.
func TestGathererWaitsOnlyWhileEventsComeFast(t *testing.T) {
	ev := &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}
	fast := func() *gatherer {
		g := &gatherer{window: time.Hour}
		t0 := time.Now()
		for i := range 10 {
			g.arrived(t0.Add(time.Duration(i) * time.Millisecond))
		}
		return g
	}
	t.Run("a slow stream never waits", func(t *testing.T) {
		g := &gatherer{window: time.Hour}
		g.arrived(time.Now())
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
		OnEvent: func(tikcraft.Event) { took <- struct{}{} },
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
