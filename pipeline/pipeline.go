// Package pipeline runs the whole flow: source → events → engine → queue →
// delivery lanes → sinks. The receiving side never waits for Minecraft:
// events go through a buffer to the engine, the engine only pushes to the
// queue, and a separate worker delivers each lane (Minecraft, the
// overlays, $http, OBS) on its own.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
)

// Recorder is the event log: told about every event and delivery.
type Recorder interface {
	deliver.Recorder
	LogEvent(ctx context.Context, ev tikcraft.Event)
}

// maxBatch bounds the actions pushed to the queue in one call.
const maxBatch = 1024

// DefaultGather is Options.Gather's default.
const DefaultGather = 5 * time.Millisecond

// Options assemble a pipeline.
type Options struct {
	Engine *engine.Engine
	Queue  queue.Queue
	// Sink delivers every lane's actions (a deliver.Router sends each to
	// its output); each lane calls it from a goroutine of its own.
	Sink tikcraft.Sink
	Log  *slog.Logger
	// Recorder, if set, gets every event and delivery outcome.
	Recorder Recorder
	// EventClock makes the engine's clock the events' own time field
	// (replay), so results never depend on the replay speed. Otherwise the
	// wall clock is used and streak timeouts are checked every TickEvery.
	EventClock bool
	TickEvery  time.Duration
	// Finish makes Run return once the source has ended and every lane
	// delivered all its actions (replay, drain). Otherwise Run returns
	// when ctx ends.
	Finish bool
	// Retry is passed to the worker: see deliver.Worker.
	Retry time.Duration
	// StatsEvery logs, for each lane whose due actions have waited that
	// long, how many wait, the oldest one's wait, how many are sent per
	// second and what they wait for (Minecraft not answering or pacing, a
	// $http server, OBS). Actions planned for later are not counted.
	// Default 5s.
	StatsEvery time.Duration
	// logOpts are given to the status lines' summaries (tests: a clock).
	logOpts []lograte.Option
	// OnEvent, if set, sees every event before the engine (the console,
	// the dashboard, the overlays). dup: the engine drops it because
	// TikTok sent its message twice (the console marks it as such).
	OnEvent func(ev tikcraft.Event, dup bool)
	// OnQueued, if set, sees every batch of actions the engine queued
	// (the dashboard's queue). It runs on the pipeline's goroutine.
	OnQueued func([]tikcraft.Action)
	// OnDelivery, if set, sees the outcome of every delivery attempt (sent
	// with Minecraft's reply, retried, parked, rejected): the console and
	// the dashboard. It runs on the lane's delivery goroutine, so lanes call
	// it at the same time.
	OnDelivery func(deliver.Delivery)
	// Flights, if set, is where the worker notes what each lane is
	// delivering (deliver.Worker.Flights), for the dashboard to read.
	Flights *deliver.Flights
	// DrainOnStop keeps delivering for up to this long after ctx ends, so
	// that an in-memory queue (the demo) does not drop the streaks flushed
	// at shutdown. Durable queues keep them for the next start instead.
	DrainOnStop time.Duration
	// FreshStreaks starts a session of its own (replay, demo): gift streaks
	// an earlier run left open are settled first, then forgotten, so that
	// the same file replayed twice fires twice. Otherwise (a LIVE, drain)
	// they are carried on, and a late end of one adds only what was not
	// fired yet.
	FreshStreaks bool
	// MaxHeld bounds the actions kept in memory while the queue cannot be
	// written (a full disk). Default 50,000.
	MaxHeld int
	// Gather is how long a batch may wait for more events, from its first
	// one, while the next event has been coming within Gather/2 of the
	// pipeline finding none waiting, on average: at 1,000 events a second
	// one queue commit then carries about five events' actions instead of
	// one (docs/PERFORMANCE.md). Slower streams, and bursts further apart,
	// never wait. Default 5ms; negative: never wait.
	Gather time.Duration

	holdBackoff time.Duration // first wait before writing held actions again; tests shorten it
}

