package engine

import (
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"github.com/tikcraft/tikcraft"
)

// A streak is keyed by user + gift + group_id: interleaved streaks of
// different users or gifts never affect each other.
type streakKey struct {
	user, gift, group string
}

// streak is the bookkeeping of one combo. acted only grows, and every
// firing raises it, so the total of firings for a key is the highest count
// ever seen for it: duplicates and re-sent updates add nothing.
type streak struct {
	key     streakKey
	max     int64 // highest repeat_count seen
	acted   int64 // gifts already turned into firings
	ended   bool  // the repeat_end message arrived (or the streak was flushed)
	last    time.Time
	trigger string
	user    tikcraft.User
	gift    string
	giftID  int64
	coins   int64 // diamonds per gift
}

func (e *Engine) gift(ev *tikcraft.GiftEvent, now time.Time) []tikcraft.Action {
	trigger := e.rules.MatchGift(ev.Gift)
	if ev.Gift.ID == 0 && ev.Gift.Name == "" {
		e.warnOnce("a gift arrived with neither id nor name; it cannot match a rule", "event", describe(ev))
	}
	var out []tikcraft.Action
	if _, before := e.session.diamonds.get(userKey(&ev.User)); !before {
		// A viewer's first gift this LIVE, however it ends.
		e.session.gifted(&ev.User, 0)
		out = e.fire("first_gift", &ev.User, Vars{Gift: ev.Gift.Name, Coins: ev.Gift.Diamonds}, 1, "first gift from "+ev.User.Name(), true)
	}
	count := ev.RepeatCount
	if count < 0 {
		e.warnOnce("a gift arrived with a negative repeat_count; counting it as 1", "event", describe(ev))
		count = 1
	}
	if count == 0 {
		count = 1
	}
	if !ev.Gift.Combo {
		// Non-combo (expensive) gifts arrive once and count 1, whatever
		// repeat_end says.
		return append(out, e.fireGift(trigger, &ev.User, ev.Gift, 1, ev)...)
	}

	key := streakKey{user: ev.User.Key(), gift: giftKey(ev.Gift), group: ev.GroupID}
	if key.user == "" {
		key.user = "name:" + ev.User.Name()
	}
	s := e.streaks[key]
	if s == nil {
		if len(e.streaks) >= e.cfg.MaxStreaks {
			e.warnOnce("too many gift streaks open at once; flushing the oldest early", "limit", e.cfg.MaxStreaks)
			out = append(out, e.evictOldest()...)
		}
		s = &streak{key: key}
		// A streak settled earlier in this LIVE, however long ago: only
		// counts above what it fired add anything.
		if acted, ok := e.settled.take(key); ok {
			s.max, s.acted, s.ended = acted, acted, true
		}
		e.streaks[key] = s
	}
	e.touch(key)
	s.last, s.trigger, s.user, s.gift, s.giftID, s.coins = now, trigger, ev.User, ev.Gift.Name, ev.Gift.ID, ev.Gift.Diamonds
	if count > s.max {
		s.max = count
		s.ended = false // a higher count after an end continues the streak
	}
	if ev.RepeatEnd {
		s.ended = true
		return append(out, e.settle(s, ev)...)
	}
	if e.cfg.Mode == ModeLive {
		return append(out, e.settle(s, ev)...)
	}
	return out
}

// settle fires the gifts of s not yet acted on.
func (e *Engine) settle(s *streak, ev *tikcraft.GiftEvent) []tikcraft.Action {
	n := s.max - s.acted
	s.acted = s.max
	e.touch(s.key)
	if n <= 0 {
		return nil
	}
	return e.fireGift(s.trigger, &s.user, tikcraft.Gift{ID: s.giftID, Name: s.gift, Diamonds: s.coins}, n, ev)
}

