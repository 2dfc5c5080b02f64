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
	sq   queue.StateQueue // q, when it keeps the engine's state too
	log  *slog.Logger
	max  int
	min  time.Duration
	acts []tikcraft.Action
	// The engine state changes that go with acts, merged by key (nil:
	// delete), and whether all earlier state is to be forgotten first.
	state map[string][]byte
	reset bool
	err   error // the last failure, while something is held
	wait  time.Duration
	due   <-chan time.Time // the next retry
	told  time.Time        // when the streamer was last told
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
	h := &hold{q: q, log: log, max: max, min: backoff}
	h.sq, _ = q.(queue.StateQueue)
	return h
}

// holding reports whether anything waits to be written.
func (h *hold) holding() bool { return len(h.acts) > 0 || len(h.state) > 0 || h.reset }

func (h *hold) write(ctx context.Context, b queue.Batch) error {
	if h.sq != nil {
		return h.sq.Commit(ctx, b)
	}
	return h.q.Push(ctx, b.Actions...)
}

// add merges b behind what is held.
func (h *hold) add(b queue.Batch) {
	h.acts = append(h.acts, b.Actions...)
	if b.ResetState {
		h.reset, h.state = true, nil
	}
	if len(b.State) > 0 && h.state == nil {
		h.state = map[string][]byte{}
	}
	for _, e := range b.State {
		h.state[e.Key] = e.Value
	}
}

func (h *hold) batch() queue.Batch {
	b := queue.Batch{Actions: h.acts, ResetState: h.reset}
	for k, v := range h.state {
		b.State = append(b.State, queue.StateEntry{Key: k, Value: v})
	}
	return b
}

// push writes b (actions and the engine state that goes with them) after
// whatever is held, or holds it too.
func (h *hold) push(ctx context.Context, b queue.Batch) {
	if len(b.Actions) == 0 && len(b.State) == 0 && !b.ResetState {
		return
	}
	if h.holding() { // keep the order: behind what waits
		h.add(b)
		h.checkFull()
		return
	}
	if err := h.write(ctx, b); err != nil {
		h.add(queue.Batch{Actions: append([]tikcraft.Action(nil), b.Actions...), ResetState: b.ResetState, State: b.State})
		h.failed(err)
	}
}

// retry writes everything held in one transaction, so that the state
// never runs ahead of the actions; it reports whether it could.
func (h *hold) retry(ctx context.Context) bool {
	if !h.holding() {
		return true
	}
	if err := h.write(ctx, h.batch()); err != nil {
		h.failed(err)
		return false
	}
	h.log.Info(fmt.Sprintf("the action queue can be written again: queued the %d actions that waited in memory", len(h.acts)))
	h.acts, h.state, h.reset, h.err, h.wait, h.due, h.told, h.paused = nil, nil, false, nil, 0, nil, time.Time{}, false
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
	if !h.holding() {
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
	for h.holding() {
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
