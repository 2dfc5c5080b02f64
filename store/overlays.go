package store

import (
	"context"
	"database/sql"
	"errors"
)

// overlayKey is the row of the overlay state; one document holds it all.
const overlayKey = "overlays"

// LoadOverlayState returns the saved overlay state, or nil when none was
// saved yet (overlay.Saver).
func (s *Store) LoadOverlayState(ctx context.Context) ([]byte, error) {
	var b []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM overlay_state WHERE key = ?`, overlayKey).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("reading the overlay state", err)
	}
	return b, nil
}

// SaveOverlayState replaces the saved overlay state; it has committed when
// it returns (overlay.Saver).
func (s *Store) SaveOverlayState(ctx context.Context, state []byte) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO overlay_state(key, value, updated_ns) VALUES (?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ns = excluded.updated_ns`,
		overlayKey, state, s.now().UnixNano())
	if err != nil {
		return s.fail("saving the overlay state", err)
	}
	return nil
}