// fireGift fires n gifts g of u: the diamonds count for the audience
// filters first (so the gift that makes a viewer top gifter counts).
func (e *Engine) fireGift(trigger string, u *tikcraft.User, g tikcraft.Gift, n int64, ev *tikcraft.GiftEvent) []tikcraft.Action {
	e.session.gifted(u, g.Diamonds*n)
	if n > e.cfg.MaxRepeat {
		e.warnOnce("gift count clipped to gifts.max_repeat", "count", n, "max_repeat", e.cfg.MaxRepeat, "gift", g.Name, "user", u.Name())
		n = e.cfg.MaxRepeat
	}
	if trigger == "" {
		e.log.Debug("no rule for this gift", "gift", g.Name, "user", u.Name(), "count", n)
		return nil
	}
	src := fmt.Sprintf("gift %s x%d from %s", g.Name, n, u.Name())
	if ev != nil && ev.MsgID != "" {
		src += " (msg " + ev.MsgID + ")"
	}
	return e.fire(trigger, u, Vars{Gift: g.Name, Coins: g.Diamonds * n}, n, src, true)
}

func giftKey(g tikcraft.Gift) string {
	if g.ID != 0 {
		return strconv.FormatInt(g.ID, 10)
	}
	return "name:" + g.Name
}

// retention is how long a settled streak keeps its full bookkeeping after
// its last message. After that only its fired count is kept (see
// settledSet), for the rest of the LIVE.
func (e *Engine) retention() time.Duration { return 2*e.cfg.StreakTimeout + time.Minute }

// Tick flushes streaks whose end never arrived (after streak_timeout of
// silence, with the highest count seen) and reduces settled ones to their
// fired count. Call it periodically; Handle calls it too.
func (e *Engine) Tick(now time.Time) []tikcraft.Action {
	e.now = now
	var due []*streak
	for k, s := range e.streaks {
		idle := now.Sub(s.last)
		if !s.ended && s.max > s.acted && idle >= e.cfg.StreakTimeout {
			due = append(due, s)
			continue
		}
		if s.max <= s.acted && idle >= e.retention() {
			e.forget(k, s)
		}
	}
	if len(due) == 0 {
		return nil
	}
	// Map order is random; flush in arrival order so output is deterministic.
	sort.SliceStable(due, func(i, j int) bool { return due[i].last.Before(due[j].last) })
	var out []tikcraft.Action
	for _, s := range due {
		// Said once, then counted: a source that never ends its
		// streaks would otherwise make a line of every gift.
		e.sayOnce(slog.LevelInfo, "gift streak end never arrived; acting on the highest count seen", "gift", s.gift, "user", s.user.Name(), "count", s.max)
		s.ended = true
		out = append(out, e.settle(s, nil)...)
	}
	return out
}

// Flush settles every open streak with the highest count seen: at stream
// end, at the end of a replay file and at shutdown.
func (e *Engine) Flush() []tikcraft.Action {
	var open []*streak
	for _, s := range e.streaks {
		if s.max > s.acted {
			open = append(open, s)
		}
	}
	sort.SliceStable(open, func(i, j int) bool { return open[i].last.Before(open[j].last) })
	var out []tikcraft.Action
	for _, s := range open {
		s.ended = true
		out = append(out, e.settle(s, nil)...)
	}
	return out
}

// evictOldest settles and forgets the least recently active tenth of the
// streaks, keeping memory bounded under a flood of distinct streaks.
func (e *Engine) evictOldest() []tikcraft.Action {
	type kv struct {
		k streakKey
		s *streak
	}
	all := make([]kv, 0, len(e.streaks))
	for k, s := range e.streaks {
		all = append(all, kv{k, s})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s.last.Before(all[j].s.last) })
	n := len(all)/10 + 1
	var out []tikcraft.Action
	for _, x := range all[:n] {
		out = append(out, e.settle(x.s, nil)...)
		e.forget(x.k, x.s)
	}
	return out
}

// forget drops the bookkeeping of a settled streak but remembers, for the
// rest of the LIVE, how many gifts it fired.
func (e *Engine) forget(k streakKey, s *streak) {
	delete(e.streaks, k)
	e.touch(k)
	if old, ok := e.settled.add(k, s.acted, s.last); ok {
		e.touch(old)
	}
}

// OpenStreaks is the number of streaks tracked in full (open or settled
// recently), for metrics and tests.
func (e *Engine) OpenStreaks() int { return len(e.streaks) }

// SettledStreaks is the number of settled streaks remembered by their
// fired count only.
func (e *Engine) SettledStreaks() int { return len(e.settled.m) }
