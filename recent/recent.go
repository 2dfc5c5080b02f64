// Package recent remembers the last ids it was shown, in a bounded amount of
// memory however long a LIVE runs: the engine, the TikTok client, the
// dashboard and the overlays drop messages TikTok sends twice with it.
package recent

// IDs is a set of the last n ids added; the oldest is forgotten when a new
// one arrives and the set is full. It is not safe for concurrent use.
type IDs struct {
	ring []string
	next int
	in   map[string]struct{}
}

// New returns a set that remembers the last n ids (n < 1 remembers none).
func New(n int) *IDs {
	n = max(n, 0)
	return &IDs{ring: make([]string, n), in: make(map[string]struct{}, n)}
}

// Add reports whether id is new, remembering it. An empty id cannot be told
// apart from another and always counts as new.
func (s *IDs) Add(id string) bool {
	if id == "" || len(s.ring) == 0 {
		return true
	}
	if _, ok := s.in[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.in, old)
	}
	s.ring[s.next] = id
	s.in[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
	return true
}

// Has reports whether id is remembered, without remembering it.
func (s *IDs) Has(id string) bool {
	_, ok := s.in[id]
	return id != "" && ok
}

// Reset forgets every id (a new LIVE).
func (s *IDs) Reset() {
	clear(s.in)
	clear(s.ring)
	s.next = 0
}
