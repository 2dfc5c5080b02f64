package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/queue"
)

// TestOverlayStateSurvivesRestart runs the overlay state through a real
// SQLite file: what the overlays showed before a restart they show after.
func TestOverlayStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.LoadOverlayState(ctx); err != nil || b != nil {
		t.Fatalf("a new file has overlay state %q, %v", b, err)
	}
	now := time.Date(2026, 1, 2, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cfg := overlay.Defaults()
	m := overlay.New(ctx, overlay.Options{Config: cfg, Saver: s, Now: clock})
	for _, op := range []string{"wins +3", "deaths +2", "timer -60s", "timer pause"} {
		if err := m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: op}); err != nil {
			t.Fatal(err)
		}
	}
	m.Event(&tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "u"}, Count: 1500})
	m.Event(&tikcraft.GiftEvent{User: tikcraft.User{UniqueID: "anna"}, Gift: tikcraft.Gift{Name: "Lion", Diamonds: 29999}, RepeatEnd: true})
	if err := m.Save(ctx); err != nil {
		t.Fatal(err)
	}
	before := m.Snapshot()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now = now.Add(time.Hour) // off for an hour: a paused timer does not move
	after := overlay.New(ctx, overlay.Options{Config: cfg, Saver: s, Now: clock}).Snapshot()
	if after.Wins != 3 || after.Deaths != 2 || after.Timer != before.Timer || after.LikeGoal != before.LikeGoal || len(after.Top) != 1 || after.Top[0].Diamonds != 29999 {
		t.Fatalf("after a restart:\n got %+v\nwant %+v", after, before)
	}
}

var _ overlay.CounterSaver = (*Store)(nil)

// An overlay action's counters reach the disk with its acknowledgement (in
// the acknowledgement journal's record, then with the next commit; no
// commit of their own): once Ack returns they survive a kill. With no
// acknowledgement to ride on, the event log's flusher writes them.
func TestOverlayCountersRideOnTheAck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := overlay.New(ctx, overlay.Options{Config: overlay.Defaults(), Saver: s})
	act := tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1", Trigger: "follow"}
	for range 3 {
		if err := s.Push(ctx, act); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		it, err := s.Next(ctx, queue.LaneOverlays)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Deliver(ctx, it.Action); err != nil {
			t.Fatal(err)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Killed now: open the files as the next start would, beside the
	// store that is still open (it never wrote anything more).
	killed, err := open(ctx, dir, nil, options{synchronous: "NORMAL", unlocked: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := killed.LoadOverlayCounters(ctx)
	if err != nil || b == nil {
		t.Fatalf("no counters on disk after two acknowledged $wins: %v", err)
	}
	var c struct{ Wins int64 }
	if json.Unmarshal(b, &c); c.Wins != 2 {
		t.Fatalf("counters on disk %s, want 2 wins", b)
	}
	if n, _, _ := killed.Stats(ctx, queue.LaneOverlays); n != 1 {
		t.Fatalf("%d overlay actions pending after the kill, want the third", n)
	}
	killed.Close()
	// The dashboard's buttons change counters with no acknowledgement.
	m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "deaths +5", Trigger: "dashboard"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after := overlay.New(ctx, overlay.Options{Config: overlay.Defaults(), Saver: s}).Snapshot()
	if after.Wins != 2 || after.Deaths != 5 {
		t.Fatalf("after a restart: wins %d deaths %d, want 2 and 5", after.Wins, after.Deaths)
	}
}

// Counters staged while event log rows wait for their flush (a second) do
// not wait with them: the flush comes within stagedDelay once they are
// staged. The rows' delay is an hour here, so only that fast path can
// write them.
func TestStagedCountersDoNotWaitForTheLogsSecond(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	waiting := make(chan struct{}, 1)
	s := openT(t, dir, options{flushDelay: time.Hour, stagedDelay: time.Millisecond, ackLinger: time.Hour,
		onFlushWait: func() {
			select {
			case waiting <- struct{}{}:
			default:
			}
		}})
	s.LogEvent(ctx, &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "ann"}})
	<-waiting // the row waits its hour: the counters come after
	s.StageOverlayCounters([]byte(`{"wins":1}`))
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := s.LoadOverlayCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) == `{"wins":1}` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the staged counters were not written within a minute: they wait for the event log's delay")
		}
		time.Sleep(time.Millisecond)
	}
	// And the rows that waited went with them.
	var n int
	if err := s.r.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d event rows written (%v), want 1", n, err)
	}
}