// Result summarises a run.
type Result struct {
	Events    int64
	Actions   int64
	Delivered int64
	Rejected  int64
	Parked    int64 // sent without an answer, set aside as failed (kept)
}

// Run runs src through the pipeline.
func Run(ctx context.Context, src source.Source, o Options) (Result, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.TickEvery <= 0 {
		o.TickEvery = 500 * time.Millisecond
	}
	if o.StatsEvery <= 0 {
		o.StatsEvery = 5 * time.Second
	}
	if o.Gather == 0 {
		o.Gather = DefaultGather
	}
	var res Result
	events := make(chan tikcraft.Event, 4096)
	srcErr := make(chan error, 1)
	sctx, scancel := context.WithCancel(ctx)
	defer scancel()
	go func() {
		defer close(events)
		srcErr <- src.Run(sctx, func(ev tikcraft.Event) {
			select {
			case events <- ev:
			case <-sctx.Done():
			}
		})
	}()

	worker := &deliver.Worker{Queue: o.Queue, Sink: o.Sink, Log: log, Recorder: o.Recorder, Retry: o.Retry, OnDelivery: o.OnDelivery, Flights: o.Flights}
	finish := make(chan struct{})
	var wst deliver.Stats
	var werr error
	wdone := make(chan struct{})
	var finishCh <-chan struct{}
	if o.Finish || o.DrainOnStop > 0 {
		finishCh = finish
	}
	// The worker stops on its own context so that the engine can keep
	// pushing until the source has ended.
	wbase := ctx
	if o.DrainOnStop > 0 {
		wbase = context.WithoutCancel(ctx)
	}
	wctx, wcancel := context.WithCancel(wbase)
	defer wcancel()
	go func() {
		defer close(wdone)
		wst, werr = worker.Run(wctx, finishCh)
	}()

	h := newHold(o.Queue, log, o.MaxHeld, o.holdBackoff)
	pctx := context.WithoutCancel(ctx) // what was received is queued even on shutdown
	// Every batch of actions goes with the engine's streak changes, in one
	// transaction when the queue keeps them (see engine.Changes).
	push := func(acts []tikcraft.Action) {
		res.Actions += int64(len(acts))
		b := queue.Batch{Actions: acts}
		var rows []engine.StateEntry
		b.ResetState, rows = o.Engine.Changes()
		for _, r := range rows {
			b.State = append(b.State, queue.StateEntry(r))
		}
		h.push(pctx, b)
		if o.OnQueued != nil && len(acts) > 0 {
			o.OnQueued(acts)
		}
	}
	if err := resume(ctx, o, log, push); err != nil {
		scancel()
		for range events { // let the source finish
		}
		wcancel()
		<-wdone
		return res, err
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reportStats(wctx, o.Queue, o.Sink, worker, o.StatsEvery, &statusLines{log: log, opts: o.logOpts})
	}()

	var tick <-chan time.Time
	if !o.EventClock {
		t := time.NewTicker(o.TickEvery)
		defer t.Stop()
		tick = t.C
	}
	var clock time.Time // event clock: never goes backwards
	g := newGatherer(o.Gather)
	defer g.stop()
loop:
	for {
		// While memory holds all it may, take no events: the source waits.
		in := events
		if h.full() {
			in = nil
		}
		select {
		case ev, ok := <-in:
			if !ok {
				break loop
			}
			// Handle what is already waiting too and push it in one batch:
			// one queue transaction per burst instead of per event.
			var batch []tikcraft.Action
			var first time.Time
			for more := true; more; {
				res.Events++
				if o.OnEvent != nil {
					o.OnEvent(ev, o.Engine.Duplicate(ev))
				}
				if o.Recorder != nil {
					o.Recorder.LogEvent(ctx, ev)
				}
				wall := time.Now()
				g.arrived(wall)
				if first.IsZero() {
					first = wall
				}
				now := wall
				if o.EventClock {
					if t := ev.EventMeta().Time; t.After(clock) {
						clock = t
					}
					now = clock
				}
				batch = append(batch, o.Engine.Handle(ev, now)...)
				if len(batch) >= maxBatch {
					break
				}
				select {
				case ev, more = <-events:
					if !more {
						push(batch)
						break loop
					}
				default:
					// A closed channel ends the batch here and the loop at
					// its next receive.
					ev, more = g.wait(events, first)
				}
			}
			push(batch)
		case <-tick:
			push(o.Engine.Tick(time.Now()))
		case <-h.retryC():
			h.retry(pctx)
		case <-wdone:
			// The worker gave up for good: stop receiving.
			scancel()
			for range events { // let the source finish
			}
			break loop
		}
	}
	// The source ended (or ctx did): settle open streaks so no paid gift is
	// left behind. On shutdown they land in the queue for the next start
	// when the queue is durable.
	push(o.Engine.Flush())
	err := <-srcErr
	if err != nil && errors.Is(err, sctx.Err()) {
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("event source: %w", err)
	}
	// The worker may only finish once everything held is in the queue.
	holdErr := h.settle(ctx, pctx)
	close(finish)
	switch {
	case o.Finish && ctx.Err() == nil:
	case o.DrainOnStop > 0:
		t := time.AfterFunc(o.DrainOnStop, wcancel)
		defer t.Stop()
	default:
		wcancel()
	}
	<-wdone
	wcancel()
	wg.Wait()
	res.Delivered, res.Rejected, res.Parked = wst.Delivered, wst.Rejected, wst.Parked
	return res, errors.Join(err, holdErr, werr)
}

