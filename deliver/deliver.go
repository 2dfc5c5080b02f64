// Package deliver drains the action queue into a sink, one action at a
// time and in order. An action leaves the queue only once the sink has
// delivered it (or rejected it for good), so a Minecraft outage only makes
// actions wait. An action sent several times without an answer is parked
// as failed and kept, and the rest go on.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/queue"
)

// Outcome is what became of one delivery attempt.
type Outcome string

// The outcomes. The strings are stored in the event log.
const (
	// Sent: the sink carried the action out (Minecraft answered; see
	// Delivery.Reply for what it said).
	Sent Outcome = "sent"
	// Retried: the attempt failed and the action stays queued, to be tried
	// again now or at the next start.
	Retried Outcome = "retried"
	// Parked: the action was sent several times without an answer, so it
	// may have run; it is set aside as failed and kept. `tikcraft report`
	// lists it and `tikcraft drain --retry-failed` sends it again.
	Parked Outcome = "parked"
	// Rejected: the action can never be delivered as it is (for example a
	// command too long for Minecraft); it is dropped.
	Rejected Outcome = "rejected"
)

// Delivery is the outcome of one delivery attempt, for the event log, the
// console and the dashboard.
type Delivery struct {
	Item    queue.Item
	Outcome Outcome
	// Reply is what the sink answered (only for Sent, and only from sinks
	// that are a tikcraft.Replier, such as RCON): Minecraft's reply text,
	// whether it refused the command ("Unknown command"), and resends.
	Reply tikcraft.Reply
	// Err says why, for every outcome but Sent.
	Err     error
	At      time.Time // when the attempt ended
	Latency time.Duration
}

// Recorder is told about every delivery attempt (the event log).
type Recorder interface {
	LogDelivery(ctx context.Context, d Delivery)
}

// Worker moves actions from Queue to Sink.
type Worker struct {
	Queue queue.Queue
	Sink  tikcraft.Sink
	Log   *slog.Logger
	// Recorder, if set, receives every outcome.
	Recorder Recorder
	// OnSend, if set, sees each action as it is handed to the sink, and
	// OnDelivery every outcome, after the Recorder (the console, the
	// dashboard). They run on the worker's goroutine: keep them quick.
	OnSend     func(queue.Item)
	OnDelivery func(Delivery)
	// Grace is how long the action in flight may still take after the
	// context is cancelled (Ctrl-C finishes it rather than cutting it off).
	// Default 1.5s, which keeps shutdown under 2 seconds.
	Grace time.Duration
	// Retry, when positive, makes the worker wait that long and try again
	// after a permanent sink failure (a wrong password the streamer may fix
	// on the server) instead of returning it.
	Retry time.Duration

	sent     atomic.Int64           // actions sent so far, for Sent
	inFlight atomic.Pointer[flight] // the action being delivered; nil between deliveries
}

type flight struct {
	action tikcraft.Action
	since  time.Time
}

// InFlight returns the action being delivered and when its delivery
// started; ok is false between deliveries. Status lines use it to name
// the output that holds the queue (a $http server, not Minecraft).
func (w *Worker) InFlight() (a tikcraft.Action, since time.Time, ok bool) {
	if f := w.inFlight.Load(); f != nil {
		return f.action, f.since, true
	}
	return tikcraft.Action{}, time.Time{}, false
}

// Stats counts outcomes.
type Stats struct {
	Delivered, Rejected, Parked int64
}

// Sent is the number of actions delivered so far; safe to call while Run
// runs (status lines compute commands per second from it).
func (w *Worker) Sent() int64 { return w.sent.Load() }

// Storage retries: how long to wait between attempts to record an
// outcome the queue could not write (a full disk), and how often to say so.
const (
	markBackoffMin = 100 * time.Millisecond
	markBackoffMax = 5 * time.Second
	markLogEvery   = time.Minute
)

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
	// A rule that cannot be delivered fails at every firing: said once a
	// minute at most, with a count.
	skipped := lograte.New(log, slog.LevelError, "action could not be delivered and was skipped")
	defer skipped.Close()
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
		if w.OnSend != nil {
			w.OnSend(item)
		}
		w.inFlight.Store(&flight{action: item.Action, since: start})
		reply, err := tikcraft.DeliverReply(dctx, w.Sink, item.Action)
		w.inFlight.Store(nil)
		d := Delivery{Item: item, Reply: reply, Err: err, At: time.Now()}
		d.Latency = d.At.Sub(start)
		var mark func(context.Context) error // how the queue learns of it
		switch {
		case err == nil:
			d.Outcome = Sent
			st.Delivered++
			w.sent.Add(1)
			mark = func(c context.Context) error { return w.Queue.Ack(c, item.ID) }
		case errors.Is(err, tikcraft.ErrRejected):
			d.Outcome = Rejected
			st.Rejected++
			skipped.Log("command", item.Action.String(), "trigger", item.Action.Trigger, "error", err)
			mark = func(c context.Context) error { return w.Queue.Ack(c, item.ID) }
		case errors.Is(err, tikcraft.ErrUnconfirmed):
			d.Outcome = Parked
			st.Parked++
			log.Error(parkedMessage(item.Action), "command", item.Action.String(), "trigger", item.Action.Trigger, "error", err)
			reason := err.Error()
			mark = func(c context.Context) error { return w.Queue.Park(c, item.ID, reason) }
		case dctx.Err() != nil:
			return st, nil // shut down mid-delivery: the action stays queued
		default:
			d.Outcome = Retried
			w.observe(dctx, d)
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
		w.observe(dctx, d)
		if err := w.mark(ctx, dctx, log, item, mark); err != nil {
			if dctx.Err() != nil || ctx.Err() != nil {
				log.Warn("stopped before the queue could record an outcome; the action stays queued and is sent again at the next start", "command", item.Action.String(), "error", err)
				return st, nil
			}
			return st, fmt.Errorf("recording that %q was %s: %w", item.Action.String(), d.Outcome, err)
		}
	}
}

