package tikcraft

import (
	"strings"
	"time"
)

// EventType names an event kind exactly as it is spelled in the JSONL event
// format ("gift", "follow", ...).
type EventType string

// The event types. The string values are part of the JSONL contract.
const (
	TypeGift       EventType = "gift"
	TypeFollow     EventType = "follow"
	TypeShare      EventType = "share"
	TypeLike       EventType = "like"
	TypeJoin       EventType = "join"
	TypeChat       EventType = "chat"
	TypeSubscribe  EventType = "subscribe"
	TypeViewers    EventType = "viewers"
	TypeConnect    EventType = "connect"
	TypeDisconnect EventType = "disconnect"
	TypeStreamEnd  EventType = "stream_end"
)

// Event is one thing that happened on the stream. It is implemented only by
// the pointer types of this package (*GiftEvent, *FollowEvent, ...); use a
// type switch to handle them.
type Event interface {
	Type() EventType
	EventMeta() *Meta
}

// Meta is what every event carries besides its payload. All fields are
// optional: MsgID deduplicates re-delivered messages, Time orders replays,
// Test marks an event fired from the dashboard's test panel or `tikcraft
// trigger` rather than sent by a viewer.
type Meta struct {
	MsgID string
	Time  time.Time
	Test  bool
}

// EventMeta returns m itself; embedding Meta gives every event this method.
func (m *Meta) EventMeta() *Meta { return m }

// MessageKey tells apart the messages TikTok may send twice: ev's type and
// msg_id ("gift:7312"), as ids are unique only within a type; "" when ev
// has no msg_id and cannot be told apart (recent.IDs takes "" as new).
// The engine, the dashboard and the overlays drop an event whose key they
// have seen.
func MessageKey(ev Event) string {
	id := ev.EventMeta().MsgID
	if id == "" {
		return ""
	}
	return string(ev.Type()) + ":" + id
}

// User is a viewer. Any field may be empty: TikTok omits them freely.
type User struct {
	ID       string // numeric user id, as a string
	UniqueID string // the @handle, e.g. "anna_123"
	Nickname string // display name, free text chosen by the viewer
	// What TikTok says about the viewer's relation to the streamer, for
	// the actions file's audience filters. False when TikTok did not say.
	Follower   bool // follows the streamer
	Subscriber bool // subscribed to the streamer
	Moderator  bool // a moderator of the streamer's LIVE
	// FanClub: a member of the streamer's fan club (team), from the fan
	// club badge, which TikTok sends with some messages only.
	FanClub bool
}

// Name is the stable name used for {user}: the unique id, else the nickname,
// else a name derived from the numeric id, else "anonymous". It never panics
// and never returns "".
func (u *User) Name() string {
	if u == nil {
		return "anonymous"
	}
	if s := strings.TrimSpace(u.UniqueID); s != "" {
		return s
	}
	if s := strings.TrimSpace(u.Nickname); s != "" {
		return s
	}
	if s := strings.TrimSpace(u.ID); s != "" {
		return "user" + s
	}
	return "anonymous"
}

// DisplayName is what to show a human: the nickname, else Name().
func (u *User) DisplayName() string {
	if u != nil {
		if s := strings.TrimSpace(u.Nickname); s != "" {
			return s
		}
	}
	return u.Name()
}

// Key identifies the user for deduplication: the numeric id when known,
// else the unique id, else the nickname.
func (u *User) Key() string {
	switch {
	case u == nil:
		return ""
	case u.ID != "":
		return "id:" + u.ID
	case u.UniqueID != "":
		return "uid:" + u.UniqueID
	case u.Nickname != "":
		return "nick:" + u.Nickname
	}
	return ""
}

// Gift describes the gift type, not one sending of it.
type Gift struct {
	ID       int64
	Name     string
	Combo    bool  // streakable (TikTok gift type 1): arrives as a streak of updates
	Diamonds int64 // price of one gift in diamonds
}

// GiftEvent is one gift message. For a combo gift TikTok sends updates with
// RepeatEnd=false and a growing RepeatCount, then one message with
// RepeatEnd=true and the final count.
type GiftEvent struct {
	Meta
	User        User
	Gift        Gift
	RepeatCount int64 // 0 means 1
	RepeatEnd   bool
	GroupID     string
}

// Streaking reports whether this message is an intermediate update of a
// combo streak that has not ended yet.
func (e *GiftEvent) Streaking() bool { return e.Gift.Combo && !e.RepeatEnd }

// Count is RepeatCount with the "missing means 1" rule applied.
func (e *GiftEvent) Count() int64 {
	if e.RepeatCount <= 0 {
		return 1
	}
	return e.RepeatCount
}

// FollowEvent: a viewer followed the streamer.
type FollowEvent struct {
	Meta
	User User
}

// ShareEvent: a viewer shared the stream.
type ShareEvent struct {
	Meta
	User User
}

// JoinEvent: a viewer entered the room.
type JoinEvent struct {
	Meta
	User User
}

// SubscribeEvent: a viewer subscribed.
type SubscribeEvent struct {
	Meta
	User User
}

// LikeEvent carries the likes of one message (Count) and the room's running
// total (Total), either of which may be 0 when unknown.
type LikeEvent struct {
	Meta
	User  User
	Count int64
	Total int64
}

// ChatEvent is a chat comment.
type ChatEvent struct {
	Meta
	User User
	Text string
}

// ViewersEvent is the current viewer count.
type ViewersEvent struct {
	Meta
	Count int64
}

// ConnectEvent: the source connected to the stream.
type ConnectEvent struct {
	Meta
	RoomID string
}

// DisconnectEvent: the source lost the stream; it may reconnect.
type DisconnectEvent struct {
	Meta
	Reason string
}

// StreamEndEvent: the LIVE ended. Open gift streaks are flushed.
type StreamEndEvent struct {
	Meta
}

func (e *GiftEvent) Type() EventType       { return TypeGift }
func (e *FollowEvent) Type() EventType     { return TypeFollow }
func (e *ShareEvent) Type() EventType      { return TypeShare }
func (e *JoinEvent) Type() EventType       { return TypeJoin }
func (e *SubscribeEvent) Type() EventType  { return TypeSubscribe }
func (e *LikeEvent) Type() EventType       { return TypeLike }
func (e *ChatEvent) Type() EventType       { return TypeChat }
func (e *ViewersEvent) Type() EventType    { return TypeViewers }
func (e *ConnectEvent) Type() EventType    { return TypeConnect }
func (e *DisconnectEvent) Type() EventType { return TypeDisconnect }
func (e *StreamEndEvent) Type() EventType  { return TypeStreamEnd }