// resume loads the gift streaks an earlier run saved with a durable queue
// and settles what it left open: exactly once, since the settling actions
// and the new counts are committed together.
func resume(ctx context.Context, o Options, log *slog.Logger, push func([]tikcraft.Action)) error {
	sq, ok := o.Queue.(queue.StateQueue)
	if !ok {
		return nil
	}
	saved, err := sq.LoadState(ctx)
	if err != nil {
		return fmt.Errorf("reading the gift streaks saved by the last run: %w", err)
	}
	rows := make([]engine.StateEntry, len(saved))
	for i, r := range saved {
		rows[i] = engine.StateEntry(r)
	}
	if open := o.Engine.Restore(rows); open > 0 {
		log.Info("settling the gift streaks the last run left open", "streaks", open)
	}
	switch {
	case o.FreshStreaks:
		acts := o.Engine.Flush()
		o.Engine.NewSession()
		push(acts)
	case o.EventClock:
		push(o.Engine.Flush())
	default: // live: streaks still going on continue; Tick settles the others
		push(o.Engine.Tick(time.Now()))
	}
	return nil
}

// reportStats logs, for each lane whose actions wait, how many, for how
// long, how fast they go out and why they wait: for Minecraft, not
// answering or only the pace set by rcon.max_commands_per_second; for the
// others, their $http server or OBS. Only due actions count: those planned
// for later ($wait, "x10 over 20s") are not late, and one that came due
// within the last interval may simply be on its way. A lane's line is said
// when the lane falls behind and when why changes; while it stays the
// same it is summed up once a minute (statusLines).
func reportStats(ctx context.Context, q queue.Queue, sink tikcraft.Sink, w *deliver.Worker, every time.Duration, lines *statusLines) {
	defer lines.close()
	t := time.NewTicker(every)
	defer t.Stop()
	r := newReporter(q, sink, w, every, lines, time.Now())
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			r.report(ctx, now)
		}
	}
}

// reporter is reportStats's state between two reports.
type reporter struct {
	q        queue.Queue
	sink     tikcraft.Sink
	w        *deliver.Worker
	every    time.Duration
	lines    *statusLines
	lastSent [queue.NumLanes]int64
	lastAt   time.Time
}

func newReporter(q queue.Queue, sink tikcraft.Sink, w *deliver.Worker, every time.Duration, lines *statusLines, now time.Time) *reporter {
	r := &reporter{q: q, sink: sink, w: w, every: every, lines: lines, lastAt: now}
	for _, l := range queue.Lanes() {
		r.lastSent[l] = w.Sent(l)
	}
	return r
}

