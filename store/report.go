package store

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// Report summarises the event and delivery logs since a point in time,
// for `tikcraft report`.
type Report struct {
	Since time.Time // zero: everything still in the log
	Until time.Time // when the report was made

	Events []TypeCount // by event type, most messages first
	// TestEvents counts the events fired from the test panel or
	// `tikcraft trigger`: they are in no other number of the report.
	TestEvents int64
	// Console counts the commands typed in the dashboard's Minecraft
	// console: sent over RCON, never queued, so not in Actions.
	Console    int64
	Gifts      int64       // gifts received: a combo streak counts its final count once
	Diamonds   int64       // their worth: diamonds per gift × count
	TopGifts   []GiftTotal // at most 10, most diamonds first
	TopGifters []UserTotal // at most 10, most diamonds first
	Actions    ActionCounts
	Slowest    []SlowDelivery // at most 5 delivered actions, slowest first
	// Parked lists the actions parked now (whatever the period), oldest
	// first, at most 10; Actions.Parked counts them all.
	Parked []ParkedAction
}

// ParkedAction is an action set aside as failed: sent without an answer.
type ParkedAction struct {
	Command string
	Trigger string
	At      time.Time // when it was parked
	Reason  string
}

// TypeCount counts the messages of one event type. Messages that arrived
// twice (same type and msg_id) are counted once.
type TypeCount struct {
	Type     tikcraft.EventType
	Messages int64
	// Amount is the number of gifts for "gift" (streaks counted once, not
	// per update) and of likes for "like"; 0 for other types.
	Amount int64
}

// GiftTotal is what one gift type brought in.
type GiftTotal struct {
	Gift     string
	Gifts    int64
	Diamonds int64
}

// UserTotal is what one viewer sent.
type UserTotal struct {
	User     string
	Gifts    int64
	Diamonds int64
}

// ActionCounts are the delivery outcomes in the period.
type ActionCounts struct {
	Executed       int64     // actions the sink carried out
	Failed         int64     // actions given up after an error (rejected: they will not be retried)
	FailedAttempts int64     // delivery attempts that returned an error, retried ones included
	Pending        int64     // actions waiting now, whatever the period
	OldestPending  time.Time // when the oldest waiting action was queued; zero when none
	Parked         int64     // actions parked now (sent without an answer), whatever the period
}

// SlowDelivery is one delivered action and how long the sink took.
type SlowDelivery struct {
	Command string
	Trigger string
	Latency time.Duration
	At      time.Time
}

const (
	topN     = 10
	slowestN = 5
	parkedN  = 10
)

// reportEvents is the event log in the period as a CTE; ?1 is the start
// in Unix ns. Re-delivered messages were never logged (see schema1).
// Events fired from the dashboard's test panel ("test": true in the raw
// JSON) are not the stream's: they are counted apart (reportTests).
const reportEvents = `WITH ev AS (
		SELECT id, type, user_key, gift_key, diamonds, combo, group_id, count
		FROM events WHERE logged_ns >= ?1 AND NOT ` + isTest + `
	)`

const isTest = `coalesce(json_valid(raw) AND json_extract(raw, '$.test') = 1, 0)`

// reportTests counts the test events of the period.
const reportTests = `SELECT count(*) FROM events WHERE logged_ns >= ?1 AND ` + isTest

// reportSendings adds one row per gift sending: a combo streak (user, gift,
// group_id) once, at the highest count seen for it, the way the engine
// fires it; a non-combo gift once with count 1, whatever repeat_count says.
const reportSendings = reportEvents + `, sendings AS (
		SELECT user_key, gift_key, max(count) AS n, max(diamonds) AS price, max(id) AS last_id
		FROM ev WHERE type = 'gift' AND combo
		GROUP BY user_key, gift_key, group_id
		UNION ALL
		SELECT user_key, gift_key, 1, diamonds, id
		FROM ev WHERE type = 'gift' AND NOT combo
	)`

