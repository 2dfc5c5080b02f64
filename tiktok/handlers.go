package tiktok

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
)

// Handlers run on a goroutine of their own, one event at a time, in the
// order TikTok sent the events, and for each event in the order they were
// registered. Between the socket and the handlers is a buffer of
// Config.EventBuffer events: every frame is read, decoded and acknowledged
// as soon as it arrives, and heartbeats go out on their own schedule, so a
// slow handler never stalls the connection. If the handlers fall so far
// behind that the buffer fills, the client logs it and stops reading from
// the socket until there is room again (TikTok holds the messages; heartbeats
// go on and the watchdog does not count this as silence): no event is ever
// dropped. Run returns only after every event has been handled.

// OnEvent registers fn for every event, including ConnectEvent,
// DisconnectEvent and StreamEndEvent.
func (c *Client) OnEvent(fn func(tikcraft.Event)) { c.addHandler(fn) }

// OnGift registers fn for gifts, including every update of a combo streak
// (see tikcraft.GiftEvent.Streaking).
func (c *Client) OnGift(fn func(*tikcraft.GiftEvent)) { on(c, fn) }

// OnFollow registers fn for follows.
func (c *Client) OnFollow(fn func(*tikcraft.FollowEvent)) { on(c, fn) }

// OnShare registers fn for shares.
func (c *Client) OnShare(fn func(*tikcraft.ShareEvent)) { on(c, fn) }

// OnLike registers fn for likes.
func (c *Client) OnLike(fn func(*tikcraft.LikeEvent)) { on(c, fn) }

// OnJoin registers fn for viewers entering the LIVE.
func (c *Client) OnJoin(fn func(*tikcraft.JoinEvent)) { on(c, fn) }

// OnChat registers fn for chat comments.
func (c *Client) OnChat(fn func(*tikcraft.ChatEvent)) { on(c, fn) }

// OnSubscribe registers fn for subscriptions.
func (c *Client) OnSubscribe(fn func(*tikcraft.SubscribeEvent)) { on(c, fn) }

// OnViewers registers fn for viewer counts.
func (c *Client) OnViewers(fn func(*tikcraft.ViewersEvent)) { on(c, fn) }

// OnConnect registers fn for each time the client connects to the LIVE.
func (c *Client) OnConnect(fn func(*tikcraft.ConnectEvent)) { on(c, fn) }

// OnDisconnect registers fn for each time the connection ends; the client
// reconnects by itself unless Run is returning.
func (c *Client) OnDisconnect(fn func(*tikcraft.DisconnectEvent)) { on(c, fn) }

// OnStreamEnd registers fn for the end of the LIVE; the client then waits
// for the next one.
func (c *Client) OnStreamEnd(fn func(*tikcraft.StreamEndEvent)) { on(c, fn) }

func on[E tikcraft.Event](c *Client, fn func(E)) {
	if fn == nil {
		return
	}
	c.addHandler(func(ev tikcraft.Event) {
		if e, ok := ev.(E); ok {
			fn(e)
		}
	})
}

func (c *Client) addHandler(fn func(tikcraft.Event)) {
	if fn == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A new slice each time: dispatch reads the old one without a lock.
	hs := make([]func(tikcraft.Event), len(c.handlers), len(c.handlers)+1)
	copy(hs, c.handlers)
	c.handlers = append(hs, fn)
}

// dispatch runs every handler on ev. A panicking handler is logged on
// crashed with the event it got; the other handlers still run.
func (c *Client) dispatch(ev tikcraft.Event, crashed *lograte.Line) {
	c.mu.Lock()
	hs := c.handlers
	c.mu.Unlock()
	for i, h := range hs {
		call(i, h, ev, crashed)
	}
}

func call(i int, h func(tikcraft.Event), ev tikcraft.Event, crashed *lograte.Line) {
	defer func() {
		if r := recover(); r != nil {
			crashed.Log("handler", i+1, "event", string(ev.Type()), "msg_id", ev.EventMeta().MsgID,
				"detail", fmt.Sprintf("%+v", ev), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	h(ev)
}

// eventAttrs is how events appear in this package's log lines.
func eventAttrs(ev tikcraft.Event) slog.Attr {
	return slog.Group("event", "type", string(ev.Type()), "msg_id", ev.EventMeta().MsgID)
}