// report looks at every lane once, at now.
func (r *reporter) report(ctx context.Context, now time.Time) {
	late, due := false, 0
	for _, lane := range queue.Lanes() {
		sent := r.w.Sent(lane)
		rate := float64(sent-r.lastSent[lane]) / now.Sub(r.lastAt).Seconds()
		r.lastSent[lane] = sent
		n, since, err := r.q.Due(ctx, lane)
		due += n
		if err != nil || n == 0 || now.Sub(since) < r.every {
			if err == nil {
				r.lines.quiet(lane, true)
			}
			continue
		}
		late = true
		st := statusLine(lane, r.sink, r.w, now)
		attrs := st.attrs
		rateKey := "per_second"
		if lane == queue.LaneMinecraft {
			rateKey = "commands_per_second"
		}
		attrs = append([]any{"lane", lane.String(), "pending", n, "oldest_waiting", now.Sub(since).Round(time.Second).String(),
			rateKey, math.Round(rate*10) / 10}, attrs...)
		if pending, _, err := r.q.Stats(ctx, lane); err == nil && pending > n {
			attrs = append(attrs, "planned_later", pending-n)
		}
		r.lines.say(lane, st.level, st.msg, st.why(), attrs, r.ended(lane, st))
	}
	r.lastAt = now
	if log := r.lines.log; !late && log.Enabled(ctx, slog.LevelDebug) {
		if pending, _, err := r.q.Stats(ctx, queue.AllLanes); err == nil && pending > 0 {
			log.Debug("actions are planned for later or on their way; none is late", "pending", pending, "due", due)
		}
	}
}

// statusLines says each lane's status lines through lograte: a reason
// the first time as it comes, then, while it stays (the same words, the
// same problem), a count once a minute with the latest figures instead of
// a line every few seconds. A new reason is said at once; one that comes
// back within the minute (a $http lane between two requests to a dead
// target) is counted with the others. A lane that caught up is summed up,
// and its next delay said at once again.
type statusLines struct {
	log   *slog.Logger
	opts  []lograte.Option
	lanes [queue.NumLanes]map[string]*lograte.Line // by level, message and reasons
}

// say logs lane's line; why tells one reason from another, and ended
// words its summaries once that reason is over (lograte.Ended).
func (s *statusLines) say(lane queue.Lane, level slog.Level, msg, why string, attrs []any, ended func() (string, bool)) {
	if s.lanes[lane] == nil {
		s.lanes[lane] = map[string]*lograte.Line{}
	}
	l := s.lanes[lane][why]
	if l == nil {
		l = lograte.New(s.log, level, msg, append(s.opts, lograte.Ended(ended))...)
		s.lanes[lane][why] = l
	}
	l.Log(attrs...)
}

// quiet ends lane's lines, saying what they still hold. over: the lane
// has caught up, so their summaries say what waited in the past.
func (s *statusLines) quiet(lane queue.Lane, over bool) {
	for _, l := range s.lanes[lane] {
		if over {
			l.End()
		} else {
			l.Close()
		}
	}
	s.lanes[lane] = nil
}

// close says what the lines still hold, as it stands: tikcraft stops.
func (s *statusLines) close() {
	for _, lane := range queue.Lanes() {
		s.quiet(lane, false)
	}
}

// reasons is the part of a status line's attributes that says why it
// waits (the problem, the pause, the target), without the figures that
// change at every report (how long, how many).
func reasons(attrs []any) []any {
	var out []any
	for i := 0; i+1 < len(attrs); i += 2 {
		switch attrs[i] {
		case "down_for", "waiting_for":
			continue
		}
		out = append(out, attrs[i], attrs[i+1])
	}
	return out
}

// status is a status line: its level, its words, the attributes that
// say why and how much, and its words for once that is over.
type status struct {
	level slog.Level
	msg   string
	// ended says the same in the past, for a summary said once the lane
	// no longer waits for this reason (lograte.Ended).
	ended string
	attrs []any
	// down: the output was not connected.
	down bool
}

// why tells one reason from another: the words and the reasons among
// the attributes, without the figures that change at every report.
func (s status) why() string { return fmt.Sprint(s.level, s.msg, reasons(s.attrs)) }

