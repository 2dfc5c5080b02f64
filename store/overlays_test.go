package store

import (
	"context"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/overlay"
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
