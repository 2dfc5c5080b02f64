package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

// TestMigrateToLanes: a data_dir written before lanes (schema 5) with
// actions of every kind pending, one parked and one delayed: after the
// upgrade each waits in its output's lane, in its order, and is
// delivered; the parked one comes back to its lane with Retry.
func TestMigrateToLanes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	at := start.UnixNano()
	stmts := append([]string(nil), migrations()[:5]...)
	stmts = append(stmts, "PRAGMA user_version = 5")
	// id, kind, command, delivered, parked, due (0: none)
	rows := []struct {
		kind, command     string
		delivered, parked bool
		due               time.Duration
	}{
		{"command", "say done", true, false, 0},
		{"command", "say 0", false, false, 0},
		{"http", "POST http://127.0.0.1:9/a", false, false, 0},
		{"alert", "", false, false, 0},
		{"plugin", "eco give anna 1", false, false, 0},
		{"overlay", "wins +1", false, false, 0},
		{"http", "POST http://127.0.0.1:9/b", false, true, 0},
		{"command", "say later", false, false, 2 * time.Second},
		{"http", "POST http://127.0.0.1:9/c", false, false, 0},
		{"obs", `scene "Game"`, false, false, 0},
		{"command", "say 1", false, false, 0},
	}
	for _, r := range rows {
		delivered, parked, due := "NULL", "NULL", "NULL"
		if r.delivered {
			delivered = fmt.Sprint(at + 1)
		}
		if r.parked {
			parked = fmt.Sprint(at + 1)
		}
		if r.due > 0 {
			due = fmt.Sprint(at + int64(r.due))
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO actions (enqueued_ns, kind, command, alert_title, alert_subtitle, alert_seconds,
			trigger_name, user_name, source, delivered_ns, parked_ns, parked_reason, due_ns)
			VALUES (%d, '%s', '%s', 'T', 'S', 3, 't', 'u', 'test', %s, %s, %s, %s)`,
			at, r.kind, strings.ReplaceAll(r.command, "'", "''"), delivered, parked, map[bool]string{true: "'never answered'", false: "NULL"}[r.parked], due))
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	clock := queuetest.NewClock(start)
	s := openT(t, dir, options{clock: clock})
	for lane, want := range map[queue.Lane]int{queue.AllLanes: 9, queue.LaneMinecraft: 4, queue.LaneHTTP: 2, queue.LaneOverlays: 2, queue.LaneOBS: 1} {
		if n, _, err := s.Stats(ctx, lane); err != nil || n != want {
			t.Errorf("Stats(%s) after the upgrade = %d, %v; want %d", lane, n, err, want)
		}
	}
	take := func(lane queue.Lane, want ...string) {
		t.Helper()
		for _, w := range want {
			it, err := s.Next(ctx, lane)
			if err != nil || it.Action.String() != w {
				t.Fatalf("Next(%s) = %q, %v; want %q", lane, it.Action.String(), err, w)
			}
			if err := s.Ack(ctx, it.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	take(queue.LaneOBS, `$obs scene "Game"`)
	take(queue.LaneHTTP, "$http POST http://127.0.0.1:9/a", "$http POST http://127.0.0.1:9/c")
	take(queue.LaneOverlays, ">>T|S|3", "$wins +1")
	take(queue.LaneMinecraft, "say 0", "eco give anna 1", "say 1")
	clock.Advance(2 * time.Second)
	take(queue.LaneMinecraft, "say later")
	if n, err := s.Retry(ctx); err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v", n, err)
	}
	if n, _, err := s.Stats(ctx, queue.LaneHTTP); err != nil || n != 1 {
		t.Fatalf("Stats($http) after Retry = %d, %v", n, err)
	}
	take(queue.LaneHTTP, "$http POST http://127.0.0.1:9/b")
	if n, _, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 0 {
		t.Fatalf("Stats after delivering everything = %d, %v", n, err)
	}
}

// TestLanesReadThroughTheirIndex: the queries a lane runs use the (lane,
// id) index, so a long Minecraft backlog costs the other lanes nothing.
func TestLanesReadThroughTheirIndex(t *testing.T) {
	s := openT(t, t.TempDir(), options{})
	skip := func(n int) string { // the ids of the journal left out, as ?n
		where, _ := leaveOut(map[int64]bool{1: true, 2: true}, n)
		return where
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`EXPLAIN QUERY PLAN SELECT id FROM actions WHERE lane = ? AND delivered_ns IS NULL AND parked_ns IS NULL AND (due_ns IS NULL OR due_ns <= ?) ORDER BY id LIMIT ?`, []any{2, 0, 256}},
		{`EXPLAIN QUERY PLAN ` + oldestOfLane(""), []any{2}},
		{`EXPLAIN QUERY PLAN ` + oldestOfLane(skip(2)), []any{2, "[1,2]"}},
		{`EXPLAIN QUERY PLAN ` + oldestPerLane(""), nil},
		{`EXPLAIN QUERY PLAN ` + oldestPerLane(skip(1)), []any{"[1,2]"}},
		{`EXPLAIN QUERY PLAN ` + dueQuery(true, ""), []any{0, 2}},
		{`EXPLAIN QUERY PLAN ` + dueQuery(true, skip(3)), []any{0, 2, "[1,2]"}},
	} {
		rows, err := s.r.Query(q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "USING INDEX actions_waiting (lane=?)") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN actions") {
			t.Errorf("%s\nplan: %s", q.sql, p)
		}
	}
}

// TestAckFindsTheLaneOfAnyID: an id Next never returned (a restart in
// between) is still acknowledged, in its own lane's count.
func TestAckFindsTheLaneOfAnyID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{})
	if err := s.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "GET http://127.0.0.1:9/"}, cmd(0)); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneHTTP)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openT(t, dir, options{})
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if n, _, err := s.Stats(ctx, queue.LaneHTTP); err != nil || n != 0 {
		t.Fatalf("Stats($http) = %d, %v", n, err)
	}
	if n, _, err := s.Stats(ctx, queue.LaneMinecraft); err != nil || n != 1 {
		t.Fatalf("Stats(minecraft) = %d, %v", n, err)
	}
	if err := s.Ack(ctx, 999); err == nil {
		t.Fatal("Ack of an id that was never pushed succeeded")
	}
}
