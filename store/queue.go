package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// storeLane is one lane of the queue in memory.
type storeLane struct {
	// mu orders the lane's refills against its Ack and Park, so that a
	// refill never brings back an item whose Ack is committing. Lanes
	// never wait for each other's lock.
	mu   sync.Mutex
	head []queue.Item // the oldest pending items of the lane that were due at the last refill, in order
	// nextDue is the earliest due time (Unix ns) of a pending action of
	// the lane that was not due at the last refill, or pushed delayed
	// since; 0 if none. Once it passes, head is read again, as that action
	// comes first.
	nextDue int64
	// headAll: head holds every pending action of the lane that is due
	// (the last refill found fewer than it asked for), so Commit can add
	// what it pushed to head itself and Next needs no query for it.
	// maxHead is the highest id ever put in head: Commit skips ids a
	// refill already read, even ones delivered since.
	headAll bool
	maxHead int64
	// delayed counts the lane's pending actions pushed with a delay
	// (whether due or not); while it is 0, refills skip looking for due
	// times.
	delayed atomic.Int64
	// waiting is the number of the lane's pending actions, counted once
	// at Open and then kept up to date by Push, Ack, Park and Retry, so
	// that Stats costs the same with 10 or 100,000 actions waiting.
	waiting atomic.Int64

	wakeMu sync.Mutex
	wake   chan struct{} // closed and replaced after every Push and Retry that adds to the lane
}

func (l *storeLane) wakeUp() {
	l.wakeMu.Lock()
	close(l.wake)
	l.wake = make(chan struct{})
	l.wakeMu.Unlock()
}

// lane returns the lane's state; ok is false for a value that is not a
// lane (AllLanes).
func (s *Store) lane(l queue.Lane) (*storeLane, bool) {
	if !l.Valid() {
		return nil, false
	}
	return &s.lanes[l], true
}

