// Package lograte keeps a log message that could repeat once per event
// (an alert dropped from a full queue, a request refused) from flooding
// the log: the first occurrence is logged as it is, later ones are counted
// and summed up in one line at most once a minute.
package lograte

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// DefaultEvery is how often a repeating message is summed up at most.
const DefaultEvery = time.Minute

// Line is one message that may repeat. The zero value is not usable: set
// Log, Level and Msg (New does). Safe for concurrent use.
type Line struct {
	log   *slog.Logger
	level slog.Level
	msg   string
	every time.Duration
	now   func() time.Time
	after func(time.Duration, func()) *time.Timer
	ended func() (string, bool)

	mu     sync.Mutex
	said   time.Time // when a line was last logged
	held   int64     // occurrences since then, not logged
	args   []any     // the last held occurrence's attributes
	timer  *time.Timer
	closed bool
}

// Option changes a Line (tests).
type Option func(*Line)

// Every sets how often the count is said at most (default DefaultEvery).
func Every(d time.Duration) Option { return func(l *Line) { l.every = d } }

// Clock sets the clock and the timer the summary waits on (tests).
func Clock(now func() time.Time, after func(time.Duration, func()) *time.Timer) Option {
	return func(l *Line) { l.now, l.after = now, after }
}

// Ended words the summaries said once what the line reports is over:
// a count said after the problem went away must not read as if it were
// still there ("Minecraft is not answering" a second after "connected
// again"). ended is asked as a summary is said; when it reports over (or
// the line is ended with End), the summary says msg instead of the
// line's own words. It must not call the Line.
func Ended(ended func() (msg string, over bool)) Option {
	return func(l *Line) { l.ended = ended }
}

// New returns a Line that logs msg at level on log (nil: discarded).
func New(log *slog.Logger, level slog.Level, msg string, opts ...Option) *Line {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Line{log: log, level: level, msg: msg, every: DefaultEvery, now: time.Now, after: time.AfterFunc}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Log notes one occurrence with its attributes (key-value pairs as for
// slog). The first, and the first after a quiet minute, is logged at once;
// the others are counted, and a minute after the last line one more says
// how many there were ("repeated", with the last occurrence's attributes).
func (l *Line) Log(args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	now := l.now()
	if l.said.IsZero() || (now.Sub(l.said) >= l.every && l.held == 0) {
		l.said = now
		l.log.Log(context.Background(), l.level, l.msg, args...)
		return
	}
	l.held++
	l.args = args
	if l.timer == nil {
		l.timer = l.after(max(l.every-now.Sub(l.said), 0), l.summary)
	}
}

// summary logs the held count, if any.
func (l *Line) summary() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	l.sayHeld(false)
}

// sayHeld logs the held occurrences, in Ended's words when what they
// report is over (or over is true); mu is held.
func (l *Line) sayHeld(over bool) {
	if l.held == 0 || l.closed {
		return
	}
	msg := l.msg
	if l.ended != nil {
		if m, ok := l.ended(); ok || over {
			msg = m
		}
	}
	args := append([]any{"repeated", l.held, "in_the_last", l.now().Sub(l.said).Round(time.Second).String()}, l.args...)
	l.said, l.held, l.args = l.now(), 0, nil
	l.log.Log(context.Background(), l.level, msg, args...)
}

// Close says what is still held and stops the timer; later calls to Log
// do nothing.
func (l *Line) Close() { l.close(false) }

// End is Close for a line whose condition is over: what is still held is
// said in Ended's words.
func (l *Line) End() { l.close(true) }

func (l *Line) close(over bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.sayHeld(over)
	l.closed = true
}