// Report summarises what was logged since since (zero: everything kept).
// Buffered log rows are written first, so the report includes them.
func (s *Store) Report(ctx context.Context, since time.Time) (*Report, error) {
	if s.closed() {
		return nil, fmt.Errorf("cannot make the report: %w", ErrClosed)
	}
	s.flushLog(context.WithoutCancel(ctx)) // a cancelled report must not drop log rows
	// The marks waiting in the journal go into the file first; if it
	// cannot be written (a full disk), their actions are left out of the
	// pending ones instead, as Next and Due leave them out.
	var skip map[int64]bool
	if s.settleAcks(ctx) != nil {
		skip = s.unsettled(queue.AllLanes)
	}

	rep := &Report{Since: since, Until: s.now()}
	from := int64(math.MinInt64)
	if !since.IsZero() {
		from = since.UnixNano()
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot for every number
	if err != nil {
		return nil, s.fail("cannot make the report", err)
	}
	defer tx.Rollback()
	if err := rep.read(ctx, tx, from, skip); err != nil {
		return nil, s.fail("cannot make the report", err)
	}
	return rep, nil
}

// read fills rep from tx; the actions whose ids skip holds are not
// pending (delivered: marked in the journal only).
func (rep *Report) read(ctx context.Context, tx *sql.Tx, from int64, skip map[int64]bool) error {
	if err := tx.QueryRowContext(ctx, reportTests, from).Scan(&rep.TestEvents); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM console WHERE at_ns >= ?1`, from).Scan(&rep.Console); err != nil {
		return err
	}
	// Events by type; the gift amount comes from the sendings below.
	err := each(ctx, tx, reportEvents+`
		SELECT type, count(*), CASE WHEN type = 'like' THEN coalesce(sum(count), 0) ELSE 0 END
		FROM ev GROUP BY type ORDER BY count(*) DESC, type`, []any{from},
		func(sc func(...any) error) error {
			var tc TypeCount
			var typ string
			if err := sc(&typ, &tc.Messages, &tc.Amount); err != nil {
				return err
			}
			tc.Type = tikcraft.EventType(typ)
			rep.Events = append(rep.Events, tc)
			return nil
		})
	if err != nil {
		return err
	}
	if err := rep.readGifts(ctx, tx, from); err != nil {
		return err
	}
	for i := range rep.Events {
		if rep.Events[i].Type == tikcraft.TypeGift {
			rep.Events[i].Amount = rep.Gifts
		}
	}
	// Outcomes per action: executed if any attempt succeeded; failed if
	// none did and it left the queue anyway (rejected).
	if err := tx.QueryRowContext(ctx, `WITH per AS (
			SELECT action_id, max(ok) AS delivered, count(*) - sum(ok) AS failures
			FROM deliveries WHERE at_ns >= ?1 GROUP BY action_id
		)
		SELECT coalesce(sum(delivered), 0),
			coalesce(sum(NOT delivered AND NOT EXISTS (SELECT 1 FROM actions a
				WHERE a.id = per.action_id AND a.delivered_ns IS NULL)), 0),
			coalesce(sum(failures), 0)
		FROM per`, from).Scan(&rep.Actions.Executed, &rep.Actions.Failed, &rep.Actions.FailedAttempts); err != nil {
		return err
	}
	n, oldest, err := pending(ctx, tx, skip)
	if err != nil {
		return err
	}
	rep.Actions.Pending, rep.Actions.OldestPending = int64(n), oldest
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM actions
		WHERE parked_ns IS NOT NULL AND delivered_ns IS NULL`).Scan(&rep.Actions.Parked); err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT command, alert_title, alert_subtitle, alert_seconds, kind, trigger_name,
			parked_ns, coalesce(parked_reason, '')
		FROM actions WHERE parked_ns IS NOT NULL AND delivered_ns IS NULL ORDER BY id LIMIT ?1`, []any{parkedN},
		func(sc func(...any) error) error {
			var a tikcraft.Action
			var kind string
			var at int64
			var p ParkedAction
			if err := sc(&a.Command, &a.Alert.Title, &a.Alert.Subtitle, &a.Alert.Seconds, &kind, &p.Trigger, &at, &p.Reason); err != nil {
				return err
			}
			setKind(&a, kind)
			p.Command, p.At = a.String(), time.Unix(0, at)
			rep.Parked = append(rep.Parked, p)
			return nil
		})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT command, trigger_name, latency_ns, at_ns FROM deliveries
		WHERE at_ns >= ?1 AND ok ORDER BY latency_ns DESC, id LIMIT ?2`, []any{from, slowestN},
		func(sc func(...any) error) error {
			var d SlowDelivery
			var lat, at int64
			if err := sc(&d.Command, &d.Trigger, &lat, &at); err != nil {
				return err
			}
			d.Latency, d.At = time.Duration(lat), time.Unix(0, at)
			rep.Slowest = append(rep.Slowest, d)
			return nil
		})
}

