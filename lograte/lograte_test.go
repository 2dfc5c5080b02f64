package lograte_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

func TestRepeatsAreSummedUpOnceAMinute(t *testing.T) {
	rec := &logratetest.Records{}
	clk := logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := lograte.New(slog.New(rec), slog.LevelWarn, "too many alerts waiting: the oldest is dropped", clk.Option())
	for i := range 8800 {
		clk.Advance(3 * time.Millisecond) // 8,800 in about 26 s
		l.Log("title", i)
	}
	if got := lines(rec); len(got) != 1 || got[0]["title"] != int64(0) {
		t.Fatalf("after the flood: %v", got)
	}
	clk.Advance(40 * time.Second)
	clk.Fire()
	got := lines(rec)
	if len(got) != 2 || got[1]["repeated"] != int64(8799) || got[1]["title"] != int64(8799) || got[1]["msg"] != "too many alerts waiting: the oldest is dropped" {
		t.Fatalf("summary: %v", got)
	}
	// Quiet for a minute: the next one is said at once again.
	clk.Advance(2 * time.Minute)
	l.Log("title", "again")
	if got := lines(rec); len(got) != 3 || got[2]["title"] != "again" || got[2]["repeated"] != nil {
		t.Fatalf("after a quiet minute: %v", got)
	}
	// Close says what is still held.
	l.Log("title", "held")
	l.Close()
	l.Log("title", "after close")
	if got := lines(rec); len(got) != 4 || got[3]["repeated"] != int64(1) {
		t.Fatalf("after Close: %v", got)
	}
}

// Every occurrence is counted exactly once, whatever the timing: the lines
// said plus the counts of the summaries add up to the calls.
func TestNothingIsLostOrCountedTwice(t *testing.T) {
	for seed := range 20 {
		rec := &logratetest.Records{}
		clk := logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		l := lograte.New(slog.New(rec), slog.LevelWarn, "m", lograte.Every(time.Second), clk.Option())
		calls := 0
		for i := range 2000 {
			clk.Advance(time.Duration((i*7919+seed*104729)%997) * time.Millisecond)
			if (i+seed)%13 == 0 {
				clk.Fire()
			}
			l.Log()
			calls++
		}
		l.Close()
		var total int64
		for _, m := range lines(rec) {
			if r, ok := m["repeated"].(int64); ok {
				total += r
			} else {
				total++
			}
		}
		if total != int64(calls) {
			t.Fatalf("seed %d: %d counted, %d calls", seed, total, calls)
		}
	}
}

// lines are the records kept, each as its message and attributes.
func lines(rec *logratetest.Records) []map[string]any {
	var out []map[string]any
	for _, l := range rec.Lines("") {
		m := map[string]any{"msg": l.Msg}
		for k, v := range l.Attrs {
			m[k] = v
		}
		out = append(out, m)
	}
	return out
}

// A summary said once the condition is over uses Ended's words: by its
// timer when ended reports over, and always at End; while it lasts, and
// at Close, the line's own.
func TestSummaryOfAnEndedConditionIsInThePast(t *testing.T) {
	rec := &logratetest.Records{}
	clk := logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	over := false
	l := lograte.New(slog.New(rec), slog.LevelWarn, "Minecraft is not answering", clk.Option(),
		lograte.Ended(func() (string, bool) { return "while Minecraft was not answering", over }))
	msgs := func() (out []string) {
		for _, g := range rec.Lines("") {
			out = append(out, g.Msg)
		}
		return out
	}
	l.Log()
	l.Log()
	clk.Advance(time.Minute)
	clk.Fire() // still down
	l.Log()
	over = true
	clk.Advance(time.Minute)
	clk.Fire()
	l.Log()
	clk.Advance(time.Second)
	l.Log()
	over = false
	l.End()
	want := []string{"Minecraft is not answering", "Minecraft is not answering", "while Minecraft was not answering", "while Minecraft was not answering"}
	if got := msgs(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// Distinct: a summary names who the occurrences were about only when it
// was always the same, with the last occurrence's attributes; otherwise
// how many different ones, with only the attributes they all had alike
// (the last one's gift would read as that viewer's).
func TestSummaryCountsDistinctViewers(t *testing.T) {
	rec := &logratetest.Records{}
	clk := logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := lograte.New(slog.New(rec), slog.LevelInfo, "gift count clipped", clk.Option(), lograte.Distinct("user"))
	l.Log("user", "anna", "gift", "Rose", "max", 1000)
	l.Log("user", "bob", "gift", "Lion", "max", 1000)
	l.Log(slog.String("user", "cleo"), "gift", "Rose", slog.Int("max", 1000))
	l.Log("user", "bob", "gift", "Rose", "max", 1000)
	clk.Advance(time.Minute)
	clk.Fire()
	l.Log("user", "dave", "gift", "Rose", "max", 1000)
	l.Log("user", "dave", "gift", "Lion", "max", 1000)
	l.Close()
	got := lines(rec)
	if len(got) != 3 || got[0]["user"] != "anna" ||
		got[1]["repeated"] != int64(3) || got[1]["user"] != nil || got[1]["users"] != int64(2) || got[1]["gift"] != nil || got[1]["max"] != int64(1000) ||
		got[2]["repeated"] != int64(2) || got[2]["user"] != "dave" || got[2]["users"] != nil || got[2]["gift"] != "Lion" {
		t.Fatalf("got %v", got)
	}
}

// Past the number of viewers told apart, the count stays a number, and an
// attribute of its own says there were more.
func TestSummaryCountsAtMostSoManyViewers(t *testing.T) {
	rec := &logratetest.Records{}
	clk := logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := lograte.New(slog.New(rec), slog.LevelInfo, "follow ignored", clk.Option(), lograte.Distinct("user"))
	for i := range 10002 {
		l.Log("user", fmt.Sprint("v", i))
	}
	l.Log("user", "v1", "n", 1)
	l.Close()
	got := lines(rec)
	if len(got) != 2 || got[1]["repeated"] != int64(10002) || got[1]["users"] != int64(10000) || got[1]["users_or_more"] != true || got[1]["n"] != nil {
		t.Fatalf("got %v", got[1:])
	}
}
