package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/jsonl"
)

// The event log is written in batches: one transaction per batch costs
// about as much as one per row, and a burst of 10,000 gifts a second must
// not wait for the disk. A crash loses at most the last flushDelay of log
// rows; the queue itself is never buffered. A second keeps the log to one
// commit a second: at 100 ms, a stream of a few events a second paid a
// commit for each event's rows beside the one for its actions. Overlay
// counters staged meanwhile (StageOverlayCounters) are written within
// stagedDelay, as before.
const (
	flushDelay  = time.Second
	stagedDelay = 100 * time.Millisecond
	batchSize   = 1024
	maxBuffered = 64 * 1024 // beyond this the log falls behind and rows are dropped, never the stream
	maxErrorLen = 500       // bytes of a delivery error kept
	pruneBatch  = 5000      // rows deleted per transaction, so Push never waits long behind Prune
	// maxAmount caps counts and prices in the report columns (the raw line
	// keeps the original). No real streak, like burst or price comes near
	// it, and it keeps the report's sums far from overflowing when a
	// malformed replay file claims a gift was sent 10^18 times.
	maxAmount = 1_000_000
)

type eventRow struct {
	logged, at int64 // at == 0: the event had no time
	typ        string
	msgID      string
	user       bool // the event has a user
	userKey    string
	userName   string
	gift       bool
	giftKey    string
	giftID     int64
	giftName   string
	diamonds   int64
	combo      bool
	repeatEnd  bool
	groupID    string
	count      int64
	hasCount   bool
	raw        []byte
}

type deliveryRow struct {
	at, latency int64
	actionID    int64
	errText     string // "" when delivered
	ok          bool
	outcome     string
	reply       string
	command     string
	trigger     string
}

// LogEvent records an event for the report. It never blocks on the disk:
// rows are buffered and written every few milliseconds.
func (s *Store) LogEvent(_ context.Context, ev tikcraft.Event) {
	if ev == nil || s.closed() {
		return
	}
	if s.mask != nil {
		ev = tikcraft.MapText(ev, s.mask)
	}
	m := ev.EventMeta()
	row := eventRow{logged: s.now().UnixNano(), typ: string(ev.Type()), msgID: m.MsgID}
	if !m.Time.IsZero() {
		row.at = m.Time.UnixNano()
	}
	setUser := func(u *tikcraft.User) {
		row.user, row.userKey, row.userName = true, userKey(u), u.Name()
	}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		setUser(&e.User)
		row.gift = true
		row.giftKey, row.giftID, row.giftName = giftKey(e.Gift), e.Gift.ID, e.Gift.Name
		row.diamonds, row.combo, row.repeatEnd, row.groupID = clamp(e.Gift.Diamonds, 0), e.Gift.Combo, e.RepeatEnd, e.GroupID
		row.count, row.hasCount = clamp(e.Count(), 1), true
	case *tikcraft.LikeEvent:
		setUser(&e.User)
		row.count, row.hasCount = clamp(e.Count, 0), true
	case *tikcraft.FollowEvent:
		setUser(&e.User)
	case *tikcraft.ShareEvent:
		setUser(&e.User)
	case *tikcraft.JoinEvent:
		setUser(&e.User)
	case *tikcraft.SubscribeEvent:
		setUser(&e.User)
	case *tikcraft.ChatEvent:
		setUser(&e.User)
	}
	if raw, err := jsonl.Marshal(ev); err == nil {
		row.raw = raw
	}
	s.logMu.Lock()
	if s.buffered() >= maxBuffered {
		s.dropped++
		s.logMu.Unlock()
		return
	}
	s.events = append(s.events, row)
	s.signal()
	s.logMu.Unlock()
}

