package store

// Commits is how many transactions the store has committed since it was
// opened (each group commit counts once): `tikcraft bench` prints them per
// event.
func (s *Store) Commits() int64 { return s.commits.Load() }
