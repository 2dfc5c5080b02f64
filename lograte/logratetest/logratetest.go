// Package logratetest helps the tests of packages that use lograte: a
// slog handler that keeps every record with its attributes, and a clock
// that stands still until the test moves it, so a test can check that a
// message is said once and summed up later without waiting a minute.
package logratetest

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft/lograte"
)

// Records is a slog.Handler that keeps every record (at every level).
type Records struct {
	mu    sync.Mutex
	got   []slog.Record
	attrs []slog.Attr
	root  *Records // the handler WithAttrs was called on; nil for the root
}

var _ slog.Handler = (*Records)(nil)

// Enabled reports true for every level.
func (r *Records) Enabled(context.Context, slog.Level) bool { return true }

// Handle keeps rec, with the attributes given to WithAttrs.
func (r *Records) Handle(_ context.Context, rec slog.Record) error {
	rec = rec.Clone()
	rec.AddAttrs(r.attrs...)
	root := r.top()
	root.mu.Lock()
	root.got = append(root.got, rec)
	root.mu.Unlock()
	return nil
}

// WithAttrs returns a handler that adds attrs to what it keeps here.
func (r *Records) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Records{attrs: append(append([]slog.Attr(nil), r.attrs...), attrs...), root: r.top()}
}

// WithGroup ignores the group (no caller of lograte uses one).
func (r *Records) WithGroup(string) slog.Handler { return r }

func (r *Records) top() *Records {
	if r.root != nil {
		return r.root
	}
	return r
}

// Line is one kept record: its level, message and attributes.
type Line struct {
	Level slog.Level
	Msg   string
	Attrs map[string]any
}

// Repeated is the count of a summary line; 0 for a line said as it came.
func (l Line) Repeated() int64 {
	n, _ := l.Attrs["repeated"].(int64)
	return n
}

// Lines returns the records kept so far whose message contains part
// ("": all of them).
func (r *Records) Lines(part string) []Line {
	root := r.top()
	root.mu.Lock()
	defer root.mu.Unlock()
	var out []Line
	for _, rec := range root.got {
		if part != "" && !strings.Contains(rec.Message, part) {
			continue
		}
		l := Line{Level: rec.Level, Msg: rec.Message, Attrs: map[string]any{}}
		rec.Attrs(func(a slog.Attr) bool { l.Attrs[a.Key] = a.Value.Resolve().Any(); return true })
		out = append(out, l)
	}
	return out
}

// Count is how many times a message containing part happened: each line
// said as it came counts one, a summary its repeated count.
func (r *Records) Count(part string) int64 {
	var n int64
	for _, l := range r.Lines(part) {
		if c := l.Repeated(); c > 0 {
			n += c
		} else {
			n++
		}
	}
	return n
}

// Clock is a clock for lograte that moves only when Advance is called;
// the summaries lograte plans run at Fire. Safe for concurrent use.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	fires []planned
}

// planned is a summary lograte planned, and when its timer would run it.
type planned struct {
	due time.Time
	fn  func()
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Option makes a lograte.Line use c.
func (c *Clock) Option() lograte.Option {
	return lograte.Clock(c.Now, func(d time.Duration, fn func()) *time.Timer {
		c.mu.Lock()
		c.fires = append(c.fires, planned{c.now.Add(d), fn})
		c.mu.Unlock()
		// Never fires by itself: Fire runs fn once the clock is there.
		t := time.NewTimer(time.Hour)
		t.Stop()
		return t
	})
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Fire runs the summaries whose time has come (Advance), as their timers
// would; the others stay planned. A summary planned too late is then
// never run by a test that advances by the minute it should take.
func (c *Clock) Fire() {
	c.mu.Lock()
	var due []func()
	keep := c.fires[:0]
	for _, p := range c.fires {
		if p.due.After(c.now) {
			keep = append(keep, p)
		} else {
			due = append(due, p.fn)
		}
	}
	c.fires = keep
	c.mu.Unlock()
	for _, fn := range due {
		fn()
	}
}
