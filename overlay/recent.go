package overlay

// recentKeys remembers the latest keys it was given, at most max of them
// (the oldest is forgotten first), so that memory stays bounded in a LIVE
// with very many messages or viewers.
type recentKeys struct {
	max   int
	set   map[string]struct{}
	order []string
}

func newRecentKeys(max int) *recentKeys {
	return &recentKeys{max: max, set: map[string]struct{}{}}
}

// add remembers key and reports whether it was new.
func (r *recentKeys) add(key string) bool {
	if _, ok := r.set[key]; ok {
		return false
	}
	r.set[key] = struct{}{}
	r.order = append(r.order, key)
	if len(r.order) > r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
	return true
}

// reset forgets every key.
func (r *recentKeys) reset() {
	clear(r.set)
	r.order = nil
}
