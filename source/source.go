// Package source provides event sources other than the live TikTok
// connection: a replay of a JSONL event file and the built-in demo traffic.
// Every source emits events in order through a callback and returns when it
// is done (nil) or when its context is cancelled.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/wait"
	"github.com/tikcraft/tikcraft/webcast"
)

var (
	_ Source = (*File)(nil)
	_ Source = (*Frames)(nil)
	_ Source = (*Script)(nil)
	_ Source = (*Live)(nil)
	_ Source = (*Wire)(nil)
	_ Source = Empty{}
)

// Source produces events.
type Source interface {
	Run(ctx context.Context, emit func(tikcraft.Event)) error
}

// Speed is a replay speed factor; Max (0) replays without waiting.
type Speed float64

// Max replays as fast as possible.
const Max Speed = 0

// ParseSpeed reads "max", "realtime" or a factor such as "2" or "0.5".
func ParseSpeed(s string) (Speed, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "max", "":
		return Max, nil
	case "realtime":
		return 1, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "x"), 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("--speed %q: use max, realtime or a positive factor such as 2 or 0.5", s)
	}
	return Speed(f), nil
}

// maxGap is the longest wait, in event time, between two events of a paced
// replay: one event dated years ahead (a wrong clock, a hand-edited file)
// must not stall the replay, and a long pause in a recording is not worth
// sitting through. The engine uses the events' own times, so clamping the
// wait never changes which actions a replay produces.
const maxGap = 30 * time.Second

// pacer sleeps between events according to their timestamps. It keeps a
// wall-clock schedule (due) and sleeps until each event's place in it,
// rather than sleeping each gap after the event before: timer slack and the
// time spent handing an event on would otherwise add up, and 1,000 events a
// second would arrive at half that.
type pacer struct {
	speed Speed
	last  time.Time
	due   time.Time // when the event last waited for was due, wall clock
	log   *slog.Logger
}

// next returns how long to wait, in event time, before the event at t.
func (p *pacer) next(t time.Time) time.Duration {
	var gap time.Duration
	switch {
	case p.last.IsZero():
		p.last = t
	case t.After(p.last):
		gap = t.Sub(p.last)
		p.last = t
	case p.last.Sub(t) > maxGap:
		// Far before the event before it: that one was dated wrong (or
		// the clock jumped back); go on from here.
		p.last = t
	}
	return min(gap, maxGap)
}

// wait sleeps until the event at t is due; where says which event it is,
// for the log.
func (p *pacer) wait(ctx context.Context, t time.Time, where func() string) error {
	if p.speed == Max || t.IsZero() {
		return ctx.Err()
	}
	prev := p.last
	gap := p.next(t)
	if gap == maxGap && !prev.IsZero() && t.Sub(prev) > maxGap && p.log != nil {
		p.log.Info(fmt.Sprintf("the next event is dated %s after the one before; waiting %s of event time instead (a wrong timestamp, or a long pause in the recording)",
			t.Sub(prev).Round(time.Second), maxGap), "where", where())
	}
	now := time.Now()
	if p.due.IsZero() || gap == maxGap {
		// The first event, or after a clamped gap: start the schedule
		// afresh rather than rushing to catch up.
		p.due = now
	}
	p.due = p.due.Add(time.Duration(float64(gap) / float64(p.speed)))
	return wait.For(ctx, p.due.Sub(now))
}

// File replays a JSONL event file. Bad lines are logged with their line
// number and skipped; the rest of the file still runs.
type File struct {
	Path  string
	Speed Speed
	Log   *slog.Logger
	// Skipped counts bad lines after Run, Events the events emitted.
	Skipped, Events int
}

// Run reads the file and emits its events.
func (f *File) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("opening event file: %w", err)
	}
	defer r.Close()
	return f.read(ctx, r, emit, log)
}

