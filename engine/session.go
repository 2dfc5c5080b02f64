package engine

import (
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/tikcraft/tikcraft"
)

// session is what the conditions and milestones of the actions file need
// to know about the current LIVE. It is reset at each stream end.
type session struct {
	// diamonds sent per viewer (by userKey); a viewer is in it from their
	// first gift on, which is what first_gift fires on.
	diamonds *lru[int64]
	top      string // userKey of the top gifter
	topCoins int64

	ruleNext map[string]time.Time // trigger → earliest next firing
	userNext *lru[time.Time]      // trigger + userKey → earliest next firing

	userLikes *lru[[]int64] // per viewer: [likes, firings of like rule 0, ...]
	follows   int64         // follows counted this LIVE
	viewers   []bool        // ViewerMilestones reached
	chat      chatState     // chat commands' cooldowns and what was logged
}

func newSession(cfg Config) session {
	return session{
		diamonds:  newLRU[int64](cfg.MaxViewers),
		ruleNext:  map[string]time.Time{},
		userNext:  newLRU[time.Time](cfg.MaxViewers),
		userLikes: newLRU[[]int64](cfg.MaxViewers),
		viewers:   make([]bool, len(cfg.ViewerMilestones)),
		chat:      newChatState(cfg),
	}
}

// userKey identifies a viewer for the per-viewer bookkeeping.
func userKey(u *tikcraft.User) string {
	if k := u.Key(); k != "" {
		return k
	}
	return "name:" + u.Name()
}

// gifted counts diamonds sent by u and keeps the top gifter current.
func (s *session) gifted(u *tikcraft.User, diamonds int64) {
	k := userKey(u)
	total, _ := s.diamonds.get(k)
	total += max(diamonds, 0)
	s.diamonds.put(k, total)
	if total > s.topCoins {
		s.top, s.topCoins = k, total
	}
}

// filteredOut says why c's audience filters leave u out, or "".
func (s *session) filteredOut(c tikcraft.Conditions, u *tikcraft.User) string {
	switch {
	case c.Followers && !u.Follower:
		return "the viewer does not follow you (followers)"
	case c.Subscribers && !u.Subscriber:
		return "the viewer is not a subscriber (subscribers)"
	case c.Moderators && !u.Moderator:
		return "the viewer is not a moderator (moderators)"
	case c.TopGifter && (s.topCoins == 0 || s.top != userKey(u)):
		return "the viewer is not the top gifter of this LIVE (top_gifter)"
	}
	if c.MinCoins > 0 {
		if sent, _ := s.diamonds.get(userKey(u)); sent < c.MinCoins {
			return fmt.Sprintf("the viewer sent fewer than %d diamonds this LIVE (min_coins)", c.MinCoins)
		}
	}
	return ""
}

// cooldown decides one firing of trigger for u at now under c's cooldowns:
// ok false means skip it; otherwise it runs after delay. A paid firing is
// never skipped: it is scheduled for when the cooldowns end, and the next
// cooldown starts from then.
func (s *session) cooldown(c tikcraft.Conditions, trigger string, u *tikcraft.User, now time.Time, paid bool) (delay time.Duration, ok bool) {
	if c.Cooldown <= 0 && c.UserCooldown <= 0 {
		return 0, true
	}
	uk := trigger + "\x00" + userKey(u)
	at := now
	if c.Cooldown > 0 {
		if next := s.ruleNext[trigger]; next.After(at) {
			at = next
		}
	}
	if c.UserCooldown > 0 {
		if next, _ := s.userNext.get(uk); next.After(at) {
			at = next
		}
	}
	if at.After(now) && !paid {
		return 0, false
	}
	if c.Cooldown > 0 {
		s.ruleNext[trigger] = at.Add(c.Cooldown)
	}
	if c.UserCooldown > 0 {
		s.userNext.put(uk, at.Add(c.UserCooldown))
	}
	return at.Sub(now), true
}

// notRun logs a firing its conditions stopped: the first of each rule and
// reason, then a count once a minute, so that chat spam or a flood of
// gifts on a cooling rule cannot flood the log.
func (e *Engine) notRun(trigger, why string, u *tikcraft.User, source string) {
	e.sayOnceAs(trigger+"\x00"+why, slog.LevelInfo, "rule not run: "+why, "trigger", trigger, "user", u.Name(), "cause", source)
}

