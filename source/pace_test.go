package source

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// TestFarFutureTimestampDoesNotStallTheReplay: one event dated 100 years
// ahead must not make a paced replay wait 100 years (at 1000x: 36 days).
// The wait is clamped, the log says so and where, and the events after it
// are paced as before.
func TestFarFutureTimestampDoesNotStallTheReplay(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ev.jsonl")
	os.WriteFile(p, []byte(`{"type":"follow","time":"2026-11-22T18:00:00Z"}
{"type":"follow","time":"2026-11-22T18:00:01Z"}
{"type":"follow","time":"2126-11-22T18:00:00Z"}
{"type":"follow","time":"2026-11-22T18:00:02Z"}
{"type":"follow","time":"2026-11-22T18:00:03Z"}
`), 0o644)
	var logs bytes.Buffer
	f := &File{Path: p, Speed: 1000, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // far beyond the clamp
	defer cancel()
	n := 0
	if err := f.Run(ctx, func(tikcraft.Event) { n++ }); err != nil || n != 5 {
		t.Fatalf("replayed %d of 5 events: %v", n, err)
	}
	if out := logs.String(); !strings.Contains(out, "waiting 30s of event time instead") || !strings.Contains(out, "ev.jsonl:3") {
		t.Errorf("log does not say the wait was clamped, and where:\n%s", out)
	}
}

// TestPacerWaits: what the pacer asks to sleep for, event by event.
func TestPacerWaits(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		times []time.Time
		want  []time.Duration // at speed 1
	}{
		{"steady", []time.Time{t0, t0.Add(time.Second), t0.Add(3 * time.Second)}, []time.Duration{0, time.Second, 2 * time.Second}},
		{"out of order a little", []time.Time{t0, t0.Add(2 * time.Second), t0.Add(time.Second), t0.Add(3 * time.Second)}, []time.Duration{0, 2 * time.Second, 0, time.Second}},
		{"far future, then back", []time.Time{t0, t0.AddDate(100, 0, 0), t0.Add(time.Second), t0.Add(2 * time.Second)}, []time.Duration{0, maxGap, 0, time.Second}},
		{"a long pause", []time.Time{t0, t0.Add(time.Hour), t0.Add(time.Hour + time.Second)}, []time.Duration{0, maxGap, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pacer{speed: 1}
			for i, at := range tt.times {
				if got := p.next(at); got != tt.want[i] {
					t.Errorf("event %d: wait %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}
