// Package deliver drains the action queue into a sink, one action at a
// time and in order. An action leaves the queue only once the sink has
// delivered it (or rejected it for good), so a Minecraft outage only makes
// actions wait.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// Recorder is told about every delivery outcome (the event log).
type Recorder interface {
	LogDelivery(ctx context.Context, item queue.Item, err error, latency time.Duration)
}

// Worker moves actions from Queue to Sink.
type Worker struct {
	Queue queue.Queue
	Sink  tikcraft.Sink
	Log   *slog.Logger
	// Recorder, if set, receives every outcome.
	Recorder Recorder
	// Grace is how long the action in flight may still take after the
	// context is cancelled (Ctrl-C finishes it rather than cutting it off).
	// Default 1.5s, which keeps shutdown under 2 seconds.
	Grace time.Duration
	// Retry, when positive, makes the worker wait that long and try again
	// after a permanent sink failure (a wrong password the streamer may fix
	// on the server) instead of returning it.
	Retry time.Duration
}

// Stats counts outcomes.
type Stats struct {
	Delivered, Rejected int64
}

// Run delivers until ctx is cancelled (returns nil) or the sink fails for
// good (returns the error). Once finish is closed (nil: never) it returns
// nil as soon as the queue is empty: close it after the last Push.
func (w *Worker) Run(ctx context.Context, finish <-chan struct{}) (Stats, error) {
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	grace := w.Grace
	if grace <= 0 {
		grace = 1500 * time.Millisecond
	}
	// Deliveries get a context that outlives ctx by the grace period, so
	// the command in flight can finish on Ctrl-C.
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(dctx, func() { t.Stop() })
	})
	defer stop()

	// Next waits on nctx, which also ends when finish closes, so that an
	// empty queue is noticed.
	nctx, ncancel := context.WithCancel(ctx)
	defer ncancel()
	if finish != nil {
		go func() {
			select {
			case <-finish:
				ncancel()
			case <-nctx.Done():
			}
		}()
	}
	var st Stats
	for {
		if ctx.Err() != nil {
			return st, nil
		}
		if nctx.Err() != nil { // finishing
			n, _, err := w.Queue.Stats(ctx)
			if err != nil {
				return st, fmt.Errorf("reading the action queue: %w", err)
			}
			if n == 0 {
				return st, nil
			}
		}
		next := nctx
		if nctx.Err() != nil {
			next = ctx
		}
		item, err := w.Queue.Next(next)
		if err != nil {
			if ctx.Err() != nil {
				return st, nil
			}
			if next.Err() != nil {
				continue
			}
			return st, fmt.Errorf("reading the action queue: %w", err)
		}
		start := time.Now()
		err = w.Sink.Deliver(dctx, item.Action)
		latency := time.Since(start)
		switch {
		case err == nil:
			st.Delivered++
		case errors.Is(err, tikcraft.ErrRejected):
			st.Rejected++
			log.Error("action could not be delivered and was skipped", "command", item.Action.String(), "trigger", item.Action.Trigger, "error", err)
		case dctx.Err() != nil:
			return st, nil // shut down mid-delivery: the action stays queued
		default:
			if w.Recorder != nil {
				w.Recorder.LogDelivery(dctx, item, err, latency)
			}
			if w.Retry > 0 && ctx.Err() == nil {
				log.Error("delivery failed; actions are kept and will be retried", "error", err, "retry_in", w.Retry)
				select {
				case <-ctx.Done():
				case <-time.After(w.Retry):
				}
				continue
			}
			return st, err
		}
		if w.Recorder != nil {
			w.Recorder.LogDelivery(dctx, item, err, latency)
		}
		if err := w.Queue.Ack(dctx, item.ID); err != nil {
			return st, fmt.Errorf("marking an action as delivered: %w", err)
		}
	}
}

// Split sends commands to one sink and alerts to another.
type Split struct {
	Commands tikcraft.Sink
	Alerts   tikcraft.Sink
}

// Deliver routes a by kind.
func (s Split) Deliver(ctx context.Context, a tikcraft.Action) error {
	if a.Kind == tikcraft.KindAlert {
		if s.Alerts == nil {
			return nil
		}
		return s.Alerts.Deliver(ctx, a)
	}
	return s.Commands.Deliver(ctx, a)
}
