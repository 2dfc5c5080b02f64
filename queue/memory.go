package queue

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
)

// Memory is an in-process Queue: fast and unbounded, but lost when the
// process exits. The demo and tests use it; live streams use package store.
type Memory struct {
	mu     sync.Mutex
	items  []Item
	parked []ParkedItem
	nextID int64
	wake   chan struct{} // closed and replaced on every Push and Retry
}

// NewMemory returns an empty queue.
func NewMemory() *Memory { return &Memory{wake: make(chan struct{}), nextID: 1} }

// Push appends actions in order. It never blocks.
func (m *Memory) Push(_ context.Context, actions ...tikcraft.Action) error {
	if len(actions) == 0 {
		return nil
	}
	now := time.Now()
	m.mu.Lock()
	for _, a := range actions {
		m.items = append(m.items, Item{ID: m.nextID, Action: a, Enqueued: now})
		m.nextID++
	}
	m.wakeLocked()
	m.mu.Unlock()
	return nil
}

func (m *Memory) wakeLocked() {
	close(m.wake)
	m.wake = make(chan struct{})
}

// Next returns the oldest unacknowledged item, waiting for one.
func (m *Memory) Next(ctx context.Context) (Item, error) {
	for {
		m.mu.Lock()
		if len(m.items) > 0 {
			it := m.items[0]
			m.mu.Unlock()
			return it, nil
		}
		wake := m.wake
		m.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return Item{}, ctx.Err()
		}
	}
}

// Ack removes the item with id, which must be the oldest.
func (m *Memory) Ack(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) == 0 || m.items[0].ID != id {
		return errors.New("ack of an item that is not at the head of the queue")
	}
	m.popLocked()
	return nil
}

func (m *Memory) popLocked() {
	m.items[0] = Item{}
	m.items = m.items[1:]
	if len(m.items) == 0 {
		m.items = nil // let the backing array go after a burst
	}
}

// Park sets the item with id, which must be the oldest, aside as failed.
func (m *Memory) Park(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) == 0 || m.items[0].ID != id {
		return errors.New("park of an item that is not at the head of the queue")
	}
	m.parked = append(m.parked, ParkedItem{Item: m.items[0], Parked: time.Now(), Reason: reason})
	m.popLocked()
	return nil
}

// Parked lists the parked items, oldest first.
func (m *Memory) Parked(context.Context) ([]ParkedItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.parked), nil
}

// Retry puts the parked items back, in id order, ahead of later ones.
func (m *Memory) Retry(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.parked)
	if n == 0 {
		return 0, nil
	}
	back := make([]Item, 0, n+len(m.items))
	for _, p := range m.parked {
		back = append(back, p.Item)
	}
	back = append(back, m.items...)
	slices.SortStableFunc(back, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	m.items, m.parked = back, nil
	m.wakeLocked()
	return n, nil
}

// Stats reports the pending count and the oldest enqueue time.
func (m *Memory) Stats(context.Context) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) == 0 {
		return 0, time.Time{}, nil
	}
	return len(m.items), m.items[0].Enqueued, nil
}