// LogDelivery records the outcome of one delivery attempt, with
// Minecraft's reply. Like LogEvent it is buffered.
func (s *Store) LogDelivery(_ context.Context, d deliver.Delivery) {
	if s.closed() {
		return
	}
	row := deliveryRow{
		at:       s.now().UnixNano(),
		latency:  int64(d.Latency),
		actionID: d.Item.ID,
		ok:       d.Outcome == deliver.Sent,
		outcome:  string(d.Outcome),
		reply:    clip.String(d.Reply.Text, maxErrorLen),
		command:  d.Item.Action.String(),
		trigger:  d.Item.Action.Trigger,
	}
	if !row.ok {
		if d.Err != nil {
			row.errText = clip.String(d.Err.Error(), maxErrorLen)
		}
		if row.errText == "" {
			row.errText = "failed"
		}
	}
	if s.mask != nil {
		row.reply, row.command, row.trigger, row.errText = s.mask(row.reply), s.mask(row.command), s.mask(row.trigger), s.mask(row.errText)
	}
	s.logMu.Lock()
	if s.buffered() >= maxBuffered {
		s.dropped++
		s.logMu.Unlock()
		return
	}
	s.delivs = append(s.delivs, row)
	s.signal()
	s.logMu.Unlock()
}

// buffered and signal are called with logMu held.
func (s *Store) buffered() int { return len(s.events) + len(s.delivs) }

func (s *Store) signal() {
	switch n := s.buffered(); {
	case n == 1:
		select {
		case s.kick <- struct{}{}:
		default:
		}
	case n >= batchSize:
		select {
		case s.full <- struct{}{}:
		default:
		}
	}
}

// flusher writes the log buffer flushDelay after its first row arrived,
// sooner (stagedDelay) once overlay counters are staged, as soon as a
// batch is full, and once more on Close.
func (s *Store) flusher() {
	defer close(s.flushDone)
	t := time.NewTimer(s.flushDelay)
	t.Stop()
	for {
		select {
		case <-s.kick:
			s.waitToFlush(t)
		case <-s.full:
		case <-s.stop:
			s.flushLog(context.Background())
			return
		}
		s.flushLog(context.Background())
	}
}

// waitToFlush waits flushDelay, or stagedDelay once overlay counters are
// staged, or until a batch is full or the store closes.
func (s *Store) waitToFlush(t *time.Timer) {
	wait := s.flushDelay
	if s.hasStaged() {
		wait = s.stagedDelay
	}
	deadline := time.Now().Add(wait)
	t.Reset(wait)
	if s.onFlushWait != nil {
		s.onFlushWait()
	}
	for {
		select {
		case <-t.C:
			return
		case <-s.kick:
			// Counters staged while rows wait: they do not wait the
			// rows' second.
			if s.hasStaged() && time.Until(deadline) > s.stagedDelay {
				deadline = time.Now().Add(s.stagedDelay)
				t.Reset(s.stagedDelay)
			}
		case <-s.full:
			t.Stop()
			return
		case <-s.stop:
			t.Stop()
			return
		}
	}
}

