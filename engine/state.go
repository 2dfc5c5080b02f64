package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
)

// StateEntry is one row of the engine's durable state: the bookkeeping of
// one gift streak, a follower remembered by follows.once_per_user or the
// LIVE's follow count. Value nil means the row is gone.
type StateEntry struct {
	Key   string
	Value []byte
}

// changes is what changed since the last Changes call.
type changes struct {
	dirty   map[streakKey]struct{}
	follows map[string]bool // follower rows to write (true) or delete
	count   bool            // the follow count changed
	room    bool            // the LIVE's room changed
	bad     []string        // unreadable rows found by Restore, to delete
	fresh   bool            // a new LIVE began: forget every earlier row first
}

func (c *changes) reset() {
	c.dirty, c.follows, c.count, c.room, c.bad, c.fresh = map[streakKey]struct{}{}, map[string]bool{}, false, false, nil, true
}

// Row keys besides streaks.
const (
	followPrefix   = "follower:"
	followCountKey = "follows:count"
	roomKey        = "live:room"
)

// trackFollow records that follower k was added (or forgotten).
func (e *Engine) trackFollow(k string, add bool) {
	if e.track != nil {
		e.track.follows[k] = add
	}
}

func (e *Engine) trackFollowCount() {
	if e.track != nil {
		e.track.count = true
	}
}

func (e *Engine) touch(k streakKey) {
	if e.track != nil {
		e.track.dirty[k] = struct{}{}
	}
}

// Changes returns the state rows changed since the last call, in key
// order, and whether every earlier row must be forgotten first (a new LIVE
// began). It returns nothing until Restore turned tracking on.
//
// Store them in the same transaction as the actions returned by the
// Handle, Tick and Flush calls since the last call: then after a crash the
// saved streak counts and the queued actions can never disagree, and
// Restore lets every gift fire exactly once.
func (e *Engine) Changes() (reset bool, rows []StateEntry) {
	c := e.track
	if c == nil || (len(c.bad) == 0 && len(c.dirty) == 0 && len(c.follows) == 0 && !c.count && !c.fresh) {
		return false, nil
	}
	for _, k := range c.bad {
		rows = append(rows, StateEntry{Key: k})
	}
	for k := range c.dirty {
		r := StateEntry{Key: encodeKey(k)}
		if s := e.streaks[k]; s != nil {
			r.Value = s.encode()
		} else if d, ok := e.settled.m[k]; ok {
			r.Value, _ = json.Marshal(savedStreak{Settled: true, Acted: d.acted, Last: d.last})
		}
		rows = append(rows, r)
	}
	for k, add := range c.follows {
		r := StateEntry{Key: followPrefix + k}
		if add {
			r.Value = []byte("1")
		}
		rows = append(rows, r)
	}
	if c.count {
		rows = append(rows, StateEntry{Key: followCountKey, Value: []byte(strconv.FormatInt(e.session.follows, 10))})
	}
	if c.room || (c.fresh && e.room != "") { // a new LIVE forgets every row but its room
		rows = append(rows, StateEntry{Key: roomKey, Value: []byte(e.room)})
	}
	slices.SortFunc(rows, func(a, b StateEntry) int { return strings.Compare(a.Key, b.Key) })
	reset = c.fresh
	clear(c.dirty)
	clear(c.follows)
	c.count, c.room, c.bad, c.fresh = false, false, nil, false
	return reset, rows
}

// savedStreak is a streak as stored. Settled ones keep only their count.
type savedStreak struct {
	Settled bool          `json:"settled,omitempty"`
	Max     int64         `json:"max,omitempty"`
	Acted   int64         `json:"acted"`
	Ended   bool          `json:"ended,omitempty"`
	Last    time.Time     `json:"last"`
	User    tikcraft.User `json:"user"`
	Gift    string        `json:"gift,omitempty"`
	GiftID  int64         `json:"gift_id,omitempty"`
	Coins   int64         `json:"coins,omitempty"` // diamonds per gift
}

