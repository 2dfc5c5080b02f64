package engine

// idSet remembers the last n ids in insertion order: memory stays bounded
// however long the stream runs.
type idSet struct {
	ring []string
	next int
	in   map[string]struct{}
}

func newIDSet(n int) *idSet {
	return &idSet{ring: make([]string, n), in: make(map[string]struct{}, n)}
}

// add reports whether id is new, remembering it.
func (s *idSet) add(id string) bool {
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
