// Package deliver drains the action queue into a sink: each lane of the
// queue (Minecraft, the overlays, $http, OBS) on a goroutine of its own,
// one action at a time and in order within the lane. An action leaves the
// queue only once the sink has delivered it (or rejected it for good), so
// an outage only makes that output's actions wait; the other lanes go on.
// An action sent several times without an answer is parked as failed and
// kept, and the rest of its lane goes on.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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

// Worker moves actions from Queue to Sink, every lane on its own
// goroutine: within a lane one action at a time, in order; lanes never
// wait for each other, so a $http server or OBS that does not answer holds
// up only its own lane, never Minecraft's.
type Worker struct {
	Queue queue.Queue
	// Sink delivers every lane's actions; a Router sends each to its
	// output. A sink that is an ItemSink is handed the whole queue item
	// (the due time), others the action.
	Sink tikcraft.Sink
	// Lanes are the lanes delivered; nil: all of them (queue.Lanes).
	Lanes []queue.Lane
	Log   *slog.Logger
	// Recorder, if set, receives every outcome.
	Recorder Recorder
	// OnDelivery, if set, sees every outcome, after the Recorder (the
	// console, the dashboard). It runs on the lane's goroutine, so
	// different lanes call it at the same time: keep it quick and safe for
	// that. What is on its way is in Flights.
	OnDelivery func(Delivery)
	// Grace is how long the actions in flight may still take after the
	// context is cancelled (Ctrl-C finishes them rather than cutting them
	// off). Default 1.5s, which keeps shutdown under 2 seconds.
	Grace time.Duration
	// Retry, when positive, makes a lane wait that long and try again
	// after a permanent sink failure (a wrong password the streamer may fix
	// on the server) instead of returning it.
	Retry time.Duration

	// Flights, if set, is where the worker notes what each lane is
	// delivering, for others to read while Run runs (the dashboard);
	// otherwise it keeps its own. Either way InFlight reads it.
	Flights *Flights

	lanes [queue.NumLanes]laneState
	own   Flights
	// logOpts are given to the lines that could repeat per action
	// (tests: a clock).
	logOpts []lograte.Option
}

// laneState is what status lines read about one lane while Run runs.
type laneState struct {
	sent atomic.Int64 // actions sent so far, for Sent
}

// ItemSink is a sink that is handed the queue item rather than only its
// action, because its outcome depends on when the action came due (an OBS
// effect more than a minute past its moment is dropped). Router is one.
type ItemSink interface {
	DeliverItem(ctx context.Context, it queue.Item) (tikcraft.Reply, error)
}

// DueSink is an output told when each action came due (obs.Sink): Router
// passes an item's Due on to it.
type DueSink interface {
	tikcraft.Sink
	DeliverDue(ctx context.Context, a tikcraft.Action, due time.Time) error
}

// InFlight returns the action of lane being delivered and when its
// delivery started; ok is false between deliveries. With queue.AllLanes
// it is the one that has been in flight longest. Status lines use it to
// name what a lane waits for (a $http server, OBS, Minecraft).
func (w *Worker) InFlight(lane queue.Lane) (a tikcraft.Action, since time.Time, ok bool) {
	return w.flights().InFlight(lane)
}

// flights is where the lanes note what they deliver: Flights, or the
// worker's own.
func (w *Worker) flights() *Flights {
	if w.Flights != nil {
		return w.Flights
	}
	return &w.own
}

// lanesOf is the lanes lane stands for.
func lanesOf(lane queue.Lane) []queue.Lane {
	if lane == queue.AllLanes {
		return queue.Lanes()
	}
	if !lane.Valid() {
		return nil
	}
	return []queue.Lane{lane}
}

// Stats counts outcomes.
type Stats struct {
	Delivered, Rejected, Parked int64
}

func (s *Stats) add(o Stats) {
	s.Delivered += o.Delivered
	s.Rejected += o.Rejected
	s.Parked += o.Parked
}

// Sent is the number of actions of lane (queue.AllLanes: of every lane)
// delivered so far; safe to call while Run runs (status lines compute
// commands per second from it).
func (w *Worker) Sent(lane queue.Lane) int64 {
	var n int64
	for _, l := range lanesOf(lane) {
		n += w.lanes[l].sent.Load()
	}
	return n
}

// Storage retries: how long to wait between attempts to record an
// outcome the queue could not write (a full disk), and how often to say so.
const (
	markBackoffMin = 100 * time.Millisecond
	markBackoffMax = 5 * time.Second
	markLogEvery   = time.Minute
)

