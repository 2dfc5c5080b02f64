package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// Holding actions the queue could not take.
const (
	defaultMaxHeld = 50_000
	holdBackoffMin = 100 * time.Millisecond
	holdBackoffMax = 5 * time.Second
	holdTellEvery  = time.Minute
	// holdGrace is how long shutdown keeps trying to write held actions.
	holdGrace = 1500 * time.Millisecond
)

// hold keeps, in order, the actions the queue could not take (a full disk)
// and writes them as soon as it can, retrying with backoff. Nothing is
// dropped: once it holds max actions the pipeline stops taking events, so
// the source waits instead. The streamer is told at most once a minute.
type hold struct {
	q    queue.Queue
	log  *slog.Logger
	max  int
	min  time.Duration
	acts []tikcraft.Action
	err  error // the last failure, while acts is not empty
	wait time.Duration
	due  <-chan time.Time // the next retry
	told time.Time        // when the streamer was last told
	// paused: the streamer was told that receiving is paused.
	paused bool
}

func newHold(q queue.Queue, log *slog.Logger, max int, backoff time.Duration) *hold {
	if max <= 0 {
		max = defaultMaxHeld
	}
	if backoff <= 0 {
		backoff = holdBackoffMin
	}
	return &hold{q: q, log: log, max: max, min: backoff}
}

// push queues acts after whatever is held, or holds them too.
func (h *hold) push(ctx context.Context, acts []tikcraft.Action) {
	if len(acts) == 0 {
		return
	}
	if len(h.acts) > 0 { // keep the order: behind what waits
		h.acts = append(h.acts, acts...)
		h.checkFull()
		return
	}
	if err := h.q.Push(ctx, acts...); err != nil {
		h.acts = append([]tikcraft.Action(nil), acts...)
		h.failed(err)
	}
}

// retry writes everything held in one go; it reports whether it could.
func (h *hold) retry(ctx context.Context) bool {
	if len(h.acts) == 0 {
		return true
	}
	if err := h.q.Push(ctx, h.acts...); err != nil {
		h.failed(err)
		return false
	}
	h.log.Info(fmt.Sprintf("the action queue can be written again: queued the %d actions that waited in memory", len(h.acts)))
	h.acts, h.err, h.wait, h.due, h.told, h.paused = nil, nil, 0, nil, time.Time{}, false
	return true
}

func (h *hold) failed(err error) {
	h.err = err
	h.wait = max(h.min, min(2*h.wait, holdBackoffMax))
	h.due = time.After(h.wait)
	if time.Since(h.told) >= holdTellEvery {
		h.told = time.Now()
		h.log.Error(fmt.Sprintf("%s: %d actions waiting in memory", problem(err), len(h.acts)),
			"error", err, "retry_in", h.wait)
	}
	h.checkFull()
}

func (h *hold) checkFull() {
	if h.full() && !h.paused {
		h.paused = true
		h.log.Error(fmt.Sprintf("%s: %d actions waiting in memory; receiving is paused until they can be written, so nothing is dropped", problem(h.err), len(h.acts)))
	}
}

// full reports whether the pipeline must stop taking events.
func (h *hold) full() bool { return len(h.acts) >= h.max }

// retryC fires when the held actions should be written again; nil while
// nothing is held.
func (h *hold) retryC() <-chan time.Time {
	if len(h.acts) == 0 {
		return nil
	}
	return h.due
}

// settle keeps trying until everything held is written. When ctx ends it
// tries for holdGrace more, then gives up with an error saying what is
// lost: the only case where tikcraft loses an action it received.
func (h *hold) settle(ctx, wctx context.Context) error {
	var deadline <-chan time.Time
	stop := ctx.Done()
	for len(h.acts) > 0 {
		select {
		case <-h.due:
			h.retry(wctx)
		case <-stop:
			stop, deadline = nil, time.After(holdGrace)
		case <-deadline:
			if h.retry(wctx) {
				return nil
			}
			err := fmt.Errorf("%s: %d actions could not be saved before tikcraft stopped and are lost: %w", problem(h.err), len(h.acts), h.err)
			h.log.Error(err.Error())
			return err
		}
	}
	return nil
}

// problem says in plain words what keeps the queue from being written.
func problem(err error) string {
	var we *queue.WriteError
	if errors.As(err, &we) && we.Problem != "" {
		return we.Problem
	}
	return "the action queue cannot be written"
}
