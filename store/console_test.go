package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestConsoleCommandsAreLoggedNotCounted: a console command is in the
// console log, masked like the rest, pruned with it, and in no count of
// the report but its own.
func TestConsoleCommandsAreLoggedNotCounted(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now, mask: func(s string) string { return strings.ReplaceAll(s, "hunter2", "***") }})
	start := c.now()
	if err := s.LogConsole(ctx, ConsoleCommand{Command: "list", Reply: "There are 0 of a max of 20 players online: ", Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	if err := s.LogConsole(ctx, ConsoleCommand{Command: "say hunter2", Err: "Minecraft RCON is not reachable"}); err != nil {
		t.Fatal(err)
	}
	log, err := s.ConsoleLog(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Command != "list" || log[0].Reply != "There are 0 of a max of 20 players online: " || !log[0].At.Equal(start) ||
		log[1].Command != "say ***" || log[1].Err == "" || log[1].Reply != "" {
		t.Fatalf("console log %+v", log)
	}
	rep, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Console != 2 || rep.Gifts != 0 || rep.Actions.Executed != 0 || rep.Actions.FailedAttempts != 0 || len(rep.Events) != 0 || len(rep.Slowest) != 0 {
		t.Errorf("report %+v", rep)
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	if !strings.Contains(out.String(), "(and 2 console commands typed in the dashboard's console, not counted here)") {
		t.Errorf("report text:\n%s", out.String())
	}
	if err := s.Prune(ctx, start.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if log, _ := s.ConsoleLog(ctx, time.Time{}); len(log) != 1 || log[0].Command != "say ***" {
		t.Errorf("after prune: %+v", log)
	}
}