// statusLine words why lane's actions wait, from what its output says of
// itself (Minecraft's connection, the pause, OBS's connection), or from
// the action in flight when it is a $http request that takes long.
func statusLine(lane queue.Lane, sink tikcraft.Sink, w *deliver.Worker, now time.Time) status {
	st, ok := laneState(sink, lane)
	switch lane {
	case queue.LaneHTTP:
		if host, waited, ok := deliver.SlowHTTP(w, now); ok {
			if host == "" {
				host = "?"
			}
			return status{slog.LevelWarn, "$http target " + host + " is not answering: $http requests wait for it (Minecraft's commands do not wait for it)",
				"while $http target " + host + " was not answering, $http requests waited for it",
				[]any{"host", host, "waiting_for", waited.Round(time.Second).String()}, false}
		}
		return status{slog.LevelWarn, "$http requests are waiting for their target (Minecraft's commands do not wait for it)",
			"$http requests waited for their target", nil, false}
	case queue.LaneOBS:
		if ok && !st.Connected {
			problem := st.Problem
			if problem == "" {
				problem = "connecting"
			}
			return status{slog.LevelWarn, "OBS is not reachable: $obs actions wait for it and are dropped after about a minute (Minecraft's commands do not wait for it)",
				"while OBS was not reachable, $obs actions waited for it", []any{"problem", problem}, true}
		}
		return status{slog.LevelWarn, "$obs actions are waiting for OBS's answers (Minecraft's commands do not wait for it)",
			"$obs actions waited for OBS's answers", nil, false}
	case queue.LaneOverlays:
		return status{slog.LevelWarn, "overlay actions are waiting (Minecraft's commands do not wait for them)", "overlay actions waited", nil, false}
	}
	switch {
	case !ok:
		return status{slog.LevelWarn, "actions are waiting for Minecraft", "actions waited for Minecraft", nil, false}
	case st.Paused != "":
		return status{slog.LevelInfo, "actions are waiting: delivery is paused", "while delivery was paused, actions waited", []any{"why", st.Paused}, false}
	case !st.Connected:
		attrs := []any{"problem", st.Problem}
		if st.Problem == "" {
			attrs[1] = "connecting"
		}
		if !st.Since.IsZero() {
			attrs = append(attrs, "down_for", time.Since(st.Since).Round(time.Second).String())
		}
		return status{slog.LevelWarn, "actions are waiting for Minecraft, which is not answering",
			"while Minecraft was not answering, actions waited", attrs, true}
	case st.Pacing:
		return status{slog.LevelInfo, "actions are waiting: rcon.max_commands_per_second paces them (Minecraft answers every command)",
			"actions waited: rcon.max_commands_per_second paced them", []any{"max_commands_per_second", st.MaxPerSecond}, false}
	default:
		return status{slog.LevelWarn, "actions are waiting for Minecraft's answers", "actions waited for Minecraft's answers", nil, false}
	}
}

// ended is lograte.Ended for lane's line s: s is over once lane waits for
// another reason, or for none (statusLines.quiet ends the line); "connected
// again since" when the output that was not connected is now. A line of
// an output that was down is over only once it is connected: while it is
// still down, a problem worded anew ("refused", then "timed out") is
// the same outage.
func (r *reporter) ended(lane queue.Lane, s status) func() (string, bool) {
	why := s.why()
	return func() (string, bool) {
		if st, ok := laneState(r.sink, lane); s.down && ok {
			if !st.Connected {
				return s.ended, false
			}
			return s.ended + "; connected again since", true
		}
		return s.ended, statusLine(lane, r.sink, r.w, time.Now()).why() != why
	}
}

// laneState asks sink how lane's output is doing: a Router tells per
// lane; any other sink speaks for Minecraft's lane only.
func laneState(sink tikcraft.Sink, lane queue.Lane) (tikcraft.SinkState, bool) {
	if r, ok := sink.(deliver.LaneReporter); ok {
		return r.LaneState(lane)
	}
	if lane != queue.LaneMinecraft {
		return tikcraft.SinkState{}, false
	}
	return tikcraft.StateOf(sink)
}
