// Package queue is the FIFO between the engine and the sinks. The engine
// pushes actions; one delivery worker takes them in order and acknowledges
// each once its sink delivered it.
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

// Queue is a FIFO of pending actions. Implementations: Memory (this package)
// and the durable SQLite queue in package store.
//
// Next returns the oldest item not yet acknowledged, blocking until there is
// one or ctx is done; calling Next again without Ack returns the same item,
// which is what makes retries keep the order. Ack removes it (delivered).
type Queue interface {
	Push(ctx context.Context, actions ...tikcraft.Action) error
	Next(ctx context.Context) (Item, error)
	Ack(ctx context.Context, id int64) error
	// Stats reports the number of pending items and when the oldest was pushed
	// (zero time when empty).
	Stats(ctx context.Context) (pending int, oldest time.Time, err error)
}
