package store

import (
	"context"
	"database/sql"
	"errors"
)

// overlayKey is the row of the overlay state; one document holds it all.
// countersKey is the row of the part overlay actions change (wins, deaths,
// the timer), written with the queue's own commits (StageOverlayCounters).
const (
	overlayKey  = "overlays"
	countersKey = "overlay_counters"
)

var _ interface {
	LoadOverlayCounters(context.Context) ([]byte, error)
	StageOverlayCounters([]byte)
} = (*Store)(nil)

// LoadOverlayState returns the saved overlay state, or nil when none was
// saved yet (overlay.Saver).
func (s *Store) LoadOverlayState(ctx context.Context) ([]byte, error) {
	return s.loadOverlay(ctx, overlayKey)
}

// LoadOverlayCounters returns the overlay counters saved by
// StageOverlayCounters, or nil (overlay.CounterSaver).
func (s *Store) LoadOverlayCounters(ctx context.Context) ([]byte, error) {
	return s.loadOverlay(ctx, countersKey)
}

func (s *Store) loadOverlay(ctx context.Context, key string) ([]byte, error) {
	var b []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM overlay_state WHERE key = ?`, key).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("reading the overlay state", err)
	}
	return b, nil
}

// SaveOverlayState replaces the saved overlay state; it has committed when
// it returns (overlay.Saver). It is a write like the queue's (a group
// commit), so the log's bound and a full disk count it too.
func (s *Store) SaveOverlayState(ctx context.Context, state []byte) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, s.setStaged).ExecContext(ctx, overlayKey, state, s.now().UnixNano())
		return err
	})
	if err != nil {
		return s.fail("saving the overlay state", err)
	}
	return nil
}

// StageOverlayCounters hands the overlay counters to the next commit of
// any kind (overlay.CounterSaver): an acknowledgement, a push, the event
// log's flush, which comes within stagedDelay. So a $wins action costs no
// commit of its own, and its count reaches the disk no later than its
// acknowledgement: a kill repeats it at most, like any command, and never
// loses it. A newer state replaces one not yet written.
func (s *Store) StageOverlayCounters(state []byte) {
	if s.closed() {
		return
	}
	s.stageMu.Lock()
	s.stageSeq++
	s.staged, s.stagedSeq, s.lastStaged = state, s.stageSeq, state
	s.stageMu.Unlock()
	s.logMu.Lock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	s.logMu.Unlock()
}

// takeStaged returns the staged counters (nil if none) for the commit
// being made; restage puts them back if that commit failed and nothing
// newer was staged meanwhile.
func (s *Store) takeStaged() ([]byte, uint64) {
	s.stageMu.Lock()
	defer s.stageMu.Unlock()
	b, seq := s.staged, s.stagedSeq
	s.staged = nil
	return b, seq
}

func (s *Store) restage(b []byte, seq uint64) {
	if b == nil {
		return
	}
	s.stageMu.Lock()
	if s.staged == nil && s.stageSeq == seq {
		s.staged, s.stagedSeq = b, seq
	}
	s.stageMu.Unlock()
}

// saved notes that the staging seq is on disk.
func (s *Store) saved(seq uint64) {
	s.stageMu.Lock()
	s.savedSeq = max(s.savedSeq, seq)
	s.stageMu.Unlock()
}

// unsavedCounters returns the newest overlay counters staged when they
// are not on disk yet (a commit may be writing them), or nil: an overlay
// action's acknowledgement must not reach the disk before the count it
// made (see Ack).
func (s *Store) unsavedCounters() []byte {
	s.stageMu.Lock()
	defer s.stageMu.Unlock()
	if s.savedSeq < s.stageSeq {
		return s.lastStaged
	}
	return nil
}

func (s *Store) hasStaged() bool {
	s.stageMu.Lock()
	defer s.stageMu.Unlock()
	return s.staged != nil
}
