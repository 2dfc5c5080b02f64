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

var _ Queue = (*Memory)(nil)

// Memory is an in-process Queue: fast and unbounded, but lost when the
// process exits. The demo and tests use it; live streams use package store.
type Memory struct {
	clock  Clock
	mu     sync.Mutex
	items  []Item
	parked []ParkedItem
	nextID int64
	wake   chan struct{} // closed and replaced on every Push and Retry
}

// MemoryOption configures NewMemory.
type MemoryOption func(*Memory)

// WithClock makes the queue go by c for delays (default: SystemClock).
func WithClock(c Clock) MemoryOption { return func(m *Memory) { m.clock = c } }

// NewMemory returns an empty queue.
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{wake: make(chan struct{}), nextID: 1, clock: SystemClock{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Push appends actions in order. It never blocks.
func (m *Memory) Push(_ context.Context, actions ...tikcraft.Action) error {
	if len(actions) == 0 {
		return nil
	}
	now := m.clock.Now()
	m.mu.Lock()
	for _, a := range actions {
		m.items = append(m.items, Item{ID: m.nextID, Action: a, Enqueued: now, Due: DueTime(now, a)})
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

// Next returns the oldest unacknowledged item that is due, waiting for one.
// Items still waiting for their delay are skipped; with many of them at the
// front, each call looks past them.
func (m *Memory) Next(ctx context.Context) (Item, error) {
	for {
		m.mu.Lock()
		now := m.clock.Now()
		var soonest time.Time // the earliest due time not yet reached
		for _, it := range m.items {
			if !it.Due.After(now) {
				m.mu.Unlock()
				return it, nil
			}
			if soonest.IsZero() || it.Due.Before(soonest) {
				soonest = it.Due
			}
		}
		wake := m.wake
		m.mu.Unlock()
		var due <-chan time.Time
		if !soonest.IsZero() {
			due = m.clock.After(soonest.Sub(now))
		}
		select {
		case <-wake:
		case <-due:
		case <-ctx.Done():
			return Item{}, ctx.Err()
		}
	}
}

// Ack removes the item with id, which Next returned.
func (m *Memory) Ack(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.indexLocked(id)
	if i < 0 {
		return errors.New("ack of an item that is not in the queue")
	}
	m.removeLocked(i)
	return nil
}

// indexLocked finds id; it is almost always first.
func (m *Memory) indexLocked(id int64) int {
	for i := range m.items {
		if m.items[i].ID == id {
			return i
		}
	}
	return -1
}

func (m *Memory) removeLocked(i int) {
	if i == 0 {
		m.items[0] = Item{}
		m.items = m.items[1:]
	} else {
		m.items = slices.Delete(m.items, i, i+1)
	}
	if len(m.items) == 0 {
		m.items = nil // let the backing array go after a burst
	}
}

// Park sets the item with id, which Next returned, aside as failed.
func (m *Memory) Park(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.indexLocked(id)
	if i < 0 {
		return errors.New("park of an item that is not in the queue")
	}
	m.parked = append(m.parked, ParkedItem{Item: m.items[i], Parked: m.clock.Now(), Reason: reason})
	m.removeLocked(i)
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

// Due counts the items whose due time has come and finds the earliest of
// those times.
func (m *Memory) Due(context.Context) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	n, since := 0, time.Time{}
	for _, it := range m.items {
		if it.Due.After(now) {
			continue
		}
		n++
		if since.IsZero() || it.Due.Before(since) {
			since = it.Due
		}
	}
	return n, since, nil
}
