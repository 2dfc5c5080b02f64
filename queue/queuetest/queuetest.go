// Package queuetest checks that a queue.Queue behaves as the delivery
// worker expects: order within each lane, lanes independent of each
// other, repeated Next, Ack, Park, Retry, Stats and Due. Both the
// in-memory queue and the durable store run it, so they stay
// interchangeable.
package queuetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

func cmd(i int) tikcraft.Action {
	return tikcraft.Action{Kind: tikcraft.KindCommand, Command: fmt.Sprintf("say %d", i), Trigger: "t", User: "u", Source: "test"}
}

// Run runs the conformance tests; open returns a new, empty queue.
func Run(t *testing.T, open func(t *testing.T) queue.Queue) {
	t.Run("park and retry", func(t *testing.T) { parkAndRetry(t, open(t)) })
	t.Run("every kind of action comes back whole", func(t *testing.T) { roundTrip(t, open(t)) })
	t.Run("each lane keeps its own order", func(t *testing.T) { laneOrder(t, open(t)) })
	t.Run("a waiting lane wakes only for its own actions", func(t *testing.T) { laneWakes(t, open(t)) })
	t.Run("a lane's unacknowledged head holds only that lane", func(t *testing.T) { headHoldsOwnLane(t, open(t)) })
	t.Run("lanes delivered at the same time", func(t *testing.T) { lanesConcurrent(t, open(t)) })
	t.Run("Next takes one lane", func(t *testing.T) { nextNeedsALane(t, open(t)) })
}

// roundTrip: what Next returns is what was pushed, for every kind of
// action (a plugin command must keep its flag, or the console shows it as
// a Minecraft command).
func roundTrip(t *testing.T, q queue.Queue) {
	ctx := context.Background()
	in := []tikcraft.Action{
		{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "rose", User: "anna", Source: "gift"},
		{Kind: tikcraft.KindCommand, Command: "eco give anna 10", Plugin: true, Trigger: "money", User: "anna", Source: "gift"},
		{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "T", Subtitle: "S", Seconds: 5}, Trigger: "rose", User: "anna", Source: "gift"},
		{Kind: tikcraft.KindHTTP, Command: `POST http://localhost:8080/x {"a":1}`, Trigger: "hook", User: "anna", Source: "gift"},
	}
	if err := q.Push(ctx, in...); err != nil {
		t.Fatal(err)
	}
	for _, want := range in {
		it, err := q.Next(ctx, queue.LaneOf(want))
		if err != nil {
			t.Fatal(err)
		}
		if it.Action != want {
			t.Fatalf("Next = %+v\nwant %+v", it.Action, want)
		}
		if err := q.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// next takes the head of Minecraft's lane, where cmd's actions go.
func next(t *testing.T, q queue.Queue, want string) queue.Item {
	t.Helper()
	return nextIn(t, q, queue.LaneMinecraft, want)
}

func nextIn(t *testing.T, q queue.Queue, lane queue.Lane, want string) queue.Item {
	t.Helper()
	it, err := q.Next(context.Background(), lane)
	if err != nil {
		t.Fatal(err)
	}
	if it.Action.Command != want {
		t.Fatalf("Next(%s) = %q, want %q", lane, it.Action.Command, want)
	}
	return it
}

// pending checks the pending count of every lane together.
func pending(t *testing.T, q queue.Queue, want int) {
	t.Helper()
	pendingIn(t, q, queue.AllLanes, want)
}

func pendingIn(t *testing.T, q queue.Queue, lane queue.Lane, want int) {
	t.Helper()
	n, oldest, err := q.Stats(context.Background(), lane)
	if err != nil || n != want || (n > 0) == oldest.IsZero() {
		t.Fatalf("Stats(%s) = %d, %v, %v; want %d pending", lane, n, oldest, err, want)
	}
}

// parkAndRetry: a parked item leaves the line, the rest go on; it is listed
// with its reason, and Retry brings it back ahead of later items.
func parkAndRetry(t *testing.T, q queue.Queue) {
	ctx := context.Background()
	if err := q.Push(ctx, cmd(0), cmd(1), cmd(2)); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 3)
	it := next(t, q, "say 0")
	if err := q.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	it = next(t, q, "say 1")
	if err := q.Park(ctx, it.ID, "never answered"); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 1)
	parked, err := q.Parked(ctx)
	if err != nil || len(parked) != 1 || parked[0].ID != it.ID || parked[0].Action != cmd(1) ||
		parked[0].Reason != "never answered" || parked[0].Parked.IsZero() {
		t.Fatalf("Parked = %+v, %v", parked, err)
	}
	next(t, q, "say 2") // the rest keep going
	if err := q.Push(ctx, cmd(3)); err != nil {
		t.Fatal(err)
	}
	if n, err := q.Retry(ctx); err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v; want 1", n, err)
	}
	pending(t, q, 3)
	if parked, err := q.Parked(ctx); err != nil || len(parked) != 0 {
		t.Fatalf("Parked after Retry = %+v, %v", parked, err)
	}
	for _, want := range []string{"say 1", "say 2", "say 3"} {
		it := next(t, q, want)
		if err := q.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	pending(t, q, 0)
	if n, err := q.Retry(ctx); err != nil || n != 0 {
		t.Fatalf("Retry with nothing parked = %d, %v", n, err)
	}
}
