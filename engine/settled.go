package engine

import "time"

// settledSet remembers settled streaks by key with the number of gifts
// they fired, for the whole LIVE, in bounded memory: beyond max entries
// the oldest settled is forgotten first. Entries taken out (a streak that
// came back) leave a stale slot in the ring, skipped when it comes round.
type settledSet struct {
	max  int
	m    map[streakKey]settledEntry
	ring []ringSlot // settle order; grows up to max, then wraps
	next int
	seq  uint64
}

type settledEntry struct {
	acted int64
	last  time.Time
	seq   uint64
}

type ringSlot struct {
	key streakKey
	seq uint64
}

func newSettledSet(max int) *settledSet {
	return &settledSet{max: max, m: map[streakKey]settledEntry{}}
}

// add remembers k; when that pushes the oldest out, it returns its key.
func (s *settledSet) add(k streakKey, acted int64, last time.Time) (evicted streakKey, ok bool) {
	s.seq++
	slot := ringSlot{k, s.seq}
	if len(s.ring) < s.max {
		s.ring = append(s.ring, slot)
	} else {
		old := s.ring[s.next]
		if e, live := s.m[old.key]; live && e.seq == old.seq {
			delete(s.m, old.key)
			evicted, ok = old.key, old.key != k
		}
		s.ring[s.next] = slot
		s.next = (s.next + 1) % s.max
	}
	s.m[k] = settledEntry{acted: acted, last: last, seq: s.seq}
	return evicted, ok
}

// take removes k and returns what it fired.
func (s *settledSet) take(k streakKey) (int64, bool) {
	e, ok := s.m[k]
	if ok {
		delete(s.m, k)
	}
	return e.acted, ok
}
