package store

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
)

// countSink accepts every action.
type countSink struct{ n atomic.Int64 }

func (c *countSink) Deliver(context.Context, tikcraft.Action) error { c.n.Add(1); return nil }

// TestDrainReadsPerBatchNotPerAction: delivering a backlog the way drain and
// replay do (the source has ended, the worker finishes once the queue is
// empty) must not ask the database anything per action, or the time per
// action grows with the backlog. The queue may read one batch of actions per
// query.
func TestDrainReadsPerBatchNotPerAction(t *testing.T) {
	ctx := context.Background()
	var reads atomic.Int64
	// A short linger: this test pushes only after the Ack returned.
	s := openT(t, t.TempDir(), options{onQueueRead: func() { reads.Add(1) }, ackLinger: time.Microsecond})
	const n = 3 * refillSize
	acts := make([]tikcraft.Action, n)
	for i := range acts {
		acts[i] = cmd(i)
	}
	if err := s.Push(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	reads.Store(0)
	finish := make(chan struct{})
	close(finish)
	sink := &countSink{}
	st, err := (&deliver.Worker{Queue: s, Sink: sink}).Run(ctx, finish)
	if err != nil || st.Delivered != n || sink.n.Load() != n {
		t.Fatalf("delivered %d (sink %d), %v; want %d", st.Delivered, sink.n.Load(), err, n)
	}
	// One read per batch, one to find the queue empty, and a few spare.
	if got, limit := reads.Load(), int64(n/refillSize+4); got > limit {
		t.Fatalf("%d database reads to deliver %d actions; want at most %d (one per batch of %d)", got, n, limit, refillSize)
	}
	if pending, _, err := s.Stats(ctx, queue.AllLanes); err != nil || pending != 0 {
		t.Fatalf("Stats after the drain: %d pending, %v", pending, err)
	}
}

// TestCaughtUpWorkerReadsNothing: while the worker keeps up (everything
// due is in memory), an action pushed is taken without a database read,
// in order, and is delivered once.
func TestCaughtUpWorkerReadsNothing(t *testing.T) {
	ctx := context.Background()
	var reads atomic.Int64
	// A short linger: this test pushes only after the Ack returned.
	s := openT(t, t.TempDir(), options{onQueueRead: func() { reads.Add(1) }, ackLinger: time.Microsecond})
	take := func(want string) {
		t.Helper()
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil || it.Action.Command != want {
			t.Fatalf("Next = %q, %v; want %q", it.Action.Command, err, want)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Push(ctx, cmd(0)); err != nil {
		t.Fatal(err)
	}
	take(cmd(0).Command) // the first refill finds the queue all in memory
	before := reads.Load()
	for i := 1; i <= 100; i++ {
		if err := s.Push(ctx, cmd(i), cmd(1000+i)); err != nil {
			t.Fatal(err)
		}
		take(cmd(i).Command)
		take(cmd(1000 + i).Command)
	}
	if got := reads.Load() - before; got != 0 {
		t.Errorf("%d database reads for 200 actions pushed to a caught-up worker; want 0", got)
	}
	if n, _, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 0 {
		t.Fatalf("Stats = %d, %v; want nothing pending", n, err)
	}
}

// TestIdleWorkerReadsNothing: a worker that waits on an empty queue (as it
// does between events on a stream) takes each new action from memory; it
// reads the database only to start.
func TestIdleWorkerReadsNothing(t *testing.T) {
	ctx := context.Background()
	var reads atomic.Int64
	waiting := make(chan struct{}, 1)
	s := openT(t, t.TempDir(), options{onQueueRead: func() { reads.Add(1) }, ackLinger: time.Microsecond, onWait: func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	}})
	got := make(chan string)
	go func() {
		for {
			it, err := s.Next(ctx, queue.LaneMinecraft)
			if err != nil {
				close(got)
				return
			}
			if err := s.Ack(ctx, it.ID); err != nil {
				t.Error(err)
			}
			got <- it.Action.Command
		}
	}()
	<-waiting
	before := reads.Load()
	for i := range 100 {
		if err := s.Push(ctx, cmd(i)); err != nil {
			t.Fatal(err)
		}
		if c := <-got; c != cmd(i).Command {
			t.Fatalf("got %q, want %q", c, cmd(i).Command)
		}
		<-waiting // the worker waits for the next one
	}
	if n := reads.Load() - before; n != 0 {
		t.Errorf("%d database reads for 100 actions pushed to an idle worker; want 0", n)
	}
	s.Close()
	<-got
}
