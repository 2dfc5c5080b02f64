// Package lograte keeps a log message that could repeat once per event
// (an alert dropped from a full queue, a request refused) from flooding
// the log: the first occurrence is logged as it is, later ones are counted
// and summed up in one line at most once a minute.
package lograte

import (
	"context"
	"fmt"
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
	who   string // the attribute Distinct names

	mu     sync.Mutex
	said   time.Time // when a line was last logged
	held   int64     // occurrences since then, not logged
	args   []any     // the last held occurrence's attributes
	timer  *time.Timer
	closed bool
	// With Distinct: the values who had among the held occurrences, and
	// the attributes every one of them had alike.
	whos map[string]struct{}
	same []any
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

// maxDistinct bounds the values Distinct tells apart between two
// summaries (memory, in a flood of new viewers).
const maxDistinct = 10000

// Distinct names the attribute that says who an occurrence is about (a
// viewer): a summary names the one only when every occurrence it counts
// was about the same; otherwise it says how many different ones there
// were (key+"s", e.g. users=12; from maxDistinct on, users=10000
// users_or_more=true) instead of the last one, which would read as if
// that viewer had done it all. Such a summary keeps only the attributes
// all its occurrences had alike: the last one's gift or count would read
// as that viewer's too.
func Distinct(key string) Option {
	return func(l *Line) { l.who, l.whos = key, map[string]struct{}{} }
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
	if l.who != "" {
		if l.held == 1 {
			l.same = args
		} else {
			l.same = alike(l.same, args)
		}
		if len(l.whos) < maxDistinct {
			if v, ok := attr(args, l.who); ok {
				l.whos[v] = struct{}{}
			}
		}
	}
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
	last := l.args
	if n := len(l.whos); n > 1 {
		last = append(without(l.same, l.who), l.who+"s", n)
		if n >= maxDistinct {
			last = append(last, l.who+"s_or_more", true)
		}
	}
	clear(l.whos)
	args := append([]any{"repeated", l.held, "in_the_last", l.now().Sub(l.said).Round(time.Second).String()}, last...)
	l.said, l.held, l.args, l.same = l.now(), 0, nil, nil
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

// attr is the value of key among slog-style args (key-value pairs or
// slog.Attr), as text.
func attr(args []any, key string) (string, bool) {
	for i := 0; i < len(args); i++ {
		switch a := args[i].(type) {
		case slog.Attr:
			if a.Key == key {
				return a.Value.String(), true
			}
		case string:
			if i+1 < len(args) {
				if a == key {
					return fmt.Sprint(args[i+1]), true
				}
				i++
			}
		}
	}
	return "", false
}

// alike is the attributes of same that args has with the same value.
func alike(same, args []any) []any {
	out := make([]any, 0, len(same))
	keep := func(key string, v any) bool {
		w, ok := attr(args, key)
		return ok && w == fmt.Sprint(v)
	}
	for i := 0; i < len(same); i++ {
		switch a := same[i].(type) {
		case slog.Attr:
			if keep(a.Key, a.Value) {
				out = append(out, a)
			}
		case string:
			if i+1 < len(same) {
				if keep(a, same[i+1]) {
					out = append(out, a, same[i+1])
				}
				i++
			}
		}
	}
	return out
}

// without is args without key's attribute.
func without(args []any, key string) []any {
	out := make([]any, 0, len(args))
	for i := 0; i < len(args); i++ {
		switch a := args[i].(type) {
		case slog.Attr:
			if a.Key != key {
				out = append(out, a)
			}
		case string:
			if i+1 < len(args) {
				if a != key {
					out = append(out, a, args[i+1])
				}
				i++
				continue
			}
			out = append(out, a)
		default:
			out = append(out, a)
		}
	}
	return out
}
