// Package queue is the FIFO between the engine and the sinks. The engine
// pushes actions; each goes in the lane of its output (Minecraft, the
// overlays, $http, OBS), and the delivery worker takes each lane in order,
// on its own, acknowledging each action once its sink delivered it, or
// parking it as failed.
package queue

import (
	"context"
	"time"

	"github.com/tikcraft/tikcraft"
)

// Item is an action waiting in the queue.
type Item struct {
	ID       int64 // increasing in push order
	Action   tikcraft.Action
	Enqueued time.Time
	// Due is when the action may be delivered at the earliest: Enqueued
	// plus Action.Delay. The queue keeps it, so a restart does not start
	// the wait again.
	Due time.Time
}

// Clock is the time a queue goes by for delays. Tests pass a fake one
// (queuetest.Clock) so that nothing depends on how fast they run.
type Clock interface {
	Now() time.Time
	// After is time.After: the channel receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real time.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// After is time.After.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// DueTime is when an action pushed at now may be delivered.
func DueTime(now time.Time, a tikcraft.Action) time.Time {
	if a.Delay > 0 {
		return now.Add(a.Delay)
	}
	return now
}

// ParkedItem is an action set aside as failed: it was sent but never
// confirmed, so sending it again could repeat it. It is kept until
// Retry puts it back in the queue.
type ParkedItem struct {
	Item
	Parked time.Time
	Reason string
}

// Queue is the pending actions, in one ordered lane per output (Lane,
// LaneOf). Implementations: Memory (this package) and the durable SQLite
// queue in package store. Every method is safe for concurrent use: each
// lane has a delivery goroutine of its own.
//
// Next returns the oldest item of lane that is due (its Due time has come)
// and not yet acknowledged or parked, blocking until there is one or ctx
// is done. Items that are not due yet do not hold up the ones behind
// them, and items of other lanes never do. Calling Next again without Ack
// or Park returns the same item (unless an older delayed one of the lane
// came due meanwhile), which is what makes retries keep the order within
// a lane. Ack removes it (delivered); Park sets it aside as failed, kept
// for Retry. Both take the id of any item Next returned, from any lane
// (ids are unique across lanes).
type Queue interface {
	Push(ctx context.Context, actions ...tikcraft.Action) error
	Next(ctx context.Context, lane Lane) (Item, error)
	Ack(ctx context.Context, id int64) error
	Park(ctx context.Context, id int64, reason string) error
	// Parked lists the parked items of every lane, oldest first.
	Parked(ctx context.Context) ([]ParkedItem, error)
	// Retry puts every parked item back in its lane, in push order and
	// ahead of the actions pushed after them, and says how many.
	Retry(ctx context.Context) (int, error)
	// Stats reports the number of pending items of lane (AllLanes: of
	// every lane; parked ones not included, delayed ones included) and
	// when the oldest was pushed (zero time when empty). It costs the same
	// however many are pending.
	Stats(ctx context.Context, lane Lane) (pending int, oldest time.Time, err error)
	// Due reports how many pending items of lane (AllLanes: of every
	// lane) are due now, leaving out those still waiting for their delay
	// ($wait, "x10 over 20s": planned, not late) and parked ones, and when
	// the one that has waited longest came due (zero time when none is).
	// Actions that are due and not delivered are the ones that wait for
	// their output.
	Due(ctx context.Context, lane Lane) (due int, since time.Time, err error)
}

// WriteError is a queue write that failed because of where the queue keeps
// its actions: a full disk, a folder that cannot be written. Problem says
// so in plain words, for example "the disk holding tikcraft-data is full";
// the same write can succeed once the cause is gone, so callers hold the
// actions and try again rather than give up.
type WriteError struct {
	Problem string
	Err     error
}

func (e *WriteError) Error() string { return e.Problem + ": " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// StateEntry is one row of engine state kept with the queue (the engine's
// gift streak bookkeeping). Value nil deletes the row.
type StateEntry struct {
	Key   string
	Value []byte
}

// Batch is what StateQueue.Commit writes in one transaction.
type Batch struct {
	Actions []tikcraft.Action
	// ResetState forgets every state row before State is applied.
	ResetState bool
	State      []StateEntry
}

// StateQueue is a durable Queue that also keeps the engine's state, written
// in the same transaction as the actions it caused: after a crash the saved
// streak counts and the queued actions can never disagree.
type StateQueue interface {
	Queue
	Commit(ctx context.Context, b Batch) error
	LoadState(ctx context.Context) ([]StateEntry, error)
}
