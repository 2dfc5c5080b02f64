package queuetest

import (
	"context"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// startTime is where the fake clock of the delay tests stands at first.
func startTime() time.Time { return time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC) }

// RunDelay runs the conformance tests of Action.Delay; open returns a new,
// empty queue that goes by clock.
func RunDelay(t *testing.T, open func(t *testing.T, clock queue.Clock) queue.Queue) {
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, queue.Queue, *Clock)
	}{
		{"a delayed action lets the ones behind it pass", delayedLetsOthersPass},
		{"due actions keep their push order", dueKeepOrder},
		{"a blocked Next wakes when an action comes due", nextWakesWhenDue},
		{"a delayed action is pending and can be parked", delayedParkRetry},
		{"only actions whose time has come are due", dueCountsOnlyDue},
		{"delays and due counts are per lane", laneDelays},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewClock(startTime())
			tt.fn(t, open(t, clock), clock)
		})
	}
}

func delayed(i int, d time.Duration) tikcraft.Action {
	a := cmd(i)
	a.Delay = d
	return a
}

func ack(t *testing.T, q queue.Queue, it queue.Item) {
	t.Helper()
	if err := q.Ack(context.Background(), it.ID); err != nil {
		t.Fatal(err)
	}
}

// delayedLetsOthersPass: an action waiting for its delay is not returned,
// the ones pushed after it are; its due time is push time + Delay.
func delayedLetsOthersPass(t *testing.T, q queue.Queue, clock *Clock) {
	start := clock.Now()
	ctx := context.Background()
	if err := q.Push(ctx, delayed(0, 2*time.Second), cmd(1)); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 2)
	it := next(t, q, "say 1")
	if !it.Due.Equal(start) || !it.Enqueued.Equal(start) {
		t.Fatalf("undelayed item: enqueued %v, due %v; want both %v", it.Enqueued, it.Due, start)
	}
	ack(t, q, it)
	clock.Advance(time.Second)
	if err := q.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	ack(t, q, next(t, q, "say 2")) // one second in: still not due
	clock.Advance(time.Second)
	it = next(t, q, "say 0")
	if want := start.Add(2 * time.Second); !it.Due.Equal(want) || !it.Enqueued.Equal(start) {
		t.Fatalf("delayed item: enqueued %v, due %v; want %v, %v", it.Enqueued, it.Due, start, want)
	}
	ack(t, q, it)
	pending(t, q, 0)
}