// flushLog writes the buffered log rows in one transaction. Failures are
// logged, not returned: the event log must never stop the stream.
func (s *Store) flushLog(ctx context.Context) {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.logMu.Lock()
	evs, dels, dropped := s.events, s.delivs, s.dropped
	s.events, s.delivs, s.dropped = nil, nil, 0
	// A kick or full signal left over for rows taken here would only cause
	// an empty flush; drain them.
	select {
	case <-s.full:
	default:
	}
	s.logMu.Unlock()
	if dropped > 0 {
		s.behind.Log("skipped", dropped)
	}
	if len(evs) == 0 && len(dels) == 0 && !s.hasStaged() {
		return
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if len(evs) > 0 {
			st := tx.StmtContext(ctx, s.insEvent)
			for i := range evs {
				if _, err := st.ExecContext(ctx, evs[i].args()...); err != nil {
					return err
				}
			}
		}
		if len(dels) > 0 {
			st := tx.StmtContext(ctx, s.insDeliv)
			for i := range dels {
				if _, err := st.ExecContext(ctx, dels[i].args()...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil && len(evs)+len(dels) > 0 {
		// Said at most once a minute: on a full disk every flush fails.
		s.logLost += int64(len(evs) + len(dels))
		if now := time.Now(); now.Sub(s.logToldAt) >= time.Minute {
			s.logToldAt = now
			s.log.Error("could not write the event log; the report will miss these rows (the action queue is not affected)", "rows", s.logLost, "error", s.fail("writing the event log", err))
			s.logLost = 0
		}
	}
}

func (r *eventRow) args() []any {
	a := []any{r.logged, nil, r.typ, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil}
	if r.at != 0 {
		a[1] = r.at
	}
	if r.msgID != "" {
		a[3] = r.msgID
	}
	if r.user {
		a[4], a[5] = r.userKey, r.userName
	}
	if r.gift {
		a[6], a[7], a[8], a[9] = r.giftKey, r.giftID, r.giftName, r.diamonds
		a[10], a[11], a[12] = r.combo, r.repeatEnd, r.groupID
	}
	if r.hasCount {
		a[13] = r.count
	}
	if r.raw != nil {
		a[14] = string(r.raw)
	}
	return a
}

func (r *deliveryRow) args() []any {
	var errText any
	if !r.ok {
		errText = r.errText
	}
	var reply any
	if r.reply != "" {
		reply = r.reply
	}
	return []any{r.at, r.actionID, r.ok, errText, r.latency, r.command, r.trigger, r.outcome, reply}
}

// Prune deletes event and delivery log rows, and delivered actions, older
// than before. Pending actions are never deleted, however old; delivered
// ones pushed after a still-pending one are kept until it is delivered.
func (s *Store) Prune(ctx context.Context, before time.Time) error {
	if s.closed() {
		return fmt.Errorf("cannot remove old log entries: %w", ErrClosed)
	}
	s.flushLog(context.WithoutCancel(ctx)) // buffered rows may be old enough too; never drop them
	cut := before.UnixNano()
	var total int64
	// Delete in batches, so that a Push never waits long behind Prune.
	batches := func(q string, args ...any) error {
		for {
			var n int64
			err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, q, append(args, pruneBatch)...)
				if err != nil {
					return err
				}
				n, err = res.RowsAffected()
				return err
			})
			if err != nil {
				return s.fail("cannot remove old log entries", err)
			}
			total += n
			if n < pruneBatch {
				return nil
			}
		}
	}
	if err := batches(`DELETE FROM events WHERE id IN
		(SELECT id FROM events WHERE logged_ns < ? LIMIT ?)`, cut); err != nil {
		return err
	}
	if err := batches(`DELETE FROM deliveries WHERE id IN
		(SELECT id FROM deliveries WHERE at_ns < ? LIMIT ?)`, cut); err != nil {
		return err
	}
	if err := batches(`DELETE FROM console WHERE id IN
		(SELECT id FROM console WHERE at_ns < ? LIMIT ?)`, cut); err != nil {
		return err
	}
	// Delivered actions go from the oldest up to the first one pending or
	// delivered recently: ids follow push order, so that is one range and
	// needs no index on delivered_ns (which would cost every Ack a page
	// write). Rows behind a pending one wait until it is delivered. The
	// newest row always stays, so that ids never go back to smaller ones.
	// Parked actions are never deleted and do not hold the others back.
	var keep sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT min(coalesce(
			(SELECT id FROM actions WHERE (delivered_ns IS NULL AND parked_ns IS NULL) OR delivered_ns >= ?1 ORDER BY id LIMIT 1), m), m)
		FROM (SELECT max(id) AS m FROM actions)`, cut).Scan(&keep); err != nil {
		return s.fail("cannot remove old log entries", err)
	}
	if keep.Valid {
		if err := batches(`DELETE FROM actions WHERE id IN (SELECT id FROM actions
			WHERE id < ? AND delivered_ns IS NOT NULL AND delivered_ns < ? ORDER BY id LIMIT ?)`, keep.Int64, cut); err != nil {
			return err
		}
	}
	if total > 0 {
		// Give the freed pages back to the disk.
		err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "PRAGMA incremental_vacuum")
			return err
		})
		if err != nil {
			return s.fail("cannot shrink the database after removing old log entries", err)
		}
		s.log.Info("removed old log entries", "rows", total, "before", before.Format(time.RFC3339))
	}
	return nil
}

// userKey mirrors the engine's streak key: the same viewer is the same
// key whatever name they show.
func userKey(u *tikcraft.User) string {
	if k := u.Key(); k != "" {
		return k
	}
	return "name:" + u.Name()
}

// giftKey mirrors the engine's: the gift id, else its name.
func giftKey(g tikcraft.Gift) string {
	if g.ID != 0 {
		return strconv.FormatInt(g.ID, 10)
	}
	return "name:" + g.Name
}

func clamp(n, lo int64) int64 { return min(max(n, lo), maxAmount) }
