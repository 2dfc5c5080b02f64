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
	lanes  [NumLanes]memLane
	parked []ParkedItem
	nextID int64
}

// memLane is one lane's items, in id order.
type memLane struct {
	items []Item
	wake  chan struct{} // closed and replaced on every Push and Retry that adds to the lane
}

// MemoryOption configures NewMemory.
type MemoryOption func(*Memory)

// WithClock makes the queue go by c for delays (default: SystemClock).
func WithClock(c Clock) MemoryOption { return func(m *Memory) { m.clock = c } }

// NewMemory returns an empty queue.
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{nextID: 1, clock: SystemClock{}}
	for i := range m.lanes {
		m.lanes[i].wake = make(chan struct{})
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Push appends actions in order, each to its lane. It never blocks.
func (m *Memory) Push(_ context.Context, actions ...tikcraft.Action) error {
	if len(actions) == 0 {
		return nil
	}
	now := m.clock.Now()
	m.mu.Lock()
	var woken [NumLanes]bool
	for _, a := range actions {
		l := LaneOf(a)
		m.lanes[l].items = append(m.lanes[l].items, Item{ID: m.nextID, Action: a, Enqueued: now, Due: DueTime(now, a)})
		m.nextID++
		woken[l] = true
	}
	for l, w := range woken {
		if w {
			m.wakeLocked(Lane(l))
		}
	}
	m.mu.Unlock()
	return nil
}

func (m *Memory) wakeLocked(l Lane) {
	close(m.lanes[l].wake)
	m.lanes[l].wake = make(chan struct{})
}

// Next returns the oldest unacknowledged item of lane that is due, waiting
// for one. Items still waiting for their delay are skipped; with many of
// them at the front, each call looks past them.
func (m *Memory) Next(ctx context.Context, lane Lane) (Item, error) {
	if !lane.Valid() {
		return Item{}, LaneError(lane)
	}
	for {
		m.mu.Lock()
		now := m.clock.Now()
		var soonest time.Time // the earliest due time not yet reached
		for _, it := range m.lanes[lane].items {
			if !it.Due.After(now) {
				m.mu.Unlock()
				return it, nil
			}
			if soonest.IsZero() || it.Due.Before(soonest) {
				soonest = it.Due
			}
		}
		wake := m.lanes[lane].wake
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
	l, i := m.indexLocked(id)
	if i < 0 {
		return errors.New("ack of an item that is not in the queue")
	}
	m.removeLocked(l, i)
	return nil
}

// indexLocked finds id; it is almost always first in its lane.
func (m *Memory) indexLocked(id int64) (Lane, int) {
	for l := range m.lanes {
		for i := range m.lanes[l].items {
			if m.lanes[l].items[i].ID == id {
				return Lane(l), i
			}
		}
	}
	return 0, -1
}

func (m *Memory) removeLocked(l Lane, i int) {
	ln := &m.lanes[l]
	if i == 0 {
		ln.items[0] = Item{}
		ln.items = ln.items[1:]
	} else {
		ln.items = slices.Delete(ln.items, i, i+1)
	}
	if len(ln.items) == 0 {
		ln.items = nil // let the backing array go after a burst
	}
}

// Park sets the item with id, which Next returned, aside as failed.
func (m *Memory) Park(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, i := m.indexLocked(id)
	if i < 0 {
		return errors.New("park of an item that is not in the queue")
	}
	m.parked = append(m.parked, ParkedItem{Item: m.lanes[l].items[i], Parked: m.clock.Now(), Reason: reason})
	m.removeLocked(l, i)
	return nil
}

// Parked lists the parked items, oldest first.
func (m *Memory) Parked(context.Context) ([]ParkedItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.parked)
	slices.SortStableFunc(out, func(a, b ParkedItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Retry puts the parked items back in their lanes, in id order, ahead of
// later ones.
func (m *Memory) Retry(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.parked)
	if n == 0 {
		return 0, nil
	}
	var woken [NumLanes]bool
	for _, p := range m.parked {
		l := LaneOf(p.Action)
		m.lanes[l].items = append(m.lanes[l].items, p.Item)
		woken[l] = true
	}
	m.parked = nil
	for l, w := range woken {
		if w {
			slices.SortStableFunc(m.lanes[l].items, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
			m.wakeLocked(Lane(l))
		}
	}
	return n, nil
}

// lanesOf is the lanes Stats and Due look at for lane.
func lanesOf(lane Lane) []Lane {
	if lane == AllLanes {
		return Lanes()
	}
	if !lane.Valid() {
		return nil
	}
	return []Lane{lane}
}

// Stats reports the pending count and the oldest enqueue time of lane
// (AllLanes: of every lane).
func (m *Memory) Stats(_ context.Context, lane Lane) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, oldest := 0, time.Time{}
	for _, l := range lanesOf(lane) {
		items := m.lanes[l].items
		if len(items) == 0 {
			continue
		}
		n += len(items)
		if oldest.IsZero() || items[0].Enqueued.Before(oldest) {
			oldest = items[0].Enqueued
		}
	}
	return n, oldest, nil
}

// Due counts the items of lane whose due time has come and finds the
// earliest of those times.
func (m *Memory) Due(_ context.Context, lane Lane) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	n, since := 0, time.Time{}
	for _, l := range lanesOf(lane) {
		for _, it := range m.lanes[l].items {
			if it.Due.After(now) {
				continue
			}
			n++
			if since.IsZero() || it.Due.Before(since) {
				since = it.Due
			}
		}
	}
	return n, since, nil
}