// dueKeepOrder: once several actions are due, they come in push order,
// whatever their delays were.
func dueKeepOrder(t *testing.T, q queue.Queue, clock *Clock) {
	ctx := context.Background()
	if err := q.Push(ctx, delayed(0, 3*time.Second), delayed(1, time.Second), cmd(2), delayed(3, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	ack(t, q, next(t, q, "say 2"))
	clock.Advance(5 * time.Second)
	if err := q.Push(ctx, cmd(4)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"say 0", "say 1", "say 3", "say 4"} {
		ack(t, q, next(t, q, want))
	}
	pending(t, q, 0)
}

// nextWakesWhenDue: Next with nothing due waits, and returns the action
// once the clock reaches its due time, never before.
func nextWakesWhenDue(t *testing.T, q queue.Queue, clock *Clock) {
	start := clock.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := q.Push(ctx, delayed(0, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	type got struct {
		it  queue.Item
		now time.Time
		err error
	}
	done := make(chan got, 1)
	go func() {
		it, err := q.Next(ctx, queue.LaneMinecraft)
		done <- got{it, clock.Now(), err}
	}()
	due := start.Add(10 * time.Second)
	for _, step := range []time.Duration{4 * time.Second, 5 * time.Second, time.Second} {
		if err := clock.WaitTimer(ctx, due); err != nil {
			t.Fatalf("Next never waited for the due time: %v", err)
		}
		clock.Advance(step)
	}
	g := <-done
	if g.err != nil || g.it.Action.Command != "say 0" {
		t.Fatalf("Next = %+v, %v", g.it, g.err)
	}
	if g.now.Before(g.it.Due) {
		t.Fatalf("Next returned at %v an action due at %v", g.now, g.it.Due)
	}
	ack(t, q, g.it)
}

// delayedParkRetry: a delayed action counts as pending while it waits;
// parked and retried, it keeps its due time.
func delayedParkRetry(t *testing.T, q queue.Queue, clock *Clock) {
	start := clock.Now()
	ctx := context.Background()
	if err := q.Push(ctx, delayed(0, time.Second)); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 1)
	clock.Advance(time.Second)
	it := next(t, q, "say 0")
	if err := q.Park(ctx, it.ID, "never answered"); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 0)
	if n, err := q.Retry(ctx); err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v", n, err)
	}
	it = next(t, q, "say 0")
	if want := start.Add(time.Second); !it.Due.Equal(want) {
		t.Fatalf("retried item due %v, want %v", it.Due, want)
	}
	ack(t, q, it)
	pending(t, q, 0)
}

func due(t *testing.T, q queue.Queue, want int, since time.Time) {
	t.Helper()
	n, got, err := q.Due(context.Background(), queue.AllLanes)
	if err != nil || n != want || !got.Equal(since) {
		t.Fatalf("Due = %d, %v, %v; want %d due since %v", n, got, err, want, since)
	}
}

// dueCountsOnlyDue: actions planned for later ($wait, "x10 over 20s") are
// pending but not due, so nothing is late; once their time comes they
// count, since their due time, not since they were pushed. Parked ones
// never count.
func dueCountsOnlyDue(t *testing.T, q queue.Queue, clock *Clock) {
	start := clock.Now()
	ctx := context.Background()
	due(t, q, 0, time.Time{})
	var spread []tikcraft.Action // x10 over 20s
	for i := range 10 {
		spread = append(spread, delayed(i, time.Duration(i+1)*2*time.Second))
	}
	if err := q.Push(ctx, spread...); err != nil {
		t.Fatal(err)
	}
	pending(t, q, 10)
	due(t, q, 0, time.Time{})
	if err := q.Push(ctx, cmd(10)); err != nil {
		t.Fatal(err)
	}
	due(t, q, 1, start)
	clock.Advance(5 * time.Second) // the first two come due, at 2s and 4s
	due(t, q, 3, start)
	ack(t, q, next(t, q, "say 0"))
	ack(t, q, next(t, q, "say 1"))
	due(t, q, 1, start)
	ack(t, q, next(t, q, "say 10"))
	due(t, q, 0, time.Time{})
	clock.Advance(time.Second) // the third comes due at 6s
	due(t, q, 1, start.Add(6*time.Second))
	it := next(t, q, "say 2")
	if err := q.Park(ctx, it.ID, "never answered"); err != nil {
		t.Fatal(err)
	}
	due(t, q, 0, time.Time{})
	pending(t, q, 7)
}

func dueIn(t *testing.T, q queue.Queue, lane queue.Lane, want int, since time.Time) {
	t.Helper()
	n, got, err := q.Due(context.Background(), lane)
	if err != nil || n != want || !got.Equal(since) {
		t.Fatalf("Due(%s) = %d, %v, %v; want %d due since %v", lane, n, got, err, want, since)
	}
}

// laneDelays: a $http request planned for later is pending in its lane
// but due nowhere; Minecraft's actions behind it go at once; it comes due
// in its own lane at its time.
func laneDelays(t *testing.T, q queue.Queue, clock *Clock) {
	start := clock.Now()
	ctx := context.Background()
	later := inLane(queue.LaneHTTP, 0)
	later.Delay = 2 * time.Second
	if err := q.Push(ctx, later, inLane(queue.LaneMinecraft, 0)); err != nil {
		t.Fatal(err)
	}
	pendingIn(t, q, queue.LaneHTTP, 1)
	dueIn(t, q, queue.LaneHTTP, 0, time.Time{})
	dueIn(t, q, queue.LaneMinecraft, 1, start)
	dueIn(t, q, queue.AllLanes, 1, start)
	ack(t, q, next(t, q, inLane(queue.LaneMinecraft, 0).Command))
	dueIn(t, q, queue.AllLanes, 0, time.Time{})
	clock.Advance(2 * time.Second)
	dueIn(t, q, queue.LaneHTTP, 1, start.Add(2*time.Second))
	dueIn(t, q, queue.LaneMinecraft, 0, time.Time{})
	ack(t, q, nextIn(t, q, queue.LaneHTTP, later.Command))
	pending(t, q, 0)
}
