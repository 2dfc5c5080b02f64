package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// TestLogIsKeptUnderMaxSize: a busy stream's event log is cut back to the
// size cap, oldest entries first, and nothing pending or parked is lost.
func TestLogIsKeptUnderMaxSize(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	// Delivered actions, then pending ones with a parked one among them.
	for i := range 60 {
		s.Push(ctx, cmd(i))
		it, _ := s.Next(ctx, queue.LaneMinecraft)
		s.LogDelivery(ctx, delivery(it, nil, time.Millisecond))
		s.Ack(ctx, it.ID)
	}
	s.Push(ctx, cmd(1000), cmd(1001), cmd(1002))
	it, _ := s.Next(ctx, queue.LaneMinecraft)
	s.Park(ctx, it.ID, "no answer")
	long := strings.Repeat("x", 300)
	for i := range 2000 {
		s.LogEvent(ctx, &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: tikcraft.User{UniqueID: fmt.Sprint("viewer", i)}, Text: long})
	}
	s.flushLog(ctx)
	before, _ := s.used(ctx)
	const limit = 256 << 10
	if before <= 2*limit {
		t.Fatalf("the test log is only %d bytes", before)
	}
	if err := s.KeepLog(ctx, 0, limit); err != nil {
		t.Fatal(err)
	}
	after, _ := s.used(ctx)
	if after > limit {
		t.Fatalf("database uses %d bytes after keeping it under %d (was %d)", after, limit, before)
	}
	var events, newest int
	s.r.QueryRow("SELECT count(*), max(msg_id + 0) FROM events").Scan(&events, &newest)
	if events == 0 || newest != 1999 {
		t.Errorf("%d events left, newest %d: the newest must stay", events, newest)
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 2 {
		t.Errorf("%d pending after shrinking, want 2", n)
	}
	if p, _ := s.Parked(ctx); len(p) != 1 {
		t.Errorf("%d parked after shrinking, want 1", len(p))
	}
	drainExpect(t, s, 1001, 1003)
}

// TestKeepLogWhenOnlyPendingActionsAreLeft: with nothing left to remove it
// says so and stops, rather than looping or deleting what is owed.
func TestKeepLogWhenOnlyPendingActionsAreLeft(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	big := strings.Repeat("y", 1000)
	acts := make([]tikcraft.Action, 400)
	for i := range acts {
		acts[i] = tikcraft.Action{Kind: tikcraft.KindCommand, Command: fmt.Sprint("say ", i, big)}
	}
	s.Push(ctx, acts...)
	if err := s.KeepLog(ctx, 0, 256<<10); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != len(acts) {
		t.Fatalf("%d pending, want all %d", n, len(acts))
	}
}