func (s *streak) encode() []byte {
	b, _ := json.Marshal(savedStreak{Max: s.max, Acted: s.acted, Ended: s.ended, Last: s.last, User: s.user, Gift: s.gift, GiftID: s.giftID, Coins: s.coins})
	return b
}

const keyPrefix = "streak:"

// encodeKey writes the key as a JSON array: viewer-chosen names can hold
// any character, and this can never be ambiguous.
func encodeKey(k streakKey) string {
	b, _ := json.Marshal([3]string{k.user, k.gift, k.group})
	return keyPrefix + string(b)
}

func decodeKey(s string) (streakKey, error) {
	var a [3]string
	rest, ok := strings.CutPrefix(s, keyPrefix)
	if !ok {
		return streakKey{}, fmt.Errorf("unknown state key %q", s)
	}
	if err := json.Unmarshal([]byte(rest), &a); err != nil {
		return streakKey{}, err
	}
	return streakKey{a[0], a[1], a[2]}, nil
}

// Restore loads the state rows saved from Changes by an earlier run and
// turns change tracking on. Call it once, before the first event. Streaks
// left open come back open, with what they already fired, so each gift
// still fires exactly once: the caller settles them (Flush) or lets them
// run on (Tick settles those whose end never comes). Their rule is looked
// up again in the current actions file. Unreadable rows are logged,
// skipped and deleted at the next Changes. It returns how many streaks
// came back open.
func (e *Engine) Restore(rows []StateEntry) (open int) {
	e.track = &changes{dirty: map[streakKey]struct{}{}, follows: map[string]bool{}}
	type done struct {
		k streakKey
		s savedStreak
	}
	var settled []done
	for _, r := range rows {
		if f, ok := strings.CutPrefix(r.Key, followPrefix); ok {
			if _, evicted := e.follows.put(f, struct{}{}); evicted {
				e.log.Warn("more saved followers than follows.once_per_user remembers; the oldest are forgotten", "limit", e.cfg.MaxViewers)
			}
			continue
		}
		if r.Key == roomKey {
			e.room = string(r.Value)
			continue
		}
		if r.Key == followCountKey {
			n, err := strconv.ParseInt(string(r.Value), 10, 64)
			if err != nil || n < 0 {
				e.log.Warn("the saved follow count could not be read; counting from 0", "value", string(r.Value))
				e.track.bad = append(e.track.bad, r.Key)
				continue
			}
			e.session.follows = n
			continue
		}
		k, err := decodeKey(r.Key)
		var s savedStreak
		if err == nil {
			err = json.Unmarshal(r.Value, &s)
		}
		if err != nil {
			e.log.Warn("a saved gift streak could not be read; it is dropped", "key", r.Key, "error", err)
			e.track.bad = append(e.track.bad, r.Key)
			continue
		}
		if s.Settled {
			settled = append(settled, done{k, s})
			continue
		}
		e.streaks[k] = &streak{key: k, max: s.Max, acted: s.Acted, ended: s.Ended, last: s.Last,
			trigger: e.rules.MatchGift(tikcraft.Gift{ID: s.GiftID, Name: s.Gift, Diamonds: s.Coins}), user: s.User, gift: s.Gift, giftID: s.GiftID, coins: s.Coins}
		if s.Max > s.Acted {
			open++
		}
	}
	// Oldest first, so that the oldest are forgotten first again.
	slices.SortStableFunc(settled, func(a, b done) int { return a.s.Last.Compare(b.s.Last) })
	for _, d := range settled {
		if old, ok := e.settled.add(d.k, d.s.Acted, d.s.Last); ok {
			e.touch(old)
		}
	}
	return open
}

// NewSession forgets every streak, like a stream end, and makes the next
// Changes say so: a replay or a demo starts its own session after
// settling what an earlier run left open.
func (e *Engine) NewSession() {
	e.resetSession()
}
