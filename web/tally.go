package web

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
)

// Report is the session report: what `tikcraft report` prints, for this
// session (since tikcraft started). Test triggers are counted apart and never
// in the gifts, diamonds or top lists.
type Report struct {
	Since      time.Time   `json:"since"`
	Until      time.Time   `json:"until"`
	Events     []TypeCount `json:"events"`
	Gifts      int64       `json:"gifts"`
	Diamonds   int64       `json:"diamonds"`
	Likes      int64       `json:"likes"`
	TopGifts   []Total     `json:"top_gifts"`
	TopGifters []Total     `json:"top_gifters"`
	Actions    Outcomes    `json:"actions"`
	Tests      Tests       `json:"tests"`
}

// TypeCount counts the messages of one event type; Amount is the gifts
// (streaks counted once) or the likes.
type TypeCount struct {
	Type     string `json:"type"`
	Messages int64  `json:"messages"`
	Amount   int64  `json:"amount,omitempty"`
}

// Total is what one gift type or one viewer brought in.
type Total struct {
	Name     string `json:"name"`
	Gifts    int64  `json:"gifts"`
	Diamonds int64  `json:"diamonds"`
}

// Outcomes counts actions.
type Outcomes struct {
	Queued   int64 `json:"queued"`
	Executed int64 `json:"executed"`
	Rejected int64 `json:"rejected"`
	Retried  int64 `json:"failed_attempts"`
	Pending  int   `json:"pending"`
}

// Tests counts what the test panel and `tikcraft trigger` fired.
type Tests struct {
	Events   int64 `json:"events"`
	Actions  int64 `json:"actions"`
	Executed int64 `json:"executed"`
}

const (
	topN       = 10
	maxTracked = 10000 // distinct viewers and streaks remembered; beyond, the least active are merged
	maxAmount  = 1_000_000
)

// tally counts the session. Not safe for concurrent use: the Dashboard
// holds its lock.
type tally struct {
	since    time.Time
	types    map[string]*TypeCount
	gifts    int64
	diamonds int64
	likes    int64
	byGift   map[string]*Total
	byUser   map[string]*Total
	streaks  map[string]int64 // streak key → highest count counted
	order    []string         // streak keys, oldest first, to bound the map
	outcomes Outcomes
	tests    Tests
	pending  int
}

func newTally(now time.Time) *tally {
	return &tally{since: now, types: map[string]*TypeCount{}, byGift: map[string]*Total{}, byUser: map[string]*Total{}, streaks: map[string]int64{}}
}

func (t *tally) event(ev tikcraft.Event, test bool) {
	if test {
		t.tests.Events++
		return
	}
	typ := string(ev.Type())
	tc := t.types[typ]
	if tc == nil {
		tc = &TypeCount{Type: typ}
		t.types[typ] = tc
	}
	tc.Messages++
	switch e := ev.(type) {
	case *tikcraft.LikeEvent:
		n := min(max(e.Count, 0), maxAmount)
		tc.Amount += n
		t.likes += n
	case *tikcraft.GiftEvent:
		// Like the engine: a combo streak counts its highest count once, a
		// non-combo gift counts 1.
		var n int64 = 1
		if e.Gift.Combo {
			key := streakKey(e)
			seen, ok := t.streaks[key]
			c := min(e.Count(), maxAmount)
			if !ok {
				t.order = append(t.order, key)
				if len(t.order) > maxTracked {
					delete(t.streaks, t.order[0])
					t.order = t.order[1:]
				}
			}
			n = max(c-seen, 0)
			t.streaks[key] = max(seen, c)
		}
		if n == 0 {
			return
		}
		price := min(max(e.Gift.Diamonds, 0), maxAmount)
		tc.Amount += n
		t.gifts += n
		t.diamonds += n * price
		name := e.Gift.Name
		if name == "" {
			name = "gift " + strconv.FormatInt(e.Gift.ID, 10)
		}
		add(t.byGift, giftKey(e.Gift), name, n, n*price)
		add(t.byUser, e.User.Key()+"\x00"+e.User.Name(), e.User.Name(), n, n*price)
	}
}

func add(m map[string]*Total, key, name string, gifts, diamonds int64) {
	tot := m[key]
	if tot == nil {
		if len(m) >= maxTracked {
			key, name = "\x00others", "(others)"
			tot = m[key]
		}
		if tot == nil {
			// The report shows the name as text; a viewer's bidirectional
			// controls would make what follows it read backwards.
			tot = &Total{Name: actions.DisplayText(name)}
			m[key] = tot
		}
	}
	tot.Gifts += gifts
	tot.Diamonds += diamonds
}

func giftKey(g tikcraft.Gift) string {
	if g.ID != 0 {
		return strconv.FormatInt(g.ID, 10)
	}
	return "name:" + g.Name
}

func (t *tally) queued(n int, test bool) {
	if test {
		t.tests.Actions += int64(n)
		return
	}
	t.outcomes.Queued += int64(n)
}

func (t *tally) delivered(result string, test bool) {
	switch result {
	case ResultSent:
		if test {
			t.tests.Executed++
			return
		}
		t.outcomes.Executed++
	case ResultRejected:
		t.outcomes.Rejected++
	case ResultRetrying:
		t.outcomes.Retried++
	}
}

func (t *tally) report(now time.Time) Report {
	r := Report{Since: t.since, Until: now, Gifts: t.gifts, Diamonds: t.diamonds, Likes: t.likes, Actions: t.outcomes, Tests: t.tests}
	r.Actions.Pending = t.pending
	r.Events = []TypeCount{}
	for _, tc := range t.types {
		r.Events = append(r.Events, *tc)
	}
	slices.SortFunc(r.Events, func(a, b TypeCount) int {
		return cmp.Or(cmp.Compare(b.Messages, a.Messages), cmp.Compare(a.Type, b.Type))
	})
	r.TopGifts, r.TopGifters = top(t.byGift), top(t.byUser)
	return r
}

func top(m map[string]*Total) []Total {
	out := make([]Total, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int {
		return cmp.Or(cmp.Compare(b.Diamonds, a.Diamonds), cmp.Compare(b.Gifts, a.Gifts), cmp.Compare(a.Name, b.Name))
	})
	return out[:min(len(out), topN)]
}
