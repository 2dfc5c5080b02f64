package app

import (
	"context"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// queueFor opens the action queue: the durable store in data_dir, or an
// in-memory queue when durable is false. The store also serves as the event
// log; entries beyond log_retention and log_max_size are pruned on open and
// every minute.
func (s *Setup) queueFor(ctx context.Context, o Options, durable bool) (queue.Queue, pipeline.Recorder, func(), error) {
	if !durable {
		return queue.NewMemory(), nil, func() {}, nil
	}
	unlock, err := lockDataDir(s.Config.DataDir)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := store.Open(ctx, s.Config.DataDir, o.Log)
	if err != nil {
		unlock()
		return nil, nil, nil, err
	}
	if err := st.KeepLog(ctx, s.Config.LogRetention.D(), int64(s.Config.LogMaxSize)); err != nil {
		o.Log.Warn("could not prune old event log entries", "error", err)
	}
	if n, oldest, err := st.Stats(ctx); err == nil && n > 0 {
		o.Log.Info("delivering actions left from the last run first", "pending", n, "oldest", oldest.Format(time.DateTime))
	}
	return st, maskRecorder(st, o.Secrets), func() {
		if err := st.Close(); err != nil {
			o.Log.Error("closing the data directory", "error", err)
		}
		unlock()
	}, nil
}

// DrainOptions are drain's flags.
type DrainOptions struct {
	Options
	GiveUp time.Duration
	// RetryFailed puts the parked actions (sent without an answer) back in
	// the queue first.
	RetryFailed bool
}

// Drain delivers every pending action of the data directory and returns
// once nothing is left.
func Drain(ctx context.Context, do DrainOptions) error {
	do.defaults()
	s, err := Load(do.Options, false)
	if err != nil {
		return err
	}
	if do.GiveUp <= 0 {
		do.GiveUp = time.Minute
	}
	q, rec, closeQ, err := s.queueFor(ctx, do.Options, true)
	if err != nil {
		return err
	}
	defer closeQ()
	if err := retryParked(ctx, do, q); err != nil {
		return err
	}
	n, _, err := q.Stats(ctx)
	if err != nil {
		return err
	}
	sink, closeSink := s.sink(do.Options, false, do.GiveUp)
	defer closeSink()
	// $wins, $timer and $deaths left in the queue change the saved overlay
	// state, so a crash mid-stream loses none of them: the overlays show
	// it at the next run.
	if r, ok := sink.(*overlayRoute); ok {
		if sv, ok := q.(overlay.Saver); ok {
			r.ov = overlay.New(ctx, overlay.Options{Config: overlayConfig(s.Config.Overlays), Log: do.Log, Saver: sv})
		}
	}
	res, err := pipeline.Run(ctx, source.Empty{}, pipeline.Options{
		Engine: s.Engine(do.Log, 1, nil), Queue: q, Sink: sink, Log: do.Log, Recorder: rec, Finish: true, EventClock: true,
	})
	fmt.Fprintf(do.Stderr, "%d pending actions: %d delivered, %d rejected, %d parked\n", n, res.Delivered, res.Rejected, res.Parked)
	if err != nil {
		return fmt.Errorf("drain did not deliver everything: %w", err)
	}
	if res.Parked > 0 {
		return fmt.Errorf("%d actions were sent without an answer from Minecraft and parked as failed; `tikcraft report` lists them, `tikcraft drain --retry-failed` sends them again", res.Parked)
	}
	if left, _, _ := q.Stats(context.WithoutCancel(ctx)); left > 0 {
		return fmt.Errorf("interrupted: %d actions are still pending", left)
	}
	return nil
}

// retryParked puts the parked actions back with --retry-failed, and
// otherwise says they are there.
func retryParked(ctx context.Context, do DrainOptions, q queue.Queue) error {
	if do.RetryFailed {
		n, err := q.Retry(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(do.Stderr, "%d parked actions put back in the queue\n", n)
		return nil
	}
	if p, err := q.Parked(ctx); err == nil && len(p) > 0 {
		do.Log.Warn("some actions are parked as failed and are not sent; `tikcraft drain --retry-failed` sends them again", "parked", len(p))
	}
	return nil
}

// ReportOptions are report's flags.
type ReportOptions struct {
	Options
	Since time.Duration // 0: everything kept
}

// Report prints the session report from the event log.
func Report(ctx context.Context, ro ReportOptions) error {
	ro.defaults()
	s, err := Load(ro.Options, false)
	if s == nil {
		return err
	}
	st, err := store.Open(ctx, s.Config.DataDir, ro.Log)
	if err != nil {
		return err
	}
	defer st.Close()
	var since time.Time
	if ro.Since > 0 {
		since = time.Now().Add(-ro.Since)
	}
	rep, err := st.Report(ctx, since)
	if err != nil {
		return fmt.Errorf("reading the event log: %w", err)
	}
	return rep.WriteText(ro.Stdout)
}
