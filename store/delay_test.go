package store

import (
	"context"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

// TestDelayIsKeptAcrossRestarts: the due time is on disk, so a restart
// neither delivers a delayed action early nor starts its wait again.
func TestDelayIsKeptAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	clock := queuetest.NewClock(start)
	s, err := open(ctx, dir, nil, options{synchronous: "NORMAL", clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	wait := cmd(0)
	wait.Delay = 2 * time.Second
	if err := s.Push(ctx, wait, cmd(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	s = openT(t, dir, options{clock: clock})
	if n, oldest, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 2 || !oldest.Equal(start) {
		t.Fatalf("Stats after the restart = %d, %v, %v; want 2 pending since %v", n, oldest, err, start)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil || it.Action.Command != cmd(1).Command {
		t.Fatalf("Next = %+v, %v; want %q (the delayed one is not due)", it, err, cmd(1).Command)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if n, oldest, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 1 || !oldest.Equal(start) {
		t.Fatalf("Stats with only the delayed one left = %d, %v, %v", n, oldest, err)
	}
	clock.Advance(time.Second)
	it, err = s.Next(ctx, queue.LaneMinecraft)
	if err != nil || it.Action.Command != wait.Command || !it.Due.Equal(start.Add(2*time.Second)) || it.Action.Delay != wait.Delay {
		t.Fatalf("Next = %+v, %v; want %q due at %v", it, err, wait.Command, start.Add(2*time.Second))
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if s.lanes[queue.LaneMinecraft].delayed.Load() != 0 {
		t.Errorf("%d delayed actions counted after delivering all", s.lanes[queue.LaneMinecraft].delayed.Load())
	}
}

// TestDelayedBacklogDoesNotHideDueOnes: more delayed actions than one
// refill reads, pushed before an undelayed one, do not hide it.
func TestDelayedBacklogDoesNotHideDueOnes(t *testing.T) {
	ctx := context.Background()
	clock := queuetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	s := openT(t, t.TempDir(), options{clock: clock})
	acts := make([]tikcraft.Action, 2*refillSize)
	for i := range acts {
		acts[i] = cmd(i)
		acts[i].Delay = time.Duration(i+1) * time.Millisecond
	}
	if err := s.Push(ctx, append(acts, cmd(len(acts)))...); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil || it.Action.Command != cmd(len(acts)).Command {
		t.Fatalf("Next = %+v, %v", it, err)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	for i := range acts { // each comes due in turn, in order
		clock.Advance(time.Millisecond)
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil || it.Action.Command != acts[i].Command {
			t.Fatalf("Next after %d ms = %q, %v; want %q", i+1, it.Action.Command, err, acts[i].Command)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
}