// parkedMessage says which output never answered: a $http server that is
// down is not Minecraft's fault.
func parkedMessage(a tikcraft.Action) string {
	if a.Kind == tikcraft.KindHTTP {
		host, err := actions.HTTPHost(a.Command)
		if err != nil {
			host = "its server"
		}
		return "a $http request was set aside as failed: " + host + " never answered it, so it may have arrived; the next actions go on (Minecraft's commands waited behind it). `tikcraft report` lists it and `tikcraft drain --retry-failed` sends it again"
	}
	return "a command was set aside as failed: Minecraft never answered it, so it may have run; the next ones go on. `tikcraft report` lists it and `tikcraft drain --retry-failed` sends it again"
}

func (w *Worker) observe(ctx context.Context, d Delivery) {
	if w.Recorder != nil {
		w.Recorder.LogDelivery(ctx, d)
	}
	if w.OnDelivery != nil {
		w.OnDelivery(d)
	}
}

// mark runs fn (Ack or Park) until it succeeds. A queue that cannot write
// (a full disk) is retried with backoff while the streamer is told once a
// minute; delivering the action again instead would run it twice.
func (w *Worker) mark(ctx, dctx context.Context, log *slog.Logger, item queue.Item, fn func(context.Context) error) error {
	wait := markBackoffMin
	var told time.Time
	for {
		err := fn(dctx)
		var we *queue.WriteError
		if err == nil || !errors.As(err, &we) {
			return err
		}
		if time.Since(told) >= markLogEvery {
			told = time.Now()
			log.Error(we.Problem+": cannot record that an action was done; delivery is paused and tries again until it can", "command", item.Action.String(), "error", err)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, markBackoffMax)
	}
}

// Router sends each action to the output it is for: Minecraft commands to
// Commands, alerts and overlay changes ($timer, $wins, $deaths) to
// Overlays, $http requests to HTTP. It passes on the outputs' replies and
// reports the Minecraft connection's state as its own.
type Router struct {
	Commands tikcraft.Sink
	// Overlays shows alerts and applies overlay changes; nil counts them
	// as done (nothing shows overlays in that run).
	Overlays tikcraft.Sink
	// HTTP receives $http requests; nil rejects them (they must never
	// reach Minecraft as commands).
	HTTP tikcraft.Sink
	// Echo, if set, is also shown every alert and overlay change: the
	// dry-run printer, so that a dry run prints everything it would do.
	Echo tikcraft.Sink
}

var (
	_ tikcraft.Replier       = Router{}
	_ tikcraft.StateReporter = Router{}
)

// Deliver routes a by kind.
func (r Router) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := r.DeliverReply(ctx, a)
	return err
}

// DeliverReply routes a by kind and returns the output's answer.
func (r Router) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	switch a.Kind {
	case tikcraft.KindAlert, tikcraft.KindOverlay:
		if r.Overlays != nil {
			if err := r.Overlays.Deliver(ctx, a); err != nil {
				return tikcraft.Reply{}, err
			}
		}
		if r.Echo != nil {
			return tikcraft.DeliverReply(ctx, r.Echo, a)
		}
		return tikcraft.Reply{}, nil
	case tikcraft.KindHTTP:
		if r.HTTP == nil {
			return tikcraft.Reply{}, fmt.Errorf("$http requests are not sent from here: %w", tikcraft.ErrRejected)
		}
		return tikcraft.DeliverReply(ctx, r.HTTP, a)
	}
	return tikcraft.DeliverReply(ctx, r.Commands, a)
}

// SinkState is the Minecraft connection's state (tikcraft.StateReporter);
// zero when the commands output cannot tell (the dry-run printer).
func (r Router) SinkState() tikcraft.SinkState {
	st, _ := tikcraft.StateOf(r.Commands)
	return st
}