// readGifts fills the gift totals and top lists. The sendings are summed
// per (user, gift) in SQL, once, and ranked here: one pass over the
// period's gifts instead of one per list.
func (rep *Report) readGifts(ctx context.Context, tx *sql.Tx, from int64) error {
	type sum struct {
		key             string
		gifts, diamonds int64
		lastID          int64 // the latest message, for the name to show
	}
	byGift, byUser := map[string]*sum{}, map[string]*sum{}
	add := func(m map[string]*sum, key string, n, dia, last int64) {
		x := m[key]
		if x == nil {
			x = &sum{key: key}
			m[key] = x
		}
		x.gifts += n
		x.diamonds += dia
		x.lastID = max(x.lastID, last)
	}
	err := each(ctx, tx, reportSendings+`
		SELECT user_key, gift_key, sum(n), sum(n * price), max(last_id)
		FROM sendings GROUP BY user_key, gift_key`, []any{from},
		func(sc func(...any) error) error {
			var user, gift string
			var n, dia, last int64
			if err := sc(&user, &gift, &n, &dia, &last); err != nil {
				return err
			}
			rep.Gifts += n
			rep.Diamonds += dia
			add(byGift, gift, n, dia, last)
			add(byUser, user, n, dia, last)
			return nil
		})
	if err != nil {
		return err
	}
	top := func(m map[string]*sum) []*sum {
		all := make([]*sum, 0, len(m))
		for _, x := range m {
			all = append(all, x)
		}
		slices.SortFunc(all, func(a, b *sum) int {
			return cmp.Or(cmp.Compare(b.diamonds, a.diamonds), cmp.Compare(b.gifts, a.gifts), strings.Compare(a.key, b.key))
		})
		return all[:min(len(all), topN)]
	}
	name := func(column string, id int64) (string, error) {
		var s sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT "+column+" FROM events WHERE id = ?", id).Scan(&s)
		return s.String, err
	}
	for _, x := range top(byGift) {
		n, err := name("gift_name", x.lastID)
		if err != nil {
			return err
		}
		rep.TopGifts = append(rep.TopGifts, GiftTotal{Gift: n, Gifts: x.gifts, Diamonds: x.diamonds})
	}
	for _, x := range top(byUser) {
		n, err := name("user_name", x.lastID)
		if err != nil {
			return err
		}
		rep.TopGifters = append(rep.TopGifters, UserTotal{User: n, Gifts: x.gifts, Diamonds: x.diamonds})
	}
	return nil
}