func (f *File) read(ctx context.Context, r io.Reader, emit func(tikcraft.Event), log *slog.Logger) error {
	jr := jsonl.NewReader(r, f.Path)
	p := pacer{speed: f.Speed, log: log}
	for {
		ev, err := jr.Next()
		var le *tikcraft.LineError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &le):
			f.Skipped++
			log.Warn("skipping a bad line of the event file", "where", fmt.Sprintf("%s:%d", le.File, le.Line), "error", le.Err.Error())
			continue
		case err != nil:
			return err
		}
		if err := p.wait(ctx, ev.EventMeta().Time, func() string { return fmt.Sprintf("%s:%d", f.Path, jr.Line()) }); err != nil {
			return err
		}
		f.Events++
		emit(ev)
	}
}

// Step is one scripted event and the pause before it.
type Step struct {
	Delay time.Duration
	Event tikcraft.Event
}

// Script emits scripted steps, waiting Delay/Speed before each (Speed
// Max: no waiting). Rounds are produced by Round until it returns nil or,
// with Rounds > 0, for that many rounds.
type Script struct {
	Round  func(n int) []Step
	Rounds int
	Speed  Speed
}

// Steps plays a fixed list of steps once.
func Steps(steps []Step, speed Speed) *Script {
	return &Script{Round: func(int) []Step { return steps }, Rounds: 1, Speed: speed}
}

// Run emits the steps.
func (s *Script) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	// Delays are kept on a wall-clock schedule (see pacer) so that the
	// requested rate holds.
	due := time.Now()
	for n := 0; s.Rounds <= 0 || n < s.Rounds; n++ {
		steps := s.Round(n)
		if steps == nil {
			return nil
		}
		for _, st := range steps {
			if s.Speed != Max {
				due = due.Add(time.Duration(float64(st.Delay) / float64(s.Speed)))
				if err := wait.For(ctx, time.Until(due)); err != nil {
					return err
				}
			} else if err := ctx.Err(); err != nil {
				return err
			}
			emit(st.Event)
		}
	}
	return nil
}

// Frames replays a capture file: the raw WebSocket messages `tikcraft run
// --capture` recorded, one base64 frame per line. Each frame is decoded
// exactly as the live client decodes it. Bad lines and frames are logged and
// skipped; a frame's good messages still become events.
type Frames struct {
	Path  string
	Speed Speed
	Log   *slog.Logger
	// Decoder, if set, is used (and its Stats kept); default a fresh one.
	Decoder *webcast.Decoder
	// Skipped counts bad lines and unreadable frames after Run.
	Skipped int
}

// Run reads the capture and emits its events.
func (f *Frames) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if f.Decoder == nil {
		f.Decoder = webcast.NewDecoder(webcast.Limits{})
	}
	r, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("opening capture file: %w", err)
	}
	defer r.Close()
	cr := webcast.NewCaptureReader(r, f.Path)
	p := pacer{speed: f.Speed, log: log}
	for {
		frame, err := cr.Next()
		var le *tikcraft.LineError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &le):
			f.Skipped++
			log.Warn("skipping a bad line of the capture file", "where", fmt.Sprintf("%s:%d", le.File, le.Line), "error", le.Err.Error())
			continue
		case err != nil:
			return err
		}
		_, evs, err := f.Decoder.DecodeFrame(frame)
		if err != nil {
			if len(evs) == 0 {
				f.Skipped++
			}
			log.Warn("problem in a captured frame", "where", fmt.Sprintf("%s:%d", f.Path, cr.Line()), "error", err.Error())
		}
		for _, ev := range evs {
			if err := p.wait(ctx, ev.EventMeta().Time, func() string { return fmt.Sprintf("%s:%d", f.Path, cr.Line()) }); err != nil {
				return err
			}
			emit(ev)
		}
	}
}

// Empty is a source without events (drain).
type Empty struct{}

// Run returns at once.
func (Empty) Run(context.Context, func(tikcraft.Event)) error { return nil }
