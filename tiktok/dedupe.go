package tiktok

// dedupe remembers the last ids it was shown, so a message TikTok sends
// twice (in the sign server's initial batch and again on the socket, or
// again after a reconnect) is delivered once. Memory stays bounded: the
// oldest id is forgotten when a new one arrives and the ring is full.
type dedupe struct {
	ring []string
	next int
	seen map[string]struct{}
}

func newDedupe(size int) *dedupe {
	return &dedupe{ring: make([]string, size), seen: make(map[string]struct{}, size)}
}

// first reports whether id was not among the remembered ids, and remembers
// it. An empty id cannot be checked and always counts as new.
func (d *dedupe) first(id string) bool {
	if id == "" || len(d.ring) == 0 {
		return true
	}
	if _, dup := d.seen[id]; dup {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = id
	d.seen[id] = struct{}{}
	d.next = (d.next + 1) % len(d.ring)
	return true
}
