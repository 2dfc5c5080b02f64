package lograte

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// records keeps every record a logger got.
type records struct {
	mu  sync.Mutex
	got []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.got = append(r.got, rec.Clone())
	r.mu.Unlock()
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) lines() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, rec := range r.got {
		m := map[string]any{"msg": rec.Message}
		rec.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Any(); return true })
		out = append(out, m)
	}
	return out
}

// fakeTimers hands the summary's wait to the test.
type fakeTimers struct {
	now   time.Time
	fires []func()
}

func (f *fakeTimers) clock() Option {
	return Clock(func() time.Time { return f.now }, func(_ time.Duration, fn func()) *time.Timer {
		f.fires = append(f.fires, fn)
		return time.NewTimer(time.Hour)
	})
}

func (f *fakeTimers) fire() {
	fs := f.fires
	f.fires = nil
	for _, fn := range fs {
		fn()
	}
}

func TestRepeatsAreSummedUpOnceAMinute(t *testing.T) {
	rec := &records{}
	ft := &fakeTimers{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(slog.New(rec), slog.LevelWarn, "too many alerts waiting: the oldest is dropped", ft.clock())
	for i := range 8800 {
		ft.now = ft.now.Add(3 * time.Millisecond) // 8,800 in about 26 s
		l.Log("title", i)
	}
	if got := rec.lines(); len(got) != 1 || got[0]["title"] != int64(0) {
		t.Fatalf("after the flood: %v", got)
	}
	ft.now = ft.now.Add(40 * time.Second)
	ft.fire()
	got := rec.lines()
	if len(got) != 2 || got[1]["repeated"] != int64(8799) || got[1]["title"] != int64(8799) || got[1]["msg"] != "too many alerts waiting: the oldest is dropped" {
		t.Fatalf("summary: %v", got)
	}
	// Quiet for a minute: the next one is said at once again.
	ft.now = ft.now.Add(2 * time.Minute)
	l.Log("title", "again")
	if got := rec.lines(); len(got) != 3 || got[2]["title"] != "again" || got[2]["repeated"] != nil {
		t.Fatalf("after a quiet minute: %v", got)
	}
	// Close says what is still held.
	l.Log("title", "held")
	l.Close()
	l.Log("title", "after close")
	if got := rec.lines(); len(got) != 4 || got[3]["repeated"] != int64(1) {
		t.Fatalf("after Close: %v", got)
	}
}

// Every occurrence is counted exactly once, whatever the timing: the lines
// said plus the counts of the summaries add up to the calls.
func TestNothingIsLostOrCountedTwice(t *testing.T) {
	for seed := range 20 {
		rec := &records{}
		ft := &fakeTimers{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		l := New(slog.New(rec), slog.LevelWarn, "m", Every(time.Second), ft.clock())
		calls := 0
		for i := range 2000 {
			ft.now = ft.now.Add(time.Duration((i*7919+seed*104729)%997) * time.Millisecond)
			if (i+seed)%13 == 0 {
				ft.fire()
			}
			l.Log()
			calls++
		}
		l.Close()
		var total int64
		for _, m := range rec.lines() {
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