// Run delivers every lane until ctx is cancelled (returns nil) or a lane
// fails for good (returns the error, after the other lanes stopped: what
// they have not delivered stays queued). Once finish is closed (nil:
// never) each lane ends as soon as it is empty, and Run returns nil once
// every lane has: close it after the last Push.
func (w *Worker) Run(ctx context.Context, finish <-chan struct{}) (Stats, error) {
	lanes := w.Lanes
	if lanes == nil {
		lanes = queue.Lanes()
	}
	for _, l := range lanes {
		if !l.Valid() {
			return Stats{}, queue.LaneError(l)
		}
	}
	// A lane that fails for good stops the others, as one worker did.
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	stats := make([]Stats, len(lanes))
	errs := make([]error, len(lanes))
	var wg sync.WaitGroup
	for i, l := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = w.runLane(lctx, l, finish)
			if errs[i] != nil {
				stop()
			}
		}()
	}
	wg.Wait()
	var st Stats
	for _, s := range stats {
		st.add(s)
	}
	return st, errors.Join(errs...)
}

// runLane delivers one lane: Run's loop for each of them.
func (w *Worker) runLane(ctx context.Context, lane queue.Lane, finish <-chan struct{}) (Stats, error) {
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("lane", lane.String())
	ls := &w.lanes[lane]
	flights := w.flights()
	grace := w.Grace
	if grace <= 0 {
		grace = 1500 * time.Millisecond
	}
	// Deliveries get a context that outlives ctx by the grace period, so
	// the action in flight can finish on Ctrl-C.
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(dctx, func() { t.Stop() })
	})
	defer stop()

	// Next waits on nctx, which also ends when finish closes, so that an
	// empty lane is noticed.
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
	skipped := lograte.New(log, slog.LevelError, "action could not be delivered and was skipped", w.logOpts...)
	defer skipped.Close()
	// So is an output that stops answering: every action behind it is
	// parked in turn. One line per kind of message (parkedMessage), each
	// said once, then counted.
	parked := map[string]*lograte.Line{}
	defer func() {
		for _, l := range parked {
			l.Close()
		}
	}()
	var st Stats
	for {
		if ctx.Err() != nil {
			return st, nil
		}
		// Read once: finish may close between two looks, and a lane that
		// waited on ctx without checking that it is empty would wait for
		// ever.
		next := nctx
		if nctx.Err() != nil { // finishing
			n, _, err := w.Queue.Stats(ctx, lane)
			if err != nil {
				return st, fmt.Errorf("reading the action queue: %w", err)
			}
			if n == 0 {
				return st, nil
			}
			next = ctx
		}
		item, err := w.Queue.Next(next, lane)
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
		flights.start(lane, item.Action, start)
		reply, err := deliverItem(dctx, w.Sink, item)
		flights.done(lane)
		d := Delivery{Item: item, Reply: reply, Err: err, At: time.Now()}
		d.Latency = d.At.Sub(start)
		var mark func(context.Context) error // how the queue learns of it
		switch {
		case err == nil:
			d.Outcome = Sent
			st.Delivered++
			ls.sent.Add(1)
			mark = func(c context.Context) error { return w.Queue.Ack(c, item.ID) }
		case errors.Is(err, tikcraft.ErrRejected):
			d.Outcome = Rejected
			st.Rejected++
			// The OBS connection logs every $obs action it drops or OBS
			// refuses, with why: said once, there.
			if item.Action.Kind != tikcraft.KindOBS {
				skipped.Log("command", item.Action.String(), "trigger", item.Action.Trigger, "error", err)
			}
			mark = func(c context.Context) error { return w.Queue.Ack(c, item.ID) }
		case errors.Is(err, tikcraft.ErrUnconfirmed):
			d.Outcome = Parked
			st.Parked++
			msg, attrs := parkedMessage(item.Action, err)
			// Per message and $http host: a second target going down is
			// said at once, not counted into the first one's line.
			key := fmt.Sprint(msg, attrs)
			l := parked[key]
			if l == nil {
				l = lograte.New(log, slog.LevelError, msg, w.logOpts...)
				parked[key] = l
			}
			l.Log(append(attrs, "command", item.Action.String(), "trigger", item.Action.Trigger, "error", err)...)
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

// deliverItem hands it to s: the whole item to an ItemSink, the action
// with its due time to a DueSink, the action alone to any other.
func deliverItem(ctx context.Context, s tikcraft.Sink, it queue.Item) (tikcraft.Reply, error) {
	switch s := s.(type) {
	case ItemSink:
		return s.DeliverItem(ctx, it)
	case DueSink:
		return tikcraft.Reply{}, s.DeliverDue(ctx, it.Action, it.Due)
	}
	return tikcraft.DeliverReply(ctx, s, it.Action)
}

// parkedMessage says which output never answered: a $http server that is
// down is not Minecraft's fault, and a request that could not even connect
// never arrived. The message is one of a few fixed texts (the repeated
// line is counted per text and host); the host goes in the attributes.
func parkedMessage(a tikcraft.Action, err error) (string, []any) {
	if a.Kind == tikcraft.KindHTTP {
		host, herr := actions.HTTPHost(a.Command)
		if herr != nil {
			host = "?"
		}
		if errors.Is(err, tikcraft.ErrNeverSent) {
			return "a $http request could not be sent: nothing answered at its address (is that program running, on that port, and is the name right?), so it never arrived; the next $http requests go on (Minecraft's commands never waited for it). `tikcraft report` lists it and `tikcraft drain --retry-failed` sends it again", []any{"host", host}
		}
		// Not "never answered": a server that answers 500 to every try
		// did answer. The error says what it did.
		return "a $http request was set aside as failed: its server did not take it in any try (the error says why), so it may have arrived; the next $http requests go on (Minecraft's commands never waited for it). `tikcraft report` lists it and `tikcraft drain --retry-failed` sends it again", []any{"host", host}
	}
	return "a command was set aside as failed: Minecraft never answered it, so it may have run; the next ones go on. `tikcraft report` lists it and `tikcraft drain --retry-failed` sends it again", nil
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
		// Not cancelled with dctx: what happened happened (an answer that
		// came after the grace, rcon waits for it), and unrecorded, the
		// action would be sent again at the next start.
		err := fn(context.WithoutCancel(dctx))
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
// Commands, alerts and overlay changes ($timer, $wins, $deaths, $sound) to
// Overlays, $http requests to HTTP, $obs actions to OBS. It passes on the
// outputs' replies and reports the Minecraft connection's state as its
// own. Its outputs are the queue's lanes (queue.LaneOf): the worker calls
// it from every lane at once, each lane for its own output.
type Router struct {
	// Commands is Minecraft (through the pause gate); it also gets
	// actions of a kind this version does not know.
	Commands tikcraft.Sink
	// Overlays shows alerts and applies overlay changes; nil counts them
	// as done (nothing shows overlays in that run).
	Overlays tikcraft.Sink
	// HTTP receives $http requests; nil rejects them (they must never
	// reach Minecraft as commands).
	HTTP tikcraft.Sink
	// OBS carries out $obs actions, told their due time when it is a
	// DueSink (obs.Sink); nil shows them to Echo in a dry run and
	// otherwise rejects them (no obs section): they never reach Minecraft.
	OBS tikcraft.Sink
	// Echo, if set, is also shown every alert and overlay change: the
	// dry-run printer, so that a dry run prints everything it would do.
	Echo tikcraft.Sink
}

var (
	_ tikcraft.Replier       = Router{}
	_ tikcraft.StateReporter = Router{}
	_ ItemSink               = Router{}
)

// Deliver routes a by kind.
func (r Router) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := r.DeliverReply(ctx, a)
	return err
}

// DeliverReply routes a by kind and returns the output's answer. An $obs
// action counts as due now.
func (r Router) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	return r.DeliverItem(ctx, queue.Item{Action: a})
}

// DeliverItem routes the item's action by kind and returns the output's
// answer; OBS is told when the action came due.
func (r Router) DeliverItem(ctx context.Context, it queue.Item) (tikcraft.Reply, error) {
	a := it.Action
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
	case tikcraft.KindOBS:
		switch {
		case r.OBS == nil && r.Echo != nil:
			return tikcraft.DeliverReply(ctx, r.Echo, a)
		case r.OBS == nil:
			return tikcraft.Reply{}, fmt.Errorf("$obs actions need an obs section in tikcraft.yaml (docs/OBS.md); this one is skipped: %w", tikcraft.ErrRejected)
		}
		if d, ok := r.OBS.(DueSink); ok {
			due := it.Due
			if due.IsZero() {
				due = time.Now()
			}
			return tikcraft.Reply{}, d.DeliverDue(ctx, a, due)
		}
		return tikcraft.DeliverReply(ctx, r.OBS, a)
	}
	return tikcraft.DeliverReply(ctx, r.Commands, a)
}

// SinkState is the Minecraft connection's state (tikcraft.StateReporter);
// zero when the commands output cannot tell (the dry-run printer).
func (r Router) SinkState() tikcraft.SinkState {
	st, _ := tikcraft.StateOf(r.Commands)
	return st
}

// LaneReporter is a sink that says how the output of each lane is doing
// (Router), so that a status line names what a lane waits for.
type LaneReporter interface {
	LaneState(lane queue.Lane) (tikcraft.SinkState, bool)
}

var _ LaneReporter = Router{}

// LaneState is the state of lane's output, when it can tell: Minecraft's
// connection (and the pause), OBS's.
func (r Router) LaneState(lane queue.Lane) (tikcraft.SinkState, bool) {
	var s tikcraft.Sink
	switch lane {
	case queue.LaneMinecraft:
		s = r.Commands
	case queue.LaneOverlays:
		s = r.Overlays
	case queue.LaneHTTP:
		s = r.HTTP
	case queue.LaneOBS:
		s = r.OBS
	}
	if s == nil {
		return tikcraft.SinkState{}, false
	}
	return tikcraft.StateOf(s)
}
