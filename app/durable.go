package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

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
	a, err := s.assemble(ctx, do.Options, plan{mode: "drain", durable: true, giveUp: do.GiveUp, seed: 1, stdout: do.Stdout})
	if err != nil {
		return err
	}
	defer a.close()
	q := a.queue
	if err := retryParked(ctx, do, q); err != nil {
		return err
	}
	n, _, err := q.Stats(ctx, queue.AllLanes)
	if err != nil {
		return err
	}
	// $wins, $timer and $deaths left in the queue change the saved overlay
	// state (the assembly's overlays keep it in the store), so a crash
	// mid-stream loses none of them: the overlays show it at the next run.
	a.pipe.Finish, a.pipe.EventClock = true, true
	res, err := a.run(ctx, source.Empty{})
	fmt.Fprintf(do.Stderr, "%d pending actions: %d delivered, %d rejected, %d parked\n", n, res.Delivered, res.Rejected, res.Parked)
	if err != nil {
		return fmt.Errorf("drain did not deliver everything: %w", err)
	}
	if res.Parked > 0 {
		return fmt.Errorf("%d actions were sent without an answer (from Minecraft or a $http target; the log above names which) and parked as failed; `tikcraft report` lists them, `tikcraft drain --retry-failed` sends them again", res.Parked)
	}
	if left, _, _ := q.Stats(context.WithoutCancel(ctx), queue.AllLanes); left > 0 {
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
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("%w\nWhile tikcraft runs, its dashboard shows the session report; `tikcraft report` reads the data directory once it has stopped", err)
	}
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