// follow handles a follow: once_per_user, the follow rule, milestones.
func (e *Engine) follow(ev *tikcraft.FollowEvent) []tikcraft.Action {
	// Whoever follows is a follower, whatever the event's source said.
	u := ev.User
	u.Follower = true
	ev = &tikcraft.FollowEvent{Meta: ev.Meta, User: u}
	if e.cfg.FollowOncePerUser {
		k := userKey(&ev.User)
		if _, dup := e.follows.get(k); dup {
			// Said once, then counted: one viewer's follow spam is a
			// line a minute at most.
			if e.cfg.FollowForever {
				e.sayOnce(slog.LevelInfo, "follow ignored: this viewer already followed before (follows.remember: forever)", "user", ev.User.Name())
			} else {
				e.sayOnce(slog.LevelInfo, "follow ignored: this viewer already followed this LIVE (follows.once_per_user)", "user", ev.User.Name())
			}
			return nil
		}
		if old, evicted := e.follows.put(k, struct{}{}); evicted {
			e.trackFollow(old, false)
		}
		e.trackFollow(k, true)
	}
	e.session.follows++
	e.trackFollowCount()
	out := e.fire("follow", &ev.User, Vars{}, 1, "follow", false)
	for _, m := range e.cfg.FollowMilestones {
		if e.session.follows == m {
			out = append(out, e.fire("follow_milestone", &ev.User, Vars{Count: m}, 1, fmt.Sprintf("follower number %d", m), false)...)
		}
	}
	return out
}

// resetFollows starts a LIVE's follower memory: empty, or with
// follows.remember: forever the followers of before, written again after
// the state rows of the last LIVE are forgotten.
func (e *Engine) resetFollows() {
	if !e.cfg.FollowForever || e.follows == nil {
		e.follows = newLRU[struct{}](e.cfg.MaxViewers)
		return
	}
	for k := range e.follows.oldestFirst() {
		e.trackFollow(k, true)
	}
}

// viewers fires viewers_milestone for each milestone first reached.
func (e *Engine) viewers(ev *tikcraft.ViewersEvent) []tikcraft.Action {
	var out []tikcraft.Action
	for i, m := range e.cfg.ViewerMilestones {
		if ev.Count >= m && !e.session.viewers[i] {
			e.session.viewers[i] = true
			out = append(out, e.fire("viewers_milestone", &tikcraft.User{}, Vars{Count: m}, 1, fmt.Sprintf("%d viewers", m), false)...)
		}
	}
	return out
}

// lru is a map bounded to max entries that forgets the least recently
// written first. A LIVE where every event is a new viewer fills each of
// the engine's lrus to MaxViewers, so an entry is kept small: one slot of
// a slice, linked by index (no list element, no boxed value, nothing for
// the collector to follow but the key), and a map from key to slot.
type lru[V any] struct {
	max        int
	idx        map[string]int32
	slots      []lruSlot[V]
	head, tail int32 // most and least recently written slot; -1: empty
}

type lruSlot[V any] struct {
	key        string
	val        V
	prev, next int32 // towards head, towards tail; -1: none
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, idx: map[string]int32{}, head: -1, tail: -1}
}

func (l *lru[V]) get(k string) (V, bool) {
	if i, ok := l.idx[k]; ok {
		return l.slots[i].val, true
	}
	var zero V
	return zero, false
}

// put sets k and returns the key it evicted to stay bounded, if any.
func (l *lru[V]) put(k string, v V) (evicted string, ok bool) {
	if i, found := l.idx[k]; found {
		l.slots[i].val = v
		l.unlink(i)
		l.pushFront(i)
		return "", false
	}
	var i int32
	if len(l.slots) < max(l.max, 1) {
		i = int32(len(l.slots))
		l.slots = append(l.slots, lruSlot[V]{})
	} else { // full: the least recent slot takes k
		i = l.tail
		evicted, ok = l.slots[i].key, true
		delete(l.idx, evicted)
		l.unlink(i)
	}
	l.slots[i] = lruSlot[V]{key: k, val: v}
	l.idx[k] = i
	l.pushFront(i)
	return evicted, ok
}

// oldestFirst is the keys from the least to the most recently written.
func (l *lru[V]) oldestFirst() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := l.tail; i >= 0; i = l.slots[i].prev {
			if !yield(l.slots[i].key) {
				return
			}
		}
	}
}

func (l *lru[V]) unlink(i int32) {
	s := &l.slots[i]
	if s.prev >= 0 {
		l.slots[s.prev].next = s.next
	} else {
		l.head = s.next
	}
	if s.next >= 0 {
		l.slots[s.next].prev = s.prev
	} else {
		l.tail = s.prev
	}
}

func (l *lru[V]) pushFront(i int32) {
	s := &l.slots[i]
	s.prev, s.next = -1, l.head
	if l.head >= 0 {
		l.slots[l.head].prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
	}
}
