// Package queue is the FIFO between the engine and the sinks. The engine
// pushes actions; one delivery worker takes them in order and acknowledges
// each once its sink delivered it, or parks it as failed.
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
}

// ParkedItem is an action set aside as failed: it was sent but never
// confirmed, so sending it again could repeat it. It is kept until
// Retry puts it back in the queue.
type ParkedItem struct {
	Item
	Parked time.Time
	Reason string
}

// Queue is a FIFO of pending actions. Implementations: Memory (this package)
// and the durable SQLite queue in package store.
//
// Next returns the oldest item not yet acknowledged or parked, blocking
// until there is one or ctx is done; calling Next again without Ack or Park
// returns the same item, which is what makes retries keep the order. Ack
// removes it (delivered); Park sets it aside as failed, kept for Retry.
type Queue interface {
	Push(ctx context.Context, actions ...tikcraft.Action) error
	Next(ctx context.Context) (Item, error)
	Ack(ctx context.Context, id int64) error
	Park(ctx context.Context, id int64, reason string) error
	// Parked lists the parked items, oldest first.
	Parked(ctx context.Context) ([]ParkedItem, error)
	// Retry puts every parked item back in the queue, in push order and
	// ahead of the actions pushed after them, and says how many.
	Retry(ctx context.Context) (int, error)
	// Stats reports the number of pending items (parked ones not included)
	// and when the oldest was pushed (zero time when empty). It costs the
	// same however many are pending.
	Stats(ctx context.Context) (pending int, oldest time.Time, err error)
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
