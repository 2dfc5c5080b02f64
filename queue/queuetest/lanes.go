package queuetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// inLane is action i of lane: a command, an alert, a $http request or an
// $obs action, its Command naming lane and i.
func inLane(lane queue.Lane, i int) tikcraft.Action {
	a := tikcraft.Action{Command: fmt.Sprintf("%s %d", lane, i), Trigger: "t", User: "u", Source: "test"}
	switch lane {
	case queue.LaneMinecraft:
		a.Kind = tikcraft.KindCommand
	case queue.LaneOverlays:
		a.Kind = tikcraft.KindOverlay
	case queue.LaneHTTP:
		a.Kind = tikcraft.KindHTTP
	case queue.LaneOBS:
		a.Kind = tikcraft.KindOBS
	}
	return a
}

// laneOrder: actions pushed interleaved come out of each lane in push
// order; what one lane holds says nothing about another; Stats counts per
// lane and in total.
func laneOrder(t *testing.T, q queue.Queue) {
	ctx := context.Background()
	var in []tikcraft.Action
	for i := range 3 {
		for _, l := range queue.Lanes() {
			in = append(in, inLane(l, i))
		}
	}
	in = append(in, inLane(queue.LaneMinecraft, 3), inLane(queue.LaneMinecraft, 4))
	if err := q.Push(ctx, in...); err != nil {
		t.Fatal(err)
	}
	pending(t, q, len(in))
	pendingIn(t, q, queue.LaneMinecraft, 5)
	for _, l := range queue.Lanes()[1:] {
		pendingIn(t, q, l, 3)
		if n, _, err := q.Due(ctx, l); err != nil || n != 3 {
			t.Fatalf("Due(%s) = %d, %v; want 3", l, n, err)
		}
	}
	// Take the lanes in a different order each round; each keeps its own.
	for i := range 3 {
		for k := range queue.NumLanes {
			l := queue.Lane((k + i) % queue.NumLanes)
			it := nextIn(t, q, l, inLane(l, i).Command)
			if it.Action != inLane(l, i) {
				t.Fatalf("Next(%s) = %+v, want %+v", l, it.Action, inLane(l, i))
			}
			if err := q.Ack(ctx, it.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, l := range queue.Lanes()[1:] {
		pendingIn(t, q, l, 0)
	}
	pendingIn(t, q, queue.LaneMinecraft, 2)
	pending(t, q, 2)
	ack(t, q, next(t, q, inLane(queue.LaneMinecraft, 3).Command))
	ack(t, q, next(t, q, inLane(queue.LaneMinecraft, 4).Command))
	pending(t, q, 0)
}

// laneWakes: Next waiting on an empty lane is not handed what is pushed
// to another lane; it returns the first action of its own.
func laneWakes(t *testing.T, q queue.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got := make(chan queue.Item, 1)
	go func() {
		it, err := q.Next(ctx, queue.LaneHTTP)
		if err != nil {
			t.Error(err)
		}
		got <- it
	}()
	// Minecraft's actions go through while $http has none.
	for i := range 3 {
		if err := q.Push(ctx, inLane(queue.LaneMinecraft, i)); err != nil {
			t.Fatal(err)
		}
		ack(t, q, next(t, q, inLane(queue.LaneMinecraft, i).Command))
	}
	if err := q.Push(ctx, inLane(queue.LaneOBS, 0), inLane(queue.LaneHTTP, 0)); err != nil {
		t.Fatal(err)
	}
	it := <-got
	if it.Action != inLane(queue.LaneHTTP, 0) {
		t.Fatalf("Next($http) = %+v, want the $http action", it.Action)
	}
	ack(t, q, it)
	ack(t, q, nextIn(t, q, queue.LaneOBS, inLane(queue.LaneOBS, 0).Command))
	pending(t, q, 0)
}

// headHoldsOwnLane: a $http request that is never acknowledged (its
// server does not answer) stays first in its lane only; parked, the next
// one goes; retried, it comes back first in its lane, and Minecraft's
// lane never sees it.
func headHoldsOwnLane(t *testing.T, q queue.Queue) {
	ctx := context.Background()
	h := func(i int) tikcraft.Action { return inLane(queue.LaneHTTP, i) }
	c := func(i int) tikcraft.Action { return inLane(queue.LaneMinecraft, i) }
	if err := q.Push(ctx, h(0), c(0), h(1), c(1), c(2)); err != nil {
		t.Fatal(err)
	}
	stuck := nextIn(t, q, queue.LaneHTTP, h(0).Command)
	for i := range 3 {
		ack(t, q, next(t, q, c(i).Command))
		if again := nextIn(t, q, queue.LaneHTTP, h(0).Command); again.ID != stuck.ID {
			t.Fatalf("Next($http) moved on to %d without an Ack of %d", again.ID, stuck.ID)
		}
	}
	pendingIn(t, q, queue.LaneMinecraft, 0)
	pendingIn(t, q, queue.LaneHTTP, 2)
	if err := q.Park(ctx, stuck.ID, "never answered"); err != nil {
		t.Fatal(err)
	}
	nextIn(t, q, queue.LaneHTTP, h(1).Command)
	if err := q.Push(ctx, c(3)); err != nil {
		t.Fatal(err)
	}
	if n, err := q.Retry(ctx); err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v; want 1", n, err)
	}
	ack(t, q, next(t, q, c(3).Command))
	if back := nextIn(t, q, queue.LaneHTTP, h(0).Command); back.ID != stuck.ID {
		t.Fatalf("the retried request came back as %d, want %d", back.ID, stuck.ID)
	}
	ack(t, q, stuck)
	ack(t, q, nextIn(t, q, queue.LaneHTTP, h(1).Command))
	pending(t, q, 0)
}

// lanesConcurrent: one goroutine per lane takes and acknowledges its
// lane's actions while batches mixing every lane are pushed: each lane
// gets all of its own, in order, and nothing else (run with -race).
func lanesConcurrent(t *testing.T, q queue.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const batches, per = 20, 5
	var wg sync.WaitGroup
	for _, l := range queue.Lanes() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range batches * per {
				it, err := q.Next(ctx, l)
				if err != nil {
					t.Errorf("Next(%s): %v", l, err)
					return
				}
				if want := inLane(l, i); it.Action != want {
					t.Errorf("Next(%s) = %q, want %q", l, it.Action.Command, want.Command)
					return
				}
				if err := q.Ack(ctx, it.ID); err != nil {
					t.Errorf("Ack: %v", err)
					return
				}
			}
		}()
	}
	for b := range batches {
		var batch []tikcraft.Action
		for i := range per {
			for _, l := range queue.Lanes() {
				batch = append(batch, inLane(l, b*per+i))
			}
		}
		if err := q.Push(ctx, batch...); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	pending(t, q, 0)
}

// nextNeedsALane: AllLanes is for Stats and Due; Next refuses it rather
// than deliver across lanes.
func nextNeedsALane(t *testing.T, q queue.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := q.Push(ctx, inLane(queue.LaneMinecraft, 0)); err != nil {
		t.Fatal(err)
	}
	if it, err := q.Next(ctx, queue.AllLanes); err == nil {
		t.Fatalf("Next(AllLanes) = %+v; want an error", it)
	}
	if n, _, err := q.Due(ctx, queue.AllLanes); err != nil || n != 1 {
		t.Fatalf("Due(AllLanes) = %d, %v", n, err)
	}
}
