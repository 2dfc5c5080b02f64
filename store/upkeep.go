package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// upkeepEvery is how often a running tikcraft applies log_retention and
// log_max_size. At 1,000 events a second the log grows about 18 MiB a
// minute, so the file stays within that of the cap.
const upkeepEvery = time.Minute

// shrinkTarget: once over the cap, remove the oldest entries until the
// database uses at most this fraction of it, so that pruning does not run
// again at every check.
const shrinkTarget = 0.9

// KeepLog removes event log entries older than retention and, while the
// database uses more than maxBytes, the oldest ones (events, deliveries,
// delivered actions). Pending and parked actions are never removed. It
// does so now, then every minute until Close.
func (s *Store) KeepLog(ctx context.Context, retention time.Duration, maxBytes int64) error {
	err := s.upkeep(ctx, retention, maxBytes)
	s.upkeepWG.Add(1)
	go func() {
		defer s.upkeepWG.Done()
		t := time.NewTicker(upkeepEvery)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if err := s.upkeep(context.Background(), retention, maxBytes); err != nil && !s.closed() {
					s.log.Warn("could not remove old event log entries", "error", err)
				}
			}
		}
	}()
	return err
}

func (s *Store) upkeep(ctx context.Context, retention time.Duration, maxBytes int64) error {
	if retention > 0 {
		if err := s.Prune(ctx, s.now().Add(-retention)); err != nil {
			return err
		}
	}
	if maxBytes > 0 {
		return s.shrink(ctx, maxBytes)
	}
	return nil
}

// used is the bytes the database's pages hold (free pages not counted).
func (s *Store) used(ctx context.Context) (int64, error) {
	var pages, free, size int64
	err := s.w.QueryRowContext(ctx, "SELECT page_count, freelist_count, page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()").Scan(&pages, &free, &size)
	return (pages - free) * size, err
}

// shrink removes the oldest log entries while the database uses more than
// maxBytes, down to shrinkTarget of it.
func (s *Store) shrink(ctx context.Context, maxBytes int64) error {
	if s.closed() {
		return fmt.Errorf("cannot shrink the event log: %w", ErrClosed)
	}
	s.flushLog(context.WithoutCancel(ctx))
	used, err := s.used(ctx)
	if err != nil || used <= maxBytes {
		return s.failIf("cannot measure the database", err)
	}
	before, target := used, int64(float64(maxBytes)*shrinkTarget)
	var removed int64
	for used > target {
		// Remove the same share of each log table; rows are about the
		// same size, so this lands near the target in a round or two.
		share := float64(used-target) / float64(used)
		n, err := s.removeOldest(ctx, share)
		if err != nil {
			return err
		}
		if n == 0 {
			s.log.Warn(fmt.Sprintf("the database uses %s, more than log_max_size (%s), but no log entries are left to remove: the pending and parked actions take that space", mib(used), mib(maxBytes)))
			break
		}
		removed += n
		if err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "PRAGMA incremental_vacuum")
			return err
		}); err != nil {
			return s.fail("cannot shrink the database", err)
		}
		if used, err = s.used(ctx); err != nil {
			return s.fail("cannot measure the database", err)
		}
	}
	if removed > 0 {
		s.log.Info(fmt.Sprintf("removed the oldest %d event log entries to keep the database under log_max_size (%s); it went from %s to %s", removed, mib(maxBytes), mib(before), mib(used)))
	}
	return nil
}

// removeOldest deletes the oldest share of the events, the deliveries and
// the delivered actions (never pending or parked ones, never the newest
// action, which keeps ids increasing). It returns the rows deleted.
func (s *Store) removeOldest(ctx context.Context, share float64) (int64, error) {
	var total int64
	for _, tb := range []struct{ table, where string }{
		{"events", "1"},
		{"deliveries", "1"},
		{"console", "1"},
		{"actions", "delivered_ns IS NOT NULL AND id < (SELECT max(id) FROM actions)"},
	} {
		var lo, hi sql.NullInt64
		if err := s.r.QueryRowContext(ctx, "SELECT min(id), max(id) FROM "+tb.table).Scan(&lo, &hi); err != nil {
			return total, s.fail("cannot remove old log entries", err)
		}
		if !lo.Valid {
			continue
		}
		left := int64(math.Ceil(share * float64(hi.Int64-lo.Int64+1)))
		for left > 0 {
			var n int64
			err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, "DELETE FROM "+tb.table+" WHERE id IN (SELECT id FROM "+tb.table+
					" WHERE "+tb.where+" ORDER BY id LIMIT ?)", min(left, pruneBatch))
				if err != nil {
					return err
				}
				n, err = res.RowsAffected()
				return err
			})
			if err != nil {
				return total, s.fail("cannot remove old log entries", err)
			}
			total += n
			left -= pruneBatch
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}

func (s *Store) failIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return s.fail(what, err)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
