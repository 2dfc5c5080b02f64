package deliver

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

// TestWorkerDeliversDelayedActionsWhenDue: the worker sends what is due at
// once, holds a delayed action until its time without holding up the ones
// behind it, and, finishing, waits for it rather than leave it behind.
func TestWorkerDeliversDelayedActionsWhenDue(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clock := queuetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	q := queue.NewMemory(queue.WithClock(clock))
	acts := cmds("say now", "say later", "say also now")
	acts[1].Delay = 2 * time.Second
	if err := q.Push(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	sink := &scriptSink{}
	seen := make(chan Delivery, 3)
	w := &Worker{Queue: q, Sink: sink, OnDelivery: func(d Delivery) { seen <- d }}
	finish := make(chan struct{})
	close(finish)
	done := make(chan error, 1)
	go func() {
		_, err := w.Run(ctx, finish)
		done <- err
	}()
	for _, want := range []string{"say now", "say also now"} {
		if d := <-seen; d.Item.Action.Command != want {
			t.Fatalf("delivered %q, want %q", d.Item.Action.Command, want)
		}
	}
	due := clock.Now().Add(2 * time.Second)
	if err := clock.WaitTimer(ctx, due); err != nil {
		t.Fatalf("the worker never waited for the delayed action: %v", err)
	}
	clock.Advance(2 * time.Second)
	d := <-seen
	if d.Item.Action.Command != "say later" || clock.Now().Before(d.Item.Due) {
		t.Fatalf("delivered %q (due %v) at %v", d.Item.Action.Command, d.Item.Due, clock.Now())
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if want := []string{"say now", "say also now", "say later"}; !slices.Equal(sink.got, want) {
		t.Fatalf("sink got %q, want %q", sink.got, want)
	}
}