// each runs query and calls row for every result row with its Scan.
func each(ctx context.Context, tx *sql.Tx, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Widths at which viewer-chosen text is cut in the report.
const (
	nameWidth    = 32
	commandWidth = 60
)

// WriteText prints the report as plain aligned text. Names and commands
// are shown with control and direction-changing characters replaced, so
// nothing a viewer typed can break the layout.
func (rep *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	const stamp = "2006-01-02 15:04:05"
	if rep.Since.IsZero() {
		fmt.Fprintf(bw, "tikcraft report: everything in the log until %s\n", rep.Until.Format(stamp))
	} else {
		fmt.Fprintf(bw, "tikcraft report: %s to %s (%s)\n", rep.Since.Format(stamp), rep.Until.Format(stamp),
			roundDuration(rep.Until.Sub(rep.Since)))
	}

	ev := table{head: []string{"Events", "messages", ""}, right: []bool{false, true, false}}
	for _, tc := range rep.Events {
		amount := ""
		switch tc.Type {
		case tikcraft.TypeGift:
			amount = plural(tc.Amount, "gift")
		case tikcraft.TypeLike:
			amount = plural(tc.Amount, "like")
		}
		ev.add(clean(string(tc.Type), nameWidth), thousands(tc.Messages), amount)
	}
	ev.write(bw, "no events")
	if rep.TestEvents > 0 {
		fmt.Fprintf(bw, "(and %s from the test panel or `tikcraft trigger`, not counted here)\n", plural(rep.TestEvents, "test event"))
	}

	fmt.Fprintf(bw, "\nGifts: %s worth %s\n", plural(rep.Gifts, "gift"), plural(rep.Diamonds, "diamond"))

	gifts := table{head: []string{"Top gifts", "gifts", "diamonds"}, right: []bool{false, true, true}}
	for _, g := range rep.TopGifts {
		gifts.add(clean(g.Gift, nameWidth), thousands(g.Gifts), thousands(g.Diamonds))
	}
	gifts.write(bw, "no gifts")

	users := table{head: []string{"Top gifters", "gifts", "diamonds"}, right: []bool{false, true, true}}
	for _, u := range rep.TopGifters {
		users.add(clean(u.User, nameWidth), thousands(u.Gifts), thousands(u.Diamonds))
	}
	users.write(bw, "no gifts")

	a := rep.Actions
	acts := table{head: []string{"Actions", "", ""}, right: []bool{false, true, false}}
	acts.add("executed", thousands(a.Executed), "")
	acts.add("failed", thousands(a.Failed), "given up after an error")
	acts.add("failed attempts", thousands(a.FailedAttempts), "errors, retried ones included")
	waiting := ""
	if a.Pending > 0 && !a.OldestPending.IsZero() {
		waiting = "oldest queued " + a.OldestPending.Format(stamp)
	}
	acts.add("pending now", thousands(a.Pending), waiting)
	acts.add("parked now", thousands(a.Parked), "sent without an answer, kept")
	acts.write(bw, "")
	if rep.Console > 0 {
		fmt.Fprintf(bw, "(and %s typed in the dashboard's console, not counted here)\n", plural(rep.Console, "console command"))
	}

	if len(rep.Parked) > 0 {
		parked := table{head: []string{"Parked (tikcraft drain --retry-failed sends them again)", "trigger", "command"}, right: []bool{false, false, false}}
		for _, p := range rep.Parked {
			parked.add(p.At.Format(stamp), clean(p.Trigger, nameWidth), clean(p.Command, commandWidth))
		}
		if more := a.Parked - int64(len(rep.Parked)); more > 0 {
			parked.add("... and "+thousands(more)+" more", "", "")
		}
		parked.write(bw, "")
	}

	slow := table{head: []string{"Slowest deliveries", "latency", "command"}, right: []bool{false, true, false}}
	for _, d := range rep.Slowest {
		slow.add(d.At.Format(stamp), roundDuration(d.Latency), clean(d.Command, commandWidth))
	}
	slow.write(bw, "no deliveries")
	return bw.Flush()
}

// table prints a titled block: a header line, then rows indented by two
// spaces, columns aligned by character count.
type table struct {
	head  []string
	right []bool // right-align this column (numbers)
	rows  [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, empty string) {
	const indent = "  "
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			n := utf8.RuneCountInString(c)
			if i == 0 {
				n += len(indent)
			}
			width[i] = max(width[i], n)
		}
	}
	line := func(cells []string, first string) {
		var b strings.Builder
		for i, c := range cells {
			if i == 0 {
				c = first + c
			} else {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	fmt.Fprintln(w)
	line(t.head, "")
	if len(t.rows) == 0 && empty != "" {
		fmt.Fprintln(w, indent+"("+empty+")")
	}
	for _, r := range t.rows {
		line(r, indent)
	}
}

// clean makes viewer-chosen text safe for one cell of a text table:
// invalid UTF-8, control characters (newlines, tabs, escape sequences),
// line separators and bidirectional overrides become '?', and it is cut
// to at most n characters.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp) {
			return '?'
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "(unknown)"
	}
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n-1]) + "…"
	}
	return s
}

// thousands formats n with comma separators: 12345 → "12,345".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}
