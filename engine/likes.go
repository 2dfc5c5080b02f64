package engine

import (
	"github.com/tikcraft/tikcraft"
)

// likeCounter counts the likes of the session. TikTok sends each like
// message with its own count and the room's running total. The total is
// authoritative when present (it survives lost messages), offset by a
// baseline taken from the first message so that the likes of that first
// message count too; without totals the counts are summed. The session
// count never goes backwards.
type likeCounter struct {
	session     int64
	baseline    int64
	hasBaseline bool
	fired       []int64 // per like rule: firings so far
}

func (e *Engine) like(ev *tikcraft.LikeEvent) []tikcraft.Action {
	c := &e.likes
	count, total := ev.Count, ev.Total
	if count < 0 {
		e.warnOnce("a like message had a negative count; ignoring its count", "event", describe(ev))
		count = 0
	}
	if total > 0 {
		if !c.hasBaseline {
			c.baseline = total - count - c.session
			c.hasBaseline = true
		}
		if t := total - c.baseline; t > c.session {
			c.session = t
		} else if t < c.session-count {
			e.warnOnce("like totals went backwards (messages out of order?); keeping the higher count", "event", describe(ev))
		}
	} else {
		c.session += count
	}

	var out []tikcraft.Action
	var mine []int64 // this viewer's likes and per-user firings, if needed
	for i, r := range e.cfg.Likes {
		if r.Every <= 0 {
			continue
		}
		if r.PerUser {
			if mine == nil {
				mine = e.viewerLikes(&ev.User, count)
			}
			if due := mine[0]/r.Every - mine[1+i]; due > 0 {
				mine[1+i] += due
				out = append(out, e.fireLikes(r, ev.User, due)...)
			}
			continue
		}
		due := c.session/r.Every - c.fired[i]
		if due <= 0 {
			continue
		}
		c.fired[i] += due
		out = append(out, e.fireLikes(r, ev.User, due)...)
	}
	return out
}

// fireLikes fires like rule r due times (at most gifts.max_repeat: the
// rest count as fired, so a flood cannot queue them later).
func (e *Engine) fireLikes(r LikeRule, u tikcraft.User, due int64) []tikcraft.Action {
	if due > e.cfg.MaxRepeat {
		e.warnOnce("like rule firings clipped to gifts.max_repeat", "rule", r.ID, "due", due, "max_repeat", e.cfg.MaxRepeat)
		due = e.cfg.MaxRepeat
	}
	if r.Payload != "" {
		u = tikcraft.User{UniqueID: r.Payload, Nickname: r.Payload}
	}
	return e.fire(r.Function, &u, Vars{}, due, "likes "+r.ID, false)
}

// viewerLikes adds count to u's likes this LIVE and returns u's tally:
// [likes, firings of like rule 0, of rule 1, ...]. Counts add up in any
// order, so likes arriving out of order fire the same.
func (e *Engine) viewerLikes(u *tikcraft.User, count int64) []int64 {
	k := userKey(u)
	t, ok := e.session.userLikes.get(k)
	if !ok {
		t = make([]int64, 1+len(e.cfg.Likes))
		e.session.userLikes.put(k, t)
	}
	t[0] += count
	return t
}

// Likes is the like count of the session so far.
func (e *Engine) Likes() int64 { return e.likes.session }
