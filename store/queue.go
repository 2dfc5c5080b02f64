package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/queue"
)

// refillSize is how many pending items Next reads at once, so that a
// backlog is drained with one query per batch rather than per item.
const refillSize = 256

// errNotQueued: Ack of an id that was never pushed (or was pruned).
var errNotQueued = errors.New("no such action")

// Push appends actions in order, in one transaction: when it returns nil
// they are on disk and survive the process being killed.
func (s *Store) Push(ctx context.Context, actions ...tikcraft.Action) error {
	return s.Commit(ctx, queue.Batch{Actions: actions})
}

// Commit appends b's actions and applies its engine state changes in one
// transaction: both are on disk when it returns nil, or neither is.
func (s *Store) Commit(ctx context.Context, b queue.Batch) error {
	actions := b.Actions
	if len(actions) == 0 && len(b.State) == 0 && !b.ResetState {
		return nil
	}
	if s.closed() {
		return fmt.Errorf("cannot queue %d actions: %w", len(actions), ErrClosed)
	}
	now := s.now().UnixNano()
	var delayed int64
	var soonest int64 // earliest due time among the delayed ones
	ids := make([]int64, len(actions))
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st := tx.StmtContext(ctx, s.insAction)
		delayed, soonest = 0, 0
		for i, a := range actions {
			var due any
			if a.Delay > 0 {
				d := now + int64(a.Delay)
				due = d
				delayed++
				if soonest == 0 || d < soonest {
					soonest = d
				}
			}
			res, err := st.ExecContext(ctx, now, storedKind(a), a.Command,
				a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds, a.Trigger, a.User, a.Source, due)
			if err != nil {
				return err
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return err
			}
		}
		if b.ResetState {
			if _, err := tx.ExecContext(ctx, "DELETE FROM engine_state"); err != nil {
				return err
			}
		}
		set, del := tx.StmtContext(ctx, s.setState), tx.StmtContext(ctx, s.delState)
		for _, e := range b.State {
			var err error
			if e.Value == nil {
				_, err = del.ExecContext(ctx, e.Key)
			} else {
				_, err = set.ExecContext(ctx, e.Key, e.Value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.failWrite(fmt.Sprintf("cannot queue %d actions", len(actions)), err)
	}
	if len(actions) == 0 {
		return nil
	}
	s.waiting.Add(int64(len(actions)))
	if delayed > 0 {
		s.delayed.Add(delayed)
	}
	s.qmu.Lock()
	if delayed > 0 && (s.nextDue == 0 || soonest < s.nextDue) {
		s.nextDue = soonest
	}
	if s.headAll {
		// Head holds everything due: what was just pushed goes at its end,
		// so the worker takes it without reading the database.
		enq := time.Unix(0, now)
		for i, a := range actions {
			if a.Delay > 0 || ids[i] <= s.maxHead {
				continue
			}
			s.head = append(s.head, queue.Item{ID: ids[i], Action: a, Enqueued: enq, Due: enq})
			s.maxHead = ids[i]
		}
	}
	s.qmu.Unlock()
	s.wakeMu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.wakeMu.Unlock()
	return nil
}

// LoadState returns the engine state rows saved by Commit.
func (s *Store) LoadState(ctx context.Context) ([]queue.StateEntry, error) {
	if s.closed() {
		return nil, fmt.Errorf("cannot read the saved gift streaks: %w", ErrClosed)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT key, value FROM engine_state ORDER BY key")
	if err != nil {
		return nil, s.fail("cannot read the saved gift streaks", err)
	}
	defer rows.Close()
	var out []queue.StateEntry
	for rows.Next() {
		var e queue.StateEntry
		if err := rows.Scan(&e.Key, &e.Value); err != nil {
			return nil, s.fail("cannot read the saved gift streaks", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("cannot read the saved gift streaks", err)
	}
	return out, nil
}

// Next returns the oldest action that is due and not yet acknowledged,
// waiting for one until ctx is done. Calling it again without Ack returns
// the same item, unless an older delayed one came due meanwhile.
func (s *Store) Next(ctx context.Context) (queue.Item, error) {
	for {
		// Take the wake channel before looking, so that a Push committing
		// after the look still wakes us.
		s.wakeMu.Lock()
		wake := s.wake
		s.wakeMu.Unlock()

		s.qmu.Lock()
		now := s.now().UnixNano()
		if s.nextDue != 0 && now >= s.nextDue {
			// A delayed action came due: it may belong before what head holds.
			s.head, s.nextDue, s.headAll = s.head[:0], 0, false
		}
		// With headAll, an empty head means nothing is due: no query until
		// a push (which Commit adds to head) or a due time (nextDue).
		if len(s.head) == 0 && !s.headAll {
			if err := s.refill(ctx, now); err != nil {
				s.qmu.Unlock()
				return queue.Item{}, err
			}
		}
		if len(s.head) > 0 {
			it := s.head[0]
			s.qmu.Unlock()
			return it, nil
		}
		due := s.nextDue
		s.qmu.Unlock()

		var timer <-chan time.Time
		if due != 0 {
			timer = s.after(time.Duration(due - now))
		}
		if s.onWait != nil {
			s.onWait()
		}
		select {
		case <-wake:
		case <-timer:
		case <-ctx.Done():
			return queue.Item{}, ctx.Err()
		case <-s.stop:
			return queue.Item{}, ErrClosed
		}
	}
}

// refill reads the oldest pending items due at now into s.head, and the
// earliest due time of those not due yet into s.nextDue. Callers hold qmu.
func (s *Store) refill(ctx context.Context, now int64) error {
	if s.closed() {
		return ErrClosed
	}
	s.countRead()
	rows, err := s.readHead.QueryContext(ctx, now, refillSize)
	if err != nil {
		return s.fail("cannot read the action queue", err)
	}
	defer rows.Close()
	s.headAll = false
	read := 0
	for rows.Next() {
		var it queue.Item
		var enq, due int64
		var kind string
		a := &it.Action
		if err := rows.Scan(&it.ID, &enq, &due, &kind, &a.Command, &a.Alert.Title, &a.Alert.Subtitle,
			&a.Alert.Seconds, &a.Trigger, &a.User, &a.Source); err != nil {
			s.head = s.head[:0]
			return s.fail("cannot read the action queue", err)
		}
		setKind(a, kind)
		it.Enqueued, it.Due = time.Unix(0, enq), time.Unix(0, due)
		a.Delay = it.Due.Sub(it.Enqueued)
		s.head = append(s.head, it)
		s.maxHead = max(s.maxHead, it.ID)
		read++
	}
	if err := rows.Err(); err != nil {
		s.head = s.head[:0]
		return s.fail("cannot read the action queue", err)
	}
	s.headAll = read < refillSize
	s.nextDue = 0
	if s.delayed.Load() <= 0 {
		return nil
	}
	s.countRead()
	var next sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT min(due_ns) FROM actions
		WHERE due_ns > ? AND delivered_ns IS NULL AND parked_ns IS NULL`, now).Scan(&next); err != nil {
		s.head = s.head[:0]
		return s.fail("cannot read the action queue", err)
	}
	if next.Valid {
		s.nextDue = next.Int64
	}
	return nil
}

// countDelayed sets s.delayed from the database (Open, Retry).
func (s *Store) countDelayed(ctx context.Context) error {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM actions
		WHERE due_ns IS NOT NULL AND delivered_ns IS NULL AND parked_ns IS NULL`).Scan(&n); err != nil {
		return err
	}
	s.delayed.Store(n)
	return nil
}

// Ack marks the item delivered; it will never be returned again, even
// after a restart. Acknowledging an item twice is harmless.
func (s *Store) Ack(ctx context.Context, id int64) error {
	if s.closed() {
		return fmt.Errorf("cannot mark action %d as delivered: %w", id, ErrClosed)
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	now := s.now().UnixNano()
	acked := false
	// When nothing else is due, the worker will only wait: this commit
	// may as well wait a moment for the next push to share it.
	var linger time.Duration
	if s.headAll && len(s.head) == 1 && s.head[0].ID == id {
		linger = s.linger
	}
	err := s.writeLinger(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.ackAction).ExecContext(ctx, now, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			acked = err == nil
			return err
		}
		// Nothing changed: already delivered (harmless) or unknown.
		var one int
		err = tx.QueryRowContext(ctx, "SELECT 1 FROM actions WHERE id = ?", id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotQueued
		}
		return err
	}, linger)
	switch {
	case errors.Is(err, errNotQueued):
		return fmt.Errorf("cannot mark action %d as delivered: there is no such action in the queue", id)
	case err != nil:
		return s.failWrite(fmt.Sprintf("cannot mark action %d as delivered", id), err)
	}
	if acked {
		s.waiting.Add(-1)
		s.forgetDelayed(id)
	}
	s.dropFromHead(id)
	return nil
}

// forgetDelayed keeps s.delayed up to date when id leaves the waiting
// line. Callers hold qmu; id is in head, where Next found it.
func (s *Store) forgetDelayed(id int64) {
	for _, it := range s.head {
		if it.ID == id {
			if it.Due.After(it.Enqueued) {
				s.delayed.Add(-1)
			}
			return
		}
	}
}

// dropFromHead removes id from the in-memory head. Callers hold qmu.
func (s *Store) dropFromHead(id int64) {
	for i, it := range s.head {
		if it.ID != id {
			continue
		}
		if i == 0 { // the usual case: no copying
			s.head[0] = queue.Item{}
			s.head = s.head[1:]
		} else {
			s.head = append(s.head[:i], s.head[i+1:]...)
		}
		return
	}
}

// Park sets a pending action aside as failed with reason: Next skips it
// from now on, even after a restart, but it stays in the database (Prune
// never deletes it) until Retry puts it back. Parking an action that is
// already parked or delivered does nothing.
func (s *Store) Park(ctx context.Context, id int64, reason string) error {
	if s.closed() {
		return fmt.Errorf("cannot set action %d aside as failed: %w", id, ErrClosed)
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	var parked bool
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.parkAction).ExecContext(ctx, s.now().UnixNano(), clip.String(reason, maxErrorLen), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		parked = n > 0
		return err
	})
	if err != nil {
		return s.failWrite(fmt.Sprintf("cannot set action %d aside as failed", id), err)
	}
	if parked {
		s.waiting.Add(-1)
		s.forgetDelayed(id)
	}
	s.dropFromHead(id)
	return nil
}

// Parked lists the parked actions, oldest first.
func (s *Store) Parked(ctx context.Context) ([]queue.ParkedItem, error) {
	if s.closed() {
		return nil, fmt.Errorf("cannot read the parked actions: %w", ErrClosed)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, enqueued_ns, coalesce(due_ns, enqueued_ns), kind, command, alert_title, alert_subtitle,
		alert_seconds, trigger_name, user_name, source, parked_ns, coalesce(parked_reason, '')
		FROM actions WHERE parked_ns IS NOT NULL AND delivered_ns IS NULL ORDER BY id`)
	if err != nil {
		return nil, s.fail("cannot read the parked actions", err)
	}
	defer rows.Close()
	var out []queue.ParkedItem
	for rows.Next() {
		var p queue.ParkedItem
		var enq, due, at int64
		var kind string
		a := &p.Action
		if err := rows.Scan(&p.ID, &enq, &due, &kind, &a.Command, &a.Alert.Title, &a.Alert.Subtitle,
			&a.Alert.Seconds, &a.Trigger, &a.User, &a.Source, &at, &p.Reason); err != nil {
			return nil, s.fail("cannot read the parked actions", err)
		}
		setKind(a, kind)
		p.Enqueued, p.Due, p.Parked = time.Unix(0, enq), time.Unix(0, due), time.Unix(0, at)
		a.Delay = p.Due.Sub(p.Enqueued)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("cannot read the parked actions", err)
	}
	return out, nil
}

// Retry puts every parked action back in the queue. They keep their ids,
// so they come before the actions pushed after them.
func (s *Store) Retry(ctx context.Context) (int, error) {
	if s.closed() {
		return 0, fmt.Errorf("cannot retry the parked actions: %w", ErrClosed)
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE actions SET parked_ns = NULL, parked_reason = NULL
			WHERE parked_ns IS NOT NULL AND delivered_ns IS NULL`)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, s.failWrite("cannot retry the parked actions", err)
	}
	if n > 0 {
		s.waiting.Add(n)
		if err := s.countDelayed(ctx); err != nil {
			s.delayed.Store(1) // unknown: refills look for due times
		}
		s.head, s.nextDue, s.headAll = nil, 0, false // the retried ones are older than what it holds
		s.wakeMu.Lock()
		close(s.wake)
		s.wake = make(chan struct{})
		s.wakeMu.Unlock()
	}
	return int(n), nil
}

// Stats reports the number of pending actions and when the oldest was
// pushed (zero time when none is pending). It reads nothing from the
// database while the oldest actions are in memory, which they are while the
// worker delivers: its cost does not depend on how many are waiting.
func (s *Store) Stats(ctx context.Context) (int, time.Time, error) {
	if s.closed() {
		return 0, time.Time{}, fmt.Errorf("cannot read the action queue: %w", ErrClosed)
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	// A Push that has committed but not yet counted may already be in head.
	n := max(int(s.waiting.Load()), len(s.head))
	if n == 0 {
		return 0, time.Time{}, nil
	}
	if len(s.head) == 0 {
		if err := s.refill(ctx, s.now().UnixNano()); err != nil {
			return 0, time.Time{}, err
		}
	}
	if len(s.head) == 0 { // only delayed ones wait
		s.countRead()
		var oldest int64
		err := s.r.QueryRowContext(ctx, `SELECT enqueued_ns FROM actions
			WHERE delivered_ns IS NULL AND parked_ns IS NULL ORDER BY id LIMIT 1`).Scan(&oldest)
		if errors.Is(err, sql.ErrNoRows) {
			return n, time.Time{}, nil
		}
		if err != nil {
			return 0, time.Time{}, s.fail("cannot read the action queue", err)
		}
		return n, time.Unix(0, oldest), nil
	}
	return n, s.head[0].Enqueued, nil
}

// Due reports the pending actions whose due time has come and the
// earliest of those times. Without delayed actions that is every pending
// one (Stats, no query); with some it counts them in the database.
func (s *Store) Due(ctx context.Context) (int, time.Time, error) {
	if s.closed() {
		return 0, time.Time{}, fmt.Errorf("cannot read the action queue: %w", ErrClosed)
	}
	if s.delayed.Load() <= 0 {
		return s.Stats(ctx)
	}
	s.countRead()
	var n int
	var since sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT count(*), min(coalesce(due_ns, enqueued_ns)) FROM actions
		WHERE delivered_ns IS NULL AND parked_ns IS NULL AND (due_ns IS NULL OR due_ns <= ?)`, s.now().UnixNano()).Scan(&n, &since)
	if err != nil {
		return 0, time.Time{}, s.fail("cannot read the action queue", err)
	}
	if n == 0 || !since.Valid {
		return 0, time.Time{}, nil
	}
	return n, time.Unix(0, since.Int64), nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func pending(ctx context.Context, q querier) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT count(*),
		(SELECT enqueued_ns FROM actions WHERE delivered_ns IS NULL AND parked_ns IS NULL ORDER BY id LIMIT 1)
		FROM actions WHERE delivered_ns IS NULL AND parked_ns IS NULL`).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	return n, time.Unix(0, oldest.Int64), nil
}

func (s *Store) countRead() {
	if s.onRead != nil {
		s.onRead()
	}
}