// Commit appends b's actions, each to its lane, and applies its engine
// state changes in one transaction: both are on disk when it returns nil,
// or neither is.
func (s *Store) Commit(ctx context.Context, b queue.Batch) error {
	actions := b.Actions
	if len(actions) == 0 && len(b.State) == 0 && !b.ResetState {
		return nil
	}
	if s.closed() {
		return fmt.Errorf("cannot queue %d actions: %w", len(actions), ErrClosed)
	}
	now := s.now().UnixNano()
	// Per lane: how many were pushed, how many delayed, the earliest due
	// time among those.
	var pushed, delayed, soonest [queue.NumLanes]int64
	ids := make([]int64, len(actions))
	lanes := make([]queue.Lane, len(actions))
	for i, a := range actions {
		lanes[i] = queue.LaneOf(a)
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st := tx.StmtContext(ctx, s.insAction)
		delayed, soonest = [queue.NumLanes]int64{}, [queue.NumLanes]int64{}
		for i, a := range actions {
			var due any
			if a.Delay > 0 {
				d := now + int64(a.Delay)
				due = d
				l := lanes[i]
				delayed[l]++
				if soonest[l] == 0 || d < soonest[l] {
					soonest[l] = d
				}
			}
			res, err := st.ExecContext(ctx, now, storedKind(a), a.Command,
				a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds, a.Trigger, a.User, a.Source, due, int64(lanes[i]))
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
	for _, l := range lanes {
		pushed[l]++
	}
	enq := time.Unix(0, now)
	for l := range pushed {
		if pushed[l] == 0 {
			continue
		}
		ln := &s.lanes[l]
		ln.waiting.Add(pushed[l])
		if delayed[l] > 0 {
			ln.delayed.Add(delayed[l])
		}
		ln.mu.Lock()
		if delayed[l] > 0 && (ln.nextDue == 0 || soonest[l] < ln.nextDue) {
			ln.nextDue = soonest[l]
		}
		if ln.headAll {
			// Head holds everything due in the lane: what was just pushed
			// goes at its end, so the worker takes it without reading the
			// database.
			for i, a := range actions {
				if lanes[i] != queue.Lane(l) || a.Delay > 0 || ids[i] <= ln.maxHead {
					continue
				}
				ln.head = append(ln.head, queue.Item{ID: ids[i], Action: a, Enqueued: enq, Due: enq})
				ln.maxHead = ids[i]
			}
		}
		ln.mu.Unlock()
		ln.wakeUp()
	}
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

// Next returns the oldest action of lane that is due and not yet
// acknowledged, waiting for one until ctx is done. Calling it again
// without Ack returns the same item, unless an older delayed one came due
// meanwhile.
func (s *Store) Next(ctx context.Context, lane queue.Lane) (queue.Item, error) {
	ln, ok := s.lane(lane)
	if !ok {
		return queue.Item{}, queue.LaneError(lane)
	}
	for {
		// Take the wake channel before looking, so that a Push committing
		// after the look still wakes us.
		ln.wakeMu.Lock()
		wake := ln.wake
		ln.wakeMu.Unlock()

		ln.mu.Lock()
		now := s.now().UnixNano()
		if ln.nextDue != 0 && now >= ln.nextDue {
			// A delayed action came due: it may belong before what head holds.
			ln.head, ln.nextDue, ln.headAll = ln.head[:0], 0, false
		}
		// With headAll, an empty head means nothing is due: no query until
		// a push (which Commit adds to head) or a due time (nextDue).
		if len(ln.head) == 0 && !ln.headAll {
			if err := s.refill(ctx, lane, ln, now); err != nil {
				ln.mu.Unlock()
				return queue.Item{}, err
			}
		}
		if len(ln.head) > 0 {
			it := ln.head[0]
			ln.mu.Unlock()
			s.handMu.Lock()
			s.handed[it.ID] = lane
			s.handMu.Unlock()
			return it, nil
		}
		due := ln.nextDue
		ln.mu.Unlock()

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

// refill reads the oldest pending items of lane due at now into ln.head,
// and the earliest due time of those not due yet into ln.nextDue. Callers
// hold ln.mu.
func (s *Store) refill(ctx context.Context, lane queue.Lane, ln *storeLane, now int64) error {
	if s.closed() {
		return ErrClosed
	}
	// The marks waiting in the journal go into the file first; if it cannot
	// be written (a full disk), their actions are left out of what is read
	// instead, so that delivery goes on (reading needs no room). They are
	// left out row by row, not counted: a mark copied after unsettled
	// only leaves its row out of the query as well, and read counts the
	// rows the query gave, so headAll stays true only when it gave all.
	var skip map[int64]bool
	if s.settleAcks(ctx) != nil {
		skip = s.unsettled(lane)
	}
	s.countRead()
	limit := refillSize + len(skip) // room for the skipped ones
	rows, err := s.readHead.QueryContext(ctx, int64(lane), now, limit)
	if err != nil {
		return s.fail("cannot read the action queue", err)
	}
	defer rows.Close()
	ln.head, ln.headAll = ln.head[:0], false
	read := 0
	for rows.Next() {
		var it queue.Item
		var enq, due int64
		var kind string
		a := &it.Action
		if err := rows.Scan(&it.ID, &enq, &due, &kind, &a.Command, &a.Alert.Title, &a.Alert.Subtitle,
			&a.Alert.Seconds, &a.Trigger, &a.User, &a.Source); err != nil {
			ln.head = ln.head[:0]
			return s.fail("cannot read the action queue", err)
		}
		read++
		if skip[it.ID] {
			continue
		}
		setKind(a, kind)
		it.Enqueued, it.Due = time.Unix(0, enq), time.Unix(0, due)
		a.Delay = it.Due.Sub(it.Enqueued)
		ln.head = append(ln.head, it)
		ln.maxHead = max(ln.maxHead, it.ID)
	}
	if err := rows.Err(); err != nil {
		ln.head = ln.head[:0]
		return s.fail("cannot read the action queue", err)
	}
	ln.headAll = read < limit
	ln.nextDue = 0
	if ln.delayed.Load() <= 0 {
		return nil
	}
	s.countRead()
	var next sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT min(due_ns) FROM actions
		WHERE lane = ? AND due_ns > ? AND delivered_ns IS NULL AND parked_ns IS NULL`, int64(lane), now).Scan(&next); err != nil {
		ln.head = ln.head[:0]
		return s.fail("cannot read the action queue", err)
	}
	if next.Valid {
		ln.nextDue = next.Int64
	}
	return nil
}

// countLanes sets every lane's pending and delayed counts from the
// database (Open).
func (s *Store) countLanes(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, `SELECT lane, count(*), count(due_ns) FROM actions
		WHERE delivered_ns IS NULL AND parked_ns IS NULL GROUP BY lane`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var lane, n, delayed int64
		if err := rows.Scan(&lane, &n, &delayed); err != nil {
			return err
		}
		ln, ok := s.lane(queue.Lane(lane))
		if !ok || lane < 0 {
			s.log.Warn("the queue holds actions for an output this tikcraft does not know (written by a newer version?); they are kept and not sent", "lane", lane, "actions", n)
			continue
		}
		ln.waiting.Store(n)
		ln.delayed.Store(delayed)
	}
	return rows.Err()
}

// laneOfID finds the lane of an action Next returned (or, for any other
// id, in the database).
func (s *Store) laneOfID(ctx context.Context, id int64) (*storeLane, error) {
	s.handMu.Lock()
	lane, ok := s.handed[id]
	s.handMu.Unlock()
	if !ok {
		var l int64
		err := s.r.QueryRowContext(ctx, "SELECT lane FROM actions WHERE id = ?", id).Scan(&l)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotQueued
		}
		if err != nil {
			return nil, err
		}
		lane = queue.Lane(l)
	}
	ln, ok := s.lane(lane)
	if !ok {
		return nil, errNotQueued
	}
	return ln, nil
}

// Ack marks the item delivered; it will never be returned again, even
// after a restart. Acknowledging an item twice is harmless.
//
// An item Next returned is marked in the acknowledgement journal (acks.go),
// which costs a write call instead of a commit; for an overlay action the
// record carries the overlay counters not yet on disk, so the mark never
// reaches the disk without the count the action made
// (StageOverlayCounters). An id Next did not hand out is marked by a commit,
// unless its mark is in the journal already (acknowledged before).
func (s *Store) Ack(ctx context.Context, id int64) error {
	if s.closed() {
		return fmt.Errorf("cannot mark action %d as delivered: %w", id, ErrClosed)
	}
	ln, err := s.laneOfID(ctx, id)
	if err != nil {
		return s.ackError(id, err)
	}
	ln.mu.Lock()
	defer ln.mu.Unlock()
	now := s.now().UnixNano()
	s.handMu.Lock()
	lane, handed := s.handed[id]
	if handed {
		delete(s.handed, id) // a second Ack finds it in the journal, or marked
		s.handMu.Unlock()
		journaled, err := s.journal(id, now, lane)
		if journaled {
			ln.waiting.Add(-1)
			forgetDelayed(ln, id)
			dropFromHead(ln, id)
			return nil
		}
		s.handMu.Lock()
		s.handed[id] = lane
		if err != nil {
			s.handMu.Unlock()
			return s.ackError(id, err)
		}
	}
	s.handMu.Unlock()
	if !handed && s.inJournal(id) {
		// Acknowledged before and marked in the journal, as durably as a
		// commit would mark it: nothing to write (and nothing that could
		// fail on a full disk).
		return nil
	}
	acked := false
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
	})
	if err != nil {
		return s.ackError(id, err)
	}
	if acked {
		ln.waiting.Add(-1)
		forgetDelayed(ln, id)
	}
	dropFromHead(ln, id)
	s.unhand(id)
	return nil
}

func (s *Store) ackError(id int64, err error) error {
	if errors.Is(err, errNotQueued) {
		return fmt.Errorf("cannot mark action %d as delivered: there is no such action in the queue", id)
	}
	return s.failWrite(fmt.Sprintf("cannot mark action %d as delivered", id), err)
}

func (s *Store) unhand(id int64) {
	s.handMu.Lock()
	delete(s.handed, id)
	s.handMu.Unlock()
}

// forgetDelayed keeps ln.delayed up to date when id leaves the waiting
// line. Callers hold ln.mu; id is in head, where Next found it.
func forgetDelayed(ln *storeLane, id int64) {
	for _, it := range ln.head {
		if it.ID == id {
			if it.Due.After(it.Enqueued) {
				ln.delayed.Add(-1)
			}
			return
		}
	}
}

// dropFromHead removes id from the lane's in-memory head. Callers hold
// ln.mu.
func dropFromHead(ln *storeLane, id int64) {
	for i, it := range ln.head {
		if it.ID != id {
			continue
		}
		if i == 0 { // the usual case: no copying
			ln.head[0] = queue.Item{}
			ln.head = ln.head[1:]
		} else {
			ln.head = append(ln.head[:i], ln.head[i+1:]...)
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
	ln, err := s.laneOfID(ctx, id)
	if errors.Is(err, errNotQueued) {
		return nil // nothing to park
	}
	if err != nil {
		return s.failWrite(fmt.Sprintf("cannot set action %d aside as failed", id), err)
	}
	ln.mu.Lock()
	defer ln.mu.Unlock()
	var parked bool
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
		ln.waiting.Add(-1)
		forgetDelayed(ln, id)
	}
	dropFromHead(ln, id)
	s.unhand(id)
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

// Retry puts every parked action back in its lane. They keep their ids,
// so they come before the actions pushed after them.
func (s *Store) Retry(ctx context.Context) (int, error) {
	if s.closed() {
		return 0, fmt.Errorf("cannot retry the parked actions: %w", ErrClosed)
	}
	for i := range s.lanes {
		s.lanes[i].mu.Lock()
		defer s.lanes[i].mu.Unlock()
	}
	var back, delayed [queue.NumLanes]int64
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		back, delayed, n = [queue.NumLanes]int64{}, [queue.NumLanes]int64{}, 0
		rows, err := tx.QueryContext(ctx, `SELECT lane, count(*), count(due_ns) FROM actions
			WHERE parked_ns IS NOT NULL AND delivered_ns IS NULL GROUP BY lane`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var lane, c, d int64
			if err := rows.Scan(&lane, &c, &d); err != nil {
				return err
			}
			if l := queue.Lane(lane); l.Valid() && lane >= 0 {
				back[l], delayed[l] = c, d
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
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
	for i := range s.lanes {
		if back[i] == 0 {
			continue
		}
		ln := &s.lanes[i]
		ln.waiting.Add(back[i])
		ln.delayed.Add(delayed[i])
		ln.head, ln.nextDue, ln.headAll = nil, 0, false // the retried ones are older than what it holds
		ln.wakeUp()
	}
	return int(n), nil
}

// Stats reports the number of pending actions of lane (AllLanes: of every
// lane) and when the oldest was pushed (zero time when none is pending).
// It reads nothing from the database while the oldest actions are in
// memory, which they are while the lanes are delivered: its cost does not
// depend on how many are waiting.
func (s *Store) Stats(ctx context.Context, lane queue.Lane) (int, time.Time, error) {
	if s.closed() {
		return 0, time.Time{}, fmt.Errorf("cannot read the action queue: %w", ErrClosed)
	}
	if lane != queue.AllLanes {
		if _, ok := s.lane(lane); !ok {
			return 0, time.Time{}, queue.LaneError(lane)
		}
		return s.laneStats(ctx, lane)
	}
	total, oldest := 0, time.Time{}
	for _, l := range queue.Lanes() {
		n, o, err := s.laneStats(ctx, l)
		if err != nil {
			return 0, time.Time{}, err
		}
		total += n
		if !o.IsZero() && (oldest.IsZero() || o.Before(oldest)) {
			oldest = o
		}
	}
	return total, oldest, nil
}

func (s *Store) laneStats(ctx context.Context, lane queue.Lane) (int, time.Time, error) {
	ln := &s.lanes[lane]
	ln.mu.Lock()
	defer ln.mu.Unlock()
	// A Push that has committed but not yet counted may already be in head.
	n := max(int(ln.waiting.Load()), len(ln.head))
	if n == 0 {
		return 0, time.Time{}, nil
	}
	if len(ln.head) == 0 {
		if err := s.refill(ctx, lane, ln, s.now().UnixNano()); err != nil {
			return 0, time.Time{}, err
		}
	}
	if len(ln.head) == 0 { // only delayed ones wait
		// The actions whose marks refill could not copy (a full disk)
		// are left out, as refill left them out of head. Their ids are
		// taken again rather than from refill: the lane's lock keeps its
		// new marks out meanwhile, and a mark copied since is delivered
		// in the query's snapshot.
		where, more := leaveOut(s.unsettled(lane), 2)
		s.countRead()
		var oldest int64
		err := s.r.QueryRowContext(ctx, oldestOfLane(where), append([]any{int64(lane)}, more...)...).Scan(&oldest)
		if errors.Is(err, sql.ErrNoRows) {
			return n, time.Time{}, nil
		}
		if err != nil {
			return 0, time.Time{}, s.fail("cannot read the action queue", err)
		}
		return n, time.Unix(0, oldest), nil
	}
	return n, ln.head[0].Enqueued, nil
}

// Due reports the pending actions of lane (AllLanes: of every lane) whose
// due time has come and the earliest of those times. Without delayed
// actions that is every pending one (Stats, no query); with some it counts
// them in the database.
func (s *Store) Due(ctx context.Context, lane queue.Lane) (int, time.Time, error) {
	if s.closed() {
		return 0, time.Time{}, fmt.Errorf("cannot read the action queue: %w", ErrClosed)
	}
	var delayed int64
	if lane == queue.AllLanes {
		for i := range s.lanes {
			delayed += s.lanes[i].delayed.Load()
		}
	} else if ln, ok := s.lane(lane); ok {
		delayed = ln.delayed.Load()
	} else {
		return 0, time.Time{}, queue.LaneError(lane)
	}
	if delayed <= 0 {
		return s.Stats(ctx, lane)
	}
	// The marks waiting in the journal go into the file first; if it
	// cannot be written (a full disk), their actions are left out in the
	// query itself: a mark copied after unsettled is then not left out
	// twice, and their times are not the earliest.
	var skip map[int64]bool
	if s.settleAcks(ctx) != nil {
		skip = s.unsettled(lane)
	}
	s.countRead()
	args := []any{s.now().UnixNano()}
	if lane != queue.AllLanes {
		args = append(args, int64(lane))
	}
	where, more := leaveOut(skip, len(args)+1)
	var n int
	var since sql.NullInt64
	if err := s.r.QueryRowContext(ctx, dueQuery(lane != queue.AllLanes, where), append(args, more...)...).Scan(&n, &since); err != nil {
		return 0, time.Time{}, s.fail("cannot read the action queue", err)
	}
	if n == 0 || !since.Valid {
		return 0, time.Time{}, nil
	}
	return n, time.Unix(0, since.Int64), nil
}

// dueQuery counts the pending actions due at ?1, of lane ?2 if inLane, and
// finds the earliest due time among them; where (" AND ...", or none)
// narrows it.
func dueQuery(inLane bool, where string) string {
	q := `SELECT count(*), min(coalesce(due_ns, enqueued_ns)) FROM actions
		WHERE delivered_ns IS NULL AND parked_ns IS NULL AND (due_ns IS NULL OR due_ns <= ?1)`
	if inLane {
		q += " AND lane = ?2"
	}
	return q + where
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// pending counts the pending actions of every lane, except those whose
// ids skip holds, and finds when the oldest was pushed. The oldest is
// looked up lane by lane, each through the lane's index, rather than by
// scanning every pending row.
func pending(ctx context.Context, q querier, skip map[int64]bool) (int, time.Time, error) {
	where, args := leaveOut(skip, 1)
	var n int
	var oldest sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT count(*), (SELECT enqueued_ns FROM actions WHERE id = (SELECT min(id) FROM (`+oldestPerLane(where)+`)))
		FROM actions WHERE delivered_ns IS NULL AND parked_ns IS NULL`+where, args...).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	return n, time.Unix(0, oldest.Int64), nil
}

// oldestPerLane is a query for each lane's oldest pending id whose row
// also meets where (" AND ...", or none).
func oldestPerLane(where string) string {
	var b strings.Builder
	for i, l := range queue.Lanes() {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&b, "SELECT (SELECT id FROM actions WHERE lane = %d AND delivered_ns IS NULL AND parked_ns IS NULL%s ORDER BY id LIMIT 1) AS id", l, where)
	}
	return b.String()
}

// oldestOfLane is a query for when the oldest pending action of lane ?1
// whose row also meets where (" AND ...", or none) was pushed.
func oldestOfLane(where string) string {
	return `SELECT enqueued_ns FROM actions
		WHERE lane = ?1 AND delivered_ns IS NULL AND parked_ns IS NULL` + where + ` ORDER BY id LIMIT 1`
}

// leaveOut is the condition (" AND ...") that leaves the actions whose ids
// skip holds out of a query, and the value of its parameter, ?n: none
// when skip is empty. Being part of the query, it is evaluated in the
// query's own snapshot: an id whose mark was copied into the database
// after skip was taken is left out once (as delivered), not twice.
func leaveOut(skip map[int64]bool, n int) (string, []any) {
	if len(skip) == 0 {
		return "", nil
	}
	return fmt.Sprintf(" AND id NOT IN (SELECT value FROM json_each(?%d))", n), []any{idList(skip)}
}

// idList is ids as a JSON array, for json_each.
func idList(ids map[int64]bool) string {
	b := []byte{'['}
	for id := range ids {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

func (s *Store) countRead() {
	if s.onRead != nil {
		s.onRead()
	}
}
