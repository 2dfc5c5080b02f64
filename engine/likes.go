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
	for i, r := range e.cfg.Likes {
		if r.Every <= 0 {
			continue
		}
		due := c.session/r.Every - c.fired[i]
		if due <= 0 {
			continue
		}
		if due > e.cfg.MaxRepeat {
			e.log.Warn("like rule firings clipped to gifts.max_repeat", "rule", r.ID, "due", due, "max_repeat", e.cfg.MaxRepeat)
			c.fired[i] += due - e.cfg.MaxRepeat
			due = e.cfg.MaxRepeat
		}
		c.fired[i] += due
		u := ev.User
		if r.Payload != "" {
			u = tikcraft.User{UniqueID: r.Payload, Nickname: r.Payload}
		}
		out = append(out, e.fire(r.Function, &u, "", due, "likes "+r.ID)...)
	}
	return out
}

// Likes is the like count of the session so far.
func (e *Engine) Likes() int64 { return e.likes.session }
