package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/queue"
)

// TestParkedSurvivesReopenAndPrune: a parked action stays out of the line
// after a restart, is never pruned however old, does not hold back the
// pruning of delivered ones, and comes back with Retry.
func TestParkedSurvivesReopenAndPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := newClock()
	s, err := open(ctx, dir, nil, options{synchronous: "NORMAL", now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	s.Push(ctx, cmd(0), cmd(1), cmd(2))
	it, _ := s.Next(ctx, queue.LaneMinecraft)
	if err := s.Park(ctx, it.ID, "no answer"); err != nil {
		t.Fatal(err)
	}
	it, _ = s.Next(ctx, queue.LaneMinecraft)
	s.Ack(ctx, it.ID)
	s.Close()

	s = openT(t, dir, options{now: c.now})
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("%d pending after reopening, want 1 (the parked one is not pending)", n)
	}
	drainExpect(t, s, 2, 3)
	c.add(400 * 24 * time.Hour)
	s.Push(ctx, cmd(3))
	if err := s.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	var rows int
	s.r.QueryRow("SELECT count(*) FROM actions").Scan(&rows)
	if rows != 2 {
		t.Errorf("%d action rows after Prune, want 2: the parked one and the newest", rows)
	}
	parked, err := s.Parked(ctx)
	if err != nil || len(parked) != 1 || parked[0].Action.Command != "say 0" || parked[0].Reason != "no answer" {
		t.Fatalf("Parked = %+v, %v", parked, err)
	}
	rep, err := s.Report(ctx, time.Time{})
	if err != nil || rep.Actions.Parked != 1 || rep.Actions.Pending != 1 || len(rep.Parked) != 1 ||
		rep.Parked[0].Command != "say 0" || rep.Parked[0].Reason != "no answer" {
		t.Fatalf("report: %+v %+v, %v; want the parked action listed and not counted as pending", rep.Actions, rep.Parked, err)
	}
	if n, err := s.Retry(ctx); n != 1 || err != nil {
		t.Fatalf("Retry = %d, %v", n, err)
	}
	for _, want := range []string{"say 0", "say 3"} {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil || it.Action.Command != want {
			t.Fatalf("Next after Retry = %q, %v; want %q", it.Action.Command, err, want)
		}
		s.Ack(ctx, it.ID)
	}
}

// TestMigrateFromSchema1 keeps the actions a previous version left pending.
func TestMigrateFromSchema1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{schema1, "PRAGMA user_version = 1",
		`INSERT INTO actions (enqueued_ns, kind, command, alert_title, alert_subtitle, alert_seconds, trigger_name, user_name, source, delivered_ns)
		 VALUES (1, 'command', 'say 0', '', '', 0, 't', 'u', 'test', 5), (2, 'command', 'say 1', '', '', 0, 't', 'u', 'test', NULL)`,
		`INSERT INTO deliveries (at_ns, action_id, ok, error, latency_ns, command, trigger_name) VALUES (5, 1, 1, NULL, 1, 'say 0', 't')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := openT(t, dir, options{})
	if n, _, err := s.Stats(ctx, queue.AllLanes); n != 1 || err != nil {
		t.Fatalf("Stats after migrating = %d, %v; want the 1 pending action", n, err)
	}
	drainExpect(t, s, 1, 2)
	if rep, err := s.Report(ctx, time.Time{}); err != nil || rep.Actions.Executed != 1 {
		t.Fatalf("report after migrating: %+v, %v", rep, err)
	}
}
